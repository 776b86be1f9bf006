/*++
 * NAME
 *	sts_probe - MTA-STS discovery of one domain, for the tests
 * SYNOPSIS
 *	sts_probe [-s servers] [-C CAfile] [-t timeout] domain
 * DESCRIPTION
 *	sts_probe looks up the _mta-sts TXT record of domain and fetches its
 *	policy (sts_fetch(3)), as the policy cache does, and prints:
 *
 *	    id: <id> | none | invalid | retry
 *	    policy: ok mode=<mode> max_age=<seconds> mx=<pattern>[,<pattern>...]
 *	    policy: fetch-error <reason> | policy: invalid <reason> |
 *	    policy: webpki-invalid <reason>
 *
 *	The policy line comes only after an id.
 *
 *	-s servers	ask these DNS servers ("127.0.0.1:5353") for the TXT
 *			record instead of resolv.conf's (the HTTPS host name
 *			is always resolved through the system).
 *	-C CAfile	trusted CAs for the policy host (else the system's).
 *	-t timeout	seconds for the HTTPS fetch (default 10).
 *
 *	The exit status is 0 with a valid policy, 1 without, 2 on a usage
 *	error.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "msg.h"
#include "sts_fetch.h"
#include "vstring.h"

int main(int argc, char **argv)
{
    STS_FETCH_PROPS props = {.timeout = 10};
    VSTRING *id = vstring_alloc(40), *text = vstring_alloc(200), *why = vstring_alloc(100);
    const char *servers = NULL;
    STS_POLICY *policy;
    int ch, failure = 0, status;

    msg_init("sts_probe");
    while ((ch = getopt(argc, argv, "s:C:t:")) != -1) {
        switch (ch) {
        case 's':
            servers = optarg;
            break;
        case 'C':
            props.CAfile = optarg;
            break;
        case 't':
            props.timeout = atoi(optarg);
            break;
        default:
            return 2;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: sts_probe [-s servers] [-C CAfile] [-t timeout] domain\n");
        return 2;
    }
    if ((props.resolver = dns_resolver_create(servers, why)) == NULL) {
        fprintf(stderr, "sts_probe: %s\n", vstring_str(why));
        return 2;
    }
    status = sts_fetch_id(&props, argv[optind], id, why);
    if (status != STS_TXT_OK) {
        printf("id: %s\n", status == STS_TXT_NONE      ? "none"
                           : status == STS_TXT_INVALID ? "invalid"
                                                       : "retry");
        return 1;
    }
    printf("id: %s\n", vstring_str(id));
    if ((policy = sts_fetch_policy(&props, argv[optind], text, &failure, why)) == NULL) {
        printf("policy: %s %s\n",
               failure == STS_FETCH_INVALID  ? "invalid"
               : failure == STS_FETCH_WEBPKI ? "webpki-invalid"
                                             : "fetch-error",
               vstring_str(why));
        return 1;
    }
    printf("policy: ok mode=%s max_age=%ld mx=", sts_mode_name(policy->mode), policy->max_age);
    for (size_t i = 0; i < policy->mx->argc; i++)
        printf("%s%s", i ? "," : "", policy->mx->argv[i]);
    printf("\n");
    sts_policy_free(policy);
    dns_resolver_free(props.resolver);
    vstring_free(id);
    vstring_free(text);
    vstring_free(why);
    return 0;
}
