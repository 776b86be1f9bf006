/*++
 * NAME
 *	dns_lookup - DNS lookups through a validating resolver
 * SYNOPSIS
 *	#include "dns_lookup.h"
 *
 *	DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why);
 *	int	dns_lookup(DNS_RESOLVER *resolver, const char *name, int type,
 *				DNS_ANSWER *out, VSTRING *why);
 *	void	dns_resolver_free(DNS_RESOLVER *resolver);
 * DESCRIPTION
 *	dns_resolver_create() makes a stub resolver state of its own
 *	(res_ninit: resolv.conf's servers, timeouts and attempts). When
 *	servers is neither null nor empty, it is a list of IPv4 addresses,
 *	each with an optional port ("127.0.0.1", "127.0.0.1:5353"),
 *	separated by spaces or commas, which replace resolv.conf's name
 *	servers (at most MAXNS); resolv.conf cannot name a port, this
 *	can. It returns null, with why set, on an unusable list.
 *
 *	dns_lookup() asks for records of type (DNS_T_*) with an EDNS0 OPT
 *	record and the DO bit (res_nmkquery, res_nsend) and sets RES_TRUSTAD, so
 *	that the C library keeps the AD bit of the reply: out->secure
 *	then says whether the resolver validated the answer with DNSSEC.
 *	This is only as trustworthy as the path to the resolver (a
 *	validating resolver on the same host, as for DANE). The records
 *	are appended to out; the status and why are those of
 *	dns_answer_parse(3), why prefixed with the name and type in
 *	Postfix's words ("Name service error for name=example.com
 *	type=MX: Host not found, try again"). Without any reply the
 *	status is DNS_RETRY.
 *
 *	dns_resolver_free() releases the state.
 * DIAGNOSTICS
 *	Returned.
 * SEE ALSO
 *	dns_answer(3), resolver(3), RFC 4035 (the AD and DO bits)
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"

/* Application-specific. */
#include "dns_lookup.h"

#define DNS_ANSWER_MAX 65536

struct DNS_RESOLVER {
    struct __res_state state; /* the stub resolver's state */
};

/* dns_servers_set - resolv.conf's servers replaced by the list */

static bool dns_servers_set(res_state state, const char *servers, VSTRING *why)
{
    char *copy = mystrdup(servers);
    char *cp = copy;
    char *item;
    int count = 0;

    while ((item = strsep(&cp, " ,\t")) != 0) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(NS_DEFAULTPORT)};
        char *colon;
        char *end;

        if (*item == 0)
            continue;
        if ((colon = strchr(item, ':')) != 0) {
            unsigned long port = strtoul(colon + 1, &end, 10);

            if (colon[1] == 0 || *end != 0 || port == 0 || port > 65535) {
                vstring_sprintf(why, "bad port in DNS server \"%s\"", item);
                break;
            }
            sin.sin_port = htons((unsigned short)port);
            *colon = 0;
        }
        if (inet_pton(AF_INET, item, &sin.sin_addr) != 1) {
            vstring_sprintf(why, "bad IPv4 address in DNS server \"%s\"", item);
            break;
        }
        if (count == MAXNS) {
            vstring_sprintf(why, "more than %d DNS servers", MAXNS);
            break;
        }
        state->nsaddr_list[count++] = sin;
    }
    myfree(copy);
    if (item != 0 || count == 0) {
        if (item == 0)
            vstring_sprintf(why, "no DNS server in \"%s\"", servers);
        return false;
    }
    state->nscount = count;
    return true;
}

/* dns_resolver_create - a stub resolver state of our own */

DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why)
{
    DNS_RESOLVER *resolver = mymalloc(sizeof(*resolver));

    memset(resolver, 0, sizeof(*resolver));
    if (res_ninit(&resolver->state) != 0) {
        vstring_sprintf(why, "cannot initialize the resolver");
        myfree(resolver);
        return 0;
    }
    if (servers && *servers && !dns_servers_set(&resolver->state, servers, why)) {
        dns_resolver_free(resolver);
        return 0;
    }
    resolver->state.options |= RES_USE_EDNS0 | RES_USE_DNSSEC | RES_TRUSTAD;
    return resolver;
}

/* dns_query_make - a query with an EDNS0 OPT record and the DO bit */

static int dns_query_make(res_state state, const char *name, int type, unsigned char *query,
                          int size)
{
    static const unsigned char opt[] = {
        0,          /* owner: the root */
        0,    41,   /* type OPT */
        0x04, 0xd0, /* class: UDP payload size 1232 */
        0,    0,    /* extended rcode, version 0 */
        0x80, 0,    /* flags: DO */
        0,    0,    /* no options */
    };
    int len = res_nmkquery(state, ns_o_query, name, ns_c_in, type, 0, 0, 0, query, size);

    if (len < 0 || len + (int)sizeof(opt) > size)
        return -1;
    memcpy(query + len, opt, sizeof(opt));
    ((HEADER *)query)->arcount = htons(1);
    return len + (int)sizeof(opt);
}

/* dns_lookup - ask the resolver, parse the reply */

int dns_lookup(DNS_RESOLVER *resolver, const char *name, int type, DNS_ANSWER *out, VSTRING *why)
{
    unsigned char query[NS_MAXDNAME + 64];
    unsigned char *packet = mymalloc(DNS_ANSWER_MAX);
    const char *type_name = dns_type_name(type) ? dns_type_name(type) : "unknown";
    VSTRING *detail = vstring_alloc(40);
    int qlen;
    int len = -1;
    int status;

    out->rcode = -1;
    out->secure = false;
    if ((qlen = dns_query_make(&resolver->state, name, type, query, sizeof(query))) < 0) {
        vstring_strcpy(detail, "malformed domain name");
        status = DNS_FAIL;
    } else if ((len = res_nsend(&resolver->state, query, qlen, packet, DNS_ANSWER_MAX)) < 0) {
        vstring_strcpy(detail, "Host not found, try again");
        status = DNS_RETRY;
    } else {
        status = dns_answer_parse(packet, len > DNS_ANSWER_MAX ? DNS_ANSWER_MAX : len, type, out,
                                  detail);
    }
    if (status != DNS_OK)
        vstring_sprintf(why, "Name service error for name=%s type=%s: %s", name, type_name,
                        vstring_str(detail));
    vstring_free(detail);
    myfree(packet);
    return status;
}

/* dns_resolver_free - release the state */

void dns_resolver_free(DNS_RESOLVER *resolver)
{
    res_nclose(&resolver->state);
    myfree(resolver);
}
