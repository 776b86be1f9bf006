/*++
 * NAME
 *	ptf_sts - the MTA-STS policy of the destination, and the verdict
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	void	ptf_sts_discover(PTF_STATE *state);
 *	bool	ptf_sts_dane_first(const PTF_STATE *state, bool mx_secure);
 *	void	ptf_sts_verdict(PTF_STATE *state);
 *	void	ptf_sts_free(PTF_STATE *state);
 * DESCRIPTION
 *	With smtp_tls_mta_sts_enable (main.cf or -o), for a destination
 *	that is a bare domain (SMTP, MX lookups), posttls-finger looks up
 *	the domain's MTA-STS policy as mtasts(8) would, but afresh and
 *	without its cache (sts_fetch(3): the _mta-sts TXT record with the
 *	SMTP client's resolver, the policy over HTTPS checked with
 *	mta_sts_CAfile, within mta_sts_fetch_timeout), and reports it.
 *
 *	ptf_sts_discover() looks up the policy and logs it: "MTA-STS policy
 *	of DOMAIN: mode MODE, id ID, max_age N, mx PATTERNS", or "MTA-STS
 *	policy of DOMAIN: none" with the reason (no TXT record, or the RFC
 *	8460 result type of a failed fetch).
 *
 *	ptf_sts_dane_first() says whether a server under the policy is
 *	looked up as at level dane because DANE takes precedence over
 *	MTA-STS, by the SMTP client's rule (sts_dane(3): a policy in mode
 *	enforce or testing, -l none, may or encrypt, smtp_dns_support_level
 *	= dnssec, an MX RRset that was DNSSEC-validated, mx_secure).
 *	ptf_dane(3) then looks up its TLSA records.
 *
 *	ptf_sts_verdict() logs, for the server of the session that just
 *	ended, what the SMTP client would conclude under the policy (mode
 *	enforce or testing), unless the server's TLSA records took
 *	precedence (state->sts_dane): "MTA-STS MODE verdict for HOST[ADDR]: success"
 *	or an RFC 8460 result type with the reason (validation-failure for
 *	an MX host outside the patterns, starttls-not-supported,
 *	certificate-not-trusted, certificate-expired,
 *	certificate-host-mismatch; tls_webpki(3) checks the certificate
 *	apart from the level of the session).
 *
 *	ptf_sts_free() releases the policy.
 * DIAGNOSTICS
 *	Everything is logged (standard error).
 * SEE ALSO
 *	mtasts(8), sts_fetch(3), sts_dane(3), tls_webpki(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"
#include "sts_dane.h"
#include "sts_fetch.h"

/* TLS library. */
#include "tls_webpki.h"

/* Application-specific. */
#include "posttls-finger.h"

/* ptf_sts_discover - the policy of the destination domain */

void ptf_sts_discover(PTF_STATE *state)
{
    VSTRING *id = vstring_alloc(32), *text = vstring_alloc(200), *why = vstring_alloc(100);
    VSTRING *mx = vstring_alloc(100);
    const char *domain = state->dest.nexthop;
    STS_FETCH_PROPS props = {
        .resolver = state->resolver,
        .CAfile = state->sts_CAfile && *state->sts_CAfile ? state->sts_CAfile : NULL,
        .timeout = state->sts_fetch_timeout,
    };
    int status, failure = 0;

    if (!state->sts_enable || state->lmtp || !state->dest.mx_lookup || state->dest.unix_path)
        goto done;
    status = sts_fetch_id(&props, domain, id, why);
    if (status != STS_TXT_OK) {
        msg_info("MTA-STS policy of %s: none (%s%s%s)", domain,
                 status == STS_TXT_NONE      ? "no TXT record"
                 : status == STS_TXT_INVALID ? "invalid TXT record"
                                             : "TXT lookup failed",
                 VSTRING_LEN(why) ? ": " : "", vstring_str(why));
        goto done;
    }
    if ((state->sts_policy = sts_fetch_policy(&props, domain, text, &failure, why)) == NULL) {
        msg_info("MTA-STS policy of %s: none (%s: %s)", domain,
                 failure == STS_FETCH_INVALID  ? "sts-policy-invalid"
                 : failure == STS_FETCH_WEBPKI ? "sts-webpki-invalid"
                                               : "sts-policy-fetch-error",
                 vstring_str(why));
        goto done;
    }
    for (size_t i = 0; i < state->sts_policy->mx->argc; i++)
        vstring_sprintf_append(mx, "%s%s", i ? " " : "", state->sts_policy->mx->argv[i]);
    msg_info("MTA-STS policy of %s: mode %s, id %s, max_age %ld, mx %s", domain,
             sts_mode_name(state->sts_policy->mode), vstring_str(id), state->sts_policy->max_age,
             VSTRING_LEN(mx) ? vstring_str(mx) : "(none)");
done:
    vstring_free(id);
    vstring_free(text);
    vstring_free(why);
    vstring_free(mx);
}

/* ptf_sts_dane_first - TLSA records before the policy, as in the SMTP client? */

bool ptf_sts_dane_first(const PTF_STATE *state, bool mx_secure)
{
    return state->dane_mtype_mask >= 0 &&
           sts_dane_first(&(STS_DANE_QUERY){
               .policy = state->sts_policy,
               .level = state->level,
               .dnssec = state->dns_support && strcasecmp(state->dns_support, "dnssec") == 0,
               .mx_secure = mx_secure,
           });
}

/* ptf_sts_verdict - what the policy says about the server just tried */

void ptf_sts_verdict(PTF_STATE *state)
{
    const STS_POLICY *policy = state->sts_policy;
    VSTRING *why;
    const char *failure = NULL;

    if (policy == NULL || policy->mode == STS_MODE_NONE || state->host == NULL || state->sts_dane)
        return;
    why = vstring_alloc(100);
    if (!sts_policy_mx_match(policy, state->host)) {
        failure = "validation-failure";
        vstring_sprintf(why, "MX host %s does not match the policy", state->host);
    } else if (state->tls == NULL) {
        failure = state->starttls_offered ? "validation-failure" : "starttls-not-supported";
        vstring_strcpy(why, state->starttls_offered ? "no TLS session" : "STARTTLS not offered");
    } else {
        failure = tls_webpki_result_type(
            tls_webpki_check(state->tls, state->sts_CAfile, state->host, why));
    }
    msg_info("MTA-STS %s verdict for %s[%s]: %s%s%s", sts_mode_name(policy->mode), state->host,
             state->addr, failure ? failure : "success", failure ? ": " : "",
             failure ? vstring_str(why) : "");
    vstring_free(why);
}

/* ptf_sts_free - release the policy */

void ptf_sts_free(PTF_STATE *state)
{
    state->sts_policy = sts_policy_free(state->sts_policy);
}
