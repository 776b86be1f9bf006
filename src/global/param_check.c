/*++
 * NAME
 *	param_check - value checks for parameters with a fixed vocabulary
 * SYNOPSIS
 *	#include <param_table.h>
 *
 *	const char *param_check_tls_loglevel(const char *value);
 *	const char *param_check_tls_level(const char *value);
 *	const char *param_check_cipher_grade(const char *value);
 *	const char *param_check_mynetworks_style(const char *value);
 *	const char *param_check_inet_protocols(const char *value);
 *	const char *param_check_compatibility_level(const char *value);
 *	const char *param_check_dane_mx_policy(const char *value);
 *	const char *param_check_line_length_limit(const char *value);
 * DESCRIPTION
 *	Each function checks an expanded parameter value. It returns NULL
 *	when the value is acceptable, otherwise a constant text that says
 *	what is expected; the caller adds the parameter name, the value and
 *	where it was set.
 *
 *	param_check_tls_loglevel() accepts what the TLS log levels accept: a
 *	number 0..9, or a list of the level keywords (none, routine, debug,
 *	ssl-expert, ssl-developer) and detail keywords (summary, untrusted,
 *	peercert, certmatch, verbose, cache, dane, ssl-debug,
 *	ssl-handshake-packet-dump, ssl-session-packet-dump), separated by
 *	white space, commas or colons.
 *
 *	param_check_tls_level() accepts an empty value or one TLS security
 *	level name. param_check_cipher_grade() accepts high, medium, low,
 *	export or null. param_check_mynetworks_style() accepts host, subnet
 *	or class. param_check_inet_protocols() accepts all, or a list of
 *	ipv4 and ipv6. param_check_compatibility_level() accepts 0, 1, 2 or
 *	a release number major.minor[.patch]. param_check_dane_mx_policy()
 *	accepts may, encrypt or dane. param_check_line_length_limit()
 *	accepts 0 (no limit) or a length of at least 40 (a line broken
 *	into pieces shorter than that makes no sense, and a limit of 1
 *	leaves no room beside the space that starts each piece).
 *--*/

/* System library. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "param_table.h"

/* TLS library. */
#include "tls_level.h"

/* param_word_in - is word (of length len) one of the null-terminated names */

static int param_word_in(const char *word, size_t len, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && strncasecmp(word, names[i], len) == 0)
            return 1;
    return 0;
}

/* param_check_words - every word of value must be in names; empty per allow_empty */

static int param_check_words(const char *value, const char *delim, const char *const *names,
                             int allow_empty)
{
    const char *cp = value;
    int words = 0;

    for (;;) {
        size_t len;

        cp += strspn(cp, delim);
        if (*cp == 0)
            break;
        len = strcspn(cp, delim);
        if (!param_word_in(cp, len, names))
            return 0;
        words++;
        cp += len;
    }
    return words > 0 || allow_empty;
}

/* param_check_tls_loglevel - TLS log level: number or keywords */

const char *param_check_tls_loglevel(const char *value)
{
    static const char *const keywords[] = {
        "none",
        "routine",
        "debug",
        "ssl-expert",
        "ssl-developer",
        "summary",
        "untrusted",
        "peercert",
        "certmatch",
        "verbose",
        "cache",
        "dane",
        "ssl-debug",
        "ssl-handshake-packet-dump",
        "ssl-session-packet-dump",
        NULL,
    };
    char *copy = mystrdup(value);
    char *trimmed = trim_blanks(copy);
    int ok;

    if (alldig(trimmed))
        ok = strlen(trimmed) == 1;
    else
        ok = param_check_words(trimmed, " \t\r\n,:", keywords, 0);
    myfree(copy);
    return ok ? NULL
              : "expected a number 0..9 or keywords none, routine, debug, ssl-expert, "
                "ssl-developer, summary, untrusted, peercert, certmatch, verbose, cache, "
                "dane, ssl-debug, ssl-handshake-packet-dump, ssl-session-packet-dump";
}

/* param_check_level_word - the client level that value names as its only word */

static int param_check_level_word(const char *value)
{
    const char *cp = value + strspn(value, BLANKS);
    size_t len = strcspn(cp, BLANKS);
    char *word;
    int level;

    if (*cp == 0 || cp[len + strspn(cp + len, BLANKS)] != 0)
        return TLS_LEV_INVALID;
    word = mystrndup(cp, len);
    level = tls_level_lookup(word);
    myfree(word);
    return level;
}

/* param_check_tls_level - TLS security level name, or empty */

const char *param_check_tls_level(const char *value)
{
    static VSTRING *expected;

    if (value[strspn(value, BLANKS)] == 0 || param_check_level_word(value) != TLS_LEV_INVALID)
        return NULL;
    if (expected == NULL) {
        VSTRING *names = vstring_alloc(100);

        expected = vstring_alloc(100);
        vstring_sprintf(expected, "expected an empty value or one of %s",
                        tls_level_list(names, TLS_LEVEL_ROLE_CLIENT));
        vstring_free(names);
    }
    return vstring_str(expected);
}

/* param_check_one_of - value is exactly one of names */

static int param_check_one_of(const char *value, const char *const *names)
{
    const char *cp = value + strspn(value, BLANKS);
    size_t len = strcspn(cp, BLANKS);

    return len > 0 && cp[len + strspn(cp + len, BLANKS)] == 0 && param_word_in(cp, len, names);
}

/* param_check_cipher_grade - high, medium, low, export or null */

const char *param_check_cipher_grade(const char *value)
{
    static const char *const grades[] = {"high", "medium", "low", "export", "null", NULL};

    return param_check_one_of(value, grades) ? NULL
                                             : "expected one of high, medium, low, export, null";
}

/* param_check_mynetworks_style - host, subnet or class */

const char *param_check_mynetworks_style(const char *value)
{
    static const char *const styles[] = {"host", "subnet", "class", NULL};

    return param_check_one_of(value, styles) ? NULL : "expected one of host, subnet, class";
}

/* param_check_inet_protocols - all, or ipv4 and/or ipv6 */

const char *param_check_inet_protocols(const char *value)
{
    static const char *const all[] = {"all", NULL};
    static const char *const families[] = {"ipv4", "ipv6", NULL};

    if (param_check_one_of(value, all) || param_check_words(value, " \t\r\n,", families, 1))
        return NULL;
    return "expected all, or a list of ipv4 and ipv6";
}

/* param_check_compatibility_level - 0, 1, 2 or major.minor[.patch] */

const char *param_check_compatibility_level(const char *value)
{
    const char *cp = value + strspn(value, BLANKS);
    int parts = 0;

    while (isdigit((unsigned char)*cp)) {
        while (isdigit((unsigned char)*cp))
            cp++;
        parts++;
        if (*cp != '.' || parts == 3 || !isdigit((unsigned char)cp[1]))
            break;
        cp++;
    }
    cp += strspn(cp, BLANKS);
    if (parts > 0 && *cp == 0)
        return NULL;
    return "expected a level such as 2 or 3.8";
}

/* param_check_dane_mx_policy - may, encrypt or dane */

const char *param_check_dane_mx_policy(const char *value)
{
    static const int policies[] = {TLS_LEV_MAY, TLS_LEV_ENCRYPT, TLS_LEV_DANE};
    static VSTRING *expected;
    int level = param_check_level_word(value);

    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        if (level == policies[i])
            return NULL;
    if (expected == NULL) {
        expected = vstring_alloc(100);
        vstring_strcpy(expected, "expected one of ");
        for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
            vstring_sprintf_append(expected, "%s%s", i ? ", " : "", tls_level_name(policies[i]));
    }
    return vstring_str(expected);
}

/* param_check_line_length_limit - 0, or a usable line length */

const char *param_check_line_length_limit(const char *value)
{
    long number = strtol(value, NULL, 10);

    return number == 0 || number >= 40 ? NULL : "expected 0 (no limit) or at least 40";
}
