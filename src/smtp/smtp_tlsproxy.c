/*++
 * NAME
 *	smtp_tlsproxy - the TLS handshake through tlsproxy(8)
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	bool	smtp_tlsproxy_wanted(const SMTP_SESSION *session);
 *	int	smtp_tlsproxy_start(SMTP_SESSION *session,
 *				const TLS_CLIENT_START_PROPS *props);
 * DESCRIPTION
 *	With smtp_tls_connection_reuse (lmtp_tls_connection_reuse) the
 *	client hands the server's socket to tlsproxy(8), which does the
 *	handshake and relays plaintext: the session then holds a plaintext
 *	connection to tlsproxy in place of the socket, and keeps it for
 *	reuse (smtp_cache(3)) as it keeps any other connection.
 *
 *	smtp_tlsproxy_wanted() says whether the session's handshake goes
 *	through tlsproxy: reuse is on (smtp_tls_connection_reuse, or the
 *	connection_reuse=yes attribute of the TLS policy), and the level is not one of the DANE
 *	levels and no MTA-STS policy applies (those checks need the
 *	server's certificate chain, which stays in tlsproxy: such
 *	handshakes stay in the process, whose connections are kept just
 *	the same).
 *
 *	smtp_tlsproxy_start() asks the tlsproxy service
 *	(private/tlsproxy_service_name) for the client role with the
 *	engine's settings (smtp_tls_init_props()) and the connection's
 *	props, passes the socket, and reads the outcome and the facts of
 *	the handshake. After a completed handshake session->tls holds the
 *	facts (no SSL object: TLS_PROXY_STATE()), session->stream is the
 *	connection to tlsproxy, and the summary line ("Verified TLS
 *	connection established to ...") is logged here at
 *	smtp_tls_loglevel, as by the in-process client. After a failed
 *	handshake session->tls is NULL and the out_* hints of props are
 *	set as tls_client_start() sets them. Either way it returns 0. It
 *	returns -1, with the session untouched and a warning, when
 *	tlsproxy cannot be reached or refuses before it got the socket:
 *	the caller then does the handshake itself (the same policy,
 *	the same checks; never plaintext).
 * DIAGNOSTICS
 *	Warnings: tlsproxy unavailable, protocol errors.
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "sockets.h"
#include "fd_pass.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"
#include "tlsproxy_proto.h"

/* TLS library. */
#include "tls_level.h"
#include "tls_log.h"
#include "tls_proxy.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_TLSPROXY_CONNECT_MS 2000 /* most time to reach the tlsproxy socket */
#define SMTP_TLSPROXY_STATUS_S   10   /* most time for tlsproxy's first answer */
#define SMTP_TLSPROXY_FACTS_S    10   /* beyond the handshake limit, for the facts */

/* smtp_tlsproxy_wanted - does this handshake go through tlsproxy? */

bool smtp_tlsproxy_wanted(const SMTP_SESSION *session)
{
    bool reuse = session->state->config->tls_connection_reuse || session->policy.connection_reuse;

    return reuse && !TLS_DANE_BASED(session->tls_level) && session->sts_mode == STS_MODE_NONE;
}

/* smtp_tlsproxy_idle - the longest a relayed connection may stay silent */

static int smtp_tlsproxy_idle(const SMTP_CONFIG *config)
{
    const int limits[] = {config->helo_timeout,      config->mail_timeout,
                          config->rcpt_timeout,      config->data_init_timeout,
                          config->data_xfer_timeout, config->data_done_timeout,
                          config->rset_timeout,      config->quit_timeout,
                          config->xforward_timeout,  config->cache_time_limit};
    int idle = 0;

    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
        if (limits[i] > idle)
            idle = limits[i];
    return idle;
}

/* smtp_tlsproxy_request - the request; 0 or -1 */

static int smtp_tlsproxy_request(VSTREAM *proxy, SMTP_SESSION *session,
                                 const TLS_CLIENT_START_PROPS *props)
{
    const SMTP_CONFIG *config = session->state->config;
    TLS_CLIENT_INIT_PROPS init;

    smtp_tls_init_props(config, &init);
    /* Without a session cache tlsproxy asks for none either. */
    if (init.cache.cache_lookup == NULL)
        init.session_timeout = 0;
    if (attr_print(
            proxy, ATTR_FLAG_MORE, SEND_ATTR_INT(TLSPROXY_ATTR_VERSION, TLSPROXY_PROTO_VERSION),
            SEND_ATTR_STR(TLSPROXY_ATTR_ENDPOINT, session->relay),
            SEND_ATTR_INT(TLSPROXY_ATTR_FLAGS, TLSPROXY_FLAG_ROLE_CLIENT),
            SEND_ATTR_INT(TLSPROXY_ATTR_TIMEOUT, config->starttls_timeout),
            SEND_ATTR_STR(TLSPROXY_ATTR_SERVERID, props->serverid),
            SEND_ATTR_INT(TLSPROXY_ATTR_IDLE, smtp_tlsproxy_idle(config)), ATTR_TYPE_END) != 0 ||
        tls_proxy_client_print(proxy, &init, props) < 0 ||
        attr_print(proxy, ATTR_FLAG_NONE, ATTR_TYPE_END) != 0)
        return -1;
    return vstream_fflush(proxy) == 0 ? 0 : -1;
}

/* smtp_tlsproxy_open - connect, ask, and pass the socket; the proxy stream or NULL */

static VSTREAM *smtp_tlsproxy_open(SMTP_SESSION *session, const TLS_CLIENT_START_PROPS *props,
                                   const char *path)
{
    VSTRING *why = vstring_alloc(100);
    VSTREAM *proxy;
    int fd, status = TLSPROXY_STAT_FAIL;

    if ((fd = unix_connect(path, SMTP_TLSPROXY_CONNECT_MS, why)) < 0) {
        msg_warn("connect to %s service: %s: %s: TLS handshake without connection reuse", path,
                 vstring_str(why), session->relay);
        vstring_free(why);
        return NULL;
    }
    vstring_free(why);
    proxy = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_timeout(proxy, SMTP_TLSPROXY_STATUS_S);
    if (smtp_tlsproxy_request(proxy, session, props) < 0 ||
        attr_scan_opts(proxy, ATTR_FLAG_STRICT, &(ATTR_OPTS){.peer = path},
                       RECV_ATTR_INT(TLSPROXY_ATTR_STATUS, &status), ATTR_TYPE_END) != 1) {
        msg_warn("%s service: no answer to the TLS client role request for %s: TLS handshake "
                 "without connection reuse",
                 path, session->relay);
    } else if (status != TLSPROXY_STAT_OK) {
        msg_warn("%s service refused the TLS client role for %s (see its log): TLS handshake "
                 "without connection reuse",
                 path, session->relay);
    } else if (fd_pass_send(fd, vstream_fileno(session->stream)) < 0) {
        msg_warn("%s service: send the server socket for %s: %m: TLS handshake without "
                 "connection reuse",
                 path, session->relay);
    } else {
        return proxy;
    }
    vstream_close(proxy);
    return NULL;
}

/* smtp_tlsproxy_start - the handshake through tlsproxy */

int smtp_tlsproxy_start(SMTP_SESSION *session, const TLS_CLIENT_START_PROPS *props)
{
    const SMTP_CONFIG *config = session->state->config;
    VSTRING *path = vstring_alloc(60);
    VSTREAM *proxy;
    int log_mask;
    bool pq_suspect = false, tls12_retry_ok = false;

    vstring_sprintf(path, "private/%s", config->tlsproxy_service);
    proxy = smtp_tlsproxy_open(session, props, vstring_str(path));
    vstring_free(path);
    if (proxy == NULL)
        return -1;
    log_mask = tls_log_mask(SMTP_PARAM(config, TLS_LOGLEVEL), config->tls_engine.loglevel);
    if (log_mask < 0)
        log_mask = TLS_LOG_SUMMARY;
    vstream_set_timeout(proxy, (props->timeout > 0 ? props->timeout : 0) + SMTP_TLSPROXY_FACTS_S);
    session->tls =
        tls_proxy_facts_scan(proxy, session->relay, log_mask, &pq_suspect, &tls12_retry_ok);
    if (props->out_pq_suspect)
        *props->out_pq_suspect = pq_suspect;
    if (props->out_tls12_retry_ok)
        *props->out_tls12_retry_ok = tls12_retry_ok;
    if (session->tls == NULL) {
        vstream_close(proxy);
        return 0;
    }
    /* From now on the session speaks plaintext to tlsproxy; tlsproxy holds the socket. */
    vstream_close(session->stream);
    session->stream = proxy;
    tls_log_summary(session->tls);
    return 0;
}
