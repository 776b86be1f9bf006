/*++
 * NAME
 *	smtp_dns - MX records and server addresses
 * SYNOPSIS
 *	#include "smtp_dns.h"
 *
 *	int	smtp_dns_mx(DNS_RESOLVER *resolver, const char *domain,
 *				SMTP_MX_LIST *out, VSTRING *why);
 *	int	smtp_dns_mx_parse(const unsigned char *answer, int len,
 *				SMTP_MX_LIST *out, VSTRING *why);
 *	void	smtp_mx_sort(SMTP_MX_LIST *list, SMTP_RANDOM_FN random_fn);
 *	size_t	smtp_mx_truncate_self(SMTP_MX_LIST *list,
 *				const char *myhostname);
 *	void	smtp_mx_free(SMTP_MX_LIST *list);
 *
 *	int	smtp_addr_add(SMTP_ADDR_LIST *list, const char *host, int pref,
 *				unsigned port, VSTRING *why);
 *	int	smtp_addr_add_dns(DNS_RESOLVER *resolver, SMTP_ADDR_LIST *list,
 *				const char *host, int pref, unsigned port,
 *				VSTRING *why);
 *	void	smtp_addr_shuffle(SMTP_ADDR_LIST *list, size_t from,
 *				SMTP_RANDOM_FN random_fn);
 *	void	smtp_addr_free(SMTP_ADDR_LIST *list);
 * DESCRIPTION
 *	smtp_dns_mx() looks up the MX records of domain with dns_lookup(3)
 *	through resolver (the program's one resolver: the system's or
 *	libunbound, dns_resolver(3)); smtp_dns_mx_parse() reads them from an
 *	answer packet. Both return SMTP_DNS_OK
 *	with the records appended to out, SMTP_DNS_NODATA (no MX records:
 *	use the domain's own addresses), SMTP_DNS_NOTFOUND (no such
 *	domain), SMTP_DNS_NULLMX (RFC 7505: the domain takes no mail) or
 *	SMTP_DNS_RETRY (temporary failure, malformed answer); why says
 *	what failed in Postfix's words ("Name service error for
 *	name=example.com type=MX: Host not found, try again"). out->secure
 *	says whether the MX RRset (or its validated absence) was
 *	DNSSEC-validated (by the resolver's back end).
 *
 *	smtp_mx_sort() sorts by preference; records of equal preference
 *	are put in random order with random_fn (NULL: keep them in order).
 *
 *	smtp_mx_truncate_self() drops myhostname and every record that is
 *	not better than it (mail must not loop back to us), and returns
 *	the number of records left.
 *
 *	smtp_addr_add() appends the addresses of host (a name or an IP
 *	address) with the given port and MX preference. It returns the
 *	SMTP_DNS_* status; why is set for failures.
 *
 *	smtp_addr_add_dns() does the same with DNS alone (dns_lookup(3)
 *	through resolver:
 *	A, then AAAA, with the DO bit): each address records whether its
 *	RRset was DNSSEC-validated (secure) and, when the host name is an
 *	alias, the name that the CNAMEs lead to (rname). It returns
 *	SMTP_DNS_OK when either type gave addresses (a failed lookup of the
 *	other type is then ignored: the attacker who can make it fail can
 *	also drop its records), SMTP_DNS_RETRY when either lookup failed
 *	and none gave addresses, else SMTP_DNS_NOTFOUND. mx_secure is left
 *	false for the caller to set.
 *
 *	smtp_addr_shuffle() puts the addresses from index from onwards
 *	that share a preference in random order.
 *
 *	smtp_mx_free() and smtp_addr_free() release the lists.
 * DIAGNOSTICS
 *	Returned.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"

/* Application-specific. */
#include "dns_lookup.h"
#include "smtp_dns.h"

/* smtp_mx_append - add one record */

static void smtp_mx_append(SMTP_MX_LIST *list, const char *host, int pref)
{
    list->mx = myrealloc(list->mx, (list->count + 1) * sizeof(*list->mx));
    list->mx[list->count].host = lowercase(mystrdup(host));
    list->mx[list->count].pref = pref;
    list->count++;
}

/* smtp_dns_mx_take - MX records from a parsed answer, and the status */

static int smtp_dns_mx_take(int status, const DNS_ANSWER *answer, SMTP_MX_LIST *out)
{
    size_t found = 0;
    bool null_mx = false;

    out->secure = answer->secure;

    if (status == DNS_RETRY || status == DNS_FAIL)
        return SMTP_DNS_RETRY;
    if (status == DNS_NOTFOUND)
        return SMTP_DNS_NOTFOUND;
    for (size_t i = 0; i < answer->count; i++) {
        if (answer->rr[i].type != DNS_T_MX)
            continue;
        if (strcmp(answer->rr[i].host, ".") == 0) {
            null_mx = true;
            continue;
        }
        smtp_mx_append(out, answer->rr[i].host, answer->rr[i].pref);
        found++;
    }
    return found > 0 ? SMTP_DNS_OK : null_mx ? SMTP_DNS_NULLMX : SMTP_DNS_NODATA;
}

/* smtp_dns_mx_parse - MX records from an answer packet */

int smtp_dns_mx_parse(const unsigned char *packet, int len, SMTP_MX_LIST *out, VSTRING *why)
{
    DNS_ANSWER answer = {0};
    int status =
        smtp_dns_mx_take(dns_answer_parse(packet, len, DNS_T_MX, &answer, why), &answer, out);

    dns_answer_free(&answer);
    return status;
}

/* smtp_dns_mx - look up MX records */

int smtp_dns_mx(DNS_RESOLVER *resolver, const char *domain, SMTP_MX_LIST *out, VSTRING *why)
{
    DNS_ANSWER answer = {0};
    VSTRING *detail = vstring_alloc(100);
    int status =
        smtp_dns_mx_take(dns_lookup(resolver, domain, DNS_T_MX, &answer, detail), &answer, out);

    if (status == SMTP_DNS_RETRY || status == SMTP_DNS_NOTFOUND)
        vstring_sprintf(why, "Host or domain name not found. %s", vstring_str(detail));
    else if (status == SMTP_DNS_NODATA)
        vstring_sprintf(why,
                        "Host or domain name not found. Name service error for name=%s "
                        "type=MX: No address associated with name",
                        domain);
    dns_answer_free(&answer);
    vstring_free(detail);
    return status;
}

/* smtp_mx_compare - order by preference */

static int smtp_mx_compare(const void *a, const void *b)
{
    const SMTP_MX *x = a, *y = b;

    return (x->pref > y->pref) - (x->pref < y->pref);
}

/* smtp_mx_sort - by preference, ties in random order */

void smtp_mx_sort(SMTP_MX_LIST *list, SMTP_RANDOM_FN random_fn)
{
    if (list->count < 2)
        return;
    if (random_fn) {
        for (size_t i = list->count - 1; i > 0; i--) {
            size_t j = (size_t)random_fn() % (i + 1);
            SMTP_MX tmp = list->mx[i];

            list->mx[i] = list->mx[j];
            list->mx[j] = tmp;
        }
    }
    /* Insertion sort: stable, so the shuffled order of ties survives. */
    for (size_t i = 1; i < list->count; i++) {
        SMTP_MX tmp = list->mx[i];
        size_t j = i;

        for (; j > 0 && smtp_mx_compare(&list->mx[j - 1], &tmp) > 0; j--)
            list->mx[j] = list->mx[j - 1];
        list->mx[j] = tmp;
    }
}

/* smtp_mx_truncate_self - drop ourselves and worse */

size_t smtp_mx_truncate_self(SMTP_MX_LIST *list, const char *myhostname)
{
    size_t keep = list->count;

    for (size_t i = 0; i < list->count; i++) {
        if (strcasecmp(list->mx[i].host, myhostname) == 0) {
            int self_pref = list->mx[i].pref;

            for (keep = 0; keep < list->count && list->mx[keep].pref < self_pref; keep++)
                /* void */;
            break;
        }
    }
    for (size_t i = keep; i < list->count; i++)
        myfree(list->mx[i].host);
    list->count = keep;
    return keep;
}

/* smtp_mx_free - release MX records */

void smtp_mx_free(SMTP_MX_LIST *list)
{
    for (size_t i = 0; i < list->count; i++)
        myfree(list->mx[i].host);
    myfree(list->mx);
    list->mx = NULL;
    list->count = 0;
}

/* smtp_addr_append - add one address */

static void smtp_addr_append(SMTP_ADDR_LIST *list, const char *host, int pref,
                             const struct addrinfo *ai)
{
    SOCK_ADDR_TEXT text;
    SMTP_ADDR *addr;

    if (list->count == list->size) {
        list->size = list->size ? 2 * list->size : 8;
        list->addr = myrealloc(list->addr, list->size * sizeof(*list->addr));
    }
    addr = list->addr + list->count++;
    memset(addr, 0, sizeof(*addr));
    addr->host = mystrdup(host);
    addr->pref = pref;
    memcpy(&addr->sa, ai->ai_addr, ai->ai_addrlen);
    addr->salen = ai->ai_addrlen;
    sock_addr_text(ai->ai_addr, ai->ai_addrlen, &text);
    snprintf(addr->addr, sizeof(addr->addr), "%s", text.addr);
}

/* smtp_addr_add - a host's addresses */

int smtp_addr_add(SMTP_ADDR_LIST *list, const char *host, int pref, unsigned port, VSTRING *why)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res, *ai;
    unsigned char buf[sizeof(struct in6_addr)];
    char service[8];
    int err;

    if (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1)
        hints.ai_flags |= AI_NUMERICHOST;
    snprintf(service, sizeof(service), "%u", port);
    if ((err = getaddrinfo(host, service, &hints, &res)) != 0) {
        bool hard = err == EAI_NONAME
#ifdef EAI_NODATA
                    || err == EAI_NODATA
#endif
            ;
        vstring_sprintf(why,
                        "Host or domain name not found. Name service error for name=%s "
                        "type=A: %s",
                        host, hard ? "Host not found" : "Host not found, try again");
        return hard ? SMTP_DNS_NOTFOUND : SMTP_DNS_RETRY;
    }
    for (ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
            smtp_addr_append(list, host, pref, ai);
    freeaddrinfo(res);
    return SMTP_DNS_OK;
}

/* smtp_addr_slot - room for one more address */

static SMTP_ADDR *smtp_addr_slot(SMTP_ADDR_LIST *list)
{
    SMTP_ADDR *addr;

    if (list->count == list->size) {
        list->size = list->size ? 2 * list->size : 8;
        list->addr = myrealloc(list->addr, list->size * sizeof(*list->addr));
    }
    addr = list->addr + list->count++;
    memset(addr, 0, sizeof(*addr));
    return addr;
}

/* smtp_addr_take_dns - the addresses of one answer */

static void smtp_addr_take_dns(SMTP_ADDR_LIST *list, const char *host, int pref, unsigned port,
                               const DNS_ANSWER *answer, int type)
{
    for (size_t i = 0; i < answer->count; i++) {
        const DNS_RR *rr = answer->rr + i;
        SMTP_ADDR *addr;

        if (rr->type != type)
            continue;
        addr = smtp_addr_slot(list);
        addr->host = mystrdup(host);
        if (strcasecmp(rr->name, host) != 0)
            addr->rname = mystrdup(rr->name);
        addr->pref = pref;
        addr->secure = answer->secure;
        snprintf(addr->addr, sizeof(addr->addr), "%s", rr->addr);
        if (type == DNS_T_A) {
            struct sockaddr_in *sin = (struct sockaddr_in *)&addr->sa;

            sin->sin_family = AF_INET;
            sin->sin_port = htons((unsigned short)port);
            inet_pton(AF_INET, rr->addr, &sin->sin_addr);
            addr->salen = sizeof(*sin);
        } else {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr->sa;

            sin6->sin6_family = AF_INET6;
            sin6->sin6_port = htons((unsigned short)port);
            inet_pton(AF_INET6, rr->addr, &sin6->sin6_addr);
            addr->salen = sizeof(*sin6);
        }
    }
}

/* smtp_addr_add_dns - a host's addresses from DNS, with their DNSSEC status */

int smtp_addr_add_dns(DNS_RESOLVER *resolver, SMTP_ADDR_LIST *list, const char *host, int pref,
                      unsigned port, VSTRING *why)
{
    static const int types[] = {DNS_T_A, DNS_T_AAAA};
    unsigned char buf[sizeof(struct in6_addr)];
    VSTRING *detail;
    size_t before = list->count;
    bool retry = false;

    if (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1)
        return smtp_addr_add(list, host, pref, port, why);
    detail = vstring_alloc(100);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        DNS_ANSWER answer = {0};
        VSTRING *one = vstring_alloc(100);
        int status = dns_lookup(resolver, host, types[i], &answer, one);

        if (status == DNS_OK)
            smtp_addr_take_dns(list, host, pref, port, &answer, types[i]);
        else if (status == DNS_RETRY || status == DNS_FAIL)
            retry = true;
        if (status != DNS_OK && (VSTRING_LEN(detail) == 0 || types[i] == DNS_T_A))
            vstring_strcpy(detail, vstring_str(one));
        vstring_free(one);
        dns_answer_free(&answer);
    }
    if (list->count > before) {
        vstring_free(detail);
        return SMTP_DNS_OK;
    }
    vstring_sprintf(why, "Host or domain name not found. %s", vstring_str(detail));
    vstring_free(detail);
    return retry ? SMTP_DNS_RETRY : SMTP_DNS_NOTFOUND;
}

/* smtp_addr_shuffle - random order among equal preferences */

void smtp_addr_shuffle(SMTP_ADDR_LIST *list, size_t from, SMTP_RANDOM_FN random_fn)
{
    size_t start = from;

    while (start < list->count) {
        size_t end = start + 1;

        while (end < list->count && list->addr[end].pref == list->addr[start].pref)
            end++;
        for (size_t i = end - 1; i > start; i--) {
            size_t j = start + (size_t)random_fn() % (i - start + 1);
            SMTP_ADDR tmp = list->addr[i];

            list->addr[i] = list->addr[j];
            list->addr[j] = tmp;
        }
        start = end;
    }
}

/* smtp_addr_free - release addresses */

void smtp_addr_free(SMTP_ADDR_LIST *list)
{
    for (size_t i = 0; i < list->count; i++) {
        myfree(list->addr[i].host);
        myfree(list->addr[i].rname);
    }
    myfree(list->addr);
    memset(list, 0, sizeof(*list));
}
