/*
 * tls.h - the TLS library: shared types
 *
 * What every module of the TLS library and every daemon that does TLS
 * shares: the global tls_* parameters (TLS_PARAMS, filled once by the
 * daemon), the per-process context (TLS_APPL_STATE, opaque), the
 * per-connection state with the facts about the peer (TLS_SESS_STATE),
 * the peer status bits, the session cache and ticket key callbacks, and
 * library initialisation. The engines themselves are in tls_server.h and
 * tls_client.h; the stream glue in tls_stream.h.
 *
 * The library never reads configuration: daemons fill the property
 * structs and pass them in.
 */
#ifndef TLS_H
#define TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>

#include "vstring.h"

/*
 * Global tls_* parameters, filled once by the daemon from main.cf (the
 * names are those of the members with a "tls_" prefix). NULL members
 * take the Postfix default; tls_params_init() fills all defaults.
 */
typedef struct TLS_PARAMS {
    const char *high_cipherlist;       /* tls_high_cipherlist */
    const char *medium_cipherlist;     /* tls_medium_cipherlist */
    const char *null_cipherlist;       /* tls_null_cipherlist */
    const char *eecdh_auto_curves;     /* tls_eecdh_auto_curves */
    const char *ffdhe_auto_groups;     /* tls_ffdhe_auto_groups */
    bool preempt_cipherlist;           /* tls_preempt_cipherlist */
    const char *ssl_options;           /* tls_ssl_options: names or hex */
    const char *disable_workarounds;   /* tls_disable_workarounds: names or hex */
    const char *session_ticket_cipher; /* tls_session_ticket_cipher */
    bool fast_shutdown_enable;         /* tls_fast_shutdown_enable */
    bool append_default_CA;            /* tls_append_default_CA */
} TLS_PARAMS;

#define TLS_DEF_HIGH_CIPHERLIST                                                                    \
    "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH"
#define TLS_DEF_MEDIUM_CIPHERLIST                                                                  \
    "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:+RC4:"       \
    "@STRENGTH"
#define TLS_DEF_NULL_CIPHERLIST   "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL"
#define TLS_DEF_EECDH_AUTO_CURVES "X25519MLKEM768 X25519 X448 prime256v1 secp521r1 secp384r1"
#define TLS_DEF_FFDHE_AUTO_GROUPS "ffdhe2048 ffdhe3072"
#define TLS_DEF_TICKET_CIPHER     "aes-256-cbc"

extern void tls_params_init(TLS_PARAMS *params);
extern const TLS_PARAMS *tls_params_or_default(const TLS_PARAMS *params);

/*
 * Peer status bits (TLS_SESS_STATE.peer_status). The engine records them;
 * the application decides what they mean for the session.
 */
#define TLS_CERT_FLAG_PRESENT (1 << 0) /* the peer sent a certificate */
#define TLS_CERT_FLAG_ALTNAME (1 << 1) /* it has DNS subjectAltNames */
#define TLS_CERT_FLAG_TRUSTED (1 << 2) /* the chain verified */
#define TLS_CERT_FLAG_MATCHED (1 << 3) /* name or fingerprint matched */
#define TLS_CERT_FLAG_SECURED (1 << 4) /* trusted and matched above encrypt */
#define TLS_CERT_FLAG_RPK     (1 << 5) /* the peer sent a raw public key (RFC 7250) */

#define TLS_CERT_IS_PRESENT(s) ((s) && ((s)->peer_status & TLS_CERT_FLAG_PRESENT))
#define TLS_CERT_IS_TRUSTED(s) ((s) && ((s)->peer_status & TLS_CERT_FLAG_TRUSTED))
#define TLS_CERT_IS_MATCHED(s) ((s) && ((s)->peer_status & TLS_CERT_FLAG_MATCHED))
#define TLS_CERT_IS_SECURED(s) ((s) && ((s)->peer_status & TLS_CERT_FLAG_SECURED))
#define TLS_RPK_IS_PRESENT(s)  ((s) && ((s)->peer_status & TLS_CERT_FLAG_RPK))
/* A certificate or a raw public key: the peer has a public-key fingerprint. */
#define TLS_CRED_IS_PRESENT(s)                                                                     \
    ((s) && ((s)->peer_status & (TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_RPK)))

/*
 * Session ticket key (RFC 5077): 16-byte name, AES key, HMAC-SHA256 key
 * and the time after which it no longer encrypts. The layout is what
 * tlsmgr hands out.
 */
#define TLS_TICKET_NAMELEN 16
#define TLS_TICKET_KEYLEN  32
#define TLS_TICKET_MACLEN  32

typedef struct TLS_TICKET_KEY {
    unsigned char name[TLS_TICKET_NAMELEN]; /* key name sent in the ticket */
    unsigned char bits[TLS_TICKET_KEYLEN];  /* cipher key */
    unsigned char hmac[TLS_TICKET_MACLEN];  /* HMAC-SHA256 key */
    time_t tout;                            /* encrypts until then */
} TLS_TICKET_KEY;

/*
 * Session cache and ticket key storage, supplied by the daemon (the
 * tlsmgr client in production, tls_scache_mem in tests). Any member may
 * be NULL: that part of caching is then off. Lookup and ticket_key return
 * 1 when found, 0 when not (or on any failure); a failing store costs
 * only the cache, never the connection.
 */
typedef struct TLS_CACHE_OPS {
    int (*cache_lookup)(void *context, const char *cache_id, VSTRING *out_session);
    int (*cache_update)(void *context, const char *cache_id, const void *session, size_t len);
    int (*cache_delete)(void *context, const char *cache_id);
    /* name NULL: the current encryption key; else the key with that name */
    int (*ticket_key)(void *context, const unsigned char *name, TLS_TICKET_KEY *out_key);
    void *context; /* passed to the above, owned by the daemon */
} TLS_CACHE_OPS;

/* Per-process engine context (SSL_CTX and settings); see tls_server.h, tls_client.h. */
typedef struct TLS_APPL_STATE TLS_APPL_STATE;

/* Engine state private to the library; see tls_bio.h. */
typedef struct TLS_ENGINE TLS_ENGINE;

/*
 * Per-connection state. The public part holds the facts about the session
 * and the peer that daemons log, check and report; it is valid after a
 * successful tls_server_start() or tls_client_start(). Strings are owned
 * by the state ("" when absent) unless marked static.
 */
typedef struct TLS_SESS_STATE {
    bool am_server;             /* server role */
    char *namaddr;              /* peer: host[addr] (server), host[addr]:port (client) */
    char *serverid;             /* session cache key, or NULL */
    int log_mask;               /* TLS_LOG_* bits for this session */
    int level;                  /* client: security level (tls_level.h) */
    char *peer_CN;              /* subject CN */
    char *issuer_CN;            /* issuer CN, or O when it has no CN */
    char *peer_cert_fprint;     /* certificate fingerprint */
    char *peer_pkey_fprint;     /* public key fingerprint */
    char *matched_name;         /* client: the reference name that matched */
    char *peer_sni;             /* server: SNI name that selected a chain, or NULL */
    char *sni_unmatched;        /* server: SNI name that the table did not know, or NULL */
    int peer_status;            /* TLS_CERT_FLAG_* */
    long verify_result;         /* X509_V_* of the chain (closest to the leaf) */
    int verify_depth;           /* depth of that error, or -1 */
    bool verify_name_error;     /* OpenSSL's name check failed (DANE-TA) */
    bool verify_chain_error;    /* any other verification error */
    bool must_fail;             /* trust data could not be set up */
    bool session_reused;        /* resumed session */
    bool ticket_issued;         /* server: a session ticket was issued */
    const char *protocol;       /* "TLSv1.3" (static) */
    const char *cipher_name;    /* static */
    int cipher_usebits;         /* secret bits used */
    int cipher_algbits;         /* bits of the algorithm */
    const char *kex_name;       /* key exchange (static) or NULL */
    const char *kex_curve;      /* static or NULL */
    int kex_bits;               /* 0 when not applicable */
    const char *srvr_sig_name;  /* server signature algorithm (static) or NULL */
    const char *srvr_sig_curve; /* static or NULL */
    int srvr_sig_bits;          /* 0 when not applicable */
    const char *srvr_sig_dgst;  /* static or NULL */
    const char *clnt_sig_name;  /* client signature, as above */
    const char *clnt_sig_curve;
    int clnt_sig_bits;
    const char *clnt_sig_dgst;
    bool srvr_rpk;          /* the server sent a raw public key, not a certificate */
    bool clnt_rpk;          /* the client did */
    bool peer_close_notify; /* the peer closed with close_notify */
    bool peer_eof;          /* the peer's transport ended */
    /* Client: what the ClientHello offered (tls_hello.c). */
    char *groups_configured; /* the group list given to OpenSSL, "" for its own, owned */
    int hello_count;         /* ClientHellos sent (2 after a HelloRetryRequest) */
    size_t hello_size;       /* bytes of the last one, with its record header */
    char *hello_groups;      /* groups it offered, space-separated, owned or NULL */
    char *hello_shares;      /* groups it sent key shares for, owned or NULL */
    bool server_hello;       /* a ServerHello (not a retry request) arrived */
    /* Private to the library. */
    SSL *ssl;                   /* owned */
    TLS_APPL_STATE *app;        /* not owned */
    TLS_ENGINE *engine;         /* owned, tls_bio.c */
    char *mdalg;                /* fingerprint digest name, owned */
    struct ARGV *match_names;   /* client: reference names, owned */
    struct ARGV *match_fprints; /* client: fingerprints, owned */
    char *cache_id;             /* client: cache key, owned */
    int proto_min;              /* client: protocol range in force (0: no bound) */
    int proto_max;
    char *verify_issuer; /* issuer at the recorded verify error, owned */
    int verifydepth;     /* configured chain depth limit */
} TLS_SESS_STATE;

/* Library set-up and helpers shared by the modules. */
extern int tls_library_init(void);
extern TLS_SESS_STATE *tls_sess_alloc(bool am_server, const char *namaddr, int log_mask);
extern void tls_sess_free(TLS_SESS_STATE *state);
extern void tls_print_errors(void);
extern void tls_clear_errors(void);
extern TLS_SESS_STATE *tls_sess_from_ssl(const SSL *ssl);

#endif
