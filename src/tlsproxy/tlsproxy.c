/*++
 * NAME
 *	tlsproxy - the TLS proxy of postscreen(8)
 * SYNOPSIS
 *	tlsproxy [generic daemon options]
 * DESCRIPTION
 *	tlsproxy takes the TLS server role for a program that holds no keys
 *	(postscreen(8) after a client's STARTTLS): it receives a request and
 *	the client's socket over private/tlsproxy (tlsproxy_proto.h), does
 *	the TLS handshake with the client, and relays plaintext between its
 *	user and the client's TLS session (tlsproxy_relay(3)). Each process
 *	serves one session at a time; master(8) runs as many as the service's
 *	process limit allows.
 *
 *	The server context is built once per process from the tlsproxy_tls_*
 *	parameters (whose defaults are the smtpd_tls_* ones) before
 *	privileges are dropped, so that the private keys are read as root;
 *	sessions are cached through tlsmgr(8) as smtpd caches them. The
 *	level tlsproxy_tls_security_level (or tlsproxy_use_tls and
 *	tlsproxy_enforce_tls) picks the opportunistic or the mandatory
 *	protocols and ciphers; at "none" the server role is disabled and
 *	every request is refused.
 *
 *	Log lines, as Postfix's tlsproxy writes them: "CONNECT from
 *	[addr]:port", the TLS library's "... TLS connection established
 *	from [addr]:port: ..." (tlsproxy_tls_loglevel), "TLS handshake
 *	failed for service=ID peer=[addr]:port", and "DISCONNECT
 *	[addr]:port".
 * DIAGNOSTICS
 *	Fatal: bad settings at start-up. Warnings: malformed requests, the
 *	server role disabled or unusable.
 *--*/

/* System library. */
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "fd_pass.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"
#include "mail_server.h"
#include "mail_tls_params.h"
#include "mail_tls_sni.h"
#include "tlsproxy_proto.h"

/* TLS library. */
#include "tls_level.h"
#include "tls_mgr.h"
#include "tls_server.h"

/* Application-specific. */
#include "tlsproxy.h"

#define TLSPROXY_REQUEST_TIMEOUT 10 /* seconds to read a request and receive the socket */

static TLSPROXY_CONFIG tlsproxy_cfg;
static TLS_APPL_STATE *tlsproxy_ctx; /* the server context, NULL: role unavailable */

/* One request. */
typedef struct TLSPROXY_REQUEST {
    VSTRING *endpoint; /* "[addr]:port" */
    VSTRING *serverid; /* session cache id */
    int flags;         /* TLSPROXY_FLAG_* */
    int timeout;       /* handshake time limit, seconds */
} TLSPROXY_REQUEST;

/* tlsproxy_exclusions - exclude_ciphers, plus the mandatory ones at encrypt */

static const char *tlsproxy_exclusions(VSTRING *out, const TLSPROXY_CONFIG *cfg, bool enforce)
{
    vstring_strcpy(out, cfg->exclude_ciphers);
    if (enforce)
        vstring_sprintf_append(out, " %s", cfg->mandatory_exclude_ciphers);
    return vstring_str(out);
}

/* tlsproxy_server_init - the server context (keys read here, with privileges) */

static TLS_APPL_STATE *tlsproxy_server_init(const TLSPROXY_CONFIG *cfg)
{
    bool enforce = cfg->level == TLS_LEV_ENCRYPT;
    VSTRING *exclusions = vstring_alloc(100);
    TLS_APPL_STATE *ctx;
    TLS_SERVER_INIT_PROPS props = {
        .params = &cfg->params,
        .param_prefix = "tlsproxy",
        .log_param = VAR_TLSPROXY_TLS_LOGLEVEL,
        .log_level = cfg->loglevel,
        .verifydepth = cfg->verifydepth,
        .cache_type = "smtpd",
        .session_timeout = cfg->session_cache_timeout,
        .set_sessid = cfg->always_issue_session_ids,
        .chain_files = cfg->chain_files,
        .cert_file = cfg->cert_file,
        .key_file = cfg->key_file,
        .dcert_file = cfg->dcert_file,
        .dkey_file = cfg->dkey_file,
        .eccert_file = cfg->eccert_file,
        .eckey_file = cfg->eckey_file,
        .CAfile = cfg->CAfile,
        .CApath = cfg->CApath,
        .protocols = enforce ? cfg->mandatory_protocols : cfg->protocols,
        .cipher_grade = enforce ? cfg->mandatory_ciphers : cfg->ciphers,
        .cipher_exclusions = tlsproxy_exclusions(exclusions, cfg, enforce),
        .dh1024_param_file = cfg->dh1024_param_file,
        .mdalg = cfg->fingerprint_digest,
        .ask_ccert = cfg->ask_ccert || (enforce && cfg->req_ccert),
        .enable_rpk = cfg->enable_rpk,
        .serverid = "smtpd",
        .cache = tls_mgr_cache_ops("smtpd"),
    };

    tls_mgr_init(cfg->tlsmgr_service, 0);
    /* The process lives as long as the context: the tables stay open with it. */
    if (cfg->sni_maps && *cfg->sni_maps) {
        props.sni_lookup = mail_tls_sni_lookup;
        props.sni_context = mail_tls_sni_open(cfg->sni_maps);
        props.sni_table = cfg->sni_maps;
    }
    ctx = tls_server_init(&props);
    vstring_free(exclusions);
    return ctx;
}

/* tlsproxy_request - read a request; 0 or -1 (logged) */

static int tlsproxy_request(VSTREAM *stream, TLSPROXY_REQUEST *req)
{
    int version = 0;

    if (attr_scan_opts(stream, ATTR_FLAG_STRICT,
                       &(ATTR_OPTS){.peer = "tlsproxy client", .value_max = 1024},
                       RECV_ATTR_INT(TLSPROXY_ATTR_VERSION, &version),
                       RECV_ATTR_STR(TLSPROXY_ATTR_ENDPOINT, req->endpoint),
                       RECV_ATTR_INT(TLSPROXY_ATTR_FLAGS, &req->flags),
                       RECV_ATTR_INT(TLSPROXY_ATTR_TIMEOUT, &req->timeout),
                       RECV_ATTR_STR(TLSPROXY_ATTR_SERVERID, req->serverid), ATTR_TYPE_END) != 5 ||
        version != TLSPROXY_PROTO_VERSION) {
        msg_warn("receive request attributes: malformed request (protocol version %d, want %d)",
                 version, TLSPROXY_PROTO_VERSION);
        return -1;
    }
    if (req->flags != TLSPROXY_FLAG_ROLE_SERVER) {
        msg_warn("%s: bad request flags: 0x%x", vstring_str(req->endpoint), (unsigned)req->flags);
        return -1;
    }
    return 0;
}

/* tlsproxy_status - answer the request */

static int tlsproxy_status(VSTREAM *stream, int status)
{
    (void)attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(TLSPROXY_ATTR_STATUS, status),
                     ATTR_TYPE_END);
    return vstream_fflush(stream) == 0 ? 0 : -1;
}

/* tlsproxy_session - handshake with the peer, then relay */

static void tlsproxy_session(VSTREAM *stream, const TLSPROXY_REQUEST *req, int peer_fd)
{
    const char *endpoint = vstring_str(req->endpoint);
    TLS_SESS_STATE *tls;
    int status;

    tls = tls_server_start(&(TLS_SERVER_START_PROPS){
        .ctx = tlsproxy_ctx,
        .fd = peer_fd,
        .timeout = req->timeout,
        .requirecert = tlsproxy_cfg.req_ccert && tlsproxy_cfg.level == TLS_LEV_ENCRYPT,
        .namaddr = endpoint,
        .serverid = vstring_str(req->serverid),
    });
    if (tls == NULL) {
        msg_info("TLS handshake failed for service=%s peer=%s", vstring_str(req->serverid),
                 endpoint);
        return;
    }
    status = tlsproxy_relay(tls, vstream_fileno(stream), peer_fd,
                            (req->timeout + tlsproxy_cfg.watchdog_timeout) * 1000,
                            tlsproxy_cfg.watchdog_timeout * 1000);
    if (msg_verbose)
        msg_info("%s: %s", endpoint, tlsproxy_relay_str(status));
    /* A session that ended in order stays resumable; a broken one does not. */
    tls_server_stop(tls, NULL, tlsproxy_cfg.watchdog_timeout,
                    status != TLSPROXY_RELAY_PLAIN_EOF && status != TLSPROXY_RELAY_TLS_EOF);
}

/* tlsproxy_service - one session */

static void tlsproxy_service(MAIL_SERVER *unused_server, VSTREAM *stream)
{
    TLSPROXY_REQUEST req = {.endpoint = vstring_alloc(64), .serverid = vstring_alloc(32)};
    int peer_fd;

    vstream_set_timeout(stream, TLSPROXY_REQUEST_TIMEOUT);
    if (tlsproxy_request(stream, &req) == 0) {
        if (tlsproxy_cfg.level == TLS_LEV_NONE)
            msg_warn("TLS server role is disabled with %s or %s", VAR_TLSPROXY_TLS_SECURITY_LEVEL,
                     VAR_TLSPROXY_USE_TLS);
        msg_info("CONNECT from %s", vstring_str(req.endpoint));
        if (tlsproxy_ctx == NULL) {
            (void)tlsproxy_status(stream, TLSPROXY_STAT_FAIL);
        } else if (tlsproxy_status(stream, TLSPROXY_STAT_OK) == 0) {
            if ((peer_fd = fd_pass_recv(vstream_fileno(stream), TLSPROXY_REQUEST_TIMEOUT * 1000)) <
                0) {
                msg_warn("%s: receive remote SMTP peer file descriptor: %m",
                         vstring_str(req.endpoint));
            } else {
                tlsproxy_session(stream, &req, peer_fd);
                close(peer_fd);
            }
        }
        msg_info("DISCONNECT %s", vstring_str(req.endpoint));
    }
    vstring_free(req.endpoint);
    vstring_free(req.serverid);
}

/* tlsproxy_pre_jail - the level and the server context, with privileges */

static void tlsproxy_pre_jail(MAIL_SERVER *server)
{
    TLSPROXY_CONFIG *cfg = &tlsproxy_cfg;
    bool promoted;
    const CONFIG_BIND parameters[] = {
        MAIL_TLS_PARAMS_BIND(&cfg->params),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_SECURITY_LEVEL, &cfg->security_level),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_USE_TLS, &cfg->use_tls),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_ENFORCE_TLS, &cfg->enforce_tls),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_LOGLEVEL, &cfg->loglevel),
        CONFIG_BIND_INT(VAR_TLSPROXY_TLS_CCERT_VERIFYDEPTH, &cfg->verifydepth),
        CONFIG_BIND_TIME(VAR_TLSPROXY_TLS_SESSION_CACHE_TIMEOUT, &cfg->session_cache_timeout),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_TLS_ALWAYS_ISSUE_SESSION_IDS, &cfg->always_issue_session_ids),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_TLS_ASK_CCERT, &cfg->ask_ccert),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_TLS_REQ_CCERT, &cfg->req_ccert),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_CHAIN_FILES, &cfg->chain_files),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_CERT_FILE, &cfg->cert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_KEY_FILE, &cfg->key_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_DCERT_FILE, &cfg->dcert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_DKEY_FILE, &cfg->dkey_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_ECCERT_FILE, &cfg->eccert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_ECKEY_FILE, &cfg->eckey_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_CAFILE, &cfg->CAfile),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_CAPATH, &cfg->CApath),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_PROTOCOLS, &cfg->protocols),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_MANDATORY_PROTOCOLS, &cfg->mandatory_protocols),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_CIPHERS, &cfg->ciphers),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_MANDATORY_CIPHERS, &cfg->mandatory_ciphers),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_EXCLUDE_CIPHERS, &cfg->exclude_ciphers),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_MANDATORY_EXCLUDE_CIPHERS,
                        &cfg->mandatory_exclude_ciphers),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_DH1024_PARAM_FILE, &cfg->dh1024_param_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_TLS_FINGERPRINT_DIGEST, &cfg->fingerprint_digest),
        CONFIG_BIND_TIME(VAR_TLSPROXY_WATCHDOG_TIMEOUT, &cfg->watchdog_timeout),
        CONFIG_BIND_STR(VAR_TLSMGR_SERVICE_NAME, &cfg->tlsmgr_service),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_TLS_ENABLE_RPK, &cfg->enable_rpk),
        CONFIG_BIND_STR(VAR_TLS_SERVER_SNI_MAPS, &cfg->sni_maps),
        CONFIG_BIND_END,
    };

    config_bind(server->config, parameters);
    cfg->level =
        tls_level_server_legacy(cfg->security_level, cfg->use_tls, cfg->enforce_tls, &promoted);
    if (cfg->level == TLS_LEV_INVALID)
        msg_fatal("Invalid TLS level \"%s\"", cfg->security_level);
    if (promoted)
        msg_warn("%s: unsupported TLS level \"%s\", using \"%s\"", VAR_TLSPROXY_TLS_SECURITY_LEVEL,
                 cfg->security_level, tls_level_name(cfg->level));
    if (cfg->level != TLS_LEV_NONE)
        tlsproxy_ctx = tlsproxy_server_init(cfg);
}

/* main - program entry */

int main(int argc, char **argv)
{
    single_server_main(argc, argv, tlsproxy_service,
                       &(MAIL_SERVER_PROPS){
                           .pre_jail = tlsproxy_pre_jail,
                       });
}
