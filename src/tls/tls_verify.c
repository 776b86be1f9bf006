/*++
 * NAME
 *	tls_verify - certificate verification and peer facts
 * SYNOPSIS
 *	#include <tls_verify.h>
 *
 *	int	tls_verify_cb(int ok, X509_STORE_CTX *store_ctx);
 *	void	tls_verify_setup(SSL *ssl, int verify_mode, int verifydepth);
 *	void	tls_verify_peer(TLS_SESS_STATE *state);
 *	void	tls_verify_match(TLS_SESS_STATE *state);
 *	void	tls_verify_log_failure(const TLS_SESS_STATE *state);
 *	char	*tls_verify_text_name(const X509_NAME *name, int nid,
 *				const char *label, const char *namaddr);
 * DESCRIPTION
 *	tls_verify_cb() is the OpenSSL verify callback. It always returns 1
 *	so that the handshake completes. It notes whether a reference-name
 *	check or any other check failed, and records in the session state the
 *	verification error closest to the leaf (verify_result, verify_depth
 *	and the issuer there), flags certificates deeper than the configured
 *	depth with X509_V_ERR_CERT_CHAIN_TOO_LONG, and, when the state's
 *	must_fail is set (trust data could not be loaded), fails the leaf
 *	with X509_V_ERR_UNSPECIFIED so that nothing is trusted.
 *
 *	tls_verify_setup() installs the callback with a verify mode and
 *	tells OpenSSL to build chains one deeper than verifydepth, so that a
 *	too long chain is reported rather than cut short.
 *
 *	tls_verify_peer() fills the peer facts after a handshake: subject
 *	CN, issuer CN (the issuer's O when it has no CN), certificate and
 *	public-key fingerprints, and the PRESENT, ALTNAME and TRUSTED status
 *	bits. TRUSTED needs a certificate whose chain verified; at the DANE
 *	levels a chain that a DANE-TA record anchored is TRUSTED even when
 *	OpenSSL's reference-name check failed (it never MATCHES).
 *
 *	tls_verify_match() (client) checks the match policy of the session:
 *	at the fingerprint level the certificate or public-key fingerprint
 *	must be in the list; at verify and secure the chain must be trusted
 *	and a reference name must match; at the DANE levels OpenSSL's
 *	verification must have matched a TLSA record (tls_dane(3)). A match
 *	sets MATCHED and SECURED (halfdane: MATCHED alone).
 *	A mismatch records the verification error that Postfix reports for
 *	it (hostname or IP address mismatch; no matching DANE TLSA records
 *	for fingerprints). A name mismatch leaves TRUSTED as the chain made
 *	it: a chain from a trusted CA with no matching name is "Trusted",
 *	as Postfix documents (FORWARD_SECRECY_README) and logs since 3.10.
 *	An IP address mismatch (a reference that is an address, such as
 *	the next hop [192.0.2.1]) and a fingerprint mismatch clear TRUSTED
 *	("Untrusted"), as Postfix 3.10 logs them. must_fail prevents any
 *	match.
 *
 *	tls_verify_log_failure() logs why an untrusted or unmatched peer
 *	failed, in the Postfix wording, when the session logs that.
 *
 *	tls_verify_text_name() returns the first nid entry of a name as a
 *	new printable string, or NULL when absent or when it hides a null
 *	byte (then logged with label and namaddr).
 *--*/

#include <stdbool.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"

#include "tls.h"
#include "tls_dane.h"
#include "tls_fprint.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_name.h"
#include "tls_rpk.h"
#include "tls_verify.h"

/* tls_verify_name_errno - is the error a failed reference-name check */

static bool tls_verify_name_errno(long err)
{
    return err == X509_V_ERR_HOSTNAME_MISMATCH || err == X509_V_ERR_IP_ADDRESS_MISMATCH ||
           err == X509_V_ERR_EMAIL_MISMATCH;
}

/* tls_verify_cb - record the error closest to the leaf, never fail */

int tls_verify_cb(int ok, X509_STORE_CTX *store_ctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    TLS_SESS_STATE *state = ssl ? SSL_get_app_data(ssl) : NULL;
    int depth = X509_STORE_CTX_get_error_depth(store_ctx);
    X509 *cert = X509_STORE_CTX_get_current_cert(store_ctx);

    if (state == NULL)
        return 1;
    if (ok && depth > state->verifydepth) {
        X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_CHAIN_TOO_LONG);
        ok = 0;
    }
    if (ok && depth == 0 && state->must_fail) {
        X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_UNSPECIFIED);
        ok = 0;
    }
    if (!ok) {
        if (tls_verify_name_errno(X509_STORE_CTX_get_error(store_ctx)))
            state->verify_name_error = true;
        else
            state->verify_chain_error = true;
    }
    if (!ok && (state->verify_depth < 0 || depth < state->verify_depth)) {
        char buf[256];

        state->verify_result = X509_STORE_CTX_get_error(store_ctx);
        state->verify_depth = depth;
        myfree(state->verify_issuer);
        state->verify_issuer =
            mystrdup(cert ? X509_NAME_oneline(X509_get_issuer_name(cert), buf, sizeof(buf)) : "");
    }
    if (cert && (state->log_mask & TLS_LOG_VERBOSE)) {
        char buf[256];

        msg_info("%s: depth=%d verify=%d subject=%s", state->namaddr, depth, ok,
                 X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf)));
    } else if (cert == NULL && (state->log_mask & TLS_LOG_VERBOSE)) {
        msg_info("%s: verify=%d raw public key", state->namaddr, ok);
    }
    return 1;
}

/* tls_verify_setup - install the callback */

void tls_verify_setup(SSL *ssl, int verify_mode, int verifydepth)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);

    if (state)
        state->verifydepth = verifydepth;
    SSL_set_verify(ssl, verify_mode, tls_verify_cb);
    SSL_set_verify_depth(ssl, verifydepth + 1);
}

/* tls_verify_text_name - printable first entry of a name */

char *tls_verify_text_name(const X509_NAME *name, int nid, const char *label, const char *namaddr)
{
    int pos = X509_NAME_get_index_by_NID(name, nid, -1);
    unsigned char *utf8 = NULL;
    char *text;
    int len;

    if (pos < 0)
        return NULL;
    len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos)));
    if (len < 0)
        return NULL;
    if (memchr(utf8, 0, len)) {
        msg_warn("%s: %s with an embedded null byte", namaddr, label);
        OPENSSL_free(utf8);
        return NULL;
    }
    text = mystrndup((const char *)utf8, len);
    OPENSSL_free(utf8);
    for (unsigned char *cp = (unsigned char *)text; *cp; cp++)
        if (*cp < 0x20 || *cp == 0x7f)
            *cp = '?';
    return text;
}

/* tls_verify_set - replace an owned string */

static void tls_verify_set(char **field, char *value)
{
    myfree(*field);
    *field = value ? value : mystrdup("");
}

/* tls_verify_peer_rpk - facts and trust status of a raw public key */

static void tls_verify_peer_rpk(TLS_SESS_STATE *state)
{
    EVP_PKEY *rpk = tls_rpk_peer_key(state->ssl);

    if (rpk == NULL)
        return;
    tls_verify_set(&state->peer_pkey_fprint, tls_key_fprint(rpk, state->mdalg));
    if (state->verify_depth < 0)
        state->verify_result = SSL_get_verify_result(state->ssl);
    /*
     * A bare key has no chain: only a DANE-EE(3) SPKI(1) record can make
     * OpenSSL's verification succeed, and only at the DANE levels (on the
     * server, and at the other client levels, OpenSSL reports the key as
     * untrusted). The fingerprint level matches it in tls_verify_match().
     */
    if (!state->must_fail && TLS_DANE_BASED(state->level) && !state->am_server &&
        SSL_get_verify_result(state->ssl) == X509_V_OK)
        state->peer_status |= TLS_CERT_FLAG_TRUSTED;
}

/* tls_verify_peer - peer facts and trust status */

void tls_verify_peer(TLS_SESS_STATE *state)
{
    X509 *peer = SSL_get0_peer_certificate(state->ssl);
    const X509_NAME *issuer;
    char *issuer_text;
    int has_dns = 0;
    ARGV *names;

    state->peer_status = 0;
    tls_rpk_collect(state);
    if (peer == NULL) {
        tls_verify_peer_rpk(state);
        return;
    }
    state->peer_status |= TLS_CERT_FLAG_PRESENT;
    names = tls_name_presented(peer, &has_dns);
    argv_free(names);
    if (has_dns)
        state->peer_status |= TLS_CERT_FLAG_ALTNAME;
    tls_verify_set(&state->peer_CN,
                   tls_verify_text_name(X509_get_subject_name(peer), NID_commonName, "subject CN",
                                        state->namaddr));
    issuer = X509_get_issuer_name(peer);
    if ((issuer_text = tls_verify_text_name(issuer, NID_commonName, "issuer CN", state->namaddr)) ==
        NULL)
        issuer_text =
            tls_verify_text_name(issuer, NID_organizationName, "issuer O", state->namaddr);
    tls_verify_set(&state->issuer_CN, issuer_text);
    tls_verify_set(&state->peer_cert_fprint, tls_cert_fprint(peer, state->mdalg));
    tls_verify_set(&state->peer_pkey_fprint, tls_pkey_fprint(peer, state->mdalg));
    if (state->verify_depth < 0)
        state->verify_result = SSL_get_verify_result(state->ssl);
    if (state->must_fail)
        return;
    /*
     * OpenSSL checks reference names itself only at the DANE levels, for
     * DANE-TA (tls_dane_ssl_setup() arms them). With DANE, OpenSSL trusts
     * a chain only when a TLSA record anchored it, so a chain whose one
     * failure was the name is a DANE-TA chain without the name: "Trusted",
     * as a CA chain without the name is at the verify level, and never
     * matched (tls_verify_match_dane()). OpenSSL hides the DANE authority
     * of a chain that failed, hence the callback's two flags. A resumed
     * session carries only its result: a failed one stays untrusted.
     */
    if (SSL_get_verify_result(state->ssl) == X509_V_OK ||
        (TLS_DANE_BASED(state->level) && state->verify_name_error && !state->verify_chain_error))
        state->peer_status |= TLS_CERT_FLAG_TRUSTED;
}

/* tls_verify_match_fprint - is the certificate or key fingerprint listed */

static const char *tls_verify_match_fprint(TLS_SESS_STATE *state)
{
    for (size_t i = 0; state->match_fprints && i < state->match_fprints->argc; i++) {
        const char *fp = state->match_fprints->argv[i];

        if (tls_fprint_equal(fp, state->peer_cert_fprint) ||
            tls_fprint_equal(fp, state->peer_pkey_fprint))
            return fp;
    }
    return NULL;
}

/* tls_verify_mismatch - record a failed match as a verification error */

static void tls_verify_mismatch(TLS_SESS_STATE *state, long err)
{
    /*
     * Postfix leaves the match to OpenSSL's verification (DANE records for
     * fingerprints, host checks for names), so a mismatch is a verification
     * error with its own number. A wrong name does not make a trusted chain
     * untrusted: the summary line says "Trusted" (Postfix 3.7 said
     * "Untrusted", a defect that Postfix fixed in 3.10). Postfix's fix covers
     * name patterns only: a wrong IP address and a wrong fingerprint (a
     * failed DANE match) still make the peer "Untrusted", in every version.
     */
    if (err != X509_V_ERR_HOSTNAME_MISMATCH)
        state->peer_status &= ~TLS_CERT_FLAG_TRUSTED;
    state->verify_result = err;
    state->verify_depth = 0;
}

/* tls_verify_ip_reference - is any reference name an IP address */

static bool tls_verify_ip_reference(const TLS_SESS_STATE *state)
{
    for (size_t i = 0; state->match_names && i < state->match_names->argc; i++)
        if (tls_name_address(state->match_names->argv[i], NULL))
            return true;
    return false;
}

/* tls_verify_match_dane - did OpenSSL match a TLSA record */

static void tls_verify_match_dane(TLS_SESS_STATE *state)
{
    /*
     * OpenSSL's verification did the matching: a chain that verified
     * matched a TLSA record (and, for DANE-TA, a reference name). A resumed
     * session carries the verification result of its first handshake; its
     * cache key holds the TLSA RRset, so it was verified under the same one.
     */
    if (!TLS_CERT_IS_TRUSTED(state))
        return;
    if (state->verify_name_error) {
        tls_verify_mismatch(state, X509_V_ERR_HOSTNAME_MISMATCH);
        return;
    }
    if (!tls_dane_matched(state) && !state->session_reused) {
        tls_verify_mismatch(state, X509_V_ERR_DANE_NO_MATCH);
        return;
    }
    state->peer_status |= TLS_CERT_FLAG_MATCHED;
    if (state->level != TLS_LEV_HALF_DANE)
        state->peer_status |= TLS_CERT_FLAG_SECURED;
    /* DANE-TA: the reference name that OpenSSL found in the certificate. */
    if (SSL_get0_peername(state->ssl) != NULL) {
        tls_verify_set(&state->matched_name, mystrdup(SSL_get0_peername(state->ssl)));
        if (state->log_mask & (TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE))
            msg_info("%s: matched peername: %s", state->namaddr, state->matched_name);
    }
    if (state->log_mask & (TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE | TLS_LOG_DANE))
        tls_dane_log_match(state);
}

/* tls_verify_match - check the client's match policy */

void tls_verify_match(TLS_SESS_STATE *state)
{
    X509 *peer = SSL_get0_peer_certificate(state->ssl);
    const char *found;
    char *matched = NULL;

    if ((peer == NULL && !TLS_RPK_IS_PRESENT(state)) || state->must_fail ||
        !TLS_MUST_MATCH(state->level))
        return;
    if (state->level == TLS_LEV_FPRINT) {
        if ((found = tls_verify_match_fprint(state)) != NULL) {
            state->peer_status |= TLS_CERT_FLAG_MATCHED | TLS_CERT_FLAG_SECURED;
            if (state->log_mask & (TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE))
                msg_info("%s: Matched fingerprint: %s", state->namaddr, found);
        } else {
            tls_verify_mismatch(state, X509_V_ERR_DANE_NO_MATCH);
        }
        return;
    }
    if (TLS_DANE_BASED(state->level)) {
        tls_verify_match_dane(state);
        return;
    }
    if (!TLS_CERT_IS_TRUSTED(state) || peer == NULL)
        return;
    if (tls_name_match_cert(peer, state->match_names, &matched) != NULL) {
        state->peer_status |= TLS_CERT_FLAG_MATCHED | TLS_CERT_FLAG_SECURED;
        tls_verify_set(&state->matched_name, matched);
        if (state->log_mask & (TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE))
            msg_info("%s: matched peername: %s", state->namaddr, state->matched_name);
    } else {
        tls_verify_mismatch(state, tls_verify_ip_reference(state) ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                                  : X509_V_ERR_HOSTNAME_MISMATCH);
    }
}

/* tls_verify_reason - Postfix wording of a verification error */

static void tls_verify_reason(VSTRING *buf, const TLS_SESS_STATE *state)
{
    long err = state->verify_result;

    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        vstring_strcpy(buf, "certificate has expired");
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        vstring_strcpy(buf, "certificate not yet valid");
        break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        vstring_strcpy(buf, "self-signed certificate");
        break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        vstring_sprintf(buf, "untrusted issuer %s",
                        state->verify_issuer ? state->verify_issuer : "");
        break;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        vstring_sprintf(buf, "certificate chain longer than limit(%d)", state->verifydepth);
        break;
    case X509_V_ERR_UNSPECIFIED:
        vstring_strcpy(buf, "not trusted by local or TLSA policy");
        break;
    default:
        vstring_sprintf(buf, "num=%ld:%s", err, X509_verify_cert_error_string(err));
        break;
    }
}

/* tls_verify_name_error - the recorded name mismatch, hostname mismatch by default */

static long tls_verify_name_error(const TLS_SESS_STATE *state)
{
    if (state->verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH)
        return X509_V_ERR_IP_ADDRESS_MISMATCH;
    return X509_V_ERR_HOSTNAME_MISMATCH;
}

/* tls_verify_log_failure - log why the peer is not trusted or matched */

void tls_verify_log_failure(const TLS_SESS_STATE *state)
{
    const char *role = state->am_server ? "client" : "server";
    VSTRING *why;

    if (!(state->log_mask & TLS_LOG_UNTRUSTED) || !TLS_CRED_IS_PRESENT(state))
        return;
    if (!TLS_CERT_IS_TRUSTED(state) && state->session_reused) {
        msg_info("%s: re-using session with untrusted peer credential, look for details earlier "
                 "in the log",
                 state->namaddr);
        return;
    }
    why = vstring_alloc(100);
    if (!TLS_CERT_IS_TRUSTED(state) &&
        (state->level != TLS_LEV_FPRINT || state->verify_result == X509_V_ERR_DANE_NO_MATCH)) {
        tls_verify_reason(why, state);
        msg_info("%s certificate verification failed for %s: %s", role, state->namaddr,
                 vstring_str(why));
    } else if (TLS_MUST_MATCH(state->level) && !TLS_CERT_IS_MATCHED(state) && !state->am_server) {
        if (state->level == TLS_LEV_FPRINT)
            msg_info("%s certificate verification failed for %s: not trusted by local or TLSA "
                     "policy",
                     role, state->namaddr);
        else
            msg_info("%s certificate verification failed for %s: num=%ld:%s", role, state->namaddr,
                     tls_verify_name_error(state),
                     X509_verify_cert_error_string(tls_verify_name_error(state)));
    }
    vstring_free(why);
}
