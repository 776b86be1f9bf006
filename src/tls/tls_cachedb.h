/*
 * tls_cachedb.h - the on-disk session caches that tlsmgr keeps
 *
 * One TLS_CACHEDB per cache type (smtpd, smtp, lmtp), over a lookup
 * table that supports update, delete and sequence (btree:, hash:). The
 * table is emptied when opened, so a damaged file is never trusted. A
 * memcache: table (or any that cannot walk) is shared with other hosts:
 * never walked, and replaced by a local in-memory table while it fails.
 * Values are tlsmgr's own envelope around the client's serialised
 * session: a version, the time it was stored, the length and a SHA-256
 * checksum, base64-encoded. Entries older than the timeout, and entries
 * that do not decode, are never returned; a periodic walk removes them,
 * deleting behind its cursor.
 */
#ifndef TLS_CACHEDB_H
#define TLS_CACHEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dict.h"
#include "vstring.h"

typedef struct TLS_CACHEDB TLS_CACHEDB;

extern int tls_cachedb_list(TLS_CACHEDB *db, time_t now, VSTRING *out);
extern int tls_cachedb_flush(TLS_CACHEDB *db);
extern TLS_CACHEDB *tls_cachedb_open_kept(const char *cache_type, const char *dbname, int timeout,
                                          bool verbose, VSTRING *why);
extern TLS_CACHEDB *tls_cachedb_open(const char *cache_type, const char *dbname, int timeout,
                                     bool verbose, VSTRING *why);
extern TLS_CACHEDB *tls_cachedb_create(const char *cache_type, DICT *dict, int timeout,
                                       bool verbose);
extern int tls_cachedb_lookup(TLS_CACHEDB *db, const char *id, time_t now, VSTRING *out_session);
extern int tls_cachedb_update(TLS_CACHEDB *db, const char *id, const void *session, size_t len,
                              time_t now);
extern int tls_cachedb_delete(TLS_CACHEDB *db, const char *id, time_t now);
extern void tls_cachedb_sweep_start(TLS_CACHEDB *db);
extern int tls_cachedb_sweep_step(TLS_CACHEDB *db, time_t now);
extern bool tls_cachedb_sweeping(const TLS_CACHEDB *db);
extern int tls_cachedb_id_ok(const char *id);
extern const char *tls_cachedb_type(const TLS_CACHEDB *db);
extern int tls_cachedb_timeout(const TLS_CACHEDB *db);
extern bool tls_cachedb_shared(const TLS_CACHEDB *db);
extern void tls_cachedb_seal(TLS_CACHEDB *db, const unsigned char *secret, size_t len);
extern TLS_CACHEDB *tls_cachedb_close(TLS_CACHEDB *db);

#endif
