/*++
 * NAME
 *	tls_cachedb - the on-disk session caches that tlsmgr keeps
 * SYNOPSIS
 *	#include <tls_cachedb.h>
 *
 *	TLS_CACHEDB *tls_cachedb_open(const char *cache_type,
 *				const char *dbname, int timeout,
 *				bool verbose, VSTRING *why);
 *	TLS_CACHEDB *tls_cachedb_open_kept(const char *cache_type,
 *				const char *dbname, int timeout,
 *				bool verbose, VSTRING *why);
 *	TLS_CACHEDB *tls_cachedb_create(const char *cache_type, DICT *dict,
 *				int timeout, bool verbose);
 *	int	tls_cachedb_lookup(TLS_CACHEDB *db, const char *id,
 *				time_t now, VSTRING *out_session);
 *	int	tls_cachedb_update(TLS_CACHEDB *db, const char *id,
 *				const void *session, size_t len, time_t now);
 *	int	tls_cachedb_delete(TLS_CACHEDB *db, const char *id,
 *				time_t now);
 *	int	tls_cachedb_list(TLS_CACHEDB *db, time_t now,
 *				VSTRING *out);
 *	int	tls_cachedb_flush(TLS_CACHEDB *db);
 *	void	tls_cachedb_sweep_start(TLS_CACHEDB *db);
 *	int	tls_cachedb_sweep_step(TLS_CACHEDB *db, time_t now);
 *	bool	tls_cachedb_sweeping(const TLS_CACHEDB *db);
 *	int	tls_cachedb_id_ok(const char *id);
 *	const char *tls_cachedb_type(const TLS_CACHEDB *db);
 *	int	tls_cachedb_timeout(const TLS_CACHEDB *db);
 *	bool	tls_cachedb_shared(const TLS_CACHEDB *db);
 *	void	tls_cachedb_seal(TLS_CACHEDB *db, const unsigned char *secret,
 *				size_t len);
 *	TLS_CACHEDB *tls_cachedb_close(TLS_CACHEDB *db);
 * DESCRIPTION
 *	tls_cachedb_open() opens dbname ("btree:/var/lib/postfix/smtpd_scache")
 *	as the cache of cache_type, emptied (O_TRUNC) and locked for as long
 *	as it is open, with every update flushed to disk. Entries live
 *	timeout seconds. With verbose, each operation is logged. It returns
 *	NULL with a reason in why when the table cannot be opened, or its
 *	type cannot update and delete.
 *
 *	A memcache: table (whose walk would see its backup table only), or
 *	any table that can update and delete but not walk, is a shared cache: other hosts use it too, so it is neither emptied by
 *	the walk nor walked; its entries expire in the table itself (the
 *	memcache ttl) and are refused here after timeout seconds like any
 *	other. When a shared table fails (a lookup, update or delete
 *	error), the cache logs it once and goes on in a local in-memory
 *	table (at most TLS_CACHEDB_LOCAL_MAX entries); every
 *	TLS_CACHEDB_RETRY seconds the next operation tries the shared table
 *	again, and the first one that succeeds is logged and ends the
 *	fallback (what was cached locally meanwhile is dropped).
 *
 *	tls_cachedb_open_kept() is tls_cachedb_open() for a cache whose
 *	entries outlive tlsmgr (the TLS capability cache): the table is
 *	not emptied; entries that expired meanwhile go at the first lookup
 *	or walk.
 *
 *	tls_cachedb_create() makes a cache over a table that the caller has
 *	opened (tests use it to plant damaged entries); the cache owns the
 *	table from then on.
 *
 *	tls_cachedb_lookup() copies the session stored under id into
 *	out_session and returns 1. It returns 0 when there is none, and
 *	also for an entry that has expired (stored + timeout < now), was
 *	stored in the future, or does not decode: such an entry is deleted
 *	at once (unless the walk's cursor is on it; the walk removes it).
 *
 *	tls_cachedb_update() stores a session under id, stamped with now.
 *	It returns 1, or 0 with a warning when the id is malformed or the
 *	session is larger than TLS_MGR_SESSION_MAX bytes, or when the table
 *	fails.
 *
 *	tls_cachedb_delete() removes the entry under id and returns 1, or 0
 *	when there was none. An entry under the walk's cursor is marked and
 *	removed when the cursor moves on; lookups no longer see it.
 *
 *	tls_cachedb_list() writes one line per live entry into out: the
 *	id, a TAB, the seconds it has left, a TAB, and its value (bytes
 *	outside printable ASCII as "?"); it returns the number of lines.
 *	tls_cachedb_flush() deletes every entry and returns how many. Both
 *	walk the whole table and end a walk under way (the next timer
 *	starts it again); on a shared cache they find nothing.
 *
 *	tls_cachedb_sweep_start() starts a walk over the table (a running
 *	walk starts over). tls_cachedb_sweep_step() examines one entry and
 *	deletes the previous one if it was expired or malformed (deleting
 *	behind the cursor keeps the walk's place valid). It returns 1 while
 *	there is more to do, 0 when the walk is over (at once on a shared
 *	cache). tlsmgr(8) runs one
 *	step per event loop turn, between client requests.
 *	tls_cachedb_sweeping() tells whether a walk is under way.
 *
 *	tls_cachedb_id_ok() accepts a non-empty id of at most
 *	TLS_MGR_ID_MAX printable ASCII characters.
 *
 *	tls_cachedb_type() and tls_cachedb_timeout() return what the cache
 *	was opened with; tls_cachedb_shared() tells whether the table is
 *	shared (memcache:, or cannot walk). tls_cachedb_close() closes the table and returns
 *	NULL.
 *
 *	tls_cachedb_seal() makes the cache seal the entries that it stores
 *	from then on with a key derived from secret (tls_seal(3)), and
 *	refuse entries that are not sealed with it: for a shared table, so
 *	that whoever can write there cannot plant a session and whoever can
 *	read there cannot learn one. The caller wipes its copy of secret.
 *
 *	Stored value: base64 of "TLSc", version (1 byte), 3 zero bytes,
 *	the time stored (8 bytes, big-endian), the session length (4
 *	bytes), the session, and a SHA-256 of everything before it. Sealed:
 *	"TLSs" and the same header, a random 12-byte IV, the session
 *	encrypted with AES-256-GCM, and the 16-byte tag; the header, the
 *	cache type and the id are authenticated too, so that an entry does
 *	not open under another id.
 * DIAGNOSTICS
 *	Warnings: table errors, malformed ids, oversized sessions; a shared
 *	table that fails (once until it works again). Information: a shared
 *	table that works again.
 * SEE ALSO
 *	dict(3), tlsmgr(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>

/* OpenSSL. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* Utility library. */
#include "argv.h"
#include "base64_code.h"
#include "dict.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* TLS library. */
#include "tls_cachedb.h"
#include "tls_mgr.h"
#include "tls_seal.h"

#define TLS_CACHEDB_MAGIC   "TLSc"
#define TLS_CACHEDB_SEALED  "TLSs"
#define TLS_CACHEDB_VERSION 1
#define TLS_CACHEDB_HDRLEN  20 /* magic, version, reserved, time, length */
#define TLS_CACHEDB_SUMLEN  SHA256_DIGEST_LENGTH
#define TLS_CACHEDB_SKEW    300 /* seconds of clock skew tolerated */

#define TLS_CACHEDB_PURPOSE "tlsmgr session cache, version 1" /* tls_seal_derive() */

#define TLS_CACHEDB_RETRY     10   /* seconds between tries of a failed shared table */
#define TLS_CACHEDB_LOCAL_MAX 1000 /* entries of the local fallback */

struct TLS_CACHEDB {
    char *type;      /* smtpd, smtp, lmtp; owned */
    DICT *dict;      /* the table; owned */
    int timeout;     /* entry lifetime, seconds */
    bool verbose;    /* log each operation */
    VSTRING *buf;    /* scratch: encoded or decoded value */
    bool sweeping;   /* a walk is under way */
    VSTRING *cursor; /* walk: key under the cursor */
    bool doomed;     /* walk: the cursor's entry is to go */
    int swept;       /* walk: entries seen */
    int removed;     /* walk: entries removed */
    bool shared;     /* the table cannot walk: shared with other hosts */
    HTABLE *local;   /* fallback while the shared table fails: id -> value; owned */
    time_t retry_at; /* fallback: when to try the shared table again */
    bool sealed;     /* entries are sealed with seal */
    unsigned char seal[TLS_SEAL_KEYLEN]; /* key from tls_cachedb_seal() */
};

/* tls_cachedb_put - append a big-endian number */

static void tls_cachedb_put(VSTRING *out, unsigned long long value, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        vstring_addch(out, (int)((value >> (8 * i)) & 0xff));
}

/* tls_cachedb_get - read a big-endian number */

static unsigned long long tls_cachedb_get(const unsigned char *p, int bytes)
{
    unsigned long long value = 0;

    for (int i = 0; i < bytes; i++)
        value = (value << 8) | p[i];
    return value;
}

/* tls_cachedb_aad - what a sealed entry authenticates besides its header: type and id */

static void tls_cachedb_aad(VSTRING *aad, const TLS_CACHEDB *db, const char *id,
                            const unsigned char *hdr)
{
    vstring_memcpy(aad, (const char *)hdr, TLS_CACHEDB_HDRLEN);
    vstring_sprintf_append(aad, "%s:%s", db->type, id);
}

/* tls_cachedb_encode - the stored form of a session */

static void tls_cachedb_encode(TLS_CACHEDB *db, const char *id, VSTRING *out, const void *session,
                               size_t len, time_t now)
{
    unsigned char sum[TLS_CACHEDB_SUMLEN], iv[TLS_SEAL_IVLEN], tag[TLS_SEAL_TAGLEN], *ct;
    VSTRING *bin = db->buf, *aad;

    vstring_memcpy(bin, db->sealed ? TLS_CACHEDB_SEALED : TLS_CACHEDB_MAGIC, 4);
    vstring_addch(bin, TLS_CACHEDB_VERSION);
    tls_cachedb_put(bin, 0, 3);
    tls_cachedb_put(bin, (unsigned long long)now, 8);
    tls_cachedb_put(bin, len, 4);
    if (!db->sealed) {
        vstring_memcat(bin, session, len);
        SHA256((unsigned char *)vstring_str(bin), VSTRING_LEN(bin), sum);
        vstring_memcat(bin, sum, sizeof(sum));
    } else {
        aad = vstring_alloc(100);
        tls_cachedb_aad(aad, db, id, (unsigned char *)vstring_str(bin));
        if (RAND_bytes(iv, sizeof(iv)) != 1)
            msg_fatal("%s: no random bytes for the IV", __func__);
        vstring_memcat(bin, iv, sizeof(iv));
        ct = mymalloc(len);
        if (tls_seal_crypt(db->seal, true, vstring_str(aad), VSTRING_LEN(aad), iv, session, len, ct,
                           tag) < 0)
            msg_fatal("%s: AES-256-GCM failed", __func__);
        vstring_memcat(bin, ct, len);
        vstring_memcat(bin, tag, sizeof(tag));
        myfree(ct);
        vstring_free(aad);
    }
    base64_encode(out, vstring_str(bin), VSTRING_LEN(bin));
}

/* tls_cachedb_unseal - open a sealed entry in place: NULL, or why not */

static const char *tls_cachedb_unseal(const TLS_CACHEDB *db, const char *id, VSTRING *buf,
                                      size_t len)
{
    unsigned char *p = (unsigned char *)vstring_str(buf);
    unsigned char *iv = p + TLS_CACHEDB_HDRLEN, *ct = iv + TLS_SEAL_IVLEN;
    VSTRING *aad = vstring_alloc(100);
    unsigned char *plain = mymalloc(len + 1);
    const char *why = NULL;

    tls_cachedb_aad(aad, db, id, p);
    if (tls_seal_crypt(db->seal, false, vstring_str(aad), VSTRING_LEN(aad), iv, ct, len, plain,
                       ct + len) < 0)
        why = "authentication failed (damaged, moved, or sealed with another secret)";
    else
        memcpy(p + TLS_CACHEDB_HDRLEN, plain, len);
    OPENSSL_cleanse(plain, len);
    myfree(plain);
    vstring_free(aad);
    return why;
}

/* tls_cachedb_decode - check a stored value; the session goes to out */

static const char *tls_cachedb_decode(const TLS_CACHEDB *db, const char *id, const char *value,
                                      time_t now, VSTRING *out, long long *out_stored)
{
    unsigned char sum[TLS_CACHEDB_SUMLEN];
    const unsigned char *p;
    unsigned long long stored, len;
    size_t total, trailer = db->sealed ? TLS_SEAL_IVLEN + TLS_SEAL_TAGLEN : TLS_CACHEDB_SUMLEN;
    const char *why;

    if (base64_decode(out, value, strlen(value)) == NULL)
        return "not base64";
    p = (const unsigned char *)vstring_str(out);
    total = VSTRING_LEN(out);
    if (total < TLS_CACHEDB_HDRLEN + trailer)
        return "too short";
    if (memcmp(p, db->sealed ? TLS_CACHEDB_SEALED : TLS_CACHEDB_MAGIC, 4) != 0)
        return db->sealed ? "not sealed" : "bad magic";
    if (p[4] != TLS_CACHEDB_VERSION)
        return "unknown version";
    stored = tls_cachedb_get(p + 8, 8);
    len = tls_cachedb_get(p + 16, 4);
    if (len != total - TLS_CACHEDB_HDRLEN - trailer)
        return "bad length";
    if (db->sealed) {
        if ((why = tls_cachedb_unseal(db, id, out, len)) != NULL)
            return why;
    } else {
        SHA256(p, total - TLS_CACHEDB_SUMLEN, sum);
        if (memcmp(sum, p + total - TLS_CACHEDB_SUMLEN, sizeof(sum)) != 0)
            return "checksum mismatch";
    }
    if ((long long)stored > (long long)now + TLS_CACHEDB_SKEW)
        return "stored in the future";
    if ((long long)stored + db->timeout < (long long)now)
        return "expired";
    if (out_stored)
        *out_stored = (long long)stored;
    memmove(vstring_str(out), p + TLS_CACHEDB_HDRLEN, len);
    vstring_truncate(out, len);
    return NULL;
}

/* tls_cachedb_create - a cache over a table that is already open */

TLS_CACHEDB *tls_cachedb_create(const char *cache_type, DICT *dict, int timeout, bool verbose)
{
    TLS_CACHEDB *db = mycalloc(1, sizeof(*db));

    db->type = mystrdup(cache_type);
    db->dict = dict;
    db->timeout = timeout;
    db->verbose = verbose;
    db->buf = vstring_alloc(1024);
    db->cursor = vstring_alloc(100);
    db->shared = dict->sequence == NULL || strcmp(dict->type, DICT_TYPE_MEMCACHE) == 0;
    return db;
}

/* tls_cachedb_open_flags - open a cache table */

static TLS_CACHEDB *tls_cachedb_open_flags(const char *cache_type, const char *dbname, int timeout,
                                           bool verbose, int open_flags, VSTRING *why)
{
    DICT *dict;

    if (strchr(dbname, ':') == NULL) {
        vstring_sprintf(why, "TLS %s session cache \"%s\": expected type:name", cache_type, dbname);
        return NULL;
    }
    dict = dict_open(dbname, open_flags,
                     DICT_FLAG_DUP_REPLACE | DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE);
    if (!dict_open_ok(dict)) {
        vstring_sprintf(why, "TLS %s session cache %s: %s", cache_type, dbname, dict_reason(dict));
        dict_close(dict);
        return NULL;
    }
    if (dict->update == NULL || dict->delete == NULL) {
        vstring_sprintf(why,
                        "TLS %s session cache %s: table type %s cannot update and delete "
                        "entries: use btree or memcache",
                        cache_type, dbname, dict->type);
        dict_close(dict);
        return NULL;
    }
    return tls_cachedb_create(cache_type, dict, timeout, verbose);
}

/* tls_cachedb_open - open and empty a cache table */

TLS_CACHEDB *tls_cachedb_open(const char *cache_type, const char *dbname, int timeout, bool verbose,
                              VSTRING *why)
{
    return tls_cachedb_open_flags(cache_type, dbname, timeout, verbose, O_RDWR | O_CREAT | O_TRUNC,
                                  why);
}

/* tls_cachedb_open_kept - open a cache table, keeping its entries */

TLS_CACHEDB *tls_cachedb_open_kept(const char *cache_type, const char *dbname, int timeout,
                                   bool verbose, VSTRING *why)
{
    return tls_cachedb_open_flags(cache_type, dbname, timeout, verbose, O_RDWR | O_CREAT, why);
}

/* tls_cachedb_id_ok - a well-formed cache id */

int tls_cachedb_id_ok(const char *id)
{
    size_t len = 0;

    for (const unsigned char *cp = (const unsigned char *)id; *cp; cp++, len++)
        if (!isascii(*cp) || !isgraph(*cp) || len >= TLS_MGR_ID_MAX)
            return 0;
    return len > 0;
}

/* tls_cachedb_at_cursor - is id the entry under the walk's cursor */

static bool tls_cachedb_at_cursor(const TLS_CACHEDB *db, const char *id)
{
    return db->sweeping && VSTRING_LEN(db->cursor) > 0 && strcmp(vstring_str(db->cursor), id) == 0;
}

/* tls_cachedb_local_free - free a value of the local fallback */

static void tls_cachedb_local_free(void *value)
{
    myfree(value);
}

/* tls_cachedb_local - is the shared table resting after a failure */

static bool tls_cachedb_local(const TLS_CACHEDB *db, time_t now)
{
    return db->local != NULL && now < db->retry_at;
}

/* tls_cachedb_fail - the shared table failed: log it once, fall back to local */

static void tls_cachedb_fail(TLS_CACHEDB *db, const char *op, time_t now)
{
    if (db->local == NULL) {
        msg_warn("TLS %s session cache: %s: %s: using a local in-memory cache until it works again",
                 db->type, op, dict_reason(db->dict));
        db->local = htable_create(100);
    }
    db->retry_at = now + TLS_CACHEDB_RETRY;
}

/* tls_cachedb_recover - the shared table answered: end the fallback */

static void tls_cachedb_recover(TLS_CACHEDB *db)
{
    if (db->local != NULL) {
        msg_info("TLS %s session cache %s:%s works again: dropping the local in-memory cache",
                 db->type, db->dict->type, db->dict->name);
        db->local = htable_free(db->local, tls_cachedb_local_free);
    }
}

/* tls_cachedb_local_put - store a value in the local fallback */

static int tls_cachedb_local_put(TLS_CACHEDB *db, const char *id, const char *value)
{
    htable_delete(db->local, id, tls_cachedb_local_free);
    if (htable_used(db->local) >= TLS_CACHEDB_LOCAL_MAX)
        return 0;
    htable_enter(db->local, id, mystrdup(value));
    return 1;
}

/* tls_cachedb_fetch - the stored value of id, or NULL */

static const char *tls_cachedb_fetch(TLS_CACHEDB *db, const char *id, time_t now)
{
    const char *value;

    if (tls_cachedb_local(db, now))
        return htable_find(db->local, id);
    if ((value = dict_get(db->dict, id)) != NULL || db->dict->error == DICT_ERR_NONE) {
        if (db->shared)
            tls_cachedb_recover(db);
        return value;
    }
    if (!db->shared) {
        msg_warn("TLS %s session cache %s: lookup %s: %s", db->type, db->dict->name, id,
                 dict_reason(db->dict));
        return NULL;
    }
    tls_cachedb_fail(db, "lookup", now);
    return htable_find(db->local, id);
}

/* tls_cachedb_store - store an encoded value; 1 when stored */

static int tls_cachedb_store(TLS_CACHEDB *db, const char *id, const char *value, time_t now)
{
    if (tls_cachedb_local(db, now))
        return tls_cachedb_local_put(db, id, value);
    if (dict_put(db->dict, id, value) == DICT_STAT_SUCCESS) {
        if (db->shared)
            tls_cachedb_recover(db);
        return 1;
    }
    if (!db->shared) {
        msg_warn("TLS %s session cache %s: update %s: %s", db->type, db->dict->name, id,
                 dict_reason(db->dict));
        return 0;
    }
    tls_cachedb_fail(db, "update", now);
    return tls_cachedb_local_put(db, id, value);
}

/* tls_cachedb_remove - delete an entry, or mark it when the cursor is on it */

static int tls_cachedb_remove(TLS_CACHEDB *db, const char *id, time_t now)
{
    int status;

    if (tls_cachedb_at_cursor(db, id)) {
        db->doomed = true;
        return 1;
    }
    if (tls_cachedb_local(db, now))
        return htable_delete(db->local, id, tls_cachedb_local_free);
    if ((status = dict_del(db->dict, id)) != DICT_STAT_ERROR) {
        if (db->shared)
            tls_cachedb_recover(db);
    } else if (db->shared) {
        tls_cachedb_fail(db, "delete", now);
        return htable_delete(db->local, id, tls_cachedb_local_free);
    } else {
        msg_warn("TLS %s session cache %s: delete %s: %s", db->type, db->dict->name, id,
                 dict_reason(db->dict));
    }
    return status == DICT_STAT_SUCCESS;
}

/* tls_cachedb_lookup - a live session by id */

int tls_cachedb_lookup(TLS_CACHEDB *db, const char *id, time_t now, VSTRING *out_session)
{
    const char *value, *why;

    VSTRING_RESET(out_session);
    if (!tls_cachedb_id_ok(id) || (tls_cachedb_at_cursor(db, id) && db->doomed))
        return 0;
    if ((value = tls_cachedb_fetch(db, id, now)) == NULL) {
        if (db->verbose)
            msg_info("lookup %s session id=%s: not found", db->type, id);
        return 0;
    }
    if ((why = tls_cachedb_decode(db, id, value, now, out_session, NULL)) != NULL) {
        if (db->verbose)
            msg_info("lookup %s session id=%s: %s: removing it", db->type, id, why);
        VSTRING_RESET(out_session);
        tls_cachedb_remove(db, id, now);
        return 0;
    }
    if (db->verbose)
        msg_info("lookup %s session id=%s: found", db->type, id);
    return 1;
}

/* tls_cachedb_update - store a session */

int tls_cachedb_update(TLS_CACHEDB *db, const char *id, const void *session, size_t len, time_t now)
{
    VSTRING *value;
    int stored;

    if (!tls_cachedb_id_ok(id)) {
        msg_warn("TLS %s session cache: refusing a malformed session id", db->type);
        return 0;
    }
    if (len == 0 || len > TLS_MGR_SESSION_MAX) {
        msg_warn("TLS %s session cache: refusing session id=%s of %zu bytes (limit %d)", db->type,
                 id, len, TLS_MGR_SESSION_MAX);
        return 0;
    }
    value = vstring_alloc(2 * len);
    tls_cachedb_encode(db, id, value, session, len, now);
    stored = tls_cachedb_store(db, id, vstring_str(value), now);
    vstring_free(value);
    if (!stored)
        return 0;
    if (tls_cachedb_at_cursor(db, id))
        db->doomed = false;
    if (db->verbose)
        msg_info("save %s session id=%s (%zu bytes)", db->type, id, len);
    return 1;
}

/* tls_cachedb_delete - remove a session */

int tls_cachedb_delete(TLS_CACHEDB *db, const char *id, time_t now)
{
    int status;

    if (!tls_cachedb_id_ok(id))
        return 0;
    status = tls_cachedb_remove(db, id, now);
    if (db->verbose)
        msg_info("delete %s session id=%s: %s", db->type, id, status ? "done" : "not found");
    return status;
}

/* tls_cachedb_sweep_start - begin a walk */

void tls_cachedb_sweep_start(TLS_CACHEDB *db)
{
    if (db->shared)
        return;
    if (db->verbose)
        msg_info("start TLS %s session cache cleanup", db->type);
    db->sweeping = true;
    db->doomed = false;
    db->swept = db->removed = 0;
    VSTRING_RESET(db->cursor);
}

/* tls_cachedb_sweep_behind - delete the entry the cursor has just left */

static void tls_cachedb_sweep_behind(TLS_CACHEDB *db, const char *left_key)
{
    if (dict_del(db->dict, left_key) == DICT_STAT_SUCCESS) {
        db->removed++;
    } else if (db->dict->error) {
        msg_warn("TLS %s session cache %s: delete %s: %s", db->type, db->dict->name, left_key,
                 dict_reason(db->dict));
    }
}

/* tls_cachedb_sweep_step - examine one entry, delete the previous if it is bad */

int tls_cachedb_sweep_step(TLS_CACHEDB *db, time_t now)
{
    char *left = NULL;
    const char *key, *value;
    int status;

    if (!db->sweeping)
        return 0;
    if (db->doomed)
        left = mystrdup(vstring_str(db->cursor));
    status =
        dict_seq(db->dict, db->swept == 0 ? DICT_SEQ_FUN_FIRST : DICT_SEQ_FUN_NEXT, &key, &value);
    if (status == DICT_STAT_SUCCESS) {
        db->swept++;
        vstring_strcpy(db->cursor, key);
        db->doomed = tls_cachedb_decode(db, key, value, now, db->buf, NULL) != NULL;
    } else {
        if (status == DICT_STAT_ERROR)
            msg_warn("TLS %s session cache %s: walk: %s", db->type, db->dict->name,
                     dict_reason(db->dict));
        db->sweeping = false;
        VSTRING_RESET(db->cursor);
    }
    if (left) {
        tls_cachedb_sweep_behind(db, left);
        myfree(left);
    }
    if (!db->sweeping && db->verbose)
        msg_info("finished TLS %s session cache cleanup: %d entries, %d removed", db->type,
                 db->swept, db->removed);
    return db->sweeping;
}

/* tls_cachedb_keys - every key of the table; ends a walk under way */

static ARGV *tls_cachedb_keys(TLS_CACHEDB *db)
{
    ARGV *keys = argv_alloc(10);
    const char *key, *value;
    int fun = DICT_SEQ_FUN_FIRST;

    db->sweeping = false;
    db->doomed = false;
    VSTRING_RESET(db->cursor);
    while (!db->shared && dict_seq(db->dict, fun, &key, &value) == DICT_STAT_SUCCESS) {
        argv_add(keys, key);
        fun = DICT_SEQ_FUN_NEXT;
    }
    return keys;
}

/* tls_cachedb_list - the live entries as text */

int tls_cachedb_list(TLS_CACHEDB *db, time_t now, VSTRING *out)
{
    ARGV *keys = tls_cachedb_keys(db);
    int count = 0;

    VSTRING_RESET(out);
    for (size_t i = 0; i < keys->argc; i++) {
        const char *value = dict_get(db->dict, keys->argv[i]);
        long long stored;

        if (value == NULL ||
            tls_cachedb_decode(db, keys->argv[i], value, now, db->buf, &stored) != NULL)
            continue;
        vstring_sprintf_append(out, "%s\t%lld\t", keys->argv[i], stored + db->timeout - now);
        for (size_t j = 0; j < VSTRING_LEN(db->buf); j++) {
            int ch = (unsigned char)vstring_str(db->buf)[j];

            vstring_addch(out, isascii(ch) && isprint(ch) ? ch : '?');
        }
        vstring_addch(out, '\n');
        count++;
    }
    argv_free(keys);
    return count;
}

/* tls_cachedb_flush - delete every entry */

int tls_cachedb_flush(TLS_CACHEDB *db)
{
    ARGV *keys = tls_cachedb_keys(db);
    int count = 0;

    for (size_t i = 0; i < keys->argc; i++)
        if (dict_del(db->dict, keys->argv[i]) == DICT_STAT_SUCCESS)
            count++;
    if (db->verbose)
        msg_info("flushed TLS %s cache: %d entries removed", db->type, count);
    argv_free(keys);
    return count;
}

/* tls_cachedb_sweeping - is a walk under way */

bool tls_cachedb_sweeping(const TLS_CACHEDB *db)
{
    return db->sweeping;
}

/* tls_cachedb_type - the cache type */

const char *tls_cachedb_type(const TLS_CACHEDB *db)
{
    return db->type;
}

/* tls_cachedb_timeout - the entry lifetime */

int tls_cachedb_timeout(const TLS_CACHEDB *db)
{
    return db->timeout;
}

/* tls_cachedb_seal - seal entries from now on */

void tls_cachedb_seal(TLS_CACHEDB *db, const unsigned char *secret, size_t len)
{
    tls_seal_derive(secret, len, TLS_CACHEDB_PURPOSE, db->seal);
    db->sealed = true;
}

/* tls_cachedb_shared - is the table shared (cannot walk) */

bool tls_cachedb_shared(const TLS_CACHEDB *db)
{
    return db->shared;
}

/* tls_cachedb_close - close the table */

TLS_CACHEDB *tls_cachedb_close(TLS_CACHEDB *db)
{
    if (db) {
        OPENSSL_cleanse(db->seal, sizeof(db->seal));
        dict_close(db->dict);
        if (db->local)
            htable_free(db->local, tls_cachedb_local_free);
        vstring_free(db->buf);
        vstring_free(db->cursor);
        myfree(db->type);
        myfree(db);
    }
    return NULL;
}
