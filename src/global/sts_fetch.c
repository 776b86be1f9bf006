/*++
 * NAME
 *	sts_fetch - MTA-STS discovery (RFC 8461 section 3)
 * SYNOPSIS
 *	#include <sts_fetch.h>
 *
 *	int	sts_fetch_id(const STS_FETCH_PROPS *props, const char *domain,
 *				VSTRING *out_id, VSTRING *why);
 *	STS_POLICY *sts_fetch_policy(const STS_FETCH_PROPS *props,
 *				const char *domain, VSTRING *out_text,
 *				int *out_failure, VSTRING *why);
 * DESCRIPTION
 *	sts_fetch_id() looks up the TXT records of _mta-sts.<domain> and
 *	picks the policy id (sts_txt_select(3)): STS_TXT_OK with the id,
 *	STS_TXT_NONE when the name or its TXT records do not exist or none
 *	is an STSv1 record, STS_TXT_INVALID, or STS_FETCH_RETRY when the
 *	lookup failed for now. DNSSEC is not required (RFC 8461 section 8.1).
 *
 *	sts_fetch_policy() gets
 *	https://mta-sts.<domain>/.well-known/mta-sts.txt (https_fetch(3):
 *	PKIX with the host name checked, no redirects, 200 and text/plain
 *	only, at most STS_POLICY_MAX bytes within props->timeout seconds)
 *	and parses it (sts_policy_parse(3)). The result belongs to the
 *	caller; the text as fetched is in out_text (for a cache). On
 *	failure it returns NULL, with *out_failure set to STS_FETCH_ERROR or
 *	STS_FETCH_INVALID and the reason in why.
 * SEE ALSO
 *	RFC 8461, sts_policy(3), https_fetch(3), dns_lookup(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "vstring.h"

/* Global library. */
#include "https_fetch.h"
#include "sts_fetch.h"

/* sts_fetch_id - the policy id from the _mta-sts TXT record */

int sts_fetch_id(const STS_FETCH_PROPS *props, const char *domain, VSTRING *out_id, VSTRING *why)
{
    VSTRING *name = vstring_alloc(100);
    DNS_ANSWER answer = {0};
    ARGV *records = argv_alloc(2);
    int status;

    vstring_sprintf(name, "_mta-sts.%s", domain);
    switch (dns_lookup(props->resolver, vstring_str(name), DNS_T_TXT, &answer, why)) {
    case DNS_OK:
        for (size_t i = 0; i < answer.count; i++)
            if (answer.rr[i].type == DNS_T_TXT)
                argv_addn(records, (const char *)answer.rr[i].data, answer.rr[i].data_len);
        status = sts_txt_select(records, out_id, why);
        break;
    case DNS_NOTFOUND:
    case DNS_NODATA:
        status = STS_TXT_NONE;
        break;
    case DNS_RETRY:
        status = STS_FETCH_RETRY;
        break;
    default:
        status = STS_TXT_NONE;
        break;
    }
    dns_answer_free(&answer);
    argv_free(records);
    vstring_free(name);
    return status;
}

/* sts_fetch_policy - the policy over HTTPS */

STS_POLICY *sts_fetch_policy(const STS_FETCH_PROPS *props, const char *domain, VSTRING *out_text,
                             int *out_failure, VSTRING *why)
{
    VSTRING *url = vstring_alloc(100);
    STS_POLICY *policy = NULL;

    vstring_sprintf(url, "https://mta-sts.%s/.well-known/mta-sts.txt", domain);
    int status = https_fetch(&(HTTPS_FETCH_PROPS){.url = vstring_str(url),
                                                  .CAfile = props->CAfile,
                                                  .CApath = props->CApath,
                                                  .timeout = props->timeout,
                                                  .max_size = STS_POLICY_MAX,
                                                  .content_type = "text/plain"},
                             out_text, why);

    if (status != HTTPS_FETCH_OK) {
        *out_failure = status == HTTPS_FETCH_PKIX ? STS_FETCH_WEBPKI : STS_FETCH_ERROR;
    } else if ((policy = sts_policy_parse(vstring_str(out_text), VSTRING_LEN(out_text), why)) ==
               NULL) {
        *out_failure = STS_FETCH_INVALID;
    }
    vstring_free(url);
    return policy;
}
