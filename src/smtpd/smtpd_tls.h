/*
 * smtpd_tls.h - the SMTP server's view of TLS
 *
 * A narrow layer over the TLS library: build the server context once
 * (before privileges are dropped: keys are read here), start a session
 * on the client stream, read the facts that restrictions, Received: and
 * the queue file need, and end the session. A NULL server context means
 * that TLS is configured but unavailable (the reason was logged).
 */
#ifndef SMTPD_TLS_H
#define SMTPD_TLS_H

#include <stdbool.h>

#include "config.h"
#include "tls_transport.h"
#include "vstream.h"
#include "vstring.h"

#include "smtpd_config.h"

typedef struct SMTPD_TLS_SERVER SMTPD_TLS_SERVER;
typedef struct SMTPD_TLS_SESSION SMTPD_TLS_SESSION;

/* What is known about an established session; strings owned by the session. */
typedef struct SMTPD_TLS_FACTS {
    const char *protocol;    /* "TLSv1.3" */
    const char *cipher;      /* cipher suite name */
    int usebits;             /* secret bits in use */
    int algbits;             /* bits of the algorithm */
    const char *trust;       /* "Anonymous", "Untrusted" or "Trusted" */
    bool cert_present;       /* the client sent a certificate */
    bool rpk_present;        /* it sent a raw public key instead (RFC 7250) */
    bool cert_trusted;       /* and its chain verified against smtpd_tls_CAfile */
    const char *peer_cn;     /* subject CN, or "" */
    const char *issuer_cn;   /* issuer CN, or "" */
    const char *cert_fprint; /* certificate fingerprint, or "" */
    const char *pkey_fprint; /* public key fingerprint, or "" */
    bool reused;             /* a resumed session, not a full handshake */
} SMTPD_TLS_FACTS;

extern SMTPD_TLS_SERVER *smtpd_tls_server_init(const SMTPD_TLS_SETTINGS *settings,
                                               const SMTPD_CONFIG *cfg);
extern SMTPD_TLS_SERVER *smtpd_tls_server_free(SMTPD_TLS_SERVER *server);
extern void smtpd_tls_server_transport(SMTPD_TLS_SERVER *server, const TLS_TRANSPORT *transport);
extern SMTPD_TLS_SESSION *smtpd_tls_session_start(SMTPD_TLS_SERVER *server, VSTREAM *stream,
                                                  int timeout, bool requirecert,
                                                  const char *namaddr);
extern const SMTPD_TLS_FACTS *smtpd_tls_session_facts(const SMTPD_TLS_SESSION *session);
extern const char *smtpd_tls_received(VSTRING *out, const SMTPD_TLS_SESSION *session,
                                      bool ask_ccert);
extern SMTPD_TLS_SESSION *smtpd_tls_session_stop(SMTPD_TLS_SESSION *session, VSTREAM *stream,
                                                 bool failure);
extern SMTPD_TLS_SESSION *smtpd_tls_session_free(SMTPD_TLS_SESSION *session);

#endif
