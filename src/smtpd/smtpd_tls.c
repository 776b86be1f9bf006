/*++
 * NAME
 *	smtpd_tls - the SMTP server's view of TLS
 * SYNOPSIS
 *	#include "smtpd_tls.h"
 *
 *	SMTPD_TLS_SERVER *smtpd_tls_server_init(CONFIG *config,
 *				const SMTPD_CONFIG *cfg);
 *	SMTPD_TLS_SERVER *smtpd_tls_server_free(SMTPD_TLS_SERVER *server);
 *
 *	SMTPD_TLS_SESSION *smtpd_tls_session_start(SMTPD_TLS_SERVER *server,
 *				VSTREAM *stream, int timeout,
 *				bool requirecert, const char *namaddr);
 *	const SMTPD_TLS_FACTS *smtpd_tls_session_facts(
 *				const SMTPD_TLS_SESSION *session);
 *	const char *smtpd_tls_received(VSTRING *out,
 *				const SMTPD_TLS_SESSION *session,
 *				bool ask_ccert);
 *	SMTPD_TLS_SESSION *smtpd_tls_session_stop(SMTPD_TLS_SESSION *session,
 *				VSTREAM *stream, bool failure);
 *	SMTPD_TLS_SESSION *smtpd_tls_session_free(SMTPD_TLS_SESSION *session);
 * DESCRIPTION
 *	smtpd_tls_server_init() builds the server context from the smtpd_tls_*
 *	parameters. It returns NULL when TLS cannot be used; the reason has
 *	been logged and STARTTLS then gets "454 4.7.0 TLS not available due
 *	to local problem".
 *
 *	smtpd_tls_session_start() runs the server handshake on stream within
 *	timeout seconds, after the caller has sent "220 2.0.0 Ready to start
 *	TLS" and discarded all buffered input. It returns NULL when the
 *	handshake failed (logged); the session must then end.
 *
 *	smtpd_tls_session_facts() and smtpd_tls_received() describe the
 *	session; smtpd_tls_session_stop() ends it (close_notify unless
 *	failure) and frees it; smtpd_tls_session_free() frees it without I/O.
 *	The stop and free functions return NULL.
 * BUGS
 *	XXX This build has no TLS engine yet: every context is unavailable.
 *--*/

#include "msg.h"

#include "smtpd_tls.h"

/* smtpd_tls_server_init - build the server context */

SMTPD_TLS_SERVER *smtpd_tls_server_init(CONFIG *unused_config, const SMTPD_CONFIG *unused_cfg)
{
    msg_warn("TLS support is not available in this build: disabling TLS support");
    return NULL;
}

/* smtpd_tls_server_free - release the server context */

SMTPD_TLS_SERVER *smtpd_tls_server_free(SMTPD_TLS_SERVER *unused_server)
{
    return NULL;
}

/* smtpd_tls_session_start - server handshake */

SMTPD_TLS_SESSION *smtpd_tls_session_start(SMTPD_TLS_SERVER *unused_server, VSTREAM *unused_stream,
                                           int unused_timeout, bool unused_requirecert,
                                           const char *namaddr)
{
    msg_warn("TLS handshake with %s: TLS support is not available", namaddr);
    return NULL;
}

/* smtpd_tls_session_facts - what the session is */

const SMTPD_TLS_FACTS *smtpd_tls_session_facts(const SMTPD_TLS_SESSION *unused_session)
{
    return NULL;
}

/* smtpd_tls_received - the Received: comment */

const char *smtpd_tls_received(VSTRING *out, const SMTPD_TLS_SESSION *unused_session,
                               bool unused_ask_ccert)
{
    VSTRING_RESET(out);
    return vstring_str(out);
}

/* smtpd_tls_session_stop - end a session */

SMTPD_TLS_SESSION *smtpd_tls_session_stop(SMTPD_TLS_SESSION *unused_session, VSTREAM *unused_stream,
                                          bool unused_failure)
{
    return NULL;
}

/* smtpd_tls_session_free - release a session */

SMTPD_TLS_SESSION *smtpd_tls_session_free(SMTPD_TLS_SESSION *unused_session)
{
    return NULL;
}
