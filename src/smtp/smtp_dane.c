/*++
 * NAME
 *	smtp_dane - what the DANE levels become for one server
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_dane_level(const SMTP_STATE *state, const SMTP_ADDR *addr,
 *				SMTP_TLS_POLICY *policy,
 *				SMTP_TLSA_LIST *out_tlsa);
 * DESCRIPTION
 *	smtp_dane_level() returns the security level for the server addr
 *	under policy (smtp_tls_policy_find()), before it is contacted.
 *	When the policy level is dane or dane-only, it decides from
 *	the DNSSEC status of the server's MX and address records and its
 *	TLSA records (smtp_tlsa(3)), as RFC 7672 and Postfix do. Other
 *	levels are returned as they are.
 *
 *	- An MX RRset that was not validated: at level dane,
 *	  smtp_tls_dane_insecure_mx_policy decides: "may" (no TLSA
 *	  lookup), "encrypt" (TLSA records make TLS mandatory, without
 *	  authentication), or "dane" (TLSA records are used, and a match
 *	  is logged as "Trusted", not "Verified": level halfdane). At
 *	  dane-only, the delivery is deferred.
 *
 *	- Address records that were not validated (and no
 *	  smtp_tls_force_insecure_host_tlsa_lookup): no TLSA lookup, as if
 *	  there were no records (below).
 *
 *	- A failed TLSA lookup defers ("TLSA lookup error for host:port").
 *
 *	- No validated TLSA records: "may"; dane-only defers ("no TLSA
 *	  records found").
 *
 *	- Validated records, none usable: "encrypt" (RFC 7672 section
 *	  2.2); dane-only defers ("TLSA records unusable").
 *
 *	- Usable records: the level stays (dane, dane-only, or halfdane
 *	  from an insecure MX), and out_tlsa holds the records for the
 *	  handshake (the caller releases them with smtp_tlsa_free()).
 *
 *	A deferral returns TLS_LEV_INVALID with policy's error_dsn
 *	("4.7.5") and error set, and tlsrpt_result the RFC 8460 result
 *	type: "dane-required" (dane-only without secure TLSA records),
 *	"dnssec-invalid" (the TLSA lookup failed) or "tlsa-invalid" (no
 *	usable record).
 * DIAGNOSTICS
 *	A deferral is warned about in Postfix's words ("TLS policy lookup
 *	for example.com/mx.example.com: no TLSA records found"). With
 *	msg_verbose, why a level fell back.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_dane_defer - the delivery is deferred with this reason */

static int smtp_dane_defer(const SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLS_POLICY *policy,
                           const char *text, const char *tlsrpt_result)
{
    msg_warn("TLS policy lookup for %s/%s: %s", state->dest.name, addr->host, text);
    policy->level = TLS_LEV_INVALID;
    policy->error_dsn = "4.7.5";
    policy->tlsrpt_result = tlsrpt_result;
    myfree(policy->error);
    policy->error = mystrdup(text);
    return TLS_LEV_INVALID;
}

/* smtp_dane_fallback - a weaker level, or a deferral at dane-only */

static int smtp_dane_fallback(const SMTP_STATE *state, const SMTP_ADDR *addr,
                              SMTP_TLS_POLICY *policy, int level, int fallback, const char *why,
                              const char *tlsrpt_result)
{
    if (level == TLS_LEV_DANE_ONLY)
        return smtp_dane_defer(state, addr, policy, why, tlsrpt_result);
    if (msg_verbose)
        msg_info("%s[%s]:%u: %s: using level \"%s\"", addr->host, addr->addr, state->dest.port, why,
                 tls_level_name(fallback));
    return fallback;
}

/* smtp_dane_level - the level for one server under a DANE policy */

int smtp_dane_level(const SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLS_POLICY *policy,
                    SMTP_TLSA_LIST *out_tlsa)
{
    const SMTP_TLS_CONFIG *tls = &state->config->tls;
    int level = policy->level;
    VSTRING *why;
    int status;

    if (level != TLS_LEV_DANE && level != TLS_LEV_DANE_ONLY)
        return level;
    if (!addr->mx_secure) {
        if (level == TLS_LEV_DANE_ONLY)
            return smtp_dane_defer(state, addr, policy, "non DNSSEC destination",
                                   TLSRPT_DANE_REQUIRED);
        if (tls->insecure_mx_policy <= TLS_LEV_MAY)
            return smtp_dane_fallback(state, addr, policy, level, TLS_LEV_MAY, "insecure MX record",
                                      TLSRPT_DANE_REQUIRED);
        level = tls->insecure_mx_policy == TLS_LEV_ENCRYPT ? TLS_LEV_ENCRYPT : TLS_LEV_HALF_DANE;
    }
    if (!addr->secure && !tls->force_insecure_tlsa)
        return smtp_dane_fallback(state, addr, policy, level, TLS_LEV_MAY, "no TLSA records found",
                                  TLSRPT_DANE_REQUIRED);
    why = vstring_alloc(100);
    status = smtp_tlsa_lookup(state->config->resolver,
                              &(SMTP_TLSA_QUERY){
                                  .host = addr->host,
                                  .rname = addr->rname,
                                  .port = state->dest.port,
                                  .host_secure = addr->secure,
                                  .force = tls->force_insecure_tlsa,
                                  .mtype_mask = tls->dane_mtype_mask,
                              },
                              out_tlsa, why);
    if (status == SMTP_TLSA_RETRY) {
        if (msg_verbose)
            msg_info("%s", vstring_str(why));
        vstring_sprintf(why, "TLSA lookup error for %s:%u", addr->host, state->dest.port);
        level = smtp_dane_defer(state, addr, policy, vstring_str(why), TLSRPT_DNSSEC_INVALID);
    } else if (status == SMTP_TLSA_NONE) {
        level = smtp_dane_fallback(state, addr, policy, level, TLS_LEV_MAY, "no TLSA records found",
                                   TLSRPT_DANE_REQUIRED);
    } else if (status == SMTP_TLSA_UNUSABLE || level == TLS_LEV_ENCRYPT) {
        level = status == SMTP_TLSA_UNUSABLE
                    ? smtp_dane_fallback(state, addr, policy, level, TLS_LEV_ENCRYPT,
                                         "TLSA records unusable", TLSRPT_TLSA_INVALID)
                    : TLS_LEV_ENCRYPT;
    }
    if (level != TLS_LEV_INVALID && !TLS_DANE_BASED(level))
        smtp_tlsa_free(out_tlsa);
    vstring_free(why);
    return level;
}
