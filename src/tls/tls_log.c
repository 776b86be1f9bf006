/*++
 * NAME
 *	tls_log - TLS log levels, the handshake summary line and the
 *	Received: header comment
 * SYNOPSIS
 *	#include <tls_log.h>
 *
 *	int	tls_log_mask(const char *param_name, const char *value);
 *	const char *tls_log_trust(const TLS_SESS_STATE *state);
 *	const char *tls_log_summary_text(VSTRING *out,
 *				const TLS_SESS_STATE *state);
 *	void	tls_log_summary(const TLS_SESS_STATE *state);
 *	void	tls_log_peercert(const TLS_SESS_STATE *state);
 *	void	tls_log_handshake_error(const TLS_SESS_STATE *state, int err);
 *	const char *tls_received_comment(VSTRING *out,
 *				const TLS_SESS_STATE *state, bool ask_ccert);
 *	void	tls_log_info(const TLS_SESS_STATE *state, int where, int ret);
 *	void	tls_log_packet(int write_p, int version, int content_type,
 *				const void *buf, size_t len, SSL *ssl, void *arg);
 * DESCRIPTION
 *	tls_log_mask() converts a *_tls_loglevel value (see tls_log.h) to
 *	TLS_LOG_* bits. It returns -1 for an unknown keyword (the caller
 *	reports it; param_name is for the caller's benefit only).
 *
 *	tls_log_trust() returns the trust word of a session: "Anonymous"
 *	(no peer certificate and no raw public key), "Verified" (client only: matched at a level
 *	that requires it), "Trusted" (the chain verified) or "Untrusted".
 *
 *	tls_log_summary_text() writes the handshake summary line into out
 *	and returns it:
 *	"<trust> TLS connection <established|reused> <to|from> <peer>[ to
 *	<sni>]: <protocol> with cipher <cipher> (<use>/<alg> bits)", then
 *	" key-exchange", " server-signature", " server-digest",
 *	" client-signature" and " client-digest" details when known; a
 *	signature by a key that came as a raw public key says so after the
 *	key's parameter, as Postfix 3.10 does: "server-signature RSA-PSS
 *	(2048 bit raw public key)", "(prime256v1 raw public key)".
 *	tls_log_summary() logs it when the session logs summaries.
 *
 *	tls_log_peercert() logs the peer certificate facts (subject CN,
 *	issuer, fingerprints) when the session asks for them; for a raw
 *	public key "host[addr]: raw public key fingerprint=...".
 *
 *	tls_log_handshake_error() logs why a handshake failed, given the
 *	errno that the BIO pump left: "SSL_accept error from <peer>: ..."
 *	(server) or "SSL_connect error to <peer>: ..." (client), then the
 *	OpenSSL error queue for a protocol error.
 *
 *	tls_received_comment() writes the TLS comment lines of a Received:
 *	header into out and returns it: lines separated by "\n", each
 *	starting with a TAB: "(using <protocol> with cipher ... bits)",
 *	the key-exchange and server-signature details, the client
 *	signature, and the client certificate line ("(Client CN ...,
 *	Issuer ... (verified OK|not verified))", for a raw public key
 *	"(Client RPK <digest> digest <fingerprint>)", "(Client did not present a
 *	certificate)" when ask_ccert, otherwise "(No client certificate
 *	requested)"). Names are sanitised for use in a comment.
 *
 *	tls_log_info() is the OpenSSL state trace (loglevel 2).
 *
 *	tls_log_packet() is an OpenSSL message callback that dumps protocol
 *	messages in hex and ASCII: handshake, alert and change-cipher-spec
 *	messages at loglevel 3 (ssl-expert), application data too at 4
 *	(ssl-developer).
 *--*/

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls.h"
#include "tls_log.h"

/* Numeric levels and keywords. */
static const struct {
    const char *name;
    int mask;
} tls_log_table[] = {
    {"0", TLS_LOG_NONE},
    {"none", TLS_LOG_NONE},
    {"1", TLS_LOG_SUMMARY},
    {"routine", TLS_LOG_SUMMARY},
    {"2", TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG},
    {"debug", TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG},
    {"3", TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG | TLS_LOG_TLSPKTS},
    {"ssl-expert",
     TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG | TLS_LOG_TLSPKTS},
    {"4", TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG | TLS_LOG_TLSPKTS |
              TLS_LOG_ALLPKTS},
    {"ssl-developer", TLS_LOG_SUMMARY | TLS_LOG_VERBOSE | TLS_LOG_CACHE | TLS_LOG_DEBUG |
                          TLS_LOG_TLSPKTS | TLS_LOG_ALLPKTS},
    {"summary", TLS_LOG_SUMMARY},
    {"untrusted", TLS_LOG_UNTRUSTED},
    {"peercert", TLS_LOG_PEERCERT},
    {"certmatch", TLS_LOG_CERTMATCH},
    {"verbose", TLS_LOG_VERBOSE},
    {"cache", TLS_LOG_CACHE},
    {"dane", TLS_LOG_DANE},
    {"ssl-debug", TLS_LOG_DEBUG},
    {"ssl-handshake-packet-dump", TLS_LOG_TLSPKTS},
    {"ssl-session-packet-dump", TLS_LOG_TLSPKTS | TLS_LOG_ALLPKTS},
};

/* tls_log_mask - log level to mask */

int tls_log_mask(const char *param_name, const char *value)
{
    char *copy = mystrdup(value ? value : ""), *cp = copy, *tok;
    int mask = 0;

    while ((tok = mystrtok(&cp, " \t\r\n,:")) != NULL) {
        size_t i;

        if (strlen(tok) == 1 && *tok >= '5' && *tok <= '9')
            tok = "4";
        for (i = 0; i < sizeof(tls_log_table) / sizeof(tls_log_table[0]); i++)
            if (strcasecmp(tok, tls_log_table[i].name) == 0)
                break;
        if (i == sizeof(tls_log_table) / sizeof(tls_log_table[0])) {
            myfree(copy);
            return -1;
        }
        mask |= tls_log_table[i].mask;
    }
    myfree(copy);
    return mask;
}

/* tls_log_trust - trust word for the summary line */

const char *tls_log_trust(const TLS_SESS_STATE *state)
{
    if (!TLS_CRED_IS_PRESENT(state))
        return "Anonymous";
    if (!state->am_server && TLS_CERT_IS_SECURED(state))
        return "Verified";
    if (TLS_CERT_IS_TRUSTED(state))
        return "Trusted";
    return "Untrusted";
}

/* tls_log_param - " (curve)" or " (N bits)" */

static void tls_log_param(VSTRING *out, const char *curve, int bits)
{
    if (curve && *curve)
        vstring_sprintf_append(out, " (%s)", curve);
    else if (bits > 0)
        vstring_sprintf_append(out, " (%d bits)", bits);
}

/* tls_log_sig_param - a signature key's parameter, marked when it came as a raw public key */

static void tls_log_sig_param(VSTRING *out, const char *curve, int bits, bool rpk)
{
    /* Postfix 3.10's words: "(2048 bit raw public key)", "(prime256v1 raw public key)". */
    if (!rpk)
        tls_log_param(out, curve, bits);
    else if (curve && *curve)
        vstring_sprintf_append(out, " (%s raw public key)", curve);
    else if (bits > 0)
        vstring_sprintf_append(out, " (%d bit raw public key)", bits);
    else
        vstring_strcat(out, " (raw public key)");
}

/* tls_log_kex_sig - key exchange and server signature details */

static void tls_log_kex_sig(VSTRING *out, const TLS_SESS_STATE *state, const char *sep)
{
    const char *space = sep;

    if (state->kex_name && *state->kex_name) {
        vstring_sprintf_append(out, "%skey-exchange %s", space, state->kex_name);
        tls_log_param(out, state->kex_curve, state->kex_bits);
        space = " ";
    }
    if (state->srvr_sig_name && *state->srvr_sig_name) {
        vstring_sprintf_append(out, "%sserver-signature %s", space, state->srvr_sig_name);
        tls_log_sig_param(out, state->srvr_sig_curve, state->srvr_sig_bits, state->srvr_rpk);
        if (state->srvr_sig_dgst && *state->srvr_sig_dgst)
            vstring_sprintf_append(out, " server-digest %s", state->srvr_sig_dgst);
    }
}

/* tls_log_client_sig - client signature details */

static void tls_log_client_sig(VSTRING *out, const TLS_SESS_STATE *state, const char *sep)
{
    if (state->clnt_sig_name && *state->clnt_sig_name) {
        vstring_sprintf_append(out, "%sclient-signature %s", sep, state->clnt_sig_name);
        tls_log_sig_param(out, state->clnt_sig_curve, state->clnt_sig_bits, state->clnt_rpk);
        if (state->clnt_sig_dgst && *state->clnt_sig_dgst)
            vstring_sprintf_append(out, " client-digest %s", state->clnt_sig_dgst);
    }
}

/* tls_log_summary_text - the handshake summary line */

const char *tls_log_summary_text(VSTRING *out, const TLS_SESS_STATE *state)
{
    vstring_sprintf(out, "%s TLS connection %s %s %s", tls_log_trust(state),
                    state->session_reused ? "reused" : "established",
                    state->am_server ? "from" : "to", state->namaddr);
    if (state->am_server && state->peer_sni && *state->peer_sni)
        vstring_sprintf_append(out, " to %s", state->peer_sni);
    vstring_sprintf_append(out, ": %s with cipher %s (%d/%d bits)", state->protocol,
                           state->cipher_name, state->cipher_usebits, state->cipher_algbits);
    tls_log_kex_sig(out, state, " ");
    tls_log_client_sig(out, state, " ");
    return vstring_str(out);
}

/* tls_log_summary - log the summary line */

void tls_log_summary(const TLS_SESS_STATE *state)
{
    VSTRING *line;

    if (!(state->log_mask & TLS_LOG_SUMMARY))
        return;
    line = vstring_alloc(200);
    msg_info("%s", tls_log_summary_text(line, state));
    vstring_free(line);
}

/* tls_log_peercert - log the peer certificate facts */

void tls_log_peercert(const TLS_SESS_STATE *state)
{
    if (!(state->log_mask & (TLS_LOG_PEERCERT | TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE)) ||
        !TLS_CRED_IS_PRESENT(state))
        return;
    if (TLS_RPK_IS_PRESENT(state)) {
        msg_info("%s: raw public key fingerprint=%s", state->namaddr, state->peer_pkey_fprint);
        return;
    }
    msg_info("%s: subject_CN=%s, issuer=%s, cert fingerprint=%s, pkey fingerprint=%s",
             state->namaddr, state->peer_CN, state->issuer_CN, state->peer_cert_fprint,
             state->peer_pkey_fprint);
}

/* tls_log_handshake_error - log why a handshake failed */

void tls_log_handshake_error(const TLS_SESS_STATE *state, int err)
{
    const char *what = state->am_server ? "SSL_accept error from" : "SSL_connect error to";

    if (err == EPROTO) {
        msg_info("%s %s: -1", what, state->namaddr);
        tls_print_errors();
    } else if (err == ECONNRESET || err == EPIPE) {
        msg_info("%s %s: lost connection", what, state->namaddr);
    } else {
        errno = err;
        msg_info("%s %s: %m", what, state->namaddr);
    }
    ERR_clear_error();
}

/* tls_log_sanitize - text that is safe inside a quoted comment */

static void tls_log_sanitize(VSTRING *out, const char *text)
{
    for (const unsigned char *cp = (const unsigned char *)text; *cp; cp++) {
        if (*cp == '\\' || *cp == '"' || *cp == '(' || *cp == ')')
            vstring_addch(out, '\\');
        vstring_addch(out, (isprint(*cp) || *cp == ' ') ? *cp : '?');
    }
}

/* tls_received_comment - TLS details for the Received: header */

const char *tls_received_comment(VSTRING *out, const TLS_SESS_STATE *state, bool ask_ccert)
{
    vstring_sprintf(out, "\t(using %s with cipher %s (%d/%d bits)", state->protocol,
                    state->cipher_name, state->cipher_usebits, state->cipher_algbits);
    if ((state->kex_name && *state->kex_name) || (state->srvr_sig_name && *state->srvr_sig_name))
        tls_log_kex_sig(out, state, "\n\t ");
    tls_log_client_sig(out, state, "\n\t ");
    vstring_strcat(out, ")\n\t(");
    if (TLS_RPK_IS_PRESENT(state)) {
        vstring_sprintf_append(out, "Client RPK %s digest %s)", state->mdalg ? state->mdalg : "",
                               state->peer_pkey_fprint);
    } else if (TLS_CERT_IS_PRESENT(state)) {
        vstring_strcat(out, "Client CN \"");
        tls_log_sanitize(out, state->peer_CN);
        vstring_strcat(out, "\", Issuer \"");
        tls_log_sanitize(out, state->issuer_CN);
        vstring_sprintf_append(out, "\" (%s))",
                               TLS_CERT_IS_TRUSTED(state) ? "verified OK" : "not verified");
    } else if (ask_ccert) {
        vstring_strcat(out, "Client did not present a certificate)");
    } else {
        vstring_strcat(out, "No client certificate requested)");
    }
    return vstring_str(out);
}

/* tls_log_info - OpenSSL state trace */

void tls_log_info(const TLS_SESS_STATE *state, int where, int ret)
{
    const SSL *ssl = state->ssl;
    const char *role = (where & SSL_ST_CONNECT)  ? "SSL_connect"
                       : (where & SSL_ST_ACCEPT) ? "SSL_accept"
                                                 : "undefined";

    if (ssl == NULL)
        return;
    if (where & SSL_CB_LOOP) {
        msg_info("%s:%s", role, SSL_state_string_long(ssl));
    } else if (where & SSL_CB_ALERT) {
        msg_info("SSL3 alert %s:%s:%s", (where & SSL_CB_READ) ? "read" : "write",
                 SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    } else if ((where & SSL_CB_EXIT) && ret == 0) {
        msg_info("%s:failed in %s", role, SSL_state_string_long(ssl));
    }
}

/* tls_log_content_name - name of a TLS content type */

static const char *tls_log_content_name(int content_type)
{
    switch (content_type) {
    case SSL3_RT_CHANGE_CIPHER_SPEC:
        return "change cipher spec";
    case SSL3_RT_ALERT:
        return "alert";
    case SSL3_RT_HANDSHAKE:
        return "handshake";
    case SSL3_RT_APPLICATION_DATA:
        return "application data";
    default:
        return NULL;
    }
}

/* tls_log_packet - hex dump of protocol messages */

void tls_log_packet(int write_p, int version, int content_type, const void *buf, size_t len,
                    SSL *ssl, void *arg)
{
    const TLS_SESS_STATE *state = SSL_get_app_data(ssl);
    const unsigned char *data = buf;
    const char *what = tls_log_content_name(content_type);
    VSTRING *line;

    if (state == NULL || what == NULL ||
        (content_type == SSL3_RT_APPLICATION_DATA && !(state->log_mask & TLS_LOG_ALLPKTS)))
        return;
    msg_info("%s: %s %s %s (%zu bytes)", state->namaddr, write_p ? "write" : "read",
             SSL_get_version(ssl), what, len);
    line = vstring_alloc(100);
    for (size_t off = 0; off < len; off += 16) {
        vstring_sprintf(line, "%04zx ", off);
        for (size_t i = off; i < off + 16; i++) {
            if (i < len)
                vstring_sprintf_append(line, "%02x%c", data[i], i == off + 7 ? '-' : ' ');
            else
                vstring_strcat(line, "   ");
        }
        vstring_strcat(line, " ");
        for (size_t i = off; i < off + 16 && i < len; i++)
            vstring_addch(line, isprint(data[i]) ? data[i] : '.');
        msg_info("%s", vstring_str(line));
    }
    vstring_free(line);
}
