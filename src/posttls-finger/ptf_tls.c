/*++
 * NAME
 *	ptf_tls - TLS for posttls-finger: contexts, handshake, chain printout
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	int	ptf_tls_init(PTF_STATE *state);
 *	int	ptf_tls_start(PTF_STATE *state);
 *	void	ptf_tls_stop(PTF_STATE *state, bool failure);
 *	int	ptf_tls_cached(const PTF_STATE *state);
 * DESCRIPTION
 *	ptf_tls_init() builds the client TLS context from the options (-F,
 *	-P, -p, -g, -d, -H, -k, -K, -L) and main.cf's tls_* settings, with an
 *	in-memory session cache: posttls-finger never talks to tlsmgr(8).
 *	With -r it builds a second context for reconnections, whose logging
 *	drops peercert, certmatch and verbose and adds cache and summary.
 *	It returns 0, or -1 when TLS cannot be used (the library logged why).
 *
 *	ptf_tls_start() runs the handshake on state->stream at
 *	state->session_level, as the SMTP client would: names to match from
 *	the match arguments (default strategies per level), fingerprints at
 *	the fingerprint level, the server's TLSA records at the DANE levels
 *	(state->tlsa, ptf_dane(3); SNI then defaults to the TLSA base
 *	domain), SNI from -s. The TLS library logs the trust, the names and
 *	the summary line ("Verified TLS connection established to ...").
 *	A resumed session is reported as "host[addr]:port: Reusing old
 *	session" when cache logging is on. With summary logging a line
 *	names the key exchange groups the ClientHello offered, those it
 *	sent key shares for, how many ClientHellos went out (two after a
 *	HelloRetryRequest), the size of the last, and the negotiated group. With -C the peer's certificate
 *	chain of the first session is kept for printing. It returns 0, or -1
 *	when the handshake failed.
 *
 *	ptf_tls_stop() ends the TLS session, if any (forgetting the cached
 *	session after a failure), and prints the chain kept by
 *	ptf_tls_start() on standard output: per certificate its depth,
 *	subject, issuer, certificate and public-key digests (-d), and the
 *	certificate in PEM form.
 *
 *	ptf_tls_cached() tells whether the server gave a session that can
 *	be resumed.
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* OpenSSL. */
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_fprint.h"
#include "tls_level.h"
#include "tls_log.h"

/* Application-specific. */
#include "posttls-finger.h"

#define PTF_SESSION_TIMEOUT 3600 /* seconds the in-memory cache keeps a session */

/* Log mask bits and keywords, to describe the reconnection's mask to tls_client_init(). */
static const struct {
    int mask;
    const char *name;
} ptf_tls_log_names[] = {
    {TLS_LOG_SUMMARY, "summary"},
    {TLS_LOG_UNTRUSTED, "untrusted"},
    {TLS_LOG_PEERCERT, "peercert"},
    {TLS_LOG_CERTMATCH, "certmatch"},
    {TLS_LOG_VERBOSE, "verbose"},
    {TLS_LOG_CACHE, "cache"},
    {TLS_LOG_DANE, "dane"},
    {TLS_LOG_DEBUG, "ssl-debug"},
    {TLS_LOG_TLSPKTS, "ssl-handshake-packet-dump"},
    {TLS_LOG_ALLPKTS, "ssl-session-packet-dump"},
};

/* ptf_tls_context - one client context */

static TLS_APPL_STATE *ptf_tls_context(PTF_STATE *state, const char *logopts)
{
    return tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .params = &state->params,
        .param_prefix = "posttls-finger",
        .log_param = "-L option",
        .log_level = logopts,
        .verifydepth = state->verifydepth,
        .cache_type = "memory",
        .session_timeout = PTF_SESSION_TIMEOUT,
        .chain_files = state->chain_files,
        .cert_file = state->cert_file,
        .key_file = state->key_file,
        .CAfile = state->CAfile,
        .CApath = state->CApath,
        .mdalg = state->mdalg,
        .protocols = state->protocols,
        .mandatory_protocols = state->protocols,
        .ciphers = state->grade,
        .mandatory_ciphers = state->grade,
        .exclude_ciphers = state->exclude_ciphers,
        .mandatory_exclude_ciphers = state->mandatory_exclude_ciphers,
        .cache = tls_scache_mem_ops(state->cache),
    });
}

/* ptf_tls_again_opts - -L for reconnections: less about the peer, more about the cache */

static char *ptf_tls_again_opts(const char *logopts)
{
    int mask = tls_log_mask("-L option", logopts);
    VSTRING *out = vstring_alloc(100);

    if (mask < 0)
        mask = 0;
    mask &= ~(TLS_LOG_PEERCERT | TLS_LOG_CERTMATCH | TLS_LOG_VERBOSE);
    mask |= TLS_LOG_CACHE | TLS_LOG_SUMMARY;
    for (size_t i = 0; i < sizeof(ptf_tls_log_names) / sizeof(ptf_tls_log_names[0]); i++)
        if (mask & ptf_tls_log_names[i].mask)
            vstring_sprintf_append(out, "%s%s", VSTRING_LEN(out) ? "," : "",
                                   ptf_tls_log_names[i].name);
    return vstring_export(out);
}

/* ptf_tls_init - the client contexts */

int ptf_tls_init(PTF_STATE *state)
{
    state->cache = tls_scache_mem_create(PTF_SESSION_TIMEOUT);
    if ((state->tls_first = ptf_tls_context(state, state->logopts)) == NULL)
        return -1;
    if (state->reconnect_delay > 0) {
        char *again = ptf_tls_again_opts(state->logopts);

        state->tls_again = ptf_tls_context(state, again);
        myfree(again);
        if (state->tls_again == NULL)
            return -1;
    }
    return 0;
}

/* ptf_tls_chain - keep the peer's chain for -C */

static void ptf_tls_chain(PTF_STATE *state)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(state->tls->ssl);
    BIO *bio;

    if (chain == NULL || (bio = BIO_new(BIO_s_mem())) == NULL)
        return;
    vstring_strcpy(state->chain, "---\nCertificate chain\n");
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *cert = sk_X509_value(chain, i);
        char *subject = X509_NAME_oneline(X509_get_subject_name(cert), NULL, 0);
        char *issuer = X509_NAME_oneline(X509_get_issuer_name(cert), NULL, 0);
        char *cert_fp = tls_cert_fprint(cert, state->mdalg);
        char *pkey_fp = tls_pkey_fprint(cert, state->mdalg);
        char *pem;
        long len;

        vstring_sprintf_append(state->chain,
                               "%2d subject: %s\n    issuer: %s\n   cert digest=%s\n"
                               "   pkey digest=%s\n",
                               i, subject ? subject : "", issuer ? issuer : "",
                               cert_fp ? cert_fp : "", pkey_fp ? pkey_fp : "");
        (void)BIO_reset(bio);
        if (PEM_write_bio_X509(bio, cert) == 1 && (len = BIO_get_mem_data(bio, &pem)) > 0)
            vstring_memcat(state->chain, pem, len);
        OPENSSL_free(subject);
        OPENSSL_free(issuer);
        myfree(cert_fp);
        myfree(pkey_fp);
    }
    BIO_free(bio);
}

/* ptf_tls_dane - the server's TLSA records as the TLS library takes them; NULL: none */

static TLS_DANE_RR *ptf_tls_dane(const PTF_STATE *state, TLS_DANE *dane, const char **names)
{
    const SMTP_TLSA_LIST *tlsa = &state->tlsa;
    TLS_DANE_RR *rr;

    if (!TLS_DANE_BASED(state->session_level) || tlsa->base_domain == NULL)
        return NULL;
    rr = mycalloc(tlsa->count + 1, sizeof(*rr));
    for (size_t i = 0; i < tlsa->count; i++)
        rr[i] = (TLS_DANE_RR){
            .usage = tlsa->rr[i].usage,
            .selector = tlsa->rr[i].selector,
            .mtype = tlsa->rr[i].mtype,
            .data = tlsa->rr[i].data,
            .len = tlsa->rr[i].len,
        };
    names[0] = state->host;
    names[1] = NULL;
    *dane = (TLS_DANE){
        .base_domain = tlsa->base_domain,
        .names = names,
        .rr = rr,
        .count = tlsa->count,
    };
    return rr;
}

/* ptf_tls_groups - the groups offered and the one negotiated */

static void ptf_tls_groups(const TLS_SESS_STATE *tls)
{
    if (!(tls->log_mask & TLS_LOG_SUMMARY) || tls->hello_count == 0)
        return;
    msg_info("%s: key exchange groups offered: %s; key shares: %s; %d ClientHello%s, the last "
             "%zu bytes; negotiated: %s",
             tls->namaddr, tls->hello_groups ? tls->hello_groups : "",
             tls->hello_shares && *tls->hello_shares ? tls->hello_shares : "none", tls->hello_count,
             tls->hello_count > 1 ? "s" : "", tls->hello_size,
             tls->kex_name ? tls->kex_name : "unknown");
}

/* ptf_tls_start - the handshake */

int ptf_tls_start(PTF_STATE *state)
{
    TLS_APPL_STATE *ctx =
        state->quiet_chat && state->tls_again ? state->tls_again : state->tls_first;
    TLS_DANE dane = {0};
    const char *names[2];
    TLS_DANE_RR *rr = ptf_tls_dane(state, &dane, names);

    state->tls = tls_client_start(&(TLS_CLIENT_START_PROPS){
        .ctx = ctx,
        .stream = state->stream,
        .timeout = state->command_timeout,
        .tls_level = state->session_level,
        .nexthop = state->dest.unix_path ? "localhost" : state->dest.nexthop,
        .host = state->host,
        .addr = state->addr,
        .port = state->port,
        .namaddr = state->namaddr,
        .serverid = state->lmtp ? "lmtp" : "smtp",
        .helo = state->helo,
        .sni = rr && !state->servername ? dane.base_domain : state->servername,
        .match = state->match,
        .tafile = state->tafile,
        .dane = rr ? &dane : NULL,
        .enable_rpk = state->enable_rpk,
        .pq_mode = state->pq_mode,
    });
    myfree(rr);
    if (state->tls == NULL) {
        state->tls_failed = true;
        return -1;
    }
    if (state->tls->session_reused && (state->tls->log_mask & TLS_LOG_CACHE))
        msg_info("%s: Reusing old session", state->namaddr);
    ptf_tls_groups(state->tls);
    if (state->print_chain && VSTRING_LEN(state->chain) == 0)
        ptf_tls_chain(state);
    return 0;
}

/* ptf_tls_stop - end the TLS session, print the chain */

void ptf_tls_stop(PTF_STATE *state, bool failure)
{
    if (state->tls) {
        tls_client_stop(state->tls, state->stream, state->command_timeout, failure);
        state->tls = NULL;
    }
    if (state->print_chain && VSTRING_LEN(state->chain) > 0 && !state->quiet_chat) {
        fwrite(vstring_str(state->chain), 1, VSTRING_LEN(state->chain), stdout);
        fflush(stdout);
    }
}

/* ptf_tls_cached - did the server give a session to resume */

int ptf_tls_cached(const PTF_STATE *state)
{
    return tls_scache_mem_count(state->cache) > 0;
}
