/*++
 * NAME
 *	ptf_dane - DANE for posttls-finger: the TLSA records of a server
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	void	ptf_dane_server(PTF_STATE *state, const SMTP_ADDR *addr);
 *	void	ptf_dane_free(PTF_STATE *state);
 * DESCRIPTION
 *	ptf_dane_server() decides the level of the session with the server
 *	addr when -l is dane or dane-only, as Postfix's posttls-finger
 *	does: with validated, usable TLSA records (smtp_tlsa(3): only for a
 *	host whose MX and address records were validated, first at the
 *	name its CNAMEs lead to) the level stays and state->tlsa holds
 *	them; otherwise the session is probed at level secure, which at
 *	dane-only is said ("no TLSA records found, resorting to \\"secure\\"",
 *	"no usable TLSA records found, ..."). state->session_level is the
 *	result; for other levels it is state->level.
 *
 *	ptf_dane_free() releases the records of the last server.
 * DIAGNOSTICS
 *	Informational messages, as above; TLSA lookup failures.
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

/* ptf_dane_server - the level and TLSA records for one server */

void ptf_dane_server(PTF_STATE *state, const SMTP_ADDR *addr)
{
    VSTRING *why;
    int status;

    ptf_dane_free(state);
    state->session_level = state->level;
    if (!TLS_DANE_BASED(state->level))
        return;
    if (!addr->mx_secure || (!addr->secure && !state->force_tlsa)) {
        ptf_dane_secure(state, "no TLSA records found");
        return;
    }
    why = vstring_alloc(100);
    status = smtp_tlsa_lookup(
        &(SMTP_TLSA_QUERY){
            .host = addr->host,
            .rname = addr->rname,
            .port = state->dest.port,
            .host_secure = addr->secure,
            .force = state->force_tlsa,
            .mtype_mask = state->dane_mtype_mask,
        },
        &state->tlsa, why);
    if (status == SMTP_TLSA_RETRY) {
        msg_info("%s", vstring_str(why));
        ptf_dane_secure(state, "TLSA lookup error");
    } else if (status == SMTP_TLSA_NONE) {
        ptf_dane_secure(state, "no TLSA records found");
    } else if (status == SMTP_TLSA_UNUSABLE) {
        ptf_dane_secure(state, "no usable TLSA records found");
    }
    vstring_free(why);
}

/* ptf_dane_free - forget the last server's records */

void ptf_dane_free(PTF_STATE *state)
{
    smtp_tlsa_free(&state->tlsa);
}
