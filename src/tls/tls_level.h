/*
 * tls_level.h - TLS security levels by name and number
 *
 * The client levels in their internal order: none < may < encrypt <
 * fingerprint < halfdane < dane < dane-only < verify < secure. halfdane is
 * an output-only level (DANE over an insecure MX RRset), never parsed.
 */
#ifndef TLS_LEVEL_H
#define TLS_LEVEL_H

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

extern int tls_level_lookup(const char *name);
extern const char *tls_level_name(int level);

#endif
