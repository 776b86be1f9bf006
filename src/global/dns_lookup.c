/*++
 * NAME
 *	dns_lookup - DNS lookups with their DNSSEC status
 * SYNOPSIS
 *	#include "dns_lookup.h"
 *
 *	DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why);
 *	DNS_RESOLVER *dns_resolver_backend(const char *name,
 *				DNS_LOOKUP_FN lookup_fn, DNS_FREE_FN free_fn,
 *				void *context);
 *	const char *dns_resolver_name(const DNS_RESOLVER *resolver);
 *	int	dns_lookup(DNS_RESOLVER *resolver, const char *name, int type,
 *				DNS_ANSWER *out, VSTRING *why);
 *	void	dns_resolver_free(DNS_RESOLVER *resolver);
 * DESCRIPTION
 *	Every lookup goes through dns_lookup(), whatever the back end, so
 *	that callers see one set of statuses and one wording.
 *
 *	dns_resolver_create() makes the "system" back end, a stub resolver
 *	state of its own
 *	(res_ninit: resolv.conf's servers, timeouts and attempts). When
 *	servers is neither null nor empty, it is a list of IPv4 addresses,
 *	each with an optional port ("127.0.0.1", "127.0.0.1:5353"),
 *	separated by spaces or commas, which replace resolv.conf's name
 *	servers (at most MAXNS); resolv.conf cannot name a port, this
 *	can. It returns null, with why set, on an unusable list.
 *
 *	Its lookups ask for records of type (DNS_T_*) with an EDNS0 OPT
 *	record and the DO bit (res_nmkquery, res_nsend) and set RES_TRUSTAD, so
 *	that the C library keeps the AD bit of the reply: out->secure
 *	then says whether the resolver validated the answer with DNSSEC.
 *	This is only as trustworthy as the path to the resolver (a
 *	validating resolver on the same host, as for DANE). A bogus answer
 *	is the resolver's SERVFAIL. Without any reply the status is
 *	DNS_RETRY.
 *
 *	dns_resolver_backend() wraps another back end (dns_unbound(3)):
 *	name names it in logs ("libunbound"), lookup_fn and free_fn are
 *	called with context, which the resolver then owns.
 *
 *	dns_resolver_name() returns "system" or the back end's name.
 *
 *	dns_lookup() asks the back end for records of type. out->rcode and
 *	out->secure are reset first; the records are appended to out; the
 *	status and why are those of dns_answer_parse(3), why prefixed with
 *	the name and type in Postfix's words ("Name service error for
 *	name=example.com type=MX: Host not found, try again").
 *
 *	dns_resolver_free() releases the resolver and its back end.
 * DIAGNOSTICS
 *	Returned.
 * SEE ALSO
 *	dns_answer(3), dns_unbound(3), resolver(3), RFC 4035 (the AD and DO bits)
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
    const char *name;        /* back end name, for logs */
    DNS_LOOKUP_FN lookup_fn; /* asks one question */
    DNS_FREE_FN free_fn;     /* releases context */
    void *context;           /* the back end's state, owned */
};

/* The system back end's state. */
typedef struct DNS_SYSTEM {
    struct __res_state state; /* the stub resolver's state */
} DNS_SYSTEM;

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

/* dns_system_lookup - ask the stub resolver, parse the reply */

static int dns_system_lookup(void *context, const char *name, int type, DNS_ANSWER *out,
                             VSTRING *detail)
{
    DNS_SYSTEM *system = context;
    unsigned char query[NS_MAXDNAME + 64];
    unsigned char *packet;
    int qlen, len, status;

    if ((qlen = dns_query_make(&system->state, name, type, query, sizeof(query))) < 0) {
        vstring_strcpy(detail, "malformed domain name");
        return DNS_FAIL;
    }
    packet = mymalloc(DNS_ANSWER_MAX);
    if ((len = res_nsend(&system->state, query, qlen, packet, DNS_ANSWER_MAX)) < 0) {
        vstring_strcpy(detail, "Host not found, try again");
        status = DNS_RETRY;
    } else {
        status = dns_answer_parse(packet, len > DNS_ANSWER_MAX ? DNS_ANSWER_MAX : len, type, out,
                                  detail);
    }
    myfree(packet);
    return status;
}

/* dns_system_free - release the stub resolver state */

static void dns_system_free(void *context)
{
    DNS_SYSTEM *system = context;

    res_nclose(&system->state);
    myfree(system);
}

/* dns_resolver_backend - a resolver around a back end */

DNS_RESOLVER *dns_resolver_backend(const char *name, DNS_LOOKUP_FN lookup_fn, DNS_FREE_FN free_fn,
                                   void *context)
{
    DNS_RESOLVER *resolver = mymalloc(sizeof(*resolver));

    resolver->name = name;
    resolver->lookup_fn = lookup_fn;
    resolver->free_fn = free_fn;
    resolver->context = context;
    return resolver;
}

/* dns_resolver_create - the system back end: a stub resolver state of our own */

DNS_RESOLVER *dns_resolver_create(const char *servers, VSTRING *why)
{
    DNS_SYSTEM *system = mymalloc(sizeof(*system));

    memset(system, 0, sizeof(*system));
    if (res_ninit(&system->state) != 0) {
        vstring_sprintf(why, "cannot initialize the resolver");
        myfree(system);
        return 0;
    }
    if (servers && *servers && !dns_servers_set(&system->state, servers, why)) {
        dns_system_free(system);
        return 0;
    }
    system->state.options |= RES_USE_EDNS0 | RES_USE_DNSSEC | RES_TRUSTAD;
    return dns_resolver_backend("system", dns_system_lookup, dns_system_free, system);
}

/* dns_resolver_name - which back end */

const char *dns_resolver_name(const DNS_RESOLVER *resolver)
{
    return resolver->name;
}

/* dns_lookup - ask the back end, word the failure */

int dns_lookup(DNS_RESOLVER *resolver, const char *name, int type, DNS_ANSWER *out, VSTRING *why)
{
    const char *type_name = dns_type_name(type) ? dns_type_name(type) : "unknown";
    VSTRING *detail = vstring_alloc(40);
    int status;

    out->rcode = -1;
    out->secure = false;
    status = resolver->lookup_fn(resolver->context, name, type, out, detail);
    if (status != DNS_OK)
        vstring_sprintf(why, "Name service error for name=%s type=%s: %s", name, type_name,
                        vstring_str(detail));
    vstring_free(detail);
    return status;
}

/* dns_resolver_free - release the resolver and its back end */

void dns_resolver_free(DNS_RESOLVER *resolver)
{
    resolver->free_fn(resolver->context);
    myfree(resolver);
}
