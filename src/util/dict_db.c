/*++
 * NAME
 *	dict_db - Berkeley DB hash and btree tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_hash_open(const char *name, int open_flags, int dict_flags);
 *	DICT	*dict_btree_open(const char *name, int open_flags, int dict_flags);
 *	void	dict_db_set_cache_size(size_t bytes);
 * DESCRIPTION
 *	dict_hash_open() and dict_btree_open() open the Berkeley DB file
 *	name.db as a DB_HASH or DB_BTREE database, with lookup, update,
 *	delete and sequence. The file format is that of libdb 5.3, so tables
 *	built here and by Postfix's postmap read each other.
 *
 *	Keys and values are stored with their terminating null byte unless
 *	DICT_FLAG_TRY0NULL alone is given (postmap -n); lookups try both
 *	forms as DICT_FLAG_TRY1NULL and DICT_FLAG_TRY0NULL allow, and stick
 *	to the form that matched first.
 *
 *	Before libdb sees a file, its meta page is checked (magic number of
 *	the expected type, page size, and a file size that holds every page
 *	the meta page counts), so that a truncated or foreign file is refused
 *	with a clear error instead of reaching libdb's page code.
 *
 *	open_flags: O_RDONLY reads; O_RDWR updates; O_CREAT creates a
 *	missing file; O_TRUNC empties it first (under an exclusive lock).
 *	With DICT_FLAG_BULK_UPDATE the table is built in a new temporary file
 *	in the same directory, under an exclusive lock, and dict_close()
 *	flushes it to disk and renames it over name.db: readers see either
 *	the old table or the complete new one (see dict_bulk(3));
 *	dict_bulk_cleanup() removes the temporary files of tables not yet
 *	closed (for a fatal error path).
 *
 *	dict_db_set_cache_size() sets the libdb cache per table opened
 *	later (default 128 kB; bulk builds use at least 16 MB).
 * DIAGNOSTICS
 *	A missing, unreadable, truncated or foreign file, or any libdb
 *	error at open, gives a surrogate table (see dict_open()) whose
 *	reason names the file. libdb errors during operations set
 *	DICT_ERR_RETRY with libdb's message. A failure to commit a bulk
 *	build (fsync or rename) is fatal.
 *--*/

#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dict.h"
#include "dict_bulk.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    DICT dict;        /* common part; must be first */
    DB *db;           /* libdb handle */
    DBC *cursor;      /* sequence cursor, or NULL */
    char *db_path;    /* name.db, owned */
    char *tmp_path;   /* bulk build: file renamed over db_path at close */
    int failed;       /* a libdb operation failed: do not commit */
    VSTRING *key_buf; /* sequence key, owned */
    VSTRING *val_buf; /* lookup and sequence value, owned */
} DICT_DB;

#define DICT_DB_READ_CACHE (128 * 1024)
#define DICT_DB_BULK_CACHE (16 * 1024 * 1024)
#define DICT_DB_META_SIZE  512 /* smallest libdb page: holds the meta fields */

static size_t dict_db_cache_size = DICT_DB_READ_CACHE;

/* The last message from libdb; one process, one thread. */
static char dict_db_libdb_text[256];

/* dict_db_set_cache_size - libdb cache size for tables opened later */

void dict_db_set_cache_size(size_t bytes)
{
    dict_db_cache_size = bytes;
}

/* dict_db_errcall - keep libdb's message instead of printing it */

static void dict_db_errcall(const DB_ENV *unused_env, const char *unused_prefix, const char *text)
{
    (void)unused_env;
    (void)unused_prefix;
    snprintf(dict_db_libdb_text, sizeof(dict_db_libdb_text), "%s", text);
}

/* dict_db_strerror - describe a libdb result code, with libdb's message */

static const char *dict_db_strerror(int status)
{
    static char buf[512];

    if (dict_db_libdb_text[0])
        snprintf(buf, sizeof(buf), "%s (%s)", db_strerror(status), dict_db_libdb_text);
    else
        snprintf(buf, sizeof(buf), "%s", db_strerror(status));
    dict_db_libdb_text[0] = 0;
    return buf;
}

/* dict_db_get32 - a 32-bit meta page field, in the file's byte order */

static uint32_t dict_db_get32(const unsigned char *page, size_t offset, int swapped)
{
    uint32_t word;

    memcpy(&word, page + offset, sizeof(word));
    return swapped ? __builtin_bswap32(word) : word;
}

/* dict_db_check_meta - refuse a file that libdb should not be given */

static const char *dict_db_check_meta(int fd, DBTYPE type)
{
    unsigned char page[DICT_DB_META_SIZE];
    uint32_t want = type == DB_HASH ? DB_HASHMAGIC : DB_BTREEMAGIC;
    uint32_t other = type == DB_HASH ? DB_BTREEMAGIC : DB_HASHMAGIC;
    uint32_t magic, page_size, last_pgno;
    struct stat st;
    int swapped;

    if (fstat(fd, &st) < 0)
        return "cannot stat file";
    if (st.st_size < DICT_DB_META_SIZE)
        return st.st_size == 0 ? "file is empty" : "file is truncated";
    if (pread(fd, page, sizeof(page), 0) != (ssize_t)sizeof(page))
        return "cannot read the database header";
    magic = dict_db_get32(page, 12, 0);
    swapped = magic != want && magic != other;
    magic = dict_db_get32(page, 12, swapped);
    if (magic == other)
        return type == DB_HASH ? "file is a btree database, not a hash database"
                               : "file is a hash database, not a btree database";
    if (magic != want)
        return "file is not a Berkeley DB database, or its header is damaged";
    page_size = dict_db_get32(page, 20, swapped);
    last_pgno = dict_db_get32(page, 32, swapped);
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
        return "database header has a bad page size";
    if (st.st_size % page_size != 0 || (uint64_t)st.st_size < ((uint64_t)last_pgno + 1) * page_size)
        return "file is truncated";
    return NULL;
}

/* dict_db_copy - a DBT as a null-terminated string in buf */

static const char *dict_db_copy(VSTRING *buf, const DBT *dbt)
{
    size_t len = dbt->size;

    if (len > 0 && ((const char *)dbt->data)[len - 1] == 0)
        len--;
    vstring_memcpy(buf, dbt->data, len);
    return vstring_str(buf);
}

/* dict_db_fail - record a libdb error during an operation */

static int dict_db_fail(DICT_DB *dict_db, const char *what, int status)
{
    dict_db->failed = 1;
    dict_set_error(&dict_db->dict, DICT_ERR_RETRY, "%s:%s: %s %s: %s", dict_db->dict.type,
                   dict_db->dict.name, what, dict_db->db_path, dict_db_strerror(status));
    return DICT_STAT_ERROR;
}

/* dict_db_key - fill in a key DBT, with or without the null byte */

static DBT *dict_db_key(DBT *dbt, const char *key, int with_null)
{
    memset(dbt, 0, sizeof(*dbt));
    dbt->data = (void *)key;
    dbt->size = strlen(key) + (with_null ? 1 : 0);
    return dbt;
}

/* dict_db_lookup - find a key, in the null-byte forms the flags allow */

static const char *dict_db_lookup(DICT *dict, const char *key)
{
    DICT_DB *dict_db = (DICT_DB *)dict;
    static const int forms[] = {DICT_FLAG_TRY1NULL, DICT_FLAG_TRY0NULL};
    DBT dkey, dval;

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        int status;

        if ((dict->flags & forms[i]) == 0)
            continue;
        memset(&dval, 0, sizeof(dval));
        status = dict_db->db->get(
            dict_db->db, NULL, dict_db_key(&dkey, key, forms[i] == DICT_FLAG_TRY1NULL), &dval, 0);
        if (status == DB_NOTFOUND)
            continue;
        if (status != 0) {
            dict_db_fail(dict_db, "lookup in", status);
            return NULL;
        }
        /* Stick to the form that this table uses. */
        dict->flags &= ~(DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL);
        dict->flags |= forms[i];
        return dict_db_copy(dict_db->val_buf, &dval);
    }
    return NULL;
}

/* dict_db_with_null - do updates include the null byte? */

static int dict_db_with_null(DICT *dict)
{
    /* Both forms allowed: write what Postfix writes on this system. */
    return (dict->flags & DICT_FLAG_TRY1NULL) != 0;
}

/* dict_db_sync - flush updates when asked */

static int dict_db_sync(DICT_DB *dict_db)
{
    int status;

    if ((dict_db->dict.flags & DICT_FLAG_SYNC_UPDATE) == 0)
        return 0;
    if ((status = dict_db->db->sync(dict_db->db, 0)) != 0)
        return dict_db_fail(dict_db, "sync", status);
    return 0;
}

/* dict_db_update - store a value, following the duplicate policy */

static int dict_db_update(DICT *dict, const char *key, const char *value)
{
    DICT_DB *dict_db = (DICT_DB *)dict;
    int with_null = dict_db_with_null(dict);
    int replace = (dict->flags & DICT_FLAG_DUP_REPLACE) != 0;
    DBT dkey, dval;
    int status;

    memset(&dval, 0, sizeof(dval));
    dval.data = (void *)value;
    dval.size = strlen(value) + (with_null ? 1 : 0);
    status = dict_db->db->put(dict_db->db, NULL, dict_db_key(&dkey, key, with_null), &dval,
                              replace ? 0 : DB_NOOVERWRITE);
    if (status == DB_KEYEXIST) {
        if (dict->flags & DICT_FLAG_DUP_IGNORE)
            return DICT_STAT_FAIL;
        if (dict->flags & DICT_FLAG_DUP_WARN) {
            msg_warn("%s:%s: duplicate entry: \"%s\"", dict->type, dict->name, key);
            return DICT_STAT_FAIL;
        }
        dict_set_error(dict, DICT_ERR_CONFIG, "%s:%s: duplicate entry: \"%s\"", dict->type,
                       dict->name, key);
        return DICT_STAT_ERROR;
    }
    if (status != 0)
        return dict_db_fail(dict_db, "update of", status);
    return dict_db_sync(dict_db) < 0 ? DICT_STAT_ERROR : DICT_STAT_SUCCESS;
}

/* dict_db_delete - remove a key, in the null-byte forms the flags allow */

static int dict_db_delete(DICT *dict, const char *key)
{
    DICT_DB *dict_db = (DICT_DB *)dict;
    int found = 0;
    DBT dkey;

    for (int with_null = 1; with_null >= 0; with_null--) {
        int status;

        if ((dict->flags & (with_null ? DICT_FLAG_TRY1NULL : DICT_FLAG_TRY0NULL)) == 0)
            continue;
        status = dict_db->db->del(dict_db->db, NULL, dict_db_key(&dkey, key, with_null), 0);
        if (status == 0)
            found = 1;
        else if (status != DB_NOTFOUND)
            return dict_db_fail(dict_db, "delete from", status);
    }
    if (!found)
        return DICT_STAT_FAIL;
    return dict_db_sync(dict_db) < 0 ? DICT_STAT_ERROR : DICT_STAT_SUCCESS;
}

/* dict_db_sequence - walk the table with a cursor */

static int dict_db_sequence(DICT *dict, int func, const char **out_key, const char **out_value)
{
    DICT_DB *dict_db = (DICT_DB *)dict;
    DBT dkey, dval;
    int status;

    if (func == DICT_SEQ_FUN_FIRST && dict_db->cursor) {
        dict_db->cursor->close(dict_db->cursor);
        dict_db->cursor = NULL;
    }
    if (dict_db->cursor == NULL) {
        if ((status = dict_db->db->cursor(dict_db->db, NULL, &dict_db->cursor, 0)) != 0) {
            dict_db->cursor = NULL;
            return dict_db_fail(dict_db, "cursor on", status);
        }
        func = DICT_SEQ_FUN_FIRST;
    }
    memset(&dkey, 0, sizeof(dkey));
    memset(&dval, 0, sizeof(dval));
    status = dict_db->cursor->get(dict_db->cursor, &dkey, &dval,
                                  func == DICT_SEQ_FUN_FIRST ? DB_FIRST : DB_NEXT);
    if (status == DB_NOTFOUND) {
        dict_db->cursor->close(dict_db->cursor);
        dict_db->cursor = NULL;
        return DICT_STAT_FAIL;
    }
    if (status != 0)
        return dict_db_fail(dict_db, "sequence of", status);
    *out_key = dict_db_copy(dict_db->key_buf, &dkey);
    *out_value = dict_db_copy(dict_db->val_buf, &dval);
    return DICT_STAT_SUCCESS;
}

/* dict_db_discard - release a table that did not open, keeping no file */

static void dict_db_discard(DICT_DB *dict_db)
{
    if (dict_db->cursor)
        dict_db->cursor->close(dict_db->cursor);
    if (dict_db->db)
        (void)dict_db->db->close(dict_db->db, DB_NOSYNC);
    if (dict_db->tmp_path) {
        dict_bulk_abandon(dict_db->tmp_path);
        myfree(dict_db->tmp_path);
    }
    if (dict_db->dict.lock_fd >= 0)
        (void)close(dict_db->dict.lock_fd);
    myfree(dict_db->db_path);
    vstring_free(dict_db->key_buf);
    vstring_free(dict_db->val_buf);
    dict_free(&dict_db->dict);
}

/* dict_db_commit - move a bulk build into place, unless it had errors */

static void dict_db_commit(DICT_DB *dict_db)
{
    if (dict_db->failed) {
        msg_warn("not replacing %s: the new table %s had errors", dict_db->db_path,
                 dict_db->tmp_path);
        dict_bulk_abandon(dict_db->tmp_path);
        return;
    }
    dict_bulk_commit(dict_db->tmp_path, dict_db->db_path, dict_db->dict.lock_fd);
}

/* dict_db_close - release the table; commit a bulk build */

static void dict_db_close(DICT *dict)
{
    DICT_DB *dict_db = (DICT_DB *)dict;
    int status;

    if (dict_db->cursor) {
        dict_db->cursor->close(dict_db->cursor);
        dict_db->cursor = NULL;
    }
    if (dict_db->tmp_path && !dict_bulk_pending(dict_db->tmp_path)) {
        dict_db_discard(dict_db); /* dict_bulk_cleanup() removed it */
        return;
    }
    if ((status = dict_db->db->close(dict_db->db, 0)) != 0) {
        if (dict_db->tmp_path) {
            dict_bulk_abandon(dict_db->tmp_path);
            msg_fatal("close %s: %s", dict_db->tmp_path, dict_db_strerror(status));
        }
        msg_warn("close %s: %s", dict_db->db_path, dict_db_strerror(status));
    }
    dict_db->db = NULL;
    if (dict_db->tmp_path) {
        dict_db_commit(dict_db);
        myfree(dict_db->tmp_path);
        dict_db->tmp_path = NULL;
    }
    dict_db_discard(dict_db);
}

/* dict_db_open_file - open or create the file that libdb will use */

static int dict_db_open_file(DICT_DB *dict_db, int open_flags)
{
    /* For a rebuild, a fresh file next to the table: libdb treats an empty file as new. */
    return dict_bulk_open(dict_db->db_path, dict_db->dict.flags, open_flags, &dict_db->tmp_path);
}

/* dict_db_prepare - open, lock and check the file; NULL or why not */

static const char *dict_db_prepare(DICT_DB *dict_db, DBTYPE type, int open_flags)
{
    static char why[512];
    DICT *dict = &dict_db->dict;
    int exclusive =
        (dict->flags & (DICT_FLAG_BULK_UPDATE | DICT_FLAG_OPEN_LOCK)) || (open_flags & O_TRUNC);
    struct stat st;

    if ((dict->lock_fd = dict_db_open_file(dict_db, open_flags)) < 0) {
        dict->error = errno == ENOENT || errno == EACCES ? DICT_ERR_CONFIG : DICT_ERR_RETRY;
        snprintf(why, sizeof(why), "open database %s: %m",
                 dict_db->tmp_path ? dict_db->tmp_path : dict_db->db_path);
        return why;
    }
    if (dict_lock(dict, exclusive ? DICT_LOCK_EXCLUSIVE : DICT_LOCK_SHARED) < 0) {
        snprintf(why, sizeof(why), "lock database %s: %m", dict_db->db_path);
        return why;
    }
    if ((open_flags & O_TRUNC) && dict_db->tmp_path == NULL && ftruncate(dict->lock_fd, 0) < 0) {
        dict->error = DICT_ERR_RETRY;
        snprintf(why, sizeof(why), "truncate database %s: %m", dict_db->db_path);
        return why;
    }
    if (fstat(dict->lock_fd, &st) == 0 && st.st_size == 0 && (open_flags & O_ACCMODE) != O_RDONLY)
        return NULL; /* libdb will initialize it */
    if (st.st_size >= 0) {
        const char *problem = dict_db_check_meta(dict->lock_fd, type);

        if (problem) {
            dict->error = DICT_ERR_CONFIG;
            snprintf(why, sizeof(why), "database %s: %s", dict_db->db_path, problem);
            return why;
        }
    }
    return NULL;
}

/* dict_db_same_file - do two descriptors refer to one file? */

static int dict_db_same_file(int fd1, int fd2)
{
    struct stat st1, st2;

    return fstat(fd1, &st1) == 0 && fstat(fd2, &st2) == 0 && st1.st_dev == st2.st_dev &&
           st1.st_ino == st2.st_ino;
}

/* dict_db_attach - open the checked file with libdb; NULL or why not */

static const char *dict_db_attach(DICT_DB *dict_db, DBTYPE type, int open_flags)
{
    static char why[512];
    const char *path = dict_db->tmp_path ? dict_db->tmp_path : dict_db->db_path;
    size_t cache = dict_db_cache_size;
    u_int32_t db_flags;
    int db_fd, status;

    if ((dict_db->dict.flags & DICT_FLAG_BULK_UPDATE) && cache < DICT_DB_BULK_CACHE)
        cache = DICT_DB_BULK_CACHE;
    db_flags = (open_flags & O_ACCMODE) == O_RDONLY ? DB_RDONLY : DB_CREATE;
    dict_db_libdb_text[0] = 0;
    if ((status = db_create(&dict_db->db, NULL, 0)) != 0) {
        dict_db->db = NULL;
        snprintf(why, sizeof(why), "db_create: %s", dict_db_strerror(status));
        return why;
    }
    dict_db->db->set_errcall(dict_db->db, dict_db_errcall);
    if ((status = dict_db->db->set_cachesize(dict_db->db, 0, (u_int32_t)cache, 0)) != 0 ||
        (status = dict_db->db->open(dict_db->db, NULL, path, NULL, type, db_flags, 0644)) != 0 ||
        (status = dict_db->db->fd(dict_db->db, &db_fd)) != 0) {
        snprintf(why, sizeof(why), "open database %s: %s", path, dict_db_strerror(status));
        return why;
    }
    if (!dict_db_same_file(db_fd, dict_db->dict.lock_fd)) {
        errno = EAGAIN;
        return "replaced while opening";
    }
    return NULL;
}

/* dict_db_open - open a hash or btree table */

static DICT *dict_db_open(const char *type_name, DBTYPE type, const char *name, int open_flags,
                          int dict_flags)
{
    DICT_DB *dict_db = NULL;
    const char *why = NULL;

    for (int attempt = 0; attempt < 3; attempt++) {
        if (dict_db)
            dict_db_discard(dict_db);
        dict_db = (DICT_DB *)dict_alloc(type_name, name, sizeof(*dict_db), open_flags,
                                        dict_flags | DICT_FLAG_FIXED);
        dict_db->db_path = mymalloc(strlen(name) + 4);
        sprintf(dict_db->db_path, "%s.db", name);
        dict_db->key_buf = vstring_alloc(100);
        dict_db->val_buf = vstring_alloc(100);
        dict_db->dict.close = dict_db_close;
        if ((why = dict_db_prepare(dict_db, type, open_flags)) == NULL &&
            (why = dict_db_attach(dict_db, type, open_flags)) == NULL)
            break;
        if (dict_db->db == NULL || errno != EAGAIN || dict_db->tmp_path)
            break;
    }
    if (why) {
        int error = dict_db->dict.error ? dict_db->dict.error : DICT_ERR_CONFIG;
        DICT *sur = dict_surrogate(type_name, name, open_flags, dict_flags, error, "%s", why);

        dict_db_discard(dict_db);
        return sur;
    }
    if ((dict_flags & (DICT_FLAG_BULK_UPDATE | DICT_FLAG_OPEN_LOCK)) == 0)
        (void)dict_lock(&dict_db->dict, DICT_LOCK_NONE);
    dict_db->dict.lookup = dict_db_lookup;
    dict_db->dict.update = dict_db_update;
    dict_db->dict.delete = dict_db_delete;
    dict_db->dict.sequence = dict_db_sequence;
    if (dict_db->tmp_path == NULL)
        dict_watch(&dict_db->dict, dict_db->db_path, dict_db->dict.lock_fd);
    return &dict_db->dict;
}

/* dict_hash_open - open a Berkeley DB hash table */

DICT *dict_hash_open(const char *name, int open_flags, int dict_flags)
{
    return dict_db_open(DICT_TYPE_HASH, DB_HASH, name, open_flags, dict_flags);
}

/* dict_btree_open - open a Berkeley DB btree table */

DICT *dict_btree_open(const char *name, int open_flags, int dict_flags)
{
    return dict_db_open(DICT_TYPE_BTREE, DB_BTREE, name, open_flags, dict_flags);
}
