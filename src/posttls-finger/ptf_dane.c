/*++
 * NAME
 *	ptf_dane - DANE for posttls-finger: the TLSA records of a server
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	int	ptf_dane_server(PTF_STATE *state, const SMTP_ADDR *addr,
 *				VSTRING *why);
 *	void	ptf_dane_free(PTF_STATE *state);
 * DESCRIPTION
 *	ptf_dane_server() decides the level of the session with the server
 *	addr when -l is dane or dane-only, as Postfix's posttls-finger
 *	does: with validated, usable TLSA records (smtp_tlsa(3): only for a
 *	host whose address records were validated, first at the name its
 *	CNAMEs lead to) the level stays and state->tlsa holds them. When
 *	the MX RRset was not validated, -M (state->insecure_mx_policy)
 *	decides: "may" probes at level may without a TLSA lookup ("MX
 *	RRset is insecure: try to encrypt"); "encrypt" probes at level
 *	encrypt when usable records exist ("TLSA RRs found, MX RRset
 *	insecure: just encrypt"); "dane" (the default) uses the records,
 *	but a match only counts as "Trusted" (level halfdane; "MX RRset
 *	insecure: log verified as trusted"). Otherwise the session is
 *	probed at level secure, which at dane-only is said ("no TLSA
 *	records found, resorting to \\"secure\\"", "no usable TLSA records
 *	found, ..."). state->session_level is the result; for other levels
 *	it is state->level. It returns 0, or -1 with why set when the TLSA
 *	lookup failed: the server is then not tried.
 *
 *	Under an MTA-STS policy at the other levels, where DANE takes
 *	precedence as in the SMTP client (ptf_sts_dane_first()), the server
 *	is looked up as at level dane (its address records validated, or
 *	-f): usable TLSA records make the session level dane, which is
 *	logged ("DANE TLSA records of HOST take precedence over the MTA-STS
 *	policy of DOMAIN"; state->sts_dane: no MTA-STS verdict then);
 *	validated records that are all unusable make it encrypt, and the
 *	policy still applies; without records the level stays and the
 *	policy applies; a failed lookup skips the server, as above.
 *
 *	ptf_dane_free() releases the records of the last server.
 * DIAGNOSTICS
 *	Informational messages, as above; a warning for a failed TLSA lookup
 *	("DANE TLSA lookup problem: ...").
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "posttls-finger.h"

/* ptf_dane_secure - no DANE for this server: level secure */

static void ptf_dane_secure(PTF_STATE *state, const char *why)
{
    if (state->level == TLS_LEV_DANE_ONLY)
        msg_info("%s, resorting to \"%s\"", why, tls_level_name(TLS_LEV_SECURE));
    smtp_tlsa_free(&state->tlsa);
    state->session_level = TLS_LEV_SECURE;
}

/* ptf_dane_lookup - the server's TLSA records into state->tlsa */

static int ptf_dane_lookup(PTF_STATE *state, const SMTP_ADDR *addr, VSTRING *detail)
{
    return smtp_tlsa_lookup(state->resolver,
                            &(SMTP_TLSA_QUERY){
                                .host = addr->host,
                                .rname = addr->rname,
                                .port = state->dest.port,
                                .host_secure = addr->secure,
                                .force = state->force_tlsa,
                                .mtype_mask = state->dane_mtype_mask,
                            },
                            &state->tlsa, detail);
}

/* ptf_dane_sts - TLSA records before an MTA-STS policy */

static int ptf_dane_sts(PTF_STATE *state, const SMTP_ADDR *addr, VSTRING *why)
{
    VSTRING *detail;
    int status;

    if (!addr->secure && !state->force_tlsa)
        return 0;
    detail = vstring_alloc(100);
    status = ptf_dane_lookup(state, addr, detail);
    if (status == SMTP_TLSA_RETRY) {
        msg_warn("DANE TLSA lookup problem: %s", vstring_str(detail));
        vstring_sprintf(why, "TLSA lookup error for %s:%u", addr->host, state->dest.port);
    } else if (status == SMTP_TLSA_UNUSABLE) {
        msg_info("no usable TLSA records found: encrypt, under the MTA-STS policy");
        smtp_tlsa_free(&state->tlsa);
        state->session_level = TLS_LEV_ENCRYPT;
    } else if (status == SMTP_TLSA_FOUND) {
        msg_info("DANE TLSA records of %s take precedence over the MTA-STS policy of %s",
                 addr->host, state->dest.nexthop);
        state->sts_dane = true;
        state->session_level = TLS_LEV_DANE;
    }
    vstring_free(detail);
    return status == SMTP_TLSA_RETRY ? -1 : 0;
}

/* ptf_dane_server - the level and TLSA records for one server */

int ptf_dane_server(PTF_STATE *state, const SMTP_ADDR *addr, VSTRING *why)
{
    VSTRING *detail;
    int status;

    ptf_dane_free(state);
    state->session_level = state->level;
    state->sts_dane = false;
    if (ptf_sts_dane_first(state, addr->mx_secure))
        return ptf_dane_sts(state, addr, why);
    if (!TLS_DANE_BASED(state->level))
        return 0;
    if (!addr->mx_secure && state->insecure_mx_policy == TLS_LEV_MAY) {
        msg_info("MX RRset is insecure: try to encrypt");
        state->session_level = TLS_LEV_MAY;
        return 0;
    }
    if (!addr->secure && !state->force_tlsa) {
        ptf_dane_secure(state, "no TLSA records found");
        return 0;
    }
    detail = vstring_alloc(100);
    status = ptf_dane_lookup(state, addr, detail);
    if (status == SMTP_TLSA_RETRY) {
        msg_warn("DANE TLSA lookup problem: %s", vstring_str(detail));
        vstring_sprintf(why, "TLSA lookup error for %s:%u", addr->host, state->dest.port);
    } else if (status == SMTP_TLSA_NONE) {
        ptf_dane_secure(state, "no TLSA records found");
    } else if (status == SMTP_TLSA_UNUSABLE) {
        ptf_dane_secure(state, "no usable TLSA records found");
    } else if (!addr->mx_secure && state->insecure_mx_policy == TLS_LEV_ENCRYPT) {
        msg_info("TLSA RRs found, MX RRset insecure: just encrypt");
        smtp_tlsa_free(&state->tlsa);
        state->session_level = TLS_LEV_ENCRYPT;
    } else if (!addr->mx_secure) {
        msg_info("MX RRset insecure: log verified as trusted");
        state->session_level = TLS_LEV_HALF_DANE;
    }
    vstring_free(detail);
    return status == SMTP_TLSA_RETRY ? -1 : 0;
}

/* ptf_dane_free - forget the last server's records */

void ptf_dane_free(PTF_STATE *state)
{
    smtp_tlsa_free(&state->tlsa);
}
