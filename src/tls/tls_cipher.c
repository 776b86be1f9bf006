/*++
 * NAME
 *	tls_cipher - cipher grades and exclusions to an OpenSSL cipher list
 * SYNOPSIS
 *	#include <tls_cipher.h>
 *
 *	int	tls_cipher_grade(const char *name);
 *	const char *tls_cipher_grade_name(int grade);
 *	const char *tls_cipher_list(VSTRING *out, const TLS_PARAMS *params,
 *				const char *grade, const char *exclusions,
 *				VSTRING *why);
 * DESCRIPTION
 *	tls_cipher_grade() maps a grade name (case-insensitive) to
 *	TLS_CIPHER_HIGH, _MEDIUM or _NULL; "low" and "export" give
 *	TLS_CIPHER_MEDIUM. An unknown name gives TLS_CIPHER_NONE.
 *	tls_cipher_grade_name() maps back.
 *
 *	tls_cipher_list() builds the OpenSSL cipher list for a grade and
 *	exclusion list from the grade definitions in params (NULL: the
 *	defaults) into out, checks that OpenSSL selects at least one cipher
 *	from it, and returns vstring_str(out). On error it returns NULL with
 *	the reason in why (may be NULL): an unknown grade, a bad exclusion
 *	token, or a list that selects no cipher.
 *--*/

#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls_cipher.h"

#define TLS_CIPHER_SEP " \t\r\n,:"

/* tls_cipher_grade - grade number by name */

int tls_cipher_grade(const char *name)
{
    static const struct {
        const char *name;
        int grade;
    } table[] = {
        {"high", TLS_CIPHER_HIGH},     {"medium", TLS_CIPHER_MEDIUM}, {"low", TLS_CIPHER_MEDIUM},
        {"export", TLS_CIPHER_MEDIUM}, {"null", TLS_CIPHER_NULL},
    };

    for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
        if (strcasecmp(name, table[i].name) == 0)
            return table[i].grade;
    return TLS_CIPHER_NONE;
}

/* tls_cipher_grade_name - grade name by number */

const char *tls_cipher_grade_name(int grade)
{
    switch (grade) {
    case TLS_CIPHER_HIGH:
        return "high";
    case TLS_CIPHER_MEDIUM:
        return "medium";
    case TLS_CIPHER_NULL:
        return "null";
    default:
        return "none";
    }
}

/* tls_cipher_selects_any - does OpenSSL select a TLS <= 1.2 cipher from the list */

static int tls_cipher_selects_any(const char *list)
{
    static VSTRING *last_ok;
    SSL_CTX *ctx;
    int ok;

    if (last_ok && strcmp(vstring_str(last_ok), list) == 0)
        return 1;
    if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
        return 0;
    SSL_CTX_set_security_level(ctx, 0);
    ok = SSL_CTX_set_cipher_list(ctx, list) == 1;
    SSL_CTX_free(ctx);
    ERR_clear_error();
    if (ok) {
        if (last_ok == NULL)
            last_ok = vstring_alloc(100);
        vstring_strcpy(last_ok, list);
    }
    return ok;
}

/* tls_cipher_list - grade and exclusions to a checked cipher list */

const char *tls_cipher_list(VSTRING *out, const TLS_PARAMS *params, const char *grade,
                            const char *exclusions, VSTRING *why)
{
    const char *base;
    char *copy, *cp, *tok;
    int bad = 0;

    params = tls_params_or_default(params);
    switch (tls_cipher_grade(grade)) {
    case TLS_CIPHER_HIGH:
        base = params->high_cipherlist;
        break;
    case TLS_CIPHER_MEDIUM:
        base = params->medium_cipherlist;
        break;
    case TLS_CIPHER_NULL:
        base = params->null_cipherlist;
        break;
    default:
        if (why)
            vstring_sprintf(why, "invalid cipher grade \"%s\"", grade ? grade : "");
        return NULL;
    }
    vstring_strcpy(out, base);
    cp = copy = mystrdup(exclusions ? exclusions : "");
    while (!bad && (tok = mystrtok(&cp, TLS_CIPHER_SEP)) != NULL) {
        if (strchr("!+-@", *tok)) {
            if (why)
                vstring_sprintf(why, "invalid unary '!+-@' in cipher exclusion \"%s\"", tok);
            bad = 1;
        } else {
            vstring_sprintf_append(out, ":!%s", tok);
        }
    }
    myfree(copy);
    if (bad)
        return NULL;
    if (!tls_cipher_selects_any(vstring_str(out))) {
        if (why)
            vstring_sprintf(why, "cipher list \"%s\" selects no cipher", vstring_str(out));
        return NULL;
    }
    return vstring_str(out);
}
