/*++
 * NAME
 *	dns_unbound - the libunbound back end of dns_lookup(3)
 * SYNOPSIS
 *	#include "dns_unbound.h"
 *
 *	DNS_RESOLVER *dns_unbound_create(const char *anchor_file,
 *				const char *forwarders, VSTRING *why);
 *	bool	dns_unbound_available(void);
 * DESCRIPTION
 *	dns_unbound_create() makes a resolver that validates DNSSEC in
 *	this process with libunbound, so that DNSSEC status does not rest
 *	on the AD bit of some other resolver. anchor_file holds the trust
 *	anchors: DS or DNSKEY records in zone-file form with absolute owner
 *	names (Debian's dns-root-data root.key, or the DS records of a
 *	private zone), one a line, or spread over lines in parentheses;
 *	";" starts a comment, "$" directives are skipped. The file is read
 *	here, at once, so that later lookups need no file (a chroot jail,
 *	a process that dropped its privileges). forwarders, when neither
 *	null nor empty, lists the servers to ask, separated by spaces or
 *	commas: IPv4 or IPv6 addresses, each with an optional "@port"
 *	("127.0.0.1@5353"); they need not validate, nor even recurse for
 *	the zones they serve themselves (an authoritative server will do).
 *	Loopback forwarders are allowed, and the special-use domains that a
 *	site's servers may serve (test., home.arpa.) are asked of them
 *	rather than answered by libunbound with NXDOMAIN. Without
 *	forwarders, libunbound recurses from the root servers itself.
 *
 *	The resolver's lookups (dns_lookup(3)) ask with class IN; a
 *	validated answer has out->secure set (libunbound's secure flag), a
 *	provably unsigned one not; a bogus one (failed validation) is
 *	DNS_RETRY ("Host not found, try again", as a validating resolver's
 *	SERVFAIL is), with a warning that gives libunbound's reason. The
 *	records, CNAMEs included, come from the answer packet through
 *	dns_answer_parse(3), as with the system back end.
 *
 *	libunbound's own log lines (errors) are warnings of ours
 *	("libunbound: error: ...").
 *
 *	The lookups are synchronous, with libunbound's own retry and
 *	timeout rules (a forwarder that does not answer costs some twenty
 *	seconds before DNS_RETRY); the cache lives as long as the resolver.
 *
 *	dns_unbound_available() says whether libunbound was built in.
 * DIAGNOSTICS
 *	dns_unbound_create() returns null with why set: an unreadable or
 *	empty trust anchor file, records that libunbound refuses (its
 *	reason is logged), a malformed forwarder. A bogus answer is warned about.
 * SEE ALSO
 *	dns_lookup(3), libunbound(3), RFC 4033-4035
 *--*/

#ifdef HAVE_LIBUNBOUND

/* System library. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>

/* Utility library. */
#include "file_io.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Application-specific. */
#include "dns_unbound.h"

#define DNS_UNBOUND_ANCHOR_LIMIT (1024 * 1024) /* bytes of trust anchor file */

/*
 * libunbound answers the special-use domains of RFC 6761 and RFC 8375
 * itself (NXDOMAIN). With forwarders, these are asked of the forwarders
 * instead: a site's own servers may serve them (home.arpa. on a home
 * network, test. in a test network).
 */
static const char *const dns_unbound_site_zones[] = {"test.", "home.arpa."};

/* dns_unbound_lookup - one question, validated here */

static int dns_unbound_lookup(void *context, const char *name, int type, DNS_ANSWER *out,
                              VSTRING *detail)
{
    struct ub_ctx *ctx = context;
    struct ub_result *result = NULL;
    int err, status;

    if ((err = ub_resolve(ctx, name, type, 1 /* class IN */, &result)) != 0) {
        vstring_sprintf(detail, "Host not found, try again (%s)", ub_strerror(err));
        return DNS_RETRY;
    }
    if (result->bogus) {
        msg_warn("DNSSEC validation failed for name=%s type=%s: %s", name,
                 dns_type_name(type) ? dns_type_name(type) : "unknown",
                 result->why_bogus ? result->why_bogus : "bogus answer");
        vstring_strcpy(detail, "Host not found, try again");
        out->rcode = ns_r_servfail; /* what a validating resolver says */
        status = DNS_RETRY;
    } else if (result->answer_packet == NULL || result->answer_len <= 0) {
        vstring_strcpy(detail, "Host not found, try again");
        out->rcode = result->rcode;
        status = DNS_RETRY;
    } else {
        status = dns_answer_parse(result->answer_packet, result->answer_len, type, out, detail);
        out->secure = result->secure != 0;
    }
    ub_resolve_free(result);
    return status;
}

/* dns_unbound_free - release the context */

static void dns_unbound_free(void *context)
{
    ub_ctx_delete(context);
}

/* dns_unbound_anchor - hand one record to libunbound */

static bool dns_unbound_anchor(struct ub_ctx *ctx, const char *path, VSTRING *record, int *count,
                               VSTRING *why)
{
    char *text = trim_blanks(vstring_str(record));
    int err;

    if (*text != 0 && *text != '$') {
        if ((err = ub_ctx_add_ta(ctx, text)) != 0) {
            vstring_sprintf(why, "trust anchor file %s: record \"%s\": %s", path, text,
                            ub_strerror(err));
            return false;
        }
        (*count)++;
    }
    VSTRING_RESET(record);
    return true;
}

/* dns_unbound_anchors - read the trust anchor file into the context */

static bool dns_unbound_anchors(struct ub_ctx *ctx, const char *path, VSTRING *why)
{
    VSTRING *data = vstring_alloc(4096);
    VSTRING *record = vstring_alloc(512);
    int depth = 0, count = 0;
    bool ok = true, comment = false;

    if (read_file(path, data, DNS_UNBOUND_ANCHOR_LIMIT, record) < 0) {
        vstring_sprintf(why, "cannot read the DNSSEC trust anchor file: %s", vstring_str(record));
        vstring_free(data);
        vstring_free(record);
        return false;
    }
    /* Zone-file form: ";" comments to the end of the line, "(" ... ")" joins lines. */
    for (const char *cp = vstring_str(data); ok && cp < vstring_end(data); cp++) {
        if (*cp == '\n') {
            comment = false;
            if (depth == 0)
                ok = dns_unbound_anchor(ctx, path, record, &count, why);
            else
                vstring_addch(record, ' ');
        } else if (comment || *cp == ';') {
            comment = true;
        } else if (*cp == '(' || *cp == ')') {
            depth += *cp == '(' ? 1 : -1;
            vstring_addch(record, ' ');
        } else {
            vstring_addch(record, *cp == '\t' || *cp == '\r' ? ' ' : *cp);
        }
    }
    if (ok)
        ok = dns_unbound_anchor(ctx, path, record, &count, why);
    if (ok && count == 0) {
        vstring_sprintf(why, "trust anchor file %s: no records", path);
        ok = false;
    }
    vstring_free(data);
    vstring_free(record);
    return ok;
}

/* dns_unbound_forwarders - the servers to ask */

static bool dns_unbound_forwarders(struct ub_ctx *ctx, const char *forwarders, VSTRING *why)
{
    char *copy = mystrdup(forwarders);
    char *cp = copy;
    char *item;
    bool ok = true;

    while (ok && (item = mystrtok(&cp, " ,\t\r\n")) != NULL) {
        unsigned char addr[sizeof(struct in6_addr)];
        char *at = strchr(item, '@');
        char *end;
        int err;

        if (at) {
            unsigned long port = strtoul(at + 1, &end, 10);

            *at = 0;
            if (at[1] == 0 || *end != 0 || port == 0 || port > 65535) {
                vstring_sprintf(why, "bad port in DNS forwarder \"%s@%s\"", item, at + 1);
                ok = false;
                break;
            }
        }
        if (inet_pton(AF_INET, item, addr) != 1 && inet_pton(AF_INET6, item, addr) != 1) {
            vstring_sprintf(why, "bad IP address in DNS forwarder \"%s\"", item);
            ok = false;
            break;
        }
        if (at)
            *at = '@';
        if ((err = ub_ctx_set_fwd(ctx, item)) != 0) {
            vstring_sprintf(why, "DNS forwarder \"%s\": %s", item, ub_strerror(err));
            ok = false;
        }
    }
    myfree(copy);
    /* Forwarders on this host are what the operator asked for. */
    if (ok && ub_ctx_set_option(ctx, "do-not-query-localhost:", "no") != 0) {
        vstring_sprintf(why, "libunbound refuses do-not-query-localhost: no");
        ok = false;
    }
    /* Special-use names that a site's own servers serve are theirs to answer. */
    for (size_t i = 0; ok && i < sizeof(dns_unbound_site_zones) / sizeof(*dns_unbound_site_zones);
         i++) {
        if (ub_ctx_zone_add(ctx, dns_unbound_site_zones[i], "nodefault") != 0) {
            vstring_sprintf(why, "libunbound refuses local-zone %s nodefault",
                            dns_unbound_site_zones[i]);
            ok = false;
        }
    }
    return ok;
}

/* dns_unbound_log_write - libunbound's log lines, to ours */

static ssize_t dns_unbound_log_write(void *unused_cookie, const char *buf, size_t len)
{
    const char *text = buf;
    const char *end = buf + len;
    const char *cp;

    /* Drop libunbound's "[time] libunbound[pid:thread] " prefix and the newline. */
    if (len > 0 && *text == '[' && (cp = memmem(text, len, "] ", 2)) != NULL &&
        (cp = memmem(cp + 2, (size_t)(end - cp - 2), "] ", 2)) != NULL)
        text = cp + 2;
    while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    if (end > text)
        msg_warn("libunbound: %.*s", (int)(end - text), text);
    return (ssize_t)len;
}

/* dns_unbound_log_open - a stream that hands each line to msg_warn() */

static FILE *dns_unbound_log_open(void)
{
    static FILE *log;

    if (log == NULL &&
        (log = fopencookie(NULL, "w", (cookie_io_functions_t){.write = dns_unbound_log_write})) !=
            NULL)
        setvbuf(log, NULL, _IOLBF, 0);
    return log;
}

/* dns_unbound_finalize - apply the settings now, so that errors show at once */

static bool dns_unbound_finalize(struct ub_ctx *ctx, const char *anchor_file, VSTRING *why)
{
    int err;

    /*
     * XXX libunbound has no public call that only finalizes its settings;
     * removing local data at a name that has none does that and nothing
     * else. Without it, bad trust anchors would show as a failure of
     * every lookup instead of here.
     */
    if ((err = ub_ctx_data_remove(ctx, "settings.dns-unbound.invalid.")) != 0) {
        vstring_sprintf(why, "libunbound refuses its settings (trust anchors from %s): %s",
                        anchor_file, ub_strerror(err));
        return false;
    }
    return true;
}

/* dns_unbound_create - a validating resolver of our own */

DNS_RESOLVER *dns_unbound_create(const char *anchor_file, const char *forwarders, VSTRING *why)
{
    struct ub_ctx *ctx;
    FILE *log;

    if (anchor_file == NULL || *anchor_file == 0) {
        vstring_sprintf(why, "no DNSSEC trust anchor file");
        return NULL;
    }
    if ((ctx = ub_ctx_create()) == NULL) {
        vstring_sprintf(why, "cannot create a libunbound context");
        return NULL;
    }
    if ((log = dns_unbound_log_open()) != NULL)
        (void)ub_ctx_debugout(ctx, log);
    if (!dns_unbound_anchors(ctx, anchor_file, why) ||
        (forwarders && *forwarders && !dns_unbound_forwarders(ctx, forwarders, why)) ||
        !dns_unbound_finalize(ctx, anchor_file, why)) {
        ub_ctx_delete(ctx);
        return NULL;
    }
    return dns_resolver_backend("libunbound", dns_unbound_lookup, dns_unbound_free, ctx);
}

/* dns_unbound_available - built in */

bool dns_unbound_available(void)
{
    return true;
}

#endif
