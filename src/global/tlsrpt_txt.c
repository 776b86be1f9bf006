/*++
 * NAME
 *	tlsrpt_txt - the TLSRPT policy of a domain (RFC 8460 section 3)
 * SYNOPSIS
 *	#include "tlsrpt_txt.h"
 *
 *	int	tlsrpt_txt_parse(const char *text, ARGV *out_rua, VSTRING *why);
 *	int	tlsrpt_txt_select(const ARGV *records, ARGV *out_rua,
 *				VSTRING *why);
 *	int	tlsrpt_txt_lookup(DNS_RESOLVER *resolver, const char *domain,
 *				ARGV *out_rua, VSTRING *why);
 * DESCRIPTION
 *	tlsrpt_txt_parse() reads one TXT record. A record that does not
 *	start with "v=TLSRPTv1" (then optional white space and ";", or the
 *	end) is not a TLSRPT record: TLSRPT_TXT_NONE. Otherwise the fields
 *	that follow, separated by ";" with optional white space around
 *	them, must be "name=value" pairs with names of letters, digits,
 *	"_", "-" and "." (starting with a letter or digit), one of them
 *	"rua" (once): a comma-separated list of "mailto:" and "https:"
 *	URIs, appended to out_rua. Other fields (extensions) are ignored.
 *	URIs of other schemes are ignored too; a record whose rua has none
 *	that we can use is TLSRPT_TXT_INVALID, as is any syntax error.
 *
 *	tlsrpt_txt_select() applies the rule for the TXT RRset: exactly one
 *	TLSRPT record must be present (TLSRPT_TXT_NONE when there is none,
 *	TLSRPT_TXT_INVALID when there are more).
 *
 *	tlsrpt_txt_lookup() looks up _smtp._tls.domain with the resolver
 *	and selects; a name or type that does not exist is
 *	TLSRPT_TXT_NONE, a failed lookup TLSRPT_TXT_RETRY.
 *
 *	why says what was wrong when the result is not TLSRPT_TXT_OK.
 * SEE ALSO
 *	RFC 8460 section 3, tlsrpt(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "dns_answer.h"
#include "dns_lookup.h"
#include "tlsrpt_txt.h"

#define TLSRPT_TXT_VERSION "v=TLSRPTv1"

/* tlsrpt_txt_space - skip white space */

static const char *tlsrpt_txt_space(const char *cp)
{
    while (*cp == ' ' || *cp == '\t')
        cp++;
    return cp;
}

/* tlsrpt_txt_name_ok - a field name */

static int tlsrpt_txt_name_ok(const char *name, size_t len)
{
    if (len == 0 || !isalnum((unsigned char)*name))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)name[i]) && strchr("_-.", name[i]) == NULL)
            return 0;
    return 1;
}

/* tlsrpt_txt_rua - the URIs of a rua field */

static int tlsrpt_txt_rua(const char *value, size_t len, ARGV *out_rua, VSTRING *why)
{
    char *copy = mystrndup(value, len), *cp = copy, *uri;
    int usable = 0;

    while ((uri = strsep(&cp, ",")) != NULL) {
        uri = (char *)tlsrpt_txt_space(uri);
        for (char *end = uri + strlen(uri); end > uri && (end[-1] == ' ' || end[-1] == '\t');)
            *--end = 0;
        if (*uri == 0) {
            vstring_sprintf(why, "empty URI in rua");
            myfree(copy);
            return -1;
        }
        if ((strncasecmp(uri, "mailto:", 7) == 0 && uri[7] != 0) ||
            (strncasecmp(uri, "https://", 8) == 0 && uri[8] != 0)) {
            argv_add(out_rua, uri);
            usable++;
        }
    }
    myfree(copy);
    if (usable == 0) {
        vstring_sprintf(why, "no mailto: or https: URI in rua");
        return -1;
    }
    return 0;
}

/* tlsrpt_txt_parse - one TXT record */

int tlsrpt_txt_parse(const char *text, ARGV *out_rua, VSTRING *why)
{
    size_t vlen = strlen(TLSRPT_TXT_VERSION);
    const char *cp, *field, *end, *eq;
    int rua_seen = 0;
    size_t start = out_rua->argc;

    if (strncmp(text, TLSRPT_TXT_VERSION, vlen) != 0)
        return TLSRPT_TXT_NONE;
    cp = tlsrpt_txt_space(text + vlen);
    if (*cp != 0 && *cp != ';')
        return TLSRPT_TXT_NONE;
    while (*cp == ';') {
        cp = tlsrpt_txt_space(cp + 1);
        if (*cp == 0)
            break;
        field = cp;
        end = field + strcspn(field, ";");
        cp = end;
        while (end > field && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if ((eq = memchr(field, '=', (size_t)(end - field))) == NULL ||
            !tlsrpt_txt_name_ok(field, (size_t)(eq - field))) {
            vstring_sprintf(why, "malformed field \"%.*s\"", (int)(end - field), field);
            goto invalid;
        }
        if (eq - field == 3 && strncmp(field, "rua", 3) == 0) {
            if (rua_seen++) {
                vstring_sprintf(why, "more than one rua field");
                goto invalid;
            }
            if (tlsrpt_txt_rua(eq + 1, (size_t)(end - eq - 1), out_rua, why) < 0)
                goto invalid;
        }
    }
    if (*cp != 0) {
        vstring_sprintf(why, "malformed record");
        goto invalid;
    }
    if (!rua_seen) {
        vstring_sprintf(why, "no rua field");
        goto invalid;
    }
    return TLSRPT_TXT_OK;

invalid:
    argv_truncate(out_rua, start);
    return TLSRPT_TXT_INVALID;
}

/* tlsrpt_txt_select - exactly one TLSRPT record */

int tlsrpt_txt_select(const ARGV *records, ARGV *out_rua, VSTRING *why)
{
    int found = 0, status = TLSRPT_TXT_NONE;
    size_t start = out_rua->argc;

    for (size_t i = 0; i < records->argc; i++) {
        int one = tlsrpt_txt_parse(records->argv[i], out_rua, why);

        if (one == TLSRPT_TXT_NONE)
            continue;
        if (++found > 1) {
            vstring_sprintf(why, "more than one TLSRPTv1 record");
            status = TLSRPT_TXT_INVALID;
            break;
        }
        status = one;
    }
    if (status != TLSRPT_TXT_OK)
        argv_truncate(out_rua, start);
    if (status == TLSRPT_TXT_NONE)
        vstring_sprintf(why, "no TLSRPTv1 record");
    return status;
}

/* tlsrpt_txt_lookup - the policy of a domain */

int tlsrpt_txt_lookup(DNS_RESOLVER *resolver, const char *domain, ARGV *out_rua, VSTRING *why)
{
    VSTRING *name = vstring_alloc(100);
    DNS_ANSWER answer = {0};
    ARGV *records = argv_alloc(2);
    int status;

    vstring_sprintf(name, "_smtp._tls.%s", domain);
    switch (dns_lookup(resolver, vstring_str(name), DNS_T_TXT, &answer, why)) {
    case DNS_OK:
        for (size_t i = 0; i < answer.count; i++)
            if (answer.rr[i].type == DNS_T_TXT)
                argv_addn(records, (const char *)answer.rr[i].data, answer.rr[i].data_len);
        status = tlsrpt_txt_select(records, out_rua, why);
        break;
    case DNS_NOTFOUND:
    case DNS_NODATA:
        vstring_sprintf(why, "no TXT record for %s", vstring_str(name));
        status = TLSRPT_TXT_NONE;
        break;
    default:
        status = TLSRPT_TXT_RETRY;
        break;
    }
    dns_answer_free(&answer);
    argv_free(records);
    vstring_free(name);
    return status;
}
