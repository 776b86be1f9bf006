/*++
 * NAME
 *	tls_facts - protocol, cipher, key exchange and signature facts
 * SYNOPSIS
 *	#include <tls_facts.h>
 *
 *	void	tls_facts_collect(TLS_SESS_STATE *state);
 * DESCRIPTION
 *	tls_facts_collect() fills the protocol, cipher, resumption, key
 *	exchange and signature members of a session state after its
 *	handshake. The key exchange is known for TLS 1.3 only. Where OpenSSL
 *	names the negotiated group (SSL_get0_group_name(), OpenSSL 3.2 and
 *	later, found by makedefs: HAVE_SSL_GET0_GROUP_NAME) it is that TLS
 *	group name, as Postfix 3.10 logs it: "x25519", "x448", "secp256r1",
 *	"ffdhe2048", or a hybrid KEM group such as "X25519MLKEM768", with no
 *	parameter. Otherwise (OpenSSL 3.0 and 3.1) it is derived from the
 *	peer's key share, as Postfix 3.7 logs it: "X25519" or "X448",
 *	"ECDHE" with a curve, "DHE" with a size. Signatures are
 *	known for full TLS 1.3 handshakes only (a resumed session has none):
 *	"RSA-PSS" or "RSA" with the key size, "ECDSA" with the curve,
 *	"ED25519" or "ED448", each with its digest where there is one. The
 *	server signature is the server's, the client signature the
 *	client's, whichever side we are; a peer that sent a raw public key
 *	(RFC 7250) signed with that key.
 *--*/

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>

#include "tls.h"
#include "tls_facts.h"
#include "tls_rpk.h"

/* tls_facts_curve - static short name of a key's curve, or NULL */

static const char *tls_facts_curve(EVP_PKEY *pkey)
{
    char name[80];
    size_t len;
    int nid;

    if (!EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len))
        return NULL;
    if ((nid = OBJ_sn2nid(name)) == NID_undef && (nid = OBJ_ln2nid(name)) == NID_undef &&
        (nid = EC_curve_nist2nid(name)) == NID_undef)
        return NULL;
    return OBJ_nid2sn(nid);
}

/* tls_facts_kex - key exchange name, and parameter of the peer's key share */

static void tls_facts_kex(TLS_SESS_STATE *state)
{
    EVP_PKEY *pkey = NULL;

#ifdef HAVE_SSL_GET0_GROUP_NAME
    /*
     * The group's TLS name. A KEM group (ML-KEM hybrids) leaves no peer key
     * share to look at on the client side, so this is the only way to name
     * it. The string belongs to the SSL_CTX, which outlives the session.
     */
    const char *group = SSL_get0_group_name(state->ssl);

    if (group != NULL && *group) {
        state->kex_name = group;
        return;
    }
#endif
    if (!SSL_get_peer_tmp_key(state->ssl, &pkey) || pkey == NULL)
        return;
    if (EVP_PKEY_is_a(pkey, "X25519"))
        state->kex_name = "X25519";
    else if (EVP_PKEY_is_a(pkey, "X448"))
        state->kex_name = "X448";
    else if (EVP_PKEY_is_a(pkey, "EC")) {
        state->kex_name = "ECDHE";
        state->kex_curve = tls_facts_curve(pkey);
    } else if (EVP_PKEY_is_a(pkey, "DH")) {
        state->kex_name = "DHE";
        state->kex_bits = EVP_PKEY_get_bits(pkey);
    }
    EVP_PKEY_free(pkey);
}

/* tls_facts_sig - signature algorithm, key parameter and digest */

static void tls_facts_sig(int sig_nid, int md_nid, EVP_PKEY *pkey, const char **name,
                          const char **curve, int *bits, const char **dgst)
{
    switch (sig_nid) {
    case EVP_PKEY_RSA_PSS:
        *name = "RSA-PSS";
        break;
    case EVP_PKEY_RSA:
        *name = "RSA";
        break;
    case EVP_PKEY_EC:
        *name = "ECDSA";
        break;
    case EVP_PKEY_ED25519:
        *name = "ED25519";
        break;
    case EVP_PKEY_ED448:
        *name = "ED448";
        break;
    default:
        *name = OBJ_nid2sn(sig_nid);
        break;
    }
    if (pkey && EVP_PKEY_is_a(pkey, "EC"))
        *curve = tls_facts_curve(pkey);
    else if (pkey && (EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "RSA-PSS")))
        *bits = EVP_PKEY_get_bits(pkey);
    if (md_nid != NID_undef && sig_nid != EVP_PKEY_ED25519 && sig_nid != EVP_PKEY_ED448)
        *dgst = OBJ_nid2sn(md_nid);
}

/* tls_facts_peer_sig - the peer's handshake signature */

static int tls_facts_peer_sig(SSL *ssl, const char **name, const char **curve, int *bits,
                              const char **dgst)
{
    X509 *peer = SSL_get0_peer_certificate(ssl);
    EVP_PKEY *pkey = peer ? X509_get0_pubkey(peer) : tls_rpk_peer_key(ssl);
    int sig_nid, md_nid = NID_undef;

    if (pkey == NULL || !SSL_get_peer_signature_type_nid(ssl, &sig_nid))
        return 0;
    SSL_get_peer_signature_nid(ssl, &md_nid);
    tls_facts_sig(sig_nid, md_nid, pkey, name, curve, bits, dgst);
    return 1;
}

/* tls_facts_own_sig - our own handshake signature */

static int tls_facts_own_sig(SSL *ssl, const char **name, const char **curve, int *bits,
                             const char **dgst)
{
    EVP_PKEY *pkey = SSL_get_privatekey(ssl);
    int sig_nid, md_nid = NID_undef;

    if (pkey == NULL || !SSL_get_signature_type_nid(ssl, &sig_nid))
        return 0;
    SSL_get_signature_nid(ssl, &md_nid);
    tls_facts_sig(sig_nid, md_nid, pkey, name, curve, bits, dgst);
    return 1;
}

/* tls_facts_collect - facts of a completed handshake */

void tls_facts_collect(TLS_SESS_STATE *state)
{
    SSL *ssl = state->ssl;
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);

    state->protocol = SSL_get_version(ssl);
    state->cipher_name = cipher ? SSL_CIPHER_get_name(cipher) : "";
    state->cipher_usebits = cipher ? SSL_CIPHER_get_bits(cipher, &state->cipher_algbits) : 0;
    state->session_reused = SSL_session_reused(ssl) == 1;
    if (SSL_version(ssl) < TLS1_3_VERSION)
        return;
    tls_facts_kex(state);
    if (state->session_reused)
        return;
    if (state->am_server) {
        tls_facts_own_sig(ssl, &state->srvr_sig_name, &state->srvr_sig_curve, &state->srvr_sig_bits,
                          &state->srvr_sig_dgst);
        tls_facts_peer_sig(ssl, &state->clnt_sig_name, &state->clnt_sig_curve,
                           &state->clnt_sig_bits, &state->clnt_sig_dgst);
    } else {
        tls_facts_peer_sig(ssl, &state->srvr_sig_name, &state->srvr_sig_curve,
                           &state->srvr_sig_bits, &state->srvr_sig_dgst);
        if (SSL_get_certificate(ssl) != NULL)
            tls_facts_own_sig(ssl, &state->clnt_sig_name, &state->clnt_sig_curve,
                              &state->clnt_sig_bits, &state->clnt_sig_dgst);
    }
}
