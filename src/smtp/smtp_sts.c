/*++
 * NAME
 *	smtp_sts - MTA-STS (RFC 8461) in the SMTP client
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_sts_dane_level(SMTP_STATE *state, const SMTP_ADDR *addr,
 *				SMTP_TLS_POLICY *policy,
 *				SMTP_TLSA_LIST *out_tlsa, int *out_wanted);
 *	int	smtp_sts_level(SMTP_STATE *state, const char *host,
 *				const char *addr, SMTP_TLS_POLICY *policy,
 *				int level, int *out_mode);
 *	void	smtp_sts_handshake(SMTP_SESSION *session);
 *	void	smtp_sts_verdict(SMTP_STATE *state, const char *host,
 *				const char *addr, int mode,
 *				const char *failure, const char *reason);
 *	void	smtp_sts_tlsrpt(SMTP_STATE *state, const SMTP_ADDR *addr,
 *				SMTP_TLSRPT *rpt, int sts_mode);
 *	void	smtp_sts_free(SMTP_STATE *state);
 * DESCRIPTION
 *	With smtp_tls_mta_sts_enable (never in LMTP mode), the SMTP client
 *	asks mtasts(8) once per delivery request which MTA-STS policy is in
 *	force for the next-hop domain (only for a domain whose MX records
 *	are looked up: not for "[host]" nor with DNS lookups off), and logs
 *	it. Without an answer from mtasts the domain counts as one without
 *	a policy.
 *
 *	smtp_sts_dane_level() replaces smtp_dane_level() for a server of
 *	the request: it looks up TLSA records, so that DANE wins over an
 *	MTA-STS policy (RFC 8461 section 2) also where the level in force
 *	does not ask for DANE, when sts_dane_first(3) says so (the rule
 *	that posttls-finger shares: a policy in mode enforce or testing, no
 *	smtp_tls_policy_maps entry (policy->from_table), level none, may or
 *	encrypt, smtp_dns_support_level = dnssec, a validated MX RRset, and
 *	no "TLS-Required: no"). Then the server is looked up as at
 *	level dane (smtp_dane_level(), the address records must be
 *	validated too unless smtp_tls_force_insecure_host_tlsa_lookup):
 *	usable TLSA records make the level and policy->level dane, the
 *	records in out_tlsa; a failed TLSA lookup defers (TLS_LEV_INVALID,
 *	"dnssec-invalid"); validated records that are all unusable make it
 *	encrypt (RFC 7672 section 2.2; an enforced MTA-STS policy then
 *	raises it to secure); no records leave the level and the policy as
 *	they were, and the MTA-STS policy applies. When TLSA records decided,
 *	*out_wanted (when not NULL; the level wanted, for the tls= field of
 *	the delivery log line) becomes that level: dane (usable records, or
 *	a failed lookup) or encrypt (unusable records).
 *	Otherwise it is smtp_dane_level().
 *
 *	smtp_sts_level() decides, for one MX host (its address for texts),
 *	what the policy does to the TLS policy and level that
 *	smtp_tls_policy_find() and smtp_dane_level() gave, before the host
 *	is contacted, and returns the new level; *out_mode is the mode that
 *	applies to the host (STS_MODE_NONE when none does):
 *
 *	- No policy, mode none: nothing changes.
 *
 *	- An smtp_tls_policy_maps (or smtp_tls_per_site) entry for the next
 *	  hop: it wins; nothing changes (logged).
 *
 *	- The level is DANE-based (usable TLSA records): DANE wins (RFC 8461
 *	  section 2); nothing changes (logged).
 *
 *	- A message with "TLS-Required: no" under tls_required_enable: the
 *	  policy is applied as in mode testing.
 *
 *	- Mode testing: nothing changes; a host that the policy's mx
 *	  patterns do not match is reported (validation-failure), and
 *	  smtp_sts_handshake() reports the certificate check.
 *
 *	- Mode enforce, the host not matched: TLS_LEV_INVALID with the
 *	  policy's error set (4.7.5, "MX host ... does not match the
 *	  MTA-STS policy of ..."): the host is not contacted, the next MX
 *	  host is tried.
 *
 *	- Mode enforce, the host matched, level none, may or encrypt:
 *	  level secure, the certificate must chain to a CA of
 *	  mta_sts_CAfile (empty: OpenSSL's default CA file, as trust
 *	  anchors) and name the MX host itself; SNI is the MX host. TLS is
 *	  required: a server without STARTTLS or with a failing certificate
 *	  is deferred, never used in plaintext. A stronger level from
 *	  main.cf (fingerprint, verify, secure) stays.
 *
 *	smtp_sts_handshake() runs after a completed handshake with a host
 *	under a policy and reports the certificate (tls_webpki(3)):
 *	success, certificate-not-trusted, certificate-expired or
 *	certificate-host-mismatch.
 *
 *	smtp_sts_verdict() logs each result under a policy (an RFC 8460
 *	result type in failure, or NULL for success, with the reason):
 *	"<queue id>: MTA-STS <mode> policy of <domain> (id <id>):
 *	<host>[<addr>]: <result>".
 *
 *	smtp_sts_tlsrpt() makes the TLSRPT policy of a server under an
 *	MTA-STS policy (mode sts_mode, STS_MODE_NONE: nothing to do) the
 *	"sts" policy (smtp_tlsrpt(3): the policy file's lines and the mx
 *	patterns), after smtp_tlsrpt_start(), and records a server outside
 *	the mx patterns as validation-failure before it is contacted (or,
 *	in mode testing, instead of its session's result).
 *	smtp_sts_handshake() records the certificate check's failures;
 *	the other results of the session are recorded where they happen
 *	(smtp_starttls(3)). When discovery failed and no cached policy
 *	answered (mtasts gave sts-policy-fetch-error, sts-policy-invalid or
 *	sts-webpki-invalid), smtp_sts_tlsrpt() records that failure, with
 *	its reason, as the result of each server that would otherwise be
 *	recorded under "no-policy-found", under the policy type "sts" with
 *	no policy string (the policy could not be had): the domain
 *	announced a policy with its TXT record. A server under DANE is
 *	recorded under its "tlsa" policy as usual, and the delivery itself
 *	goes on as without a policy (RFC 8461 section 5.1).
 *
 *	smtp_sts_free() releases the policy of a request.
 * DIAGNOSTICS
 *	Information: the policy of each request, and each verdict; a
 *	warning for an enforced policy that rules out a host.
 * SEE ALSO
 *	RFC 8461, RFC 8460, mtasts(8), sts_mgr(3), tls_webpki(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "mail_params.h"
#include "sts_dane.h"
#include "sts_mgr.h"

/* TLS library. */
#include "tls_level.h"
#include "tls_webpki.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_sts_wanted - does MTA-STS apply to this request at all? */

static bool smtp_sts_wanted(const SMTP_STATE *state)
{
    const SMTP_CONFIG *config = state->config;

    return config->sts.enable && !config->lmtp && state->dest.mx_lookup &&
           state->dest.unix_path == NULL && config->dns_level != SMTP_DNS_LEVEL_DISABLED;
}

/* smtp_sts_lookup - the policy of the next hop, once per request */

static const STS_POLICY *smtp_sts_lookup(SMTP_STATE *state)
{
    SMTP_STS *sts = &state->sts;
    static bool sts_mgr_ready;

    if (sts->looked)
        return sts->result.policy;
    sts->looked = true;
    if (!smtp_sts_wanted(state))
        return NULL;
    if (!sts_mgr_ready) {
        sts_mgr_init(state->config->sts.service, 2 * state->config->sts.fetch_timeout + 10);
        sts_mgr_ready = true;
    }
    sts_mgr_result_init(&sts->result);
    sts_mgr_lookup(state->dest.name, &sts->result);
    if (sts->result.policy != NULL)
        msg_info("%s: MTA-STS policy of %s: mode %s, id %s (%s)", state->request->queue_id,
                 state->dest.name, sts_mode_name(sts->result.policy->mode),
                 vstring_str(sts->result.id), vstring_str(sts->result.source));
    else if (sts->result.status == STS_MGR_STAT_NONE && VSTRING_LEN(sts->result.failure))
        msg_info("%s: MTA-STS policy of %s: none (%s: %s)", state->request->queue_id,
                 state->dest.name, vstring_str(sts->result.failure),
                 vstring_str(sts->result.reason));
    return sts->result.policy;
}

/* smtp_sts_verdict - one result under a policy */

void smtp_sts_verdict(SMTP_STATE *state, const char *host, const char *addr, int mode,
                      const char *failure, const char *reason)
{
    msg_info("%s: MTA-STS %s policy of %s (id %s): %s[%s]: %s%s%s", state->request->queue_id,
             sts_mode_name(mode), state->dest.name, vstring_str(state->sts.result.id), host, addr,
             failure ? failure : "success", reason && *reason ? ": " : "", reason ? reason : "");
}

/* smtp_sts_enforce - the level of an enforced policy for a matching host */

static int smtp_sts_enforce(SMTP_STATE *state, const char *host, SMTP_TLS_POLICY *policy, int level)
{
    if (level >= TLS_LEV_FPRINT)
        return level;
    policy->level = TLS_LEV_SECURE;
    myfree(policy->match);
    policy->match = mystrdup(host);
    myfree(policy->tafile);
    policy->tafile = mystrdup(tls_webpki_cafile(state->config->sts.CAfile));
    myfree(policy->servername);
    policy->servername = mystrdup("hostname");
    return TLS_LEV_SECURE;
}

/* smtp_sts_dane_wanted - look up TLSA records because of an MTA-STS policy? */

static bool smtp_sts_dane_wanted(SMTP_STATE *state, const SMTP_ADDR *addr,
                                 const SMTP_TLS_POLICY *policy)
{
    return sts_dane_first(&(STS_DANE_QUERY){
        .policy = smtp_sts_lookup(state),
        .level = policy->level,
        .from_table = policy->from_table,
        .dnssec = state->config->dns_level == SMTP_DNS_LEVEL_DNSSEC,
        .mx_secure = addr->mx_secure,
        .tls_required_no = state->tls_required_no,
    });
}

/* smtp_sts_dane_level - DANE before an MTA-STS policy */

int smtp_sts_dane_level(SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLS_POLICY *policy,
                        SMTP_TLSA_LIST *out_tlsa, int *out_wanted)
{
    int level = policy->level, dane;

    if (!smtp_sts_dane_wanted(state, addr, policy))
        return smtp_dane_level(state, addr, policy, out_tlsa);
    policy->level = TLS_LEV_DANE;
    dane = smtp_dane_level(state, addr, policy, out_tlsa);
    if (dane == TLS_LEV_MAY) { /* no TLSA records: the MTA-STS policy applies */
        policy->level = level;
        return level;
    }
    if (out_wanted)
        *out_wanted = dane == TLS_LEV_INVALID ? TLS_LEV_DANE : dane;
    if (msg_verbose)
        msg_info("%s: %s[%s]: TLSA records decide before the MTA-STS policy of %s: level %s",
                 state->request->queue_id, addr->host, addr->addr, state->dest.name,
                 tls_level_name(dane));
    return dane;
}

/* smtp_sts_level - what the policy makes of one MX host */

int smtp_sts_level(SMTP_STATE *state, const char *host, const char *addr, SMTP_TLS_POLICY *policy,
                   int level, int *out_mode)
{
    const STS_POLICY *sts = smtp_sts_lookup(state);
    const char *queue_id = state->request->queue_id;
    VSTRING *why;

    *out_mode = STS_MODE_NONE;
    if (sts == NULL || sts->mode == STS_MODE_NONE || level == TLS_LEV_INVALID)
        return level;
    if (policy->from_table) {
        msg_info("%s: %s entry for %s takes precedence over its MTA-STS policy", queue_id,
                 SMTP_PARAM(state->config, TLS_POLICY_MAPS), state->dest.name);
        return level;
    }
    if (TLS_DANE_BASED(level)) {
        msg_info("%s: DANE TLSA records of %s take precedence over the MTA-STS policy of %s",
                 queue_id, host, state->dest.name);
        return level;
    }
    *out_mode = state->tls_required_no ? STS_MODE_TESTING : sts->mode;
    if (!sts_policy_mx_match(sts, host)) {
        why = vstring_alloc(100);
        vstring_sprintf(why, "MX host %s does not match the MTA-STS policy of %s", host,
                        state->dest.name);
        smtp_sts_verdict(state, host, addr, *out_mode, "validation-failure", vstring_str(why));
        if (*out_mode == STS_MODE_ENFORCE) {
            msg_warn("%s: %s", queue_id, vstring_str(why));
            policy->level = TLS_LEV_INVALID;
            policy->error_dsn = "4.7.5";
            myfree(policy->error);
            policy->error = vstring_export(why);
            return TLS_LEV_INVALID;
        }
        vstring_free(why);
        return level;
    }
    if (*out_mode == STS_MODE_ENFORCE)
        level = smtp_sts_enforce(state, host, policy, level);
    return level;
}

/* smtp_sts_handshake - report the certificate of a server under a policy */

void smtp_sts_handshake(SMTP_SESSION *session)
{
    VSTRING *why;
    const char *failure;
    int status;

    if (session->sts_mode == STS_MODE_NONE || session->tls == NULL)
        return;
    why = vstring_alloc(100);
    status = tls_webpki_check(session->tls, session->state->config->sts.CAfile, session->host, why);
    failure = tls_webpki_result_type(status);
    if (status == TLS_WEBPKI_OK)
        vstring_strcpy(why, "");
    if (failure != NULL)
        smtp_tlsrpt_failure(session, failure, vstring_str(why));
    smtp_sts_verdict(session->state, session->host, session->addr, session->sts_mode, failure,
                     vstring_str(why));
    vstring_free(why);
}

/* smtp_sts_tlsrpt_failed - a failed discovery, as the result of a server without a policy */

static void smtp_sts_tlsrpt_failed(SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLSRPT *rpt)
{
    const STS_MGR_RESULT *result = &state->sts.result;

    if (!state->sts.looked || result->policy != NULL || result->failure == NULL ||
        VSTRING_LEN(result->failure) == 0 || rpt->policy_type == NULL ||
        strcmp(rpt->policy_type, TLSRPT_POLICY_NONE) != 0)
        return;
    smtp_tlsrpt_policy_sts(rpt, NULL, NULL);
    smtp_tlsrpt_failure_addr(state, addr, rpt, vstring_str(result->failure),
                             vstring_str(result->reason));
}

/* smtp_sts_tlsrpt - the TLSRPT policy of a server under MTA-STS */

void smtp_sts_tlsrpt(SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLSRPT *rpt, int sts_mode)
{
    const STS_POLICY *sts = state->sts.result.policy;
    VSTRING *lines, *patterns;
    char *copy, *cp, *line;

    if (sts_mode == STS_MODE_NONE || sts == NULL) {
        smtp_sts_tlsrpt_failed(state, addr, rpt);
        return;
    }
    lines = vstring_alloc(200);
    patterns = vstring_alloc(100);
    cp = copy = mystrdup(vstring_str(state->sts.result.text));
    while ((line = mystrtok(&cp, "\r\n")) != NULL)
        vstring_sprintf_append(lines, "%s%s", VSTRING_LEN(lines) ? "\n" : "", line);
    myfree(copy);
    for (size_t i = 0; i < sts->mx->argc; i++)
        vstring_sprintf_append(patterns, "%s%s", i ? "\n" : "", sts->mx->argv[i]);
    smtp_tlsrpt_policy_sts(rpt, vstring_str(lines), vstring_str(patterns));
    if (!sts_policy_mx_match(sts, addr->host)) {
        vstring_sprintf(lines, "MX host %s does not match the MTA-STS policy of %s", addr->host,
                        state->dest.name);
        smtp_tlsrpt_failure_addr(state, addr, rpt, TLSRPT_VALIDATION_FAILURE, vstring_str(lines));
    }
    vstring_free(lines);
    vstring_free(patterns);
}

/* smtp_sts_free - release the policy of a request */

void smtp_sts_free(SMTP_STATE *state)
{
    if (state->sts.looked && state->sts.result.id != NULL)
        sts_mgr_result_free(&state->sts.result);
    state->sts = (SMTP_STS){0};
}
