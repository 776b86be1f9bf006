/*
 * tls_mgr.h - the tlsmgr protocol and its client
 *
 * tlsmgr(8) is the one process that owns the PRNG seed, the on-disk
 * session caches (smtpd, smtp, lmtp) and the session ticket keys. Its
 * clients (smtpd, smtp) reach it over the attribute protocol (attr.h) at
 * private/$tlsmgr_service_name. This header is the protocol's whole
 * vocabulary, shared by the client (tls_mgr.c) and the server
 * (src/tlsmgr): service, requests, attributes, status codes, and the
 * protocol name and version that the server's greeting carries.
 *
 * A daemon that caches sessions puts tls_mgr_cache_ops("smtpd") (or
 * "smtp", "lmtp") into the .cache member of its TLS init props; nothing
 * else is needed. Every failure to reach tlsmgr is logged once per
 * process and turns into "not found": a dead tlsmgr costs the cache,
 * never a handshake.
 *
 * Request and reply attributes (every reply starts with status):
 *
 *	seed	 size (int 1..255)		-> status, seed (data)
 *	policy	 cache_type			-> status, cachable (int 0/1),
 *						   timeout (int seconds)
 *	lookup	 cache_type, cache_id		-> status, session (data)
 *	update	 cache_type, cache_id, session	-> status
 *	delete	 cache_type, cache_id		-> status
 *	tktkey	 keyname (data: empty or 16	-> status, keybuf (data: a
 *		 bytes)				   TLS_TICKET_KEY, raw)
 *	list	 cache_type			-> status, entries (data: one
 *						   line per live entry: id, TAB,
 *						   seconds left, TAB, value)
 *	flush	 cache_type			-> status
 *
 * list and flush serve the TLS capability cache ("tlscaps") only.
 *
 * An empty keyname asks for the current encryption key; a 16-byte name
 * for the key that encrypted a ticket. Bump TLS_MGR_VERSION whenever a
 * request or attribute changes in a way that an older peer would misread.
 */
#ifndef TLS_MGR_H
#define TLS_MGR_H

#include <stddef.h>

#include "vstring.h"
#include "tls.h"

/* Service and protocol. */
#define TLS_MGR_SERVICE  "tlsmgr"          /* default tlsmgr_service_name */
#define TLS_MGR_CLASS    "private"         /* socket directory below queue_directory */
#define TLS_MGR_PROTOCOL "tlsmgr_protocol" /* server greeting (attr_hello) */
#define TLS_MGR_VERSION  1                 /* protocol version in the greeting */

/* Requests: the value of TLS_MGR_ATTR_REQ, the first attribute of a request. */
#define TLS_MGR_ATTR_REQ   "request"
#define TLS_MGR_REQ_SEED   "seed"
#define TLS_MGR_REQ_POLICY "policy"
#define TLS_MGR_REQ_LOOKUP "lookup"
#define TLS_MGR_REQ_UPDATE "update"
#define TLS_MGR_REQ_DELETE "delete"
#define TLS_MGR_REQ_TKTKEY "tktkey"
#define TLS_MGR_REQ_LIST   "list"
#define TLS_MGR_REQ_FLUSH  "flush"

/* Request and reply attributes. */
#define TLS_MGR_ATTR_SIZE       "size"       /* seed: bytes wanted */
#define TLS_MGR_ATTR_SEED       "seed"       /* seed: the bytes */
#define TLS_MGR_ATTR_CACHE_TYPE "cache_type" /* smtpd, smtp, lmtp */
#define TLS_MGR_ATTR_CACHE_ID   "cache_id"   /* cache key */
#define TLS_MGR_ATTR_SESSION    "session"    /* serialised session */
#define TLS_MGR_ATTR_CACHABLE   "cachable"   /* policy: cache enabled */
#define TLS_MGR_ATTR_SESSTOUT   "timeout"    /* policy: cache timeout */
#define TLS_MGR_ATTR_KEYNAME    "keyname"    /* ticket key name */
#define TLS_MGR_ATTR_KEYBUF     "keybuf"     /* ticket key */
#define TLS_MGR_ATTR_STATUS     "status"     /* reply status */
#define TLS_MGR_ATTR_ENTRIES    "entries"    /* list: the live entries */

/* Cache types. */
#define TLS_MGR_SCACHE_SMTPD "smtpd"
#define TLS_MGR_SCACHE_SMTP  "smtp"
#define TLS_MGR_SCACHE_LMTP  "lmtp"
#define TLS_MGR_SCACHE_CAPS  "tlscaps" /* TLS capability cache of smtp and lmtp */

/* Status codes (the status attribute, and the client functions' results). */
#define TLS_MGR_STAT_OK   0    /* request done, entry or key found */
#define TLS_MGR_STAT_ERR  (-1) /* not found, refused, or disabled */
#define TLS_MGR_STAT_FAIL (-2) /* protocol or IPC failure */

/* Limits both ends enforce. */
#define TLS_MGR_SEED_MAX    255         /* bytes per seed request */
#define TLS_MGR_ID_MAX      1024        /* bytes in a cache id */
#define TLS_MGR_SESSION_MAX (32 * 1024) /* bytes in a cached session */

/* The client. */
extern void tls_mgr_init(const char *endpoint, int timeout);
extern int tls_mgr_seed(VSTRING *out_buf, int len);
extern int tls_mgr_policy(const char *cache_type, int *out_cachable, int *out_timeout);
extern int tls_mgr_lookup(const char *cache_type, const char *cache_id, VSTRING *out_session);
extern int tls_mgr_update(const char *cache_type, const char *cache_id, const void *session,
                          size_t len);
extern int tls_mgr_delete(const char *cache_type, const char *cache_id);
extern int tls_mgr_list(const char *cache_type, VSTRING *out_entries);
extern int tls_mgr_flush(const char *cache_type);
extern int tls_mgr_ticket_key(const unsigned char *name, TLS_TICKET_KEY *out_key);
extern TLS_CACHE_OPS tls_mgr_cache_ops(const char *cache_type);
extern int tls_mgr_available(void);
extern void tls_mgr_reset(void);

#endif
