/*++
 * NAME
 *	dnsblog - the DNSBL lookup helper of postscreen(8)
 * SYNOPSIS
 *	dnsblog [generic daemon options]
 * DESCRIPTION
 *	dnsblog answers one postscreen(8) request per connection
 *	(dnsblog_proto.h): it looks up the A records of the client address
 *	in a DNSBL zone (the reversed address under the zone, through the
 *	system resolver) and returns them with their lowest TTL. postscreen
 *	runs many of these lookups at once without ever waiting on DNS
 *	itself; master runs as many dnsblog processes as it needs.
 *
 *	A listing is logged "addr ADDRESS listed by domain ZONE as RECORD"
 *	(one line per record). A lookup error is logged and answered as
 *	not listed. dnsblog_reply_delay (for tests) delays each answer.
 * DIAGNOSTICS
 *	Warnings: malformed requests, DNS errors.
 *--*/

/* System library. */
#include <string.h>
#include <time.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "dns_lookup.h"
#include "dnsbl_sites.h"
#include "dnsblog_proto.h"
#include "mail_params.h"
#include "mail_server.h"

#define DNSBLOG_REQUEST_TIMEOUT 10 /* seconds to read one request */

static int dnsblog_reply_delay;        /* dnsblog_reply_delay, seconds */
static DNS_RESOLVER *dnsblog_resolver; /* made after the jail */

static const CONFIG_BIND dnsblog_parameters[] = {
    CONFIG_BIND_TIME(VAR_DNSBLOG_REPLY_DELAY, &dnsblog_reply_delay),
    CONFIG_BIND_END,
};

/* dnsblog_lookup - the listing of addr in domain: records into result, lowest TTL */

static int dnsblog_lookup(const char *domain, const char *addr, VSTRING *result)
{
    VSTRING *query = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    DNS_ANSWER answer = {0};
    int ttl = -1, status;

    VSTRING_RESET(result);
    if (dnsbl_reverse(addr, query) == NULL) {
        msg_warn("bad client address \"%.100s\" in request", addr);
    } else {
        vstring_sprintf_append(query, ".%s", domain);
        status = dns_lookup(dnsblog_resolver, vstring_str(query), DNS_T_A, &answer, why);
        if (status == DNS_OK) {
            for (size_t i = 0; i < answer.count; i++) {
                if (answer.rr[i].type != DNS_T_A)
                    continue;
                msg_info("addr %s listed by domain %s as %s", addr, domain, answer.rr[i].addr);
                vstring_sprintf_append(result, "%s%s", VSTRING_LEN(result) ? " " : "",
                                       answer.rr[i].addr);
                if (ttl < 0 || (int)answer.rr[i].ttl < ttl)
                    ttl = (int)answer.rr[i].ttl;
            }
        } else if (status != DNS_NOTFOUND && status != DNS_NODATA) {
            msg_warn("dnsblog_query: lookup error for DNS query %s: %s", vstring_str(query),
                     vstring_str(why));
        }
        dns_answer_free(&answer);
    }
    vstring_free(query);
    vstring_free(why);
    return ttl;
}

/* dnsblog_service - one request */

static void dnsblog_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *domain = vstring_alloc(100), *addr = vstring_alloc(64), *result = vstring_alloc(100);
    int version = 0, id = 0, ttl;

    vstream_set_timeout(client, DNSBLOG_REQUEST_TIMEOUT);
    if (attr_scan_opts(
            client, ATTR_FLAG_STRICT, &(ATTR_OPTS){.peer = "postscreen", .value_max = 1024},
            RECV_ATTR_INT(DNSBLOG_ATTR_VERSION, &version),
            RECV_ATTR_STR(DNSBLOG_ATTR_DOMAIN, domain), RECV_ATTR_STR(DNSBLOG_ATTR_ADDR, addr),
            RECV_ATTR_INT(DNSBLOG_ATTR_ID, &id), ATTR_TYPE_END) != 4 ||
        version != DNSBLOG_PROTO_VERSION) {
        msg_warn("malformed request (protocol version %d, want %d)", version,
                 DNSBLOG_PROTO_VERSION);
    } else {
        ttl = dnsblog_lookup(vstring_str(domain), vstring_str(addr), result);
        if (dnsblog_reply_delay > 0)
            nanosleep(&(struct timespec){.tv_sec = dnsblog_reply_delay}, NULL);
        (void)attr_print(
            client, ATTR_FLAG_NONE, SEND_ATTR_STR(DNSBLOG_ATTR_DOMAIN, vstring_str(domain)),
            SEND_ATTR_STR(DNSBLOG_ATTR_ADDR, vstring_str(addr)), SEND_ATTR_INT(DNSBLOG_ATTR_ID, id),
            SEND_ATTR_STR(DNSBLOG_ATTR_RESULT, vstring_str(result)),
            SEND_ATTR_INT(DNSBLOG_ATTR_TTL, ttl), ATTR_TYPE_END);
        (void)vstream_fflush(client);
    }
    vstring_free(domain);
    vstring_free(addr);
    vstring_free(result);
}

/* dnsblog_post_jail - the resolver */

static void dnsblog_post_jail(MAIL_SERVER *unused_server)
{
    VSTRING *why = vstring_alloc(100);

    if ((dnsblog_resolver = dns_resolver_create(NULL, why)) == NULL)
        msg_fatal("DNS resolver: %s", vstring_str(why));
    vstring_free(why);
}

/* main - program entry */

int main(int argc, char **argv)
{
    single_server_main(argc, argv, dnsblog_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = dnsblog_parameters,
                           .post_jail = dnsblog_post_jail,
                       });
}
