/*
 * tls_level.h - TLS security levels: the one table of names, numbers and roles
 *
 * The levels in their internal order: none < may < encrypt < fingerprint <
 * halfdane < dane < dane-only < verify < secure. Every program that reads a
 * level name (smtp, smtpd, posttls-finger, the parameter checks of
 * postconf and postfix check) goes through tls_level.c, so the names are
 * spelled in one place.
 *
 * Roles. A client (smtp, lmtp, posttls-finger -l) accepts every level but
 * halfdane, which is output-only (DANE over an insecure MX RRset). A
 * server (smtpd) offers or requires TLS and does not authenticate its
 * clients by level: it accepts none, may and encrypt, and takes
 * fingerprint, verify and secure as encrypt; the DANE levels mean nothing
 * to it.
 */
#ifndef TLS_LEVEL_H
#define TLS_LEVEL_H

#include <stdbool.h>

#include "vstring.h"

#define TLS_LEV_INVALID   (-1) /* bad policy: defer */
#define TLS_LEV_NONE      0    /* plaintext */
#define TLS_LEV_MAY       1    /* opportunistic */
#define TLS_LEV_ENCRYPT   2    /* mandatory, unauthenticated */
#define TLS_LEV_FPRINT    3    /* leaf certificate or key fingerprint */
#define TLS_LEV_HALF_DANE 4    /* DANE with an insecure MX (output only) */
#define TLS_LEV_DANE      5    /* opportunistic DANE */
#define TLS_LEV_DANE_ONLY 6    /* mandatory DANE */
#define TLS_LEV_VERIFY    7    /* PKIX chain and name */
#define TLS_LEV_SECURE    8    /* PKIX chain and MX-forgery resistant name */

#define TLS_REQUIRED(l)   ((l) > TLS_LEV_MAY)
#define TLS_MUST_MATCH(l) ((l) > TLS_LEV_ENCRYPT)
#define TLS_MUST_PKIX(l)  ((l) >= TLS_LEV_VERIFY)
#define TLS_DANE_BASED(l) ((l) >= TLS_LEV_HALF_DANE && (l) <= TLS_LEV_DANE_ONLY)

/* Roles, for tls_level_list(). */
#define TLS_LEVEL_ROLE_CLIENT (1 << 0) /* levels a client accepts */
#define TLS_LEVEL_ROLE_SERVER (1 << 1) /* levels a server accepts as they are */

extern int tls_level_lookup(const char *name);
extern int tls_level_server(const char *name, bool *out_promoted);
extern int tls_level_server_legacy(const char *name, bool use_tls, bool enforce_tls,
                                   bool *out_promoted);
extern const char *tls_level_name(int level);
extern const char *tls_level_list(VSTRING *out, int role);

#endif
