/*++
 * NAME
 *	smtp_tlsrpt - TLSRPT (RFC 8460) results of the SMTP client
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_tlsrpt_init(const SMTP_TLSRPT_CONFIG *config);
 *	void	smtp_tlsrpt_start(const SMTP_STATE *state, SMTP_TLSRPT *rpt,
 *				int tls_level, const SMTP_TLSA_LIST *tlsa);
 *	void	smtp_tlsrpt_policy_sts(SMTP_TLSRPT *rpt,
 *				const char *policy_strings,
 *				const char *mx_patterns);
 *	void	smtp_tlsrpt_helo(SMTP_SESSION *session,
 *				const char *reply_line);
 *	void	smtp_tlsrpt_success(SMTP_SESSION *session);
 *	void	smtp_tlsrpt_failure(SMTP_SESSION *session, const char *result,
 *				const char *reason);
 *	void	smtp_tlsrpt_failure_addr(const SMTP_STATE *state,
 *				const SMTP_ADDR *addr, SMTP_TLSRPT *rpt,
 *				const char *result, const char *reason);
 *	const char *smtp_tlsrpt_cert_result(const SMTP_SESSION *session);
 *	void	smtp_tlsrpt_free(SMTP_TLSRPT *rpt);
 * DESCRIPTION
 *	smtp_tlsrpt_init() takes the smtp_tlsrpt_* settings once, at
 *	start-up; with smtp_tlsrpt_enable = no the other functions record
 *	nothing.
 *
 *	smtp_tlsrpt_start() decides, before a server is contacted, under
 *	which policy its session will be recorded: "tlsa" with the TLSA
 *	records (one "usage selector mtype hex-data" string each) when
 *	tls_level is a DANE level and tlsa holds usable records;
 *	"no-policy-found" at any other level but none; nothing at level
 *	none, or when the next hop is an address or a UNIX-domain socket
 *	(no policy domain). The policy domain is the next-hop domain.
 *
 *	smtp_tlsrpt_policy_sts() turns the policy of rpt into "sts" (when
 *	no DANE policy applies: DANE wins over MTA-STS): policy_strings
 *	are the policy file's lines ("version: STSv1", "mode: enforce",
 *	"mx: ...", "max_age: ..."), mx_patterns the mx patterns, both
 *	newline-separated. The MTA-STS code calls it after
 *	smtp_tlsrpt_start(), and before any result is recorded.
 *
 *	smtp_tlsrpt_helo() takes the receiving-mx-helo of RFC 8460
 *	section 4.4, the name that the server announces in the first
 *	line of its EHLO (or HELO) reply (reply_line: "250-name text" or
 *	"250 name"), for the session's record; a name that is not a valid
 *	host name is left out.
 *
 *	smtp_tlsrpt_success() records a successful handshake that met the
 *	level's demands (with smtp_tlsrpt_skip_reused_handshakes, a resumed
 *	session is not recorded). smtp_tlsrpt_failure() records a failure
 *	with its result type (tlsrpt_client.h: TLSRPT_*) and an optional
 *	reason text (the failure-reason-code). Only the first result of a
 *	session counts: a session is one record.
 *
 *	smtp_tlsrpt_failure_addr() records a failure for the server addr
 *	before a session exists, under the policy of rpt (made by
 *	smtp_tlsrpt_start(), or "no-policy-found" when rpt is NULL).
 *
 *	smtp_tlsrpt_cert_result() maps a certificate check that failed to
 *	its result type: "validation-failure" at the DANE levels (no TLSA
 *	record matched), else "certificate-expired",
 *	"certificate-host-mismatch" (a trusted chain whose names do not
 *	match), or "certificate-not-trusted".
 *
 *	smtp_tlsrpt_free() releases what rpt owns.
 * SEE ALSO
 *	tlsrpt_client(3), tlsrpt(8)
 *--*/

/* System library. */
#include <string.h>
#include <sys/socket.h>
#include <netdb.h>

/* OpenSSL. */
#include <openssl/x509_vfy.h>

/* Utility library. */
#include "msg.h"
#include "valid_hostname.h"
#include "vstream.h"
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

static SMTP_TLSRPT_CONFIG smtp_tlsrpt_config; /* copy of the settings */

/* smtp_tlsrpt_init - the settings */

void smtp_tlsrpt_init(const SMTP_TLSRPT_CONFIG *config)
{
    smtp_tlsrpt_config = *config;
    if (config->enable)
        tlsrpt_client_init(config->socket_name, 0);
}

/* smtp_tlsrpt_domain - the policy domain of the request, or NULL */

static const char *smtp_tlsrpt_domain(const SMTP_STATE *state)
{
    if (!smtp_tlsrpt_config.enable || state->dest.unix_path || state->dest.literal)
        return NULL;
    return state->dest.name;
}

/* smtp_tlsrpt_start - the policy under which the session is recorded */

void smtp_tlsrpt_start(const SMTP_STATE *state, SMTP_TLSRPT *rpt, int tls_level,
                       const SMTP_TLSA_LIST *tlsa)
{
    *rpt = (SMTP_TLSRPT){0};
    if (smtp_tlsrpt_domain(state) == NULL || tls_level <= TLS_LEV_NONE)
        return;
    if (TLS_DANE_BASED(tls_level) && tlsa && tlsa->count > 0) {
        rpt->policy_type = TLSRPT_POLICY_TLSA;
        rpt->policy_strings = vstring_alloc(100);
        for (size_t i = 0; i < tlsa->count; i++) {
            const SMTP_TLSA *rr = tlsa->rr + i;

            if (i > 0)
                vstring_addch(rpt->policy_strings, '\n');
            vstring_sprintf_append(rpt->policy_strings, "%d %d %d ", rr->usage, rr->selector,
                                   rr->mtype);
            for (size_t j = 0; j < rr->len; j++)
                vstring_sprintf_append(rpt->policy_strings, "%02X", rr->data[j]);
        }
    } else {
        rpt->policy_type = TLSRPT_POLICY_NONE;
    }
}

/* smtp_tlsrpt_policy_sts - the session is under an MTA-STS policy */

void smtp_tlsrpt_policy_sts(SMTP_TLSRPT *rpt, const char *policy_strings, const char *mx_patterns)
{
    if (rpt->policy_type == NULL || strcmp(rpt->policy_type, TLSRPT_POLICY_TLSA) == 0)
        return;
    rpt->policy_type = TLSRPT_POLICY_STS;
    if (rpt->policy_strings == NULL)
        rpt->policy_strings = vstring_alloc(100);
    vstring_strcpy(rpt->policy_strings, policy_strings ? policy_strings : "");
    if (rpt->mx_host == NULL)
        rpt->mx_host = vstring_alloc(100);
    vstring_strcpy(rpt->mx_host, mx_patterns ? mx_patterns : "");
}

/* smtp_tlsrpt_helo - the name in the server's EHLO (HELO) reply */

void smtp_tlsrpt_helo(SMTP_SESSION *session, const char *reply_line)
{
    SMTP_TLSRPT *rpt = &session->tlsrpt;
    const char *name = reply_line, *end;

    if (rpt->policy_type == NULL || strlen(name) < 4)
        return;
    name += 4;
    end = name + strcspn(name, " \t");
    if (rpt->helo == NULL)
        rpt->helo = vstring_alloc(100);
    vstring_strncpy(rpt->helo, name, (size_t)(end - name));
    if (!valid_hostname(vstring_str(rpt->helo)))
        vstring_truncate(rpt->helo, 0);
}

/* smtp_tlsrpt_local_addr - our end of the connection, as text */

static const char *smtp_tlsrpt_local_addr(const SMTP_SESSION *session, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);

    *buf = 0;
    if (session->stream == NULL || session->state->dest.unix_path ||
        getsockname(vstream_fileno(session->stream), (struct sockaddr *)&ss, &sslen) < 0 ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
        getnameinfo((struct sockaddr *)&ss, sslen, buf, len, NULL, 0, NI_NUMERICHOST) != 0)
        *buf = 0;
    return buf;
}

/* smtp_tlsrpt_send - one record */

static void smtp_tlsrpt_send(const SMTP_STATE *state, const SMTP_TLSRPT *rpt, const char *result,
                             const char *sending_ip, const char *mx, const char *mx_ip,
                             const char *reason)
{
    const char *helo = rpt && rpt->helo && VSTRING_LEN(rpt->helo) ? vstring_str(rpt->helo) : NULL;

    tlsrpt_client_send(&(TLSRPT_RECORD){
        .policy_domain = smtp_tlsrpt_domain(state),
        .policy_type = rpt ? rpt->policy_type : TLSRPT_POLICY_NONE,
        .policy_strings = rpt && rpt->policy_strings ? vstring_str(rpt->policy_strings) : NULL,
        .mx_host = rpt && rpt->mx_host ? vstring_str(rpt->mx_host) : NULL,
        .result = result,
        .sending_ip = sending_ip,
        .receiving_mx = mx,
        .receiving_helo = helo,
        .receiving_ip = mx_ip,
        .reason = reason,
    });
}

/* smtp_tlsrpt_result - the session's one record */

static void smtp_tlsrpt_result(SMTP_SESSION *session, const char *result, const char *reason)
{
    SMTP_TLSRPT *rpt = &session->tlsrpt;
    char local[NI_MAXHOST];

    if (rpt->policy_type == NULL || rpt->done || smtp_tlsrpt_domain(session->state) == NULL)
        return;
    rpt->done = true;
    if (strcmp(result, TLSRPT_SUCCESS) == 0 && smtp_tlsrpt_config.skip_reused && session->tls &&
        session->tls->session_reused)
        return;
    smtp_tlsrpt_send(session->state, rpt, result,
                     smtp_tlsrpt_local_addr(session, local, sizeof(local)), session->host,
                     session->addr, reason);
}

/* smtp_tlsrpt_success - a handshake that met the level's demands */

void smtp_tlsrpt_success(SMTP_SESSION *session)
{
    smtp_tlsrpt_result(session, TLSRPT_SUCCESS, NULL);
}

/* smtp_tlsrpt_failure - a failed session */

void smtp_tlsrpt_failure(SMTP_SESSION *session, const char *result, const char *reason)
{
    smtp_tlsrpt_result(session, result, reason);
}

/* smtp_tlsrpt_failure_addr - a failure before a session exists */

void smtp_tlsrpt_failure_addr(const SMTP_STATE *state, const SMTP_ADDR *addr, SMTP_TLSRPT *rpt,
                              const char *result, const char *reason)
{
    if (smtp_tlsrpt_domain(state) == NULL || (rpt && (rpt->policy_type == NULL || rpt->done)))
        return;
    if (rpt)
        rpt->done = true;
    smtp_tlsrpt_send(state, rpt, result, NULL, addr ? addr->host : NULL, addr ? addr->addr : NULL,
                     reason);
}

/* smtp_tlsrpt_cert_result - the result type of a failed certificate check */

const char *smtp_tlsrpt_cert_result(const SMTP_SESSION *session)
{
    const TLS_SESS_STATE *tls = session->tls;

    if (TLS_DANE_BASED(session->tls_level))
        return TLSRPT_VALIDATION_FAILURE;
    if (tls && tls->verify_result == X509_V_ERR_CERT_HAS_EXPIRED)
        return TLSRPT_CERT_EXPIRED;
    if (TLS_CERT_IS_TRUSTED(tls))
        return TLSRPT_CERT_HOST_MISMATCH;
    return TLSRPT_CERT_NOT_TRUSTED;
}

/* smtp_tlsrpt_free - release */

void smtp_tlsrpt_free(SMTP_TLSRPT *rpt)
{
    if (rpt->policy_strings)
        vstring_free(rpt->policy_strings);
    if (rpt->mx_host)
        vstring_free(rpt->mx_host);
    if (rpt->helo)
        vstring_free(rpt->helo);
    *rpt = (SMTP_TLSRPT){0};
}
