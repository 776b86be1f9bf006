/*++
 * NAME
 *	sts_policy - MTA-STS (RFC 8461) records and policies
 * SYNOPSIS
 *	#include <sts_policy.h>
 *
 *	int	sts_txt_parse(const char *text, VSTRING *out_id, VSTRING *why);
 *	int	sts_txt_select(const ARGV *records, VSTRING *out_id,
 *				VSTRING *why);
 *	STS_POLICY *sts_policy_parse(const char *text, size_t len,
 *				VSTRING *why);
 *	STS_POLICY *sts_policy_free(STS_POLICY *policy);
 *	bool	sts_policy_mx_match(const STS_POLICY *policy,
 *				const char *host);
 *	const char *sts_mode_name(int mode);
 *	int	sts_mode_code(const char *name);
 * DESCRIPTION
 *	A domain announces MTA-STS with a TXT record at _mta-sts.<domain>
 *	("v=STSv1; id=20240101T000000;") and publishes its policy at
 *	https://mta-sts.<domain>/.well-known/mta-sts.txt. Both are input
 *	from the network; the parsers follow the ABNF of RFC 8461 sections
 *	3.1 and 3.2 and refuse anything else, with the reason in why.
 *
 *	sts_txt_parse() parses one TXT record (its character-strings
 *	joined): "v=STSv1" first (case-sensitive), then fields separated by
 *	";" with optional white space around it, a trailing ";" allowed;
 *	exactly one "id=" of 1 to 32 letters and digits; other fields are
 *	extensions ("name=value", the name a letter or digit and at most 31
 *	more letters, digits, "_", "-" or ".", the value printable ASCII
 *	without ";" and "="), ignored. It returns STS_TXT_OK with the id in
 *	out_id, STS_TXT_NONE when the record does not start with "v=STSv1"
 *	followed by a separator or its end (another kind of TXT record), or
 *	STS_TXT_INVALID.
 *
 *	sts_txt_select() applies RFC 8461 section 3.1 to all TXT records of
 *	_mta-sts.<domain>: records that do not start with "v=STSv1" are
 *	discarded; when none is left the result is STS_TXT_NONE; when more
 *	than one is left, or the one left is malformed, STS_TXT_INVALID
 *	(the sender then assumes that the domain has no policy).
 *
 *	sts_policy_parse() parses a policy file of len bytes: lines ending
 *	in LF or CRLF (the last one may lack it; line terminators at the end
 *	are ignored, an empty line elsewhere is an error), each "name:" with optional
 *	white space before the value and after it. Fields (case-sensitive):
 *	version (STSv1), mode (enforce, testing or none), max_age (1 to 10
 *	digits, at most 31557600), each exactly once; mx ("*." and a
 *	domain name, or a domain name) once or more, required unless the
 *	mode is none; extensions as the ABNF allows, ignored. NUL bytes,
 *	control characters, and more than STS_POLICY_MAX bytes are errors.
 *	The result belongs to the caller (sts_policy_free()); NULL means
 *	the policy is invalid.
 *
 *	sts_policy_mx_match() matches a host name (a trailing dot is
 *	ignored, case too) against the mx patterns: a name equals a pattern
 *	without "*.", or its first label is removed and the rest equals the
 *	pattern after "*." (a wildcard covers exactly one label).
 *
 *	sts_mode_name() and sts_mode_code() convert between STS_MODE_* and
 *	the policy's words; sts_mode_code() returns -1 for another word.
 * SEE ALSO
 *	RFC 8461, RFC 5321 section 4.1.2 (Domain)
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
#include "sts_policy.h"

#define STS_IS_WSP(c) ((c) == ' ' || (c) == '\t')

/* sts_let_dig - a letter or digit (ASCII only) */

static bool sts_let_dig(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* sts_domain_ok - RFC 5321 Domain: labels of letters, digits and inner hyphens */

static bool sts_domain_ok(const char *name, size_t len)
{
    size_t label = 0;

    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)name[i];

        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return false;
            label = 0;
        } else if (sts_let_dig(c) || (c == '-' && label > 0)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && name[len - 1] != '-';
}

/* sts_ext_name_ok - an extension field name */

static bool sts_ext_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > 32 || !sts_let_dig((unsigned char)name[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!sts_let_dig((unsigned char)name[i]) && name[i] != '_' && name[i] != '-' &&
            name[i] != '.')
            return false;
    return true;
}

/* sts_txt_field - one "name=value" field of a TXT record; -1: malformed */

static int sts_txt_field(const char *field, size_t len, VSTRING *out_id, bool *seen_id,
                         VSTRING *why)
{
    const char *eq = memchr(field, '=', len);
    size_t name_len, value_len;

    if (eq == NULL) {
        vstring_sprintf(why, "field without \"=\"");
        return -1;
    }
    name_len = eq - field;
    value_len = len - name_len - 1;
    if (name_len == 2 && memcmp(field, "id", 2) == 0) {
        if (*seen_id) {
            vstring_sprintf(why, "more than one id field");
            return -1;
        }
        if (value_len == 0 || value_len > STS_ID_MAX) {
            vstring_sprintf(why, "id of %zu characters (want 1 to %d)", value_len, STS_ID_MAX);
            return -1;
        }
        for (size_t i = 0; i < value_len; i++)
            if (!sts_let_dig((unsigned char)eq[1 + i])) {
                vstring_sprintf(why, "id with a character other than a letter or digit");
                return -1;
            }
        vstring_strncpy(out_id, eq + 1, value_len);
        *seen_id = true;
        return 0;
    }
    if (!sts_ext_name_ok(field, name_len) || value_len == 0) {
        vstring_sprintf(why, "malformed field \"%.*s\"", (int)(len > 40 ? 40 : len), field);
        return -1;
    }
    for (size_t i = 0; i < value_len; i++) {
        int c = (unsigned char)eq[1 + i];

        if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
            vstring_sprintf(why, "malformed value of field \"%.*s\"", (int)name_len, field);
            return -1;
        }
    }
    return 0;
}

/* sts_txt_parse - one TXT record */

int sts_txt_parse(const char *text, VSTRING *out_id, VSTRING *why)
{
    const char *cp = text + 7;
    bool seen_id = false;

    if (strncmp(text, "v=STSv1", 7) != 0 || (*cp != 0 && *cp != ';' && !STS_IS_WSP(*cp)))
        return STS_TXT_NONE;
    for (;;) {
        const char *field;

        /* sts-sep: *WSP ";" *WSP */
        while (STS_IS_WSP(*cp))
            cp++;
        if (*cp == 0)
            break;
        if (*cp != ';') {
            vstring_sprintf(why, "missing \";\" between fields");
            return STS_TXT_INVALID;
        }
        cp++;
        while (STS_IS_WSP(*cp))
            cp++;
        if (*cp == 0)
            break; /* a trailing separator */
        for (field = cp; *cp && *cp != ';' && !STS_IS_WSP(*cp); cp++)
            /* void */;
        if (sts_txt_field(field, cp - field, out_id, &seen_id, why) < 0)
            return STS_TXT_INVALID;
    }
    if (!seen_id) {
        vstring_sprintf(why, "no id field");
        return STS_TXT_INVALID;
    }
    return STS_TXT_OK;
}

/* sts_txt_select - the one STSv1 record among a domain's TXT records */

int sts_txt_select(const ARGV *records, VSTRING *out_id, VSTRING *why)
{
    int found = 0, status = STS_TXT_NONE;

    for (size_t i = 0; i < records->argc; i++) {
        int one = sts_txt_parse(records->argv[i], out_id, why);

        if (one == STS_TXT_NONE)
            continue;
        if (++found > 1) {
            vstring_sprintf(why, "more than one STSv1 TXT record");
            return STS_TXT_INVALID;
        }
        status = one;
    }
    return status;
}

/* sts_mode_name - STS_MODE_* as a word */

const char *sts_mode_name(int mode)
{
    return mode == STS_MODE_ENFORCE ? "enforce" : mode == STS_MODE_TESTING ? "testing" : "none";
}

/* sts_mode_code - a word as STS_MODE_*, or -1 */

int sts_mode_code(const char *name)
{
    if (strcmp(name, "enforce") == 0)
        return STS_MODE_ENFORCE;
    if (strcmp(name, "testing") == 0)
        return STS_MODE_TESTING;
    if (strcmp(name, "none") == 0)
        return STS_MODE_NONE;
    return -1;
}

/* The fields that may appear once, as bits. */
#define STS_SEEN_VERSION (1 << 0)
#define STS_SEEN_MODE    (1 << 1)
#define STS_SEEN_MAX_AGE (1 << 2)

/* sts_policy_once - a field that may appear once; -1: a second time */

static int sts_policy_once(int *seen, int bit, const char *name, VSTRING *why)
{
    if (*seen & bit) {
        vstring_sprintf(why, "more than one %s field", name);
        return -1;
    }
    *seen |= bit;
    return 0;
}

/* sts_policy_field - one "name: value" line (value without surrounding white space) */

static int sts_policy_field(STS_POLICY *policy, int *seen, const char *name, const char *value,
                            VSTRING *why)
{
    if (strcmp(name, "version") == 0) {
        if (sts_policy_once(seen, STS_SEEN_VERSION, name, why) < 0)
            return -1;
        if (strcmp(value, "STSv1") != 0) {
            vstring_sprintf(why, "unsupported version");
            return -1;
        }
    } else if (strcmp(name, "mode") == 0) {
        if (sts_policy_once(seen, STS_SEEN_MODE, name, why) < 0)
            return -1;
        if ((policy->mode = sts_mode_code(value)) < 0) {
            vstring_sprintf(why, "unknown mode");
            return -1;
        }
    } else if (strcmp(name, "max_age") == 0) {
        size_t len = strlen(value);

        if (sts_policy_once(seen, STS_SEEN_MAX_AGE, name, why) < 0)
            return -1;
        if (len == 0 || len > 10 || !alldig(value) || strtol(value, NULL, 10) > STS_MAX_AGE_LIMIT) {
            vstring_sprintf(why, "max_age is not a number from 0 to %ld", STS_MAX_AGE_LIMIT);
            return -1;
        }
        policy->max_age = strtol(value, NULL, 10);
    } else if (strcmp(name, "mx") == 0) {
        const char *domain = strncmp(value, "*.", 2) == 0 ? value + 2 : value;

        if (!sts_domain_ok(domain, strlen(domain))) {
            vstring_sprintf(why, "malformed mx pattern");
            return -1;
        }
        argv_add(policy->mx, value);
        lowercase(policy->mx->argv[policy->mx->argc - 1]);
    } else if (!sts_ext_name_ok(name, strlen(name)) || *value == 0) {
        vstring_sprintf(why, "malformed field");
        return -1;
    }
    return 0;
}

/* sts_policy_line - split one line into name and value, then take the field */

static int sts_policy_line(STS_POLICY *policy, int *seen, char *line, VSTRING *why)
{
    char *colon = strchr(line, ':'), *value, *end;

    if (colon == NULL || colon == line) {
        vstring_sprintf(why, "line without \"name:\"");
        return -1;
    }
    *colon = 0;
    for (value = colon + 1; STS_IS_WSP(*value); value++)
        /* void */;
    for (end = value + strlen(value); end > value && STS_IS_WSP(end[-1]); end--)
        /* void */;
    *end = 0;
    /* The value: visible characters (and UTF-8), single spaces or tabs between them. */
    for (const unsigned char *cp = (const unsigned char *)value; *cp; cp++)
        if (*cp < 0x21 && !STS_IS_WSP(*cp)) {
            vstring_sprintf(why, "control character in field %s", line);
            return -1;
        }
    return sts_policy_field(policy, seen, line, value, why);
}

/* sts_policy_parse - a policy file */

STS_POLICY *sts_policy_parse(const char *text, size_t len, VSTRING *why)
{
    STS_POLICY *policy = mycalloc(1, sizeof(*policy));
    char *copy, *cp, *line, *nl;
    int seen = 0, status = 0;

    policy->mx = argv_alloc(2);
    if (len > STS_POLICY_MAX || memchr(text, 0, len) != NULL) {
        vstring_sprintf(why, len > STS_POLICY_MAX ? "policy larger than %d bytes" : "NUL byte",
                        STS_POLICY_MAX);
        return sts_policy_free(policy);
    }
    /* Line terminators (and empty lines) may end the file; elsewhere an empty line is an error. */
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    cp = copy = mystrndup(text, len);
    while (status == 0 && *cp) {
        line = cp;
        if ((nl = strchr(cp, '\n')) != NULL) {
            *nl = 0;
            cp = nl + 1;
        } else {
            cp += strlen(cp);
        }
        if (nl && nl > line && nl[-1] == '\r')
            nl[-1] = 0;
        if (*line == 0) {
            vstring_sprintf(why, "empty line");
            status = -1;
        } else if (strchr(line, '\r') != NULL) {
            vstring_sprintf(why, "bare CR");
            status = -1;
        } else {
            status = sts_policy_line(policy, &seen, line, why);
        }
    }
    myfree(copy);
    if (status == 0 && (seen & STS_SEEN_VERSION) == 0)
        vstring_sprintf(why, "no version field"), status = -1;
    else if (status == 0 && (seen & STS_SEEN_MODE) == 0)
        vstring_sprintf(why, "no mode field"), status = -1;
    else if (status == 0 && (seen & STS_SEEN_MAX_AGE) == 0)
        vstring_sprintf(why, "no max_age field"), status = -1;
    else if (status == 0 && policy->mode != STS_MODE_NONE && policy->mx->argc == 0)
        vstring_sprintf(why, "no mx field"), status = -1;
    return status == 0 ? policy : sts_policy_free(policy);
}

/* sts_policy_free - release a policy */

STS_POLICY *sts_policy_free(STS_POLICY *policy)
{
    if (policy) {
        argv_free(policy->mx);
        myfree(policy);
    }
    return NULL;
}

/* sts_policy_mx_match - may this MX host serve under the policy? */

bool sts_policy_mx_match(const STS_POLICY *policy, const char *host)
{
    size_t len = strlen(host);

    if (len > 0 && host[len - 1] == '.')
        len--;
    for (size_t i = 0; i < policy->mx->argc; i++) {
        const char *pattern = policy->mx->argv[i];

        if (strncmp(pattern, "*.", 2) == 0) {
            const char *dot = memchr(host, '.', len);
            size_t rest;

            if (dot == NULL || dot == host)
                continue;
            rest = len - (dot + 1 - host);
            if (rest == strlen(pattern + 2) && strncasecmp(dot + 1, pattern + 2, rest) == 0)
                return true;
        } else if (len == strlen(pattern) && strncasecmp(host, pattern, len) == 0) {
            return true;
        }
    }
    return false;
}
