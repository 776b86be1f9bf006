/*++
 * NAME
 *	smtpd_tls - the SMTP server's view of TLS
 * SYNOPSIS
 *	#include "smtpd_tls.h"
 *
 *	SMTPD_TLS_SERVER *smtpd_tls_server_init(
 *				const SMTPD_TLS_SETTINGS *settings,
 *				const SMTPD_CONFIG *cfg);
 *	SMTPD_TLS_SERVER *smtpd_tls_server_free(SMTPD_TLS_SERVER *server);
 *	void	smtpd_tls_server_transport(SMTPD_TLS_SERVER *server,
 *				const TLS_TRANSPORT *transport);
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
 *	smtpd_tls_server_init() builds the server context from the
 *	smtpd_tls_* parameters and the global tls_* ones, as
 *	smtpd_config(3) bound them into settings (which must outlive the
 *	context): the mandatory
 *	protocols, ciphers and exclusions apply at level encrypt, the
 *	opportunistic ones otherwise; client certificates are requested
 *	with smtpd_tls_ask_ccert (or smtpd_tls_req_ccert). It returns NULL
 *	when TLS cannot be used (the TLS library has logged why, ending in
 *	"disabling TLS support"); STARTTLS then gets "454 4.7.0 TLS not
 *	available due to local problem".
 *
 *	smtpd_tls_server_transport() makes the sessions that start from now
 *	on carry their ciphertext over transport instead of the descriptor
 *	of their stream (NULL: the descriptor again); the plaintext still
 *	goes through the stream. It is for harnesses that run smtpd against
 *	an in-memory TLS client (tests/fuzz/smtpd_starttls_fuzz.c); the
 *	transport must outlive those sessions.
 *
 *	smtpd_tls_session_start() runs the server handshake on stream within
 *	timeout seconds; the caller has sent "220 2.0.0 Ready to start TLS"
 *	and discarded all buffered input. The TLS library logs the
 *	"... TLS connection established from host[addr]: ..." line (at
 *	smtpd_tls_loglevel 1 and up) and plugs itself under the stream. It
 *	returns NULL when the handshake failed (logged); the session must
 *	then end.
 *
 *	smtpd_tls_session_facts() describes the session for restrictions
 *	and the queue file; smtpd_tls_received() writes the Received:
 *	header comment (one line per "\n"-separated element).
 *
 *	smtpd_tls_session_stop() ends a session (close_notify unless
 *	failure), restores plain I/O on stream, and frees it;
 *	smtpd_tls_session_free() frees it without any I/O. Both return NULL.
 *	Sessions and ticket keys are kept by the tlsmgr service
 *	(tls_mgr_cache_ops()); without it the server runs without resumption.
 *
 *	With tls_server_sni_maps the server picks its keys and chains by
 *	the name a client sends in SNI (tls_sni(3)): the table, opened here
 *	with the other keys (before privileges are dropped), maps a name or
 *	a parent domain (".example.com") to PEM files, whose content is read
 *	when the table is opened, or, for a table built with "postmap -F",
 *	kept in it.
 *--*/

#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "config.h"
#include "mail_params.h"
#include "mail_tls_sni.h"
#include "maps.h"

#include "tls.h"
#include "tls_log.h"
#include "tls_mgr.h"
#include "tls_server.h"

#include "smtpd_tls.h"

struct SMTPD_TLS_SERVER {
    TLS_APPL_STATE *ctx;            /* the TLS library context; owned */
    MAPS *sni_maps;                 /* tls_server_sni_maps, or NULL; owned */
    int stop_timeout;               /* smtpd_starttls_timeout, for close_notify */
    const TLS_TRANSPORT *transport; /* instead of the stream's descriptor, or NULL; not owned */
};

struct SMTPD_TLS_SESSION {
    TLS_SESS_STATE *tls;   /* the TLS library session; owned */
    SMTPD_TLS_FACTS facts; /* strings point into tls */
    int stop_timeout;      /* for close_notify */
};

/* smtpd_tls_exclusions - exclude_ciphers, plus the mandatory ones at encrypt */

static const char *smtpd_tls_exclusions(VSTRING *out, const SMTPD_TLS_SETTINGS *settings,
                                        bool enforce)
{
    vstring_strcpy(out, settings->exclude_ciphers);
    if (enforce) {
        vstring_strcat(out, " ");
        vstring_strcat(out, settings->mandatory_exclude_ciphers);
    }
    return vstring_str(out);
}

/* smtpd_tls_server_init - build the server context */

SMTPD_TLS_SERVER *smtpd_tls_server_init(const SMTPD_TLS_SETTINGS *settings, const SMTPD_CONFIG *cfg)
{
    SMTPD_TLS_SERVER *server = mycalloc(1, sizeof(*server));
    bool enforce = cfg->tls_level == SMTPD_TLS_LEVEL_ENCRYPT;
    VSTRING *exclusions = vstring_alloc(100);
    TLS_SERVER_INIT_PROPS props = {
        .params = &settings->params,
        .param_prefix = "smtpd",
        .log_param = VAR_SMTPD_TLS_LOGLEVEL,
        .log_level = settings->loglevel,
        .verifydepth = settings->verifydepth,
        .cache_type = "smtpd",
        .session_timeout = settings->session_cache_timeout,
        .set_sessid = settings->always_issue_session_ids,
        .chain_files = settings->chain_files,
        .cert_file = settings->cert_file,
        .key_file = settings->key_file,
        .dcert_file = settings->dcert_file,
        .dkey_file = settings->dkey_file,
        .eccert_file = settings->eccert_file,
        .eckey_file = settings->eckey_file,
        .CAfile = settings->CAfile,
        .CApath = settings->CApath,
        .protocols = enforce ? settings->mandatory_protocols : settings->protocols,
        .cipher_grade = enforce ? settings->mandatory_ciphers : settings->ciphers,
        .cipher_exclusions = smtpd_tls_exclusions(exclusions, settings, enforce),
        .dh1024_param_file = settings->dh1024_param_file,
        .mdalg = settings->fingerprint_digest,
        .ask_ccert = cfg->tls_ask_ccert,
        .enable_rpk = settings->enable_rpk,
        .serverid = cfg->service,
        .cache = tls_mgr_cache_ops("smtpd"),
    };

    tls_mgr_init(settings->tlsmgr_service, 0);
    server->stop_timeout = cfg->starttls_timeout;
    if (settings->sni_maps && *settings->sni_maps) {
        /* Values name PEM files (or hold them, postmap -F): read with the keys, before the jail. */
        server->sni_maps = mail_tls_sni_open(settings->sni_maps);
        props.sni_lookup = mail_tls_sni_lookup;
        props.sni_context = server->sni_maps;
        props.sni_table = settings->sni_maps;
    }
    server->ctx = tls_server_init(&props);
    vstring_free(exclusions);
    if (server->ctx == NULL) {
        if (server->sni_maps)
            maps_free(server->sni_maps);
        myfree(server);
        return NULL;
    }
    return server;
}

/* smtpd_tls_server_free - release the server context */

SMTPD_TLS_SERVER *smtpd_tls_server_free(SMTPD_TLS_SERVER *server)
{
    tls_server_free(server->ctx);
    if (server->sni_maps)
        maps_free(server->sni_maps);
    myfree(server);
    return NULL;
}

/* smtpd_tls_server_transport - ciphertext over transport instead of the descriptor */

void smtpd_tls_server_transport(SMTPD_TLS_SERVER *server, const TLS_TRANSPORT *transport)
{
    server->transport = transport;
}

/* smtpd_tls_facts - what restrictions, Received: and the queue file need */

static void smtpd_tls_facts(SMTPD_TLS_SESSION *session)
{
    const TLS_SESS_STATE *tls = session->tls;
    SMTPD_TLS_FACTS *facts = &session->facts;

    facts->protocol = tls->protocol ? tls->protocol : "";
    facts->cipher = tls->cipher_name ? tls->cipher_name : "";
    facts->usebits = tls->cipher_usebits;
    facts->algbits = tls->cipher_algbits;
    facts->trust = tls_log_trust(tls);
    facts->cert_present = TLS_CERT_IS_PRESENT(tls);
    facts->rpk_present = TLS_RPK_IS_PRESENT(tls);
    facts->cert_trusted = TLS_CERT_IS_TRUSTED(tls);
    facts->peer_cn = tls->peer_CN ? tls->peer_CN : "";
    facts->issuer_cn = tls->issuer_CN ? tls->issuer_CN : "";
    facts->cert_fprint = tls->peer_cert_fprint ? tls->peer_cert_fprint : "";
    facts->pkey_fprint = tls->peer_pkey_fprint ? tls->peer_pkey_fprint : "";
    facts->reused = tls->session_reused;
}

/* smtpd_tls_session_start - server handshake */

SMTPD_TLS_SESSION *smtpd_tls_session_start(SMTPD_TLS_SERVER *server, VSTREAM *stream, int timeout,
                                           bool requirecert, const char *namaddr)
{
    TLS_SERVER_START_PROPS props = {
        .ctx = server->ctx,
        .stream = stream,
        .fd = -1,
        .transport = server->transport,
        .timeout = timeout,
        .requirecert = requirecert,
        .namaddr = namaddr,
    };
    TLS_SESS_STATE *tls;
    SMTPD_TLS_SESSION *session;

    if ((tls = tls_server_start(&props)) == NULL)
        return NULL;
    session = mycalloc(1, sizeof(*session));
    session->tls = tls;
    session->stop_timeout = server->stop_timeout;
    smtpd_tls_facts(session);
    return session;
}

/* smtpd_tls_session_facts - what the session is */

const SMTPD_TLS_FACTS *smtpd_tls_session_facts(const SMTPD_TLS_SESSION *session)
{
    return &session->facts;
}

/* smtpd_tls_received - the Received: comment */

const char *smtpd_tls_received(VSTRING *out, const SMTPD_TLS_SESSION *session, bool ask_ccert)
{
    return tls_received_comment(out, session->tls, ask_ccert);
}

/* smtpd_tls_session_stop - end a session */

SMTPD_TLS_SESSION *smtpd_tls_session_stop(SMTPD_TLS_SESSION *session, VSTREAM *stream, bool failure)
{
    tls_server_stop(session->tls, stream, session->stop_timeout, failure);
    myfree(session);
    return NULL;
}

/* smtpd_tls_session_free - release a session without I/O */

SMTPD_TLS_SESSION *smtpd_tls_session_free(SMTPD_TLS_SESSION *session)
{
    tls_server_stop(session->tls, NULL, 0, true);
    myfree(session);
    return NULL;
}
