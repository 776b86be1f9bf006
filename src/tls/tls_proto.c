/*++
 * NAME
 *	tls_proto - TLS protocol lists to a version range
 * SYNOPSIS
 *	#include <tls_proto.h>
 *
 *	int	tls_proto_parse(const char *list, int *out_min, int *out_max,
 *				VSTRING *why);
 *	int	tls_proto_apply_ctx(SSL_CTX *ctx, int min_version, int max_version);
 *	int	tls_proto_apply_ssl(SSL *ssl, int min_version, int max_version);
 *	const char *tls_proto_name(int version);
 *
 *	bool	tls_proto_caps_to_tls12(int min_version, int max_version);
 * DESCRIPTION
 *	tls_proto_parse() turns a protocol list (see tls_proto.h for the
 *	syntax) into the lowest and highest protocol version to allow, 0
 *	meaning no bound. An empty or NULL list allows everything. It returns
 *	0 on success, or -1 with the reason in why (which may be NULL) for an
 *	unknown protocol name, a malformed bound, a list that excludes every
 *	protocol, or a floor above the ceiling.
 *
 *	tls_proto_apply_ctx() and tls_proto_apply_ssl() set the range on a
 *	context or connection. They return 0, or -1 when OpenSSL refuses a
 *	version (for example a hex version it does not know).
 *
 *	tls_proto_name() returns "TLSv1.2" and the like for a version, or
 *	"unknown".
 *
 *	tls_proto_caps_to_tls12() tells whether a range, as tls_proto_parse()
 *	returns it, changes when TLS 1.2 becomes its ceiling: it allows TLS
 *	1.2 and something above it. The client's retry after a failed TLS 1.3
 *	handshake applies that ceiling only then.
 * DIAGNOSTICS
 *	Errors are returned; the caller names the parameter in its message.
 *--*/

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls_proto.h"

/* The protocols we know by name, lowest first. */
static const struct {
    const char *name;
    int version;
} tls_proto_table[] = {
    {"SSLv2", SSL2_VERSION},     {"SSLv3", SSL3_VERSION},     {"TLSv1", TLS1_VERSION},
    {"TLSv1.1", TLS1_1_VERSION}, {"TLSv1.2", TLS1_2_VERSION}, {"TLSv1.3", TLS1_3_VERSION},
};

#define TLS_PROTO_COUNT ((int)(sizeof(tls_proto_table) / sizeof(tls_proto_table[0])))
#define TLS_PROTO_SEP   " \t\r\n,:"

/* tls_proto_index - table index of a protocol name, or -1 */

static int tls_proto_index(const char *name)
{
    for (int i = 0; i < TLS_PROTO_COUNT; i++)
        if (strcasecmp(name, tls_proto_table[i].name) == 0)
            return i;
    return -1;
}

/* tls_proto_bound - parse the version after >= or <=; -1 if bad */

static int tls_proto_bound(const char *text)
{
    const char *digits = text;
    char *end;
    long value;
    int index;

    if ((index = tls_proto_index(text)) >= 0)
        return tls_proto_table[index].version;
    if (strcasecmp(text, "None") == 0)
        return 0;
    if (strncasecmp(digits, "0x", 2) == 0)
        digits += 2;
    if (*digits == 0 || strspn(digits, "0123456789abcdefABCDEF") != strlen(digits))
        return -1;
    value = strtol(digits, &end, 16);
    return (value > 0 && value <= 0xffff) ? (int)value : -1;
}

/* tls_proto_fail - report why a list is bad */

static int tls_proto_fail(VSTRING *why, const char *fmt, const char *arg)
{
    if (why)
        vstring_sprintf(why, fmt, arg);
    return -1;
}

/* tls_proto_mask_range - contiguous range of a protocol mask, 0 = unbounded */

static int tls_proto_mask_range(unsigned enabled, int *min_version, int *max_version)
{
    /* OpenSSL has no SSLv2 at all: it never counts as enabled. */
    unsigned all = ((1u << TLS_PROTO_COUNT) - 1) & ~1u;
    int low, high;

    enabled &= all;
    if (enabled == all) {
        *min_version = *max_version = 0;
        return 0;
    }
    for (low = 1; low < TLS_PROTO_COUNT && !(enabled & (1u << low)); low++)
        /* void */;
    if (low == TLS_PROTO_COUNT)
        return -1;
    for (high = low; high + 1 < TLS_PROTO_COUNT && (enabled & (1u << (high + 1))); high++)
        /* void */;
    *min_version = low == 1 ? 0 : tls_proto_table[low].version;
    *max_version = high == TLS_PROTO_COUNT - 1 ? 0 : tls_proto_table[high].version;
    return 0;
}

/* tls_proto_parse - protocol list to version range */

int tls_proto_parse(const char *list, int *out_min, int *out_max, VSTRING *why)
{
    char *copy = mystrdup(list ? list : "");
    char *cp = copy;
    char *tok;
    unsigned include = 0, exclude = 0;
    int floor_version = 0, ceiling_version = 0, mask_min, mask_max, status = 0;

    while (status == 0 && (tok = mystrtok(&cp, TLS_PROTO_SEP)) != NULL) {
        int index, bound;

        if (strncmp(tok, ">=", 2) == 0 || strncmp(tok, "<=", 2) == 0) {
            if ((bound = tls_proto_bound(tok + 2)) < 0)
                status = tls_proto_fail(why, "bad protocol bound \"%s\"", tok);
            else if (*tok == '>')
                floor_version = bound;
            else
                ceiling_version = bound;
        } else if (*tok == '!') {
            if ((index = tls_proto_index(tok + 1)) < 0)
                status = tls_proto_fail(why, "unknown protocol \"%s\"", tok + 1);
            else
                exclude |= 1u << index;
        } else if ((index = tls_proto_index(tok)) < 0) {
            status = tls_proto_fail(why, "unknown protocol \"%s\"", tok);
        } else {
            include |= 1u << index;
        }
    }
    myfree(copy);
    if (status < 0)
        return -1;
    if (tls_proto_mask_range((include ? include : ~0u) & ~exclude, &mask_min, &mask_max) < 0)
        return tls_proto_fail(why, "%sno protocol left", "");
    if (mask_min > floor_version)
        floor_version = mask_min;
    if (mask_max && (ceiling_version == 0 || mask_max < ceiling_version))
        ceiling_version = mask_max;
    if (floor_version == SSL2_VERSION) /* OpenSSL has no SSLv2: no real floor */
        floor_version = 0;
    if (ceiling_version == SSL2_VERSION)
        return tls_proto_fail(why, "%sno protocol left", "");
    if (floor_version && ceiling_version && floor_version > ceiling_version)
        return tls_proto_fail(why, "%slowest protocol is above the highest", "");
    *out_min = floor_version;
    *out_max = ceiling_version;
    return 0;
}

/* tls_proto_apply_ctx - set the range on a context */

int tls_proto_apply_ctx(SSL_CTX *ctx, int min_version, int max_version)
{
    if (!SSL_CTX_set_min_proto_version(ctx, min_version) ||
        !SSL_CTX_set_max_proto_version(ctx, max_version))
        return -1;
    return 0;
}

/* tls_proto_apply_ssl - set the range on a connection */

int tls_proto_apply_ssl(SSL *ssl, int min_version, int max_version)
{
    if (!SSL_set_min_proto_version(ssl, min_version) ||
        !SSL_set_max_proto_version(ssl, max_version))
        return -1;
    return 0;
}

/* tls_proto_name - protocol name by version */

const char *tls_proto_name(int version)
{
    for (int i = 0; i < TLS_PROTO_COUNT; i++)
        if (tls_proto_table[i].version == version)
            return tls_proto_table[i].name;
    return "unknown";
}

/* tls_proto_caps_to_tls12 - does a ceiling of TLS 1.2 change this range? */

bool tls_proto_caps_to_tls12(int min_version, int max_version)
{
    return min_version <= TLS1_2_VERSION && (max_version == 0 || max_version > TLS1_2_VERSION);
}
