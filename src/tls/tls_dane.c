/*++
 * NAME
 *	tls_dane - DANE TLSA authentication through OpenSSL's DANE support
 * SYNOPSIS
 *	#include <tls_dane.h>
 *
 *	int	tls_dane_digest_mask(const char *digests, VSTRING *why);
 *	int	tls_dane_ctx_init(SSL_CTX *ctx, int mtype_mask, VSTRING *why);
 *	int	tls_dane_ssl_setup(TLS_SESS_STATE *state, const TLS_DANE *dane);
 *	void	tls_dane_identity(VSTRING *out, const TLS_DANE *dane);
 *	bool	tls_dane_matched(const TLS_SESS_STATE *state);
 *	void	tls_dane_log_match(const TLS_SESS_STATE *state);
 * DESCRIPTION
 *	tls_dane_digest_mask() parses tls_dane_digests: digest names
 *	separated by whitespace or commas, each with an optional
 *	"=number" that must be the IANA matching type of the digest
 *	(sha256=1, sha512=2). It returns the matching types as bits (bit
 *	N for type N; bit 0, full data, is always set), or -1 with why set
 *	for an unknown name, a wrong number or a digest that OpenSSL lacks.
 *
 *	tls_dane_ctx_init() enables DANE on a client context with the
 *	matching types of mtype_mask (the earlier a digest in the list,
 *	the more it is preferred; the others are disabled). It returns 0,
 *	or -1 with why set.
 *
 *	tls_dane_ssl_setup() arms the connection's SSL object with the
 *	TLSA RRset: the base domain as the first reference name (and, by
 *	OpenSSL, the default SNI name), the other names, no partial
 *	wildcards, no name checks for DANE-EE(3), and each record. A
 *	record that OpenSSL refuses is logged and skipped. It returns the
 *	number of records armed (0: the server cannot match).
 *
 *	tls_dane_identity() appends a text that identifies the RRset
 *	(base domain, names and every record) for the session cache key,
 *	so that a session verified under one RRset is never resumed under
 *	another.
 *
 *	tls_dane_matched() says whether OpenSSL authenticated the peer
 *	with a TLSA record in this handshake.
 *
 *	tls_dane_log_match() logs which record matched, as Postfix words
 *	it: "host[addr]:port: Matched DANE EE certificate at depth 0: 3 1 1
 *	HEX" (also "TA certificate" and "TA public key verified
 *	certificate"; "Matched DANE raw public key: 3 1 1 HEX" when the
 *	server sent a raw public key); association data over 64 bytes is shortened to its
 *	first and last 32 bytes around "...".
 * DIAGNOSTICS
 *	Warnings: TLSA records that OpenSSL refuses.
 * SEE ALSO
 *	SSL_dane_enable(3), RFC 7671, RFC 7672
 *--*/

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "tls.h"
#include "tls_dane.h"

/* The digests that TLSA matching types name. */
static const struct {
    const char *name; /* as in tls_dane_digests */
    int mtype;        /* IANA matching type */
} tls_dane_digests[] = {
    {"sha256", 1},
    {"sha512", 2},
};

#define TLS_DANE_DIGEST_COUNT (sizeof(tls_dane_digests) / sizeof(tls_dane_digests[0]))
#define TLS_DANE_DUMP_MAX     64 /* longer association data is shortened in logs */
#define TLS_DANE_DUMP_HALF    32 /* bytes shown at each end */

/* tls_dane_digest_find - matching type of a digest name, or -1 */

static int tls_dane_digest_find(const char *name)
{
    for (size_t i = 0; i < TLS_DANE_DIGEST_COUNT; i++)
        if (strcasecmp(name, tls_dane_digests[i].name) == 0)
            return tls_dane_digests[i].mtype;
    return -1;
}

/* tls_dane_digest_mask - parse tls_dane_digests */

int tls_dane_digest_mask(const char *digests, VSTRING *why)
{
    char *copy = mystrdup(digests ? digests : "");
    char *cp = copy, *tok;
    int mask = 1 << 0;

    while ((tok = mystrtok(&cp, " \t\r\n,")) != NULL) {
        char *eq = strchr(tok, '=');
        int mtype;

        if (eq)
            *eq++ = 0;
        if ((mtype = tls_dane_digest_find(tok)) < 0 || EVP_get_digestbyname(tok) == NULL) {
            vstring_sprintf(why, "unsupported digest \"%s\" in tls_dane_digests", tok);
            mask = -1;
            break;
        }
        if (eq && (!alldig(eq) || atoi(eq) != mtype)) {
            vstring_sprintf(why, "digest \"%s\" in tls_dane_digests has matching type %d, not %s",
                            tok, mtype, eq);
            mask = -1;
            break;
        }
        mask |= 1 << mtype;
    }
    myfree(copy);
    return mask;
}

/* tls_dane_ctx_init - DANE on a client context */

int tls_dane_ctx_init(SSL_CTX *ctx, int mtype_mask, VSTRING *why)
{
    if (SSL_CTX_dane_enable(ctx) <= 0) {
        vstring_sprintf(why, "cannot enable DANE support in the TLS library");
        return -1;
    }
    for (size_t i = 0; i < TLS_DANE_DIGEST_COUNT; i++) {
        int mtype = tls_dane_digests[i].mtype;
        const EVP_MD *md = EVP_get_digestbyname(tls_dane_digests[i].name);

        /* A higher ord is preferred; a null digest disables the type. */
        if (SSL_CTX_dane_mtype_set(ctx, (mtype_mask & (1 << mtype)) ? md : NULL, (uint8_t)mtype,
                                   (uint8_t)mtype) <= 0) {
            vstring_sprintf(why, "cannot set up DANE digest \"%s\"", tls_dane_digests[i].name);
            return -1;
        }
    }
    SSL_CTX_dane_set_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return 0;
}

/* tls_dane_ssl_setup - the TLSA RRset into the SSL object */

int tls_dane_ssl_setup(TLS_SESS_STATE *state, const TLS_DANE *dane)
{
    int armed = 0;

    if (SSL_dane_enable(state->ssl, dane->base_domain) <= 0) {
        msg_warn("%s: cannot enable DANE for \"%s\"", state->namaddr, dane->base_domain);
        tls_print_errors();
        return 0;
    }
    SSL_dane_set_flags(state->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    SSL_set_hostflags(state->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (size_t i = 0; dane->names && dane->names[i]; i++)
        if (strcasecmp(dane->names[i], dane->base_domain) != 0)
            (void)SSL_add1_host(state->ssl, dane->names[i]);
    for (size_t i = 0; i < dane->count; i++) {
        const TLS_DANE_RR *rr = dane->rr + i;
        int ret = SSL_dane_tlsa_add(state->ssl, (uint8_t)rr->usage, (uint8_t)rr->selector,
                                    (uint8_t)rr->mtype, rr->data, rr->len);

        if (ret > 0) {
            armed++;
        } else {
            msg_warn("%s: %s TLSA record %d %d %d for \"%s\": ignored", state->namaddr,
                     ret < 0 ? "malformed" : "unusable", rr->usage, rr->selector, rr->mtype,
                     dane->base_domain);
            tls_clear_errors();
        }
    }
    return armed;
}

/* tls_dane_hex - association data as hex */

static void tls_dane_hex(VSTRING *out, const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        vstring_sprintf_append(out, "%02X", data[i]);
}

/* tls_dane_identity - the RRset as text, for the cache key */

void tls_dane_identity(VSTRING *out, const TLS_DANE *dane)
{
    if (dane == NULL)
        return;
    vstring_sprintf_append(out, "base=%s", dane->base_domain);
    for (size_t i = 0; dane->names && dane->names[i]; i++)
        vstring_sprintf_append(out, ",%s", dane->names[i]);
    for (size_t i = 0; i < dane->count; i++) {
        vstring_sprintf_append(out, ";%d %d %d ", dane->rr[i].usage, dane->rr[i].selector,
                               dane->rr[i].mtype);
        tls_dane_hex(out, dane->rr[i].data, dane->rr[i].len);
    }
}

/* tls_dane_matched - did a TLSA record authenticate the peer? */

bool tls_dane_matched(const TLS_SESS_STATE *state)
{
    return SSL_get0_dane_authority(state->ssl, NULL, NULL) >= 0;
}

/* tls_dane_log_match - which record matched */

void tls_dane_log_match(const TLS_SESS_STATE *state)
{
    EVP_PKEY *mspki = NULL;
    int depth = SSL_get0_dane_authority(state->ssl, NULL, &mspki);
    uint8_t usage, selector, mtype;
    const unsigned char *data;
    size_t len;
    VSTRING *hex;

    if (depth < 0 || SSL_get0_dane_tlsa(state->ssl, &usage, &selector, &mtype, &data, &len) < 0)
        return;
    hex = vstring_alloc(2 * TLS_DANE_DUMP_MAX + 4);
    if (len > TLS_DANE_DUMP_MAX) {
        tls_dane_hex(hex, data, TLS_DANE_DUMP_HALF);
        vstring_strcat(hex, "...");
        tls_dane_hex(hex, data + len - TLS_DANE_DUMP_HALF, TLS_DANE_DUMP_HALF);
    } else {
        tls_dane_hex(hex, data, len);
    }
    if (TLS_RPK_IS_PRESENT(state))
        msg_info("%s: Matched DANE raw public key: %u %u %u %s", state->namaddr, usage, selector,
                 mtype, vstring_str(hex));
    else
        msg_info("%s: Matched DANE %s at depth %d: %u %u %u %s", state->namaddr,
                 mspki   ? "TA public key verified certificate"
                 : depth ? "TA certificate"
                         : "EE certificate",
                 depth, usage, selector, mtype, vstring_str(hex));
    vstring_free(hex);
}
