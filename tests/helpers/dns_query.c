/*++
 * NAME
 *	dns_query - look up DNS records and their DNSSEC status
 * SYNOPSIS
 *	dns_query [-s servers] [-u anchor_file [-f forwarders]] type name
 * DESCRIPTION
 *	dns_query asks the resolver through dns_lookup(3) for records of
 *	type (A, AAAA, MX, TXT, TLSA) and prints one line with the status
 *	and whether the answer was validated, then one line per record:
 *
 *	    status=ok secure=yes rcode=0
 *	    mx.example.test A 127.0.0.1
 *	    example.test MX 10 mx.example.test
 *	    _25._tcp.mx.example.test TLSA 3 1 1 <hex>
 *	    example.test TXT v=spf1 -all
 *	    alias.example.test CNAME mx.example.test
 *
 *	The status is ok, nodata, notfound, retry or fail; on anything
 *	but ok the next line is "why=" and the reason.
 *
 *	-s servers	ask these servers ("127.0.0.1:5353"), as
 *			dns_resolver_create(3) takes them, instead of
 *			resolv.conf's.
 *
 *	-u anchor_file	the libunbound back end instead (dns_resolver_open(3),
 *			smtp_dns_resolver = libunbound), validating with the
 *			trust anchors in anchor_file.
 *
 *	-f forwarders	with -u: ask these servers ("127.0.0.1@5353"), as
 *			smtp_dns_forwarders names them.
 *
 *	The exit status is 0 with records, 1 without, 2 on a usage error.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dns_lookup.h"
#include "dns_resolver.h"
#include "msg.h"
#include "vstring.h"

static const char *const dns_query_status[] = {"ok", "nodata", "notfound", "retry", "fail"};

/* dns_query_print - one record */

static void dns_query_print(const DNS_RR *rr)
{
    printf("%s %s", rr->name, dns_type_name(rr->type));
    switch (rr->type) {
    case DNS_T_A:
    case DNS_T_AAAA:
        printf(" %s", rr->addr);
        break;
    case DNS_T_MX:
        printf(" %d %s", rr->pref, rr->host);
        break;
    case DNS_T_CNAME:
        printf(" %s", rr->host);
        break;
    case DNS_T_TLSA:
        printf(" %d %d %d ", rr->usage, rr->selector, rr->mtype);
        for (size_t i = 0; i < rr->data_len; i++)
            printf("%02x", rr->data[i]);
        break;
    case DNS_T_TXT:
        printf(" %.*s", (int)rr->data_len, (const char *)rr->data);
        break;
    }
    printf("\n");
}

/* main - one lookup */

int main(int argc, char **argv)
{
    const char *servers = 0;
    DNS_RESOLVER_PROPS props = {.type = DNS_RESOLVER_SYSTEM};
    DNS_RESOLVER *resolver;
    DNS_ANSWER answer = {0};
    VSTRING *why = vstring_alloc(100);
    int type;
    int status;
    int ch;

    msg_init("dns_query");
    while ((ch = getopt(argc, argv, "f:s:u:")) != -1) {
        if (ch == 's') {
            servers = optarg;
        } else if (ch == 'u') {
            props.type = DNS_RESOLVER_LIBUNBOUND;
            props.trust_anchor_file = optarg;
        } else if (ch == 'f') {
            props.forwarders = optarg;
        } else {
            fprintf(stderr,
                    "usage: dns_query [-s servers] [-u anchors [-f forwarders]] type name\n");
            return 2;
        }
    }
    if (argc - optind != 2 || (type = dns_type_code(argv[optind])) < 0 || type == DNS_T_CNAME) {
        fprintf(stderr, "usage: dns_query [-s servers] [-u anchors [-f forwarders]] "
                        "A|AAAA|MX|TXT|TLSA name\n");
        return 2;
    }
    resolver = props.trust_anchor_file ? dns_resolver_open(&props, why)
                                       : dns_resolver_create(servers, why);
    if (resolver == 0) {
        fprintf(stderr, "dns_query: %s\n", vstring_str(why));
        return 2;
    }
    status = dns_lookup(resolver, argv[optind + 1], type, &answer, why);
    printf("status=%s secure=%s rcode=%d\n", dns_query_status[status], answer.secure ? "yes" : "no",
           answer.rcode);
    if (status != DNS_OK)
        printf("why=%s\n", vstring_str(why));
    for (size_t i = 0; i < answer.count; i++)
        dns_query_print(&answer.rr[i]);
    dns_answer_free(&answer);
    dns_resolver_free(resolver);
    vstring_free(why);
    return status == DNS_OK ? 0 : 1;
}
