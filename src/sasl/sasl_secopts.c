/*++
 * NAME
 *	sasl_secopts - SASL security options
 * SYNOPSIS
 *	#include <sasl_secopts.h>
 *
 *	int	sasl_secopts_parse(const char *text, int *mask, const char **bad_word);
 *	const char *sasl_secopts_names(void);
 * DESCRIPTION
 *	sasl_secopts_parse() turns a value of smtpd_sasl_security_options,
 *	smtpd_sasl_tls_security_options, smtp_sasl_security_options and the
 *	like into a mask of SASL_SECOPT_* bits. The words are separated by
 *	white space or commas and are case-insensitive: noplaintext,
 *	noactive, nodictionary, noanonymous, mutual_auth, forward_secrecy.
 *	An empty value is an empty mask. It returns 0, or -1 with *bad_word
 *	pointing to a static copy of the first word it does not know (the
 *	mask is then not changed).
 *
 *	sasl_secopts_names() lists the words, for error messages.
 *--*/

#include <string.h>
#include <strings.h>

#include "argv.h"
#include "vstring.h"

#include "sasl_secopts.h"

static const struct {
    const char *name;
    int mask;
} sasl_secopts_table[] = {
    {"noplaintext", SASL_SECOPT_NOPLAINTEXT},   {"noactive", SASL_SECOPT_NOACTIVE},
    {"nodictionary", SASL_SECOPT_NODICTIONARY}, {"noanonymous", SASL_SECOPT_NOANONYMOUS},
    {"mutual_auth", SASL_SECOPT_MUTUAL_AUTH},   {"forward_secrecy", SASL_SECOPT_FORWARD_SECRECY},
};

#define SASL_SECOPTS_N (sizeof(sasl_secopts_table) / sizeof(sasl_secopts_table[0]))

/* sasl_secopts_names - the words that sasl_secopts_parse() knows */

const char *sasl_secopts_names(void)
{
    return "noplaintext noactive nodictionary noanonymous mutual_auth forward_secrecy";
}

/* sasl_secopts_parse - words to mask */

int sasl_secopts_parse(const char *text, int *mask, const char **bad_word)
{
    static VSTRING *bad;
    ARGV *words = argv_split(text, " \t\r\n,");
    int result = 0;

    for (size_t i = 0; i < words->argc; i++) {
        size_t n;

        for (n = 0; n < SASL_SECOPTS_N; n++)
            if (strcasecmp(words->argv[i], sasl_secopts_table[n].name) == 0)
                break;
        if (n == SASL_SECOPTS_N) {
            if (bad == NULL)
                bad = vstring_alloc(20);
            vstring_strcpy(bad, words->argv[i]);
            *bad_word = vstring_str(bad);
            argv_free(words);
            return -1;
        }
        result |= sasl_secopts_table[n].mask;
    }
    argv_free(words);
    *mask = result;
    return 0;
}
