/*++
 * NAME
 *	tlsproxy - the TLS proxy of postscreen(8) and smtp(8)
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
 *	every server role request is refused.
 *
 *	tlsproxy takes the TLS client role for smtp(8) and lmtp(8) with
 *	smtp_tls_connection_reuse (lmtp_tls_connection_reuse): after the
 *	server's 220 reply to STARTTLS the client passes the server's
 *	socket with its TLS settings, tlsproxy does the handshake, sends
 *	the facts about the session back and relays plaintext
 *	(tlsproxy_client(3)), so that the client holds a plaintext
 *	connection that it can keep and reuse. The client engine of the
 *	tlsproxy_client_* parameters is built before privileges are
 *	dropped.
 *
 *	Log lines, as Postfix's tlsproxy writes them: "CONNECT from
 *	[addr]:port", the TLS library's "... TLS connection established
 *	from [addr]:port: ..." (tlsproxy_tls_loglevel), "TLS handshake
 *	failed for service=ID peer=[addr]:port", and "DISCONNECT
 *	[addr]:port"; in the client role "CONNECT to host[addr]:port", the
 *	TLS library's lines at the client's smtp_tls_loglevel except the
 *	summary line (the client logs it), and "DISCONNECT".
 * DIAGNOSTICS
 *	Fatal: bad settings at start-up. Warnings: malformed requests, the
 *	server role disabled or unusable.
 *--*/

/* System library. */
#include <limits.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "fd_pass.h"
#include "htable.h"
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

/* tlsproxy_request_int - one number of the request; 0 or -1 */

static int tlsproxy_request_int(const HTABLE *table, const char *name, int *out_value)
{
    long value;

    if (attr_table_long(table, name, &value) < 0 || value < INT_MIN || value > INT_MAX)
        return -1;
    *out_value = (int)value;
    return 0;
}

/* tlsproxy_request - read a request; 0 or -1 (logged) */

static int tlsproxy_request(VSTREAM *stream, TLSPROXY_REQUEST *req)
{
    HTABLE *table = htable_create(50);
    const char *endpoint, *serverid;
    int version = 0;

    if (attr_scan_table(stream, ATTR_FLAG_NONE,
                        &(ATTR_OPTS){.peer = "tlsproxy client", .value_max = 4096, .count_max = 80},
                        table) < 0 ||
        tlsproxy_request_int(table, TLSPROXY_ATTR_VERSION, &version) < 0 ||
        version != TLSPROXY_PROTO_VERSION ||
        (endpoint = attr_table_str(table, TLSPROXY_ATTR_ENDPOINT)) == NULL ||
        (serverid = attr_table_str(table, TLSPROXY_ATTR_SERVERID)) == NULL ||
        tlsproxy_request_int(table, TLSPROXY_ATTR_FLAGS, &req->flags) < 0 ||
        tlsproxy_request_int(table, TLSPROXY_ATTR_TIMEOUT, &req->timeout) < 0) {
        msg_warn("receive request attributes: malformed request (protocol version %d, want %d)",
                 version, TLSPROXY_PROTO_VERSION);
        attr_table_free(table);
        return -1;
    }
    vstring_strcpy(req->endpoint, endpoint);
    vstring_strcpy(req->serverid, serverid);
    if (req->flags == TLSPROXY_FLAG_ROLE_SERVER) {
        attr_table_free(table);
        return 0;
    }
    if (req->flags != TLSPROXY_FLAG_ROLE_CLIENT) {
        msg_warn("%s: bad request flags: 0x%x", endpoint, (unsigned)req->flags);
        attr_table_free(table);
        return -1;
    }
    if (tlsproxy_request_int(table, TLSPROXY_ATTR_IDLE, &req->idle_timeout) < 0 ||
        tls_proxy_client_scan(&req->client, table) < 0) {
        msg_warn("%s: malformed TLS client settings in the request", vstring_str(req->endpoint));
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

/* tlsproxy_session - the server role: handshake with the peer, then relay */

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

/* tlsproxy_role - the engine of the requested role, or NULL (logged) */

static TLS_APPL_STATE *tlsproxy_role(TLSPROXY_REQUEST *req)
{
    if (req->flags == TLSPROXY_FLAG_ROLE_CLIENT)
        return tlsproxy_client_engine(&tlsproxy_cfg, req);
    if (tlsproxy_cfg.level == TLS_LEV_NONE)
        msg_warn("TLS server role is disabled with %s or %s", VAR_TLSPROXY_TLS_SECURITY_LEVEL,
                 VAR_TLSPROXY_USE_TLS);
    return tlsproxy_ctx;
}

/* tlsproxy_service - one session */

static void tlsproxy_service(MAIL_SERVER *unused_server, VSTREAM *stream)
{
    TLSPROXY_REQUEST req = {.endpoint = vstring_alloc(64), .serverid = vstring_alloc(32)};
    TLS_APPL_STATE *ctx;
    int peer_fd;

    vstream_set_timeout(stream, TLSPROXY_REQUEST_TIMEOUT);
    if (tlsproxy_request(stream, &req) == 0) {
        msg_info("CONNECT %s %s", req.flags == TLSPROXY_FLAG_ROLE_CLIENT ? "to" : "from",
                 vstring_str(req.endpoint));
        if ((ctx = tlsproxy_role(&req)) == NULL) {
            (void)tlsproxy_status(stream, TLSPROXY_STAT_FAIL);
        } else if (tlsproxy_status(stream, TLSPROXY_STAT_OK) == 0) {
            if ((peer_fd = fd_pass_recv(vstream_fileno(stream), TLSPROXY_REQUEST_TIMEOUT * 1000)) <
                0) {
                msg_warn("%s: receive remote SMTP peer file descriptor: %m",
                         vstring_str(req.endpoint));
            } else {
                if (req.flags == TLSPROXY_FLAG_ROLE_CLIENT)
                    tlsproxy_client_session(&tlsproxy_cfg, stream, &req, ctx, peer_fd);
                else
                    tlsproxy_session(stream, &req, peer_fd);
                close(peer_fd);
            }
        }
        msg_info("DISCONNECT %s", vstring_str(req.endpoint));
    }
    tls_proxy_client_free(&req.client);
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
    TLSPROXY_CLIENT_CONFIG *client = &cfg->client;
    const CONFIG_BIND client_parameters[] = {
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_SECURITY_LEVEL, &client->security_level),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_CLIENT_USE_TLS, &client->use_tls),
        CONFIG_BIND_BOOL(VAR_TLSPROXY_CLIENT_ENFORCE_TLS, &client->enforce_tls),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_PER_SITE, &client->per_site),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_POLICY_MAPS, &client->policy_maps),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_LOGLEVEL, &client->loglevel),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_LOGLEVEL_PARAMETER, &client->loglevel_parameter),
        CONFIG_BIND_INT(VAR_TLSPROXY_CLIENT_SCERT_VERIFYDEPTH, &client->verifydepth),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_CHAIN_FILES, &client->chain_files),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_CERT_FILE, &client->cert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_KEY_FILE, &client->key_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_DCERT_FILE, &client->dcert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_DKEY_FILE, &client->dkey_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_ECCERT_FILE, &client->eccert_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_ECKEY_FILE, &client->eckey_file),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_CAFILE, &client->CAfile),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_CAPATH, &client->CApath),
        CONFIG_BIND_STR(VAR_TLSPROXY_CLIENT_FINGERPRINT_DIGEST, &client->fingerprint_digest),
        CONFIG_BIND_STR(VAR_SMTP_TLS_SESSION_CACHE_DATABASE, &client->session_cache_database),
        CONFIG_BIND_TIME(VAR_SMTP_TLS_SESSION_CACHE_TIMEOUT, &client->session_cache_timeout),
        CONFIG_BIND_STR(VAR_SMTP_TLS_PROTOCOLS, &client->protocols),
        CONFIG_BIND_STR(VAR_SMTP_TLS_MANDATORY_PROTOCOLS, &client->mandatory_protocols),
        CONFIG_BIND_STR(VAR_SMTP_TLS_CIPHERS, &client->ciphers),
        CONFIG_BIND_STR(VAR_SMTP_TLS_MANDATORY_CIPHERS, &client->mandatory_ciphers),
        CONFIG_BIND_STR(VAR_SMTP_TLS_EXCLUDE_CIPHERS, &client->exclude_ciphers),
        CONFIG_BIND_STR(VAR_SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS, &client->mandatory_exclude_ciphers),
        CONFIG_BIND_STR(VAR_TLS_DANE_DIGESTS, &client->dane_digests),
        CONFIG_BIND_END,
    };

    config_bind(server->config, parameters);
    config_bind(server->config, client_parameters);
    cfg->level =
        tls_level_server_legacy(cfg->security_level, cfg->use_tls, cfg->enforce_tls, &promoted);
    if (cfg->level == TLS_LEV_INVALID)
        msg_fatal("Invalid TLS level \"%s\"", cfg->security_level);
    if (promoted)
        msg_warn("%s: unsupported TLS level \"%s\", using \"%s\"", VAR_TLSPROXY_TLS_SECURITY_LEVEL,
                 cfg->security_level, tls_level_name(cfg->level));
    if (cfg->level != TLS_LEV_NONE)
        tlsproxy_ctx = tlsproxy_server_init(cfg);
    tlsproxy_client_pre_jail(cfg);
}

/* main - program entry */

int main(int argc, char **argv)
{
    single_server_main(argc, argv, tlsproxy_service,
                       &(MAIL_SERVER_PROPS){
                           .pre_jail = tlsproxy_pre_jail,
                       });
}
