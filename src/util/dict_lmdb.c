/*++
 * NAME
 *	dict_lmdb - LMDB tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_lmdb_open(const char *name, int open_flags, int dict_flags);
 *	void	dict_lmdb_set_map_size(size_t bytes);
 * DESCRIPTION
 *	dict_lmdb_open() opens the LMDB file name.lmdb (one file, no lock
 *	file beside it) with lookup, update, delete and sequence. Keys and
 *	values are stored as in hash: and btree: tables, with their
 *	terminating null byte unless DICT_FLAG_TRY0NULL alone is given, so
 *	that files built here and by Postfix's postmap read each other.
 *
 *	LMDB's own reader table is not used (MDB_NOLOCK): it would need a
 *	lock file that every reader can write. Instead every operation runs
 *	under the table's advisory lock, shared to read and exclusive to
 *	write, each in its own LMDB transaction; a walk with dict_seq()
 *	finds its place again by key at each step, so it holds no
 *	transaction between calls and updates between steps do not disturb
 *	it.
 *
 *	open_flags and the bulk build are those of dict_db_open(): with
 *	DICT_FLAG_BULK_UPDATE the table is built in a new temporary file in
 *	the same directory, under an exclusive lock, and dict_close() flushes
 *	it and renames it over name.lmdb (see dict_bulk(3)). A bulk build
 *	commits every 1000 updates; the updates since the last commit are
 *	kept, so that when the map is full it can grow and replay them.
 *
 *	The map (the largest size the file may grow to without remapping)
 *	starts at dict_lmdb_set_map_size() bytes (default 16 MB, the
 *	lmdb_map_size parameter) and doubles whenever an update finds it
 *	full. A reader notices that another process grew the file and maps
 *	it again.
 *
 *	Before a file is used, its size is checked against the pages that
 *	its header counts, so that a truncated file is refused instead of
 *	faulting when a page past its end is read.
 * DIAGNOSTICS
 *	A missing, unreadable, truncated or foreign file, or any LMDB error
 *	at open, gives a surrogate table (see dict_open()) whose reason names
 *	the file. LMDB errors during operations set DICT_ERR_RETRY with
 *	LMDB's message. A key longer than LMDB allows is not found, and
 *	cannot be stored (DICT_ERR_CONFIG). A failure to commit a bulk build
 *	is fatal.
 *
 *	When the build found no LMDB library (makedefs), the type is not
 *	registered and dict_lmdb_set_map_size() does nothing.
 *--*/

#include "dict.h"

#ifdef HAVE_LMDB

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "dict_bulk.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    DICT dict;         /* common part; must be first */
    MDB_env *env;      /* LMDB environment of the file */
    MDB_dbi dbi;       /* the unnamed main database */
    MDB_txn *bulk_txn; /* bulk build: the open write transaction */
    ARGV *bulk_undone; /* bulk build: key, value pairs since the last commit */
    char *db_path;     /* name.lmdb, owned */
    char *tmp_path;    /* bulk build: file renamed over db_path at close */
    bool failed;       /* an operation failed: do not commit */
    bool seq_started;  /* seq_key holds the last key that dict_seq() returned */
    VSTRING *seq_key;  /* that key as stored (with or without null); owned */
    VSTRING *key_buf;  /* sequence key result, owned */
    VSTRING *val_buf;  /* lookup and sequence value, owned */
} DICT_LMDB;

#define DICT_LMDB_DEF_MAP_SIZE (16 * 1024 * 1024)
#define DICT_LMDB_ENV_FLAGS    (MDB_NOSUBDIR | MDB_NOLOCK)
#define DICT_LMDB_BULK_BATCH   1000 /* updates per bulk-build transaction */
#define DICT_LMDB_RETRIES      30   /* map growths per operation: 16 MB << 30 is plenty */

static size_t dict_lmdb_map_size = DICT_LMDB_DEF_MAP_SIZE;

/* dict_lmdb_set_map_size - initial map size of tables opened later */

void dict_lmdb_set_map_size(size_t bytes)
{
    dict_lmdb_map_size = bytes > 0 ? bytes : DICT_LMDB_DEF_MAP_SIZE;
}

/* dict_lmdb_fail - record an LMDB error during an operation */

static int dict_lmdb_fail(DICT_LMDB *dict_lmdb, const char *what, int status)
{
    dict_lmdb->failed = true;
    dict_set_error(&dict_lmdb->dict, DICT_ERR_RETRY, "%s:%s: %s %s: %s", dict_lmdb->dict.type,
                   dict_lmdb->dict.name, what, dict_lmdb->db_path, mdb_strerror(status));
    return DICT_STAT_ERROR;
}

/* dict_lmdb_val - fill in an MDB_val, with or without the null byte */

static MDB_val *dict_lmdb_val(MDB_val *val, const char *str, bool with_null)
{
    val->mv_data = (void *)str;
    val->mv_size = strlen(str) + (with_null ? 1 : 0);
    return val;
}

/* dict_lmdb_copy - an MDB_val as a null-terminated string in buf */

static const char *dict_lmdb_copy(VSTRING *buf, const MDB_val *val)
{
    size_t len = val->mv_size;

    if (len > 0 && ((const char *)val->mv_data)[len - 1] == 0)
        len--;
    vstring_memcpy(buf, val->mv_data, len);
    return vstring_str(buf);
}

/* dict_lmdb_grow - double the map after MDB_MAP_FULL */

static int dict_lmdb_grow(DICT_LMDB *dict_lmdb)
{
    MDB_envinfo info;

    if (mdb_env_info(dict_lmdb->env, &info) != 0)
        return EINVAL;
    if (msg_verbose)
        msg_info("%s: %s: map size %zu -> %zu", __func__, dict_lmdb->db_path, info.me_mapsize,
                 info.me_mapsize * 2);
    return mdb_env_set_mapsize(dict_lmdb->env, info.me_mapsize * 2);
}

/* dict_lmdb_begin - start a transaction, following another process's growth */

static int dict_lmdb_begin(DICT_LMDB *dict_lmdb, unsigned flags, MDB_txn **out_txn)
{
    int status = mdb_txn_begin(dict_lmdb->env, NULL, flags, out_txn);

    if (status == MDB_MAP_RESIZED) {
        /* Another process grew the file beyond our map: map it again. */
        if ((status = mdb_env_set_mapsize(dict_lmdb->env, 0)) == 0)
            status = mdb_txn_begin(dict_lmdb->env, NULL, flags, out_txn);
    }
    return status;
}

/* dict_lmdb_lookup - find a key, in the null-byte forms the flags allow */

static const char *dict_lmdb_lookup(DICT *dict, const char *key)
{
    DICT_LMDB *dict_lmdb = (DICT_LMDB *)dict;
    static const int forms[] = {DICT_FLAG_TRY1NULL, DICT_FLAG_TRY0NULL};
    const char *result = NULL;
    MDB_txn *txn;
    MDB_val mkey, mval;
    int status;

    if (dict_lmdb->bulk_txn)
        txn = dict_lmdb->bulk_txn;
    else if ((status = dict_lmdb_begin(dict_lmdb, MDB_RDONLY, &txn)) != 0) {
        dict_lmdb_fail(dict_lmdb, "lookup in", status);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        if ((dict->flags & forms[i]) == 0)
            continue;
        status = mdb_get(txn, dict_lmdb->dbi,
                         dict_lmdb_val(&mkey, key, forms[i] == DICT_FLAG_TRY1NULL), &mval);
        if (status == MDB_NOTFOUND || status == MDB_BAD_VALSIZE)
            continue; /* an over-long key cannot be in the table */
        if (status != 0) {
            dict_lmdb_fail(dict_lmdb, "lookup in", status);
            break;
        }
        /* Stick to the form that this table uses. */
        dict->flags &= ~(DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL);
        dict->flags |= forms[i];
        result = dict_lmdb_copy(dict_lmdb->val_buf, &mval);
        break;
    }
    if (txn != dict_lmdb->bulk_txn)
        mdb_txn_abort(txn);
    return result;
}

/* dict_lmdb_with_null - do updates include the null byte? */

static bool dict_lmdb_with_null(DICT *dict)
{
    return (dict->flags & DICT_FLAG_TRY1NULL) != 0;
}

/* dict_lmdb_store - one put in a transaction: 0, MDB_KEYEXIST or an error */

static int dict_lmdb_store(DICT_LMDB *dict_lmdb, MDB_txn *txn, const char *key, const char *value)
{
    bool with_null = dict_lmdb_with_null(&dict_lmdb->dict);
    bool replace = (dict_lmdb->dict.flags & DICT_FLAG_DUP_REPLACE) != 0;
    MDB_val mkey, mval;

    return mdb_put(txn, dict_lmdb->dbi, dict_lmdb_val(&mkey, key, with_null),
                   dict_lmdb_val(&mval, value, with_null), replace ? 0 : MDB_NOOVERWRITE);
}

/* dict_lmdb_bulk_restart - after a full map: grow, and redo the uncommitted updates */

static int dict_lmdb_bulk_restart(DICT_LMDB *dict_lmdb)
{
    ARGV *undone = dict_lmdb->bulk_undone;
    int status = MDB_MAP_FULL;

    for (int retry = 0; retry < DICT_LMDB_RETRIES && status == MDB_MAP_FULL; retry++) {
        if (dict_lmdb->bulk_txn) /* a failed commit has already freed it */
            mdb_txn_abort(dict_lmdb->bulk_txn);
        dict_lmdb->bulk_txn = NULL;
        if ((status = dict_lmdb_grow(dict_lmdb)) != 0 ||
            (status = mdb_txn_begin(dict_lmdb->env, NULL, 0, &dict_lmdb->bulk_txn)) != 0) {
            dict_lmdb->bulk_txn = NULL;
            break;
        }
        for (size_t i = 0; status == 0 && i + 1 < undone->argc; i += 2)
            status = dict_lmdb_store(dict_lmdb, dict_lmdb->bulk_txn, undone->argv[i],
                                     undone->argv[i + 1]);
    }
    return status;
}

/* dict_lmdb_bulk_commit - commit the bulk transaction, growing as needed */

static int dict_lmdb_bulk_commit(DICT_LMDB *dict_lmdb)
{
    int status = 0;

    for (int retry = 0; retry < DICT_LMDB_RETRIES; retry++) {
        if (retry > 0 && (status = dict_lmdb_bulk_restart(dict_lmdb)) != 0)
            break;
        status = mdb_txn_commit(dict_lmdb->bulk_txn);
        dict_lmdb->bulk_txn = NULL;
        if (status != MDB_MAP_FULL)
            break;
    }
    if (status == 0) {
        argv_truncate(dict_lmdb->bulk_undone, 0);
        if ((status = mdb_txn_begin(dict_lmdb->env, NULL, 0, &dict_lmdb->bulk_txn)) != 0)
            dict_lmdb->bulk_txn = NULL;
    }
    return status;
}

/* dict_lmdb_bulk_update - one put of a bulk build */

static int dict_lmdb_bulk_update(DICT_LMDB *dict_lmdb, const char *key, const char *value)
{
    int status = dict_lmdb_store(dict_lmdb, dict_lmdb->bulk_txn, key, value);

    for (int retry = 0; retry < DICT_LMDB_RETRIES && status == MDB_MAP_FULL; retry++)
        if ((status = dict_lmdb_bulk_restart(dict_lmdb)) == 0)
            status = dict_lmdb_store(dict_lmdb, dict_lmdb->bulk_txn, key, value);
    if (status != 0)
        return status;
    argv_add(dict_lmdb->bulk_undone, key);
    argv_add(dict_lmdb->bulk_undone, value);
    if (dict_lmdb->bulk_undone->argc >= 2 * DICT_LMDB_BULK_BATCH)
        status = dict_lmdb_bulk_commit(dict_lmdb);
    return status;
}

/* dict_lmdb_write - run one write operation in its own transaction */

static int dict_lmdb_write(DICT_LMDB *dict_lmdb,
                           int (*op)(DICT_LMDB *, MDB_txn *, const char *, const char *),
                           const char *key, const char *value)
{
    int status = MDB_MAP_FULL;

    for (int retry = 0; retry < DICT_LMDB_RETRIES && status == MDB_MAP_FULL; retry++) {
        MDB_txn *txn;

        if (retry > 0 && (status = dict_lmdb_grow(dict_lmdb)) != 0)
            break;
        if ((status = dict_lmdb_begin(dict_lmdb, 0, &txn)) != 0)
            break;
        if ((status = op(dict_lmdb, txn, key, value)) != 0) {
            mdb_txn_abort(txn);
            continue;
        }
        status = mdb_txn_commit(txn);
    }
    return status;
}

/* dict_lmdb_update - store a value, following the duplicate policy */

static int dict_lmdb_update(DICT *dict, const char *key, const char *value)
{
    DICT_LMDB *dict_lmdb = (DICT_LMDB *)dict;
    int status;

    if (dict_lmdb->bulk_txn)
        status = dict_lmdb_bulk_update(dict_lmdb, key, value);
    else
        status = dict_lmdb_write(dict_lmdb, dict_lmdb_store, key, value);
    if (status == MDB_KEYEXIST) {
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
    if (status == MDB_BAD_VALSIZE) {
        dict_set_error(dict, DICT_ERR_CONFIG, "%s:%s: key is too long for LMDB: \"%.100s...\"",
                       dict->type, dict->name, key);
        return DICT_STAT_ERROR;
    }
    if (status != 0)
        return dict_lmdb_fail(dict_lmdb, "update of", status);
    return DICT_STAT_SUCCESS;
}

/* dict_lmdb_remove - delete a key in the allowed forms: 0, MDB_NOTFOUND or an error */

static int dict_lmdb_remove(DICT_LMDB *dict_lmdb, MDB_txn *txn, const char *key,
                            const char *unused_value)
{
    bool found = false;
    MDB_val mkey;

    (void)unused_value;
    for (int with_null = 1; with_null >= 0; with_null--) {
        int status;

        if ((dict_lmdb->dict.flags & (with_null ? DICT_FLAG_TRY1NULL : DICT_FLAG_TRY0NULL)) == 0)
            continue;
        status = mdb_del(txn, dict_lmdb->dbi, dict_lmdb_val(&mkey, key, with_null), NULL);
        if (status == 0)
            found = true;
        else if (status != MDB_NOTFOUND && status != MDB_BAD_VALSIZE)
            return status;
    }
    return found ? 0 : MDB_NOTFOUND;
}

/* dict_lmdb_delete - remove a key */

static int dict_lmdb_delete(DICT *dict, const char *key)
{
    DICT_LMDB *dict_lmdb = (DICT_LMDB *)dict;
    int status;

    if (dict_lmdb->bulk_txn)
        status = dict_lmdb_remove(dict_lmdb, dict_lmdb->bulk_txn, key, NULL);
    else
        status = dict_lmdb_write(dict_lmdb, dict_lmdb_remove, key, NULL);
    if (status == MDB_NOTFOUND)
        return DICT_STAT_FAIL;
    if (status != 0)
        return dict_lmdb_fail(dict_lmdb, "delete from", status);
    return DICT_STAT_SUCCESS;
}

/* dict_lmdb_step - position a cursor on the element after the last one returned */

static int dict_lmdb_step(DICT_LMDB *dict_lmdb, MDB_cursor *cursor, int func, MDB_val *mkey,
                          MDB_val *mval)
{
    int status;

    if (func == DICT_SEQ_FUN_FIRST || !dict_lmdb->seq_started)
        return mdb_cursor_get(cursor, mkey, mval, MDB_FIRST);
    mkey->mv_data = vstring_str(dict_lmdb->seq_key);
    mkey->mv_size = VSTRING_LEN(dict_lmdb->seq_key);
    if ((status = mdb_cursor_get(cursor, mkey, mval, MDB_SET_RANGE)) != 0)
        return status;
    if (mkey->mv_size == VSTRING_LEN(dict_lmdb->seq_key) &&
        memcmp(mkey->mv_data, vstring_str(dict_lmdb->seq_key), mkey->mv_size) == 0)
        return mdb_cursor_get(cursor, mkey, mval, MDB_NEXT);
    return 0; /* the last key is gone: this is the one after it */
}

/* dict_lmdb_sequence - walk the table, one transaction per step */

static int dict_lmdb_sequence(DICT *dict, int func, const char **out_key, const char **out_value)
{
    DICT_LMDB *dict_lmdb = (DICT_LMDB *)dict;
    MDB_cursor *cursor = NULL;
    MDB_txn *txn;
    MDB_val mkey, mval;
    int status;

    if (dict_lmdb->bulk_txn)
        txn = dict_lmdb->bulk_txn;
    else if ((status = dict_lmdb_begin(dict_lmdb, MDB_RDONLY, &txn)) != 0)
        return dict_lmdb_fail(dict_lmdb, "sequence of", status);
    if ((status = mdb_cursor_open(txn, dict_lmdb->dbi, &cursor)) == 0)
        status = dict_lmdb_step(dict_lmdb, cursor, func, &mkey, &mval);
    if (status == 0) {
        vstring_memcpy(dict_lmdb->seq_key, mkey.mv_data, mkey.mv_size);
        dict_lmdb->seq_started = true;
        *out_key = dict_lmdb_copy(dict_lmdb->key_buf, &mkey);
        *out_value = dict_lmdb_copy(dict_lmdb->val_buf, &mval);
    }
    if (cursor)
        mdb_cursor_close(cursor);
    if (txn != dict_lmdb->bulk_txn)
        mdb_txn_abort(txn);
    if (status == MDB_NOTFOUND) {
        dict_lmdb->seq_started = false;
        return DICT_STAT_FAIL;
    }
    if (status != 0)
        return dict_lmdb_fail(dict_lmdb, "sequence of", status);
    return DICT_STAT_SUCCESS;
}

/* dict_lmdb_discard - release a table, keeping no unfinished file */

static void dict_lmdb_discard(DICT_LMDB *dict_lmdb)
{
    if (dict_lmdb->bulk_txn)
        mdb_txn_abort(dict_lmdb->bulk_txn);
    if (dict_lmdb->env)
        mdb_env_close(dict_lmdb->env);
    if (dict_lmdb->tmp_path) {
        dict_bulk_abandon(dict_lmdb->tmp_path);
        myfree(dict_lmdb->tmp_path);
    }
    if (dict_lmdb->dict.lock_fd >= 0)
        (void)close(dict_lmdb->dict.lock_fd);
    if (dict_lmdb->bulk_undone)
        argv_free(dict_lmdb->bulk_undone);
    myfree(dict_lmdb->db_path);
    vstring_free(dict_lmdb->seq_key);
    vstring_free(dict_lmdb->key_buf);
    vstring_free(dict_lmdb->val_buf);
    dict_free(&dict_lmdb->dict);
}

/* dict_lmdb_close - release the table; commit a bulk build */

static void dict_lmdb_close(DICT *dict)
{
    DICT_LMDB *dict_lmdb = (DICT_LMDB *)dict;
    int status;

    if (dict_lmdb->tmp_path == NULL || !dict_bulk_pending(dict_lmdb->tmp_path)) {
        dict_lmdb_discard(dict_lmdb); /* not a build, or dict_bulk_cleanup() removed it */
        return;
    }
    if (!dict_lmdb->failed) {
        if ((status = dict_lmdb_bulk_commit(dict_lmdb)) != 0 ||
            (status = mdb_env_sync(dict_lmdb->env, 1)) != 0) {
            dict_bulk_abandon(dict_lmdb->tmp_path);
            msg_fatal("commit %s: %s", dict_lmdb->tmp_path, mdb_strerror(status));
        }
        dict_bulk_commit(dict_lmdb->tmp_path, dict_lmdb->db_path, dict->lock_fd);
    } else {
        msg_warn("not replacing %s: the new table %s had errors", dict_lmdb->db_path,
                 dict_lmdb->tmp_path);
        dict_bulk_abandon(dict_lmdb->tmp_path);
    }
    myfree(dict_lmdb->tmp_path);
    dict_lmdb->tmp_path = NULL;
    dict_lmdb_discard(dict_lmdb);
}

/* dict_lmdb_open_file - open or create the file that LMDB will map */

static int dict_lmdb_open_file(DICT_LMDB *dict_lmdb, int open_flags)
{
    return dict_bulk_open(dict_lmdb->db_path, dict_lmdb->dict.flags, open_flags,
                          &dict_lmdb->tmp_path);
}

/* dict_lmdb_prepare - open, lock and size-check the file; NULL or why not */

static const char *dict_lmdb_prepare(DICT_LMDB *dict_lmdb, int open_flags, char *why, size_t len)
{
    DICT *dict = &dict_lmdb->dict;
    bool read_only = (open_flags & O_ACCMODE) == O_RDONLY;
    struct stat st;

    if ((dict->lock_fd = dict_lmdb_open_file(dict_lmdb, open_flags)) < 0) {
        dict->error = errno == ENOENT || errno == EACCES ? DICT_ERR_CONFIG : DICT_ERR_RETRY;
        snprintf(why, len, "open database %s: %m", dict_lmdb->db_path);
        return why;
    }
    /* Creating or changing the file at open is a write: lock exclusively. */
    if (dict_lock(dict, read_only ? DICT_LOCK_SHARED : DICT_LOCK_EXCLUSIVE) < 0) {
        snprintf(why, len, "lock database %s: %m", dict_lmdb->db_path);
        return why;
    }
    if ((open_flags & O_TRUNC) && dict_lmdb->tmp_path == NULL && ftruncate(dict->lock_fd, 0) < 0) {
        dict->error = DICT_ERR_RETRY;
        snprintf(why, len, "truncate database %s: %m", dict_lmdb->db_path);
        return why;
    }
    if (fstat(dict->lock_fd, &st) < 0) {
        dict->error = DICT_ERR_RETRY;
        snprintf(why, len, "stat database %s: %m", dict_lmdb->db_path);
        return why;
    }
    if (st.st_size == 0 && read_only) {
        dict->error = DICT_ERR_CONFIG;
        snprintf(why, len, "database %s: file is empty", dict_lmdb->db_path);
        return why;
    }
    return NULL;
}

/* dict_lmdb_check_size - refuse a file shorter than the pages its header counts */

static const char *dict_lmdb_check_size(DICT_LMDB *dict_lmdb)
{
    MDB_envinfo info;
    MDB_stat stat_buf;
    struct stat st;

    if (mdb_env_info(dict_lmdb->env, &info) != 0 || mdb_env_stat(dict_lmdb->env, &stat_buf) != 0 ||
        fstat(dict_lmdb->dict.lock_fd, &st) < 0)
        return "cannot read the database header";
    if ((unsigned long long)st.st_size <
        ((unsigned long long)info.me_last_pgno + 1) * stat_buf.ms_psize)
        return "file is truncated";
    return NULL;
}

/* dict_lmdb_strerror - an LMDB open error in words an operator can act on */

static const char *dict_lmdb_strerror(int status)
{
    switch (status) {
    case MDB_INVALID:
    case ENOENT: /* fewer bytes than the two header pages */
        return "file is not an LMDB database, or its header is damaged";
    case MDB_VERSION_MISMATCH:
        return "file was made by an incompatible LMDB version";
    default:
        return mdb_strerror(status);
    }
}

/* dict_lmdb_attach - open the checked file with LMDB; NULL or why not */

static const char *dict_lmdb_attach(DICT_LMDB *dict_lmdb, int open_flags, char *why, size_t len)
{
    const char *path = dict_lmdb->tmp_path ? dict_lmdb->tmp_path : dict_lmdb->db_path;
    bool read_only = (open_flags & O_ACCMODE) == O_RDONLY;
    unsigned env_flags =
        DICT_LMDB_ENV_FLAGS | (read_only ? MDB_RDONLY : 0) | (dict_lmdb->tmp_path ? MDB_NOSYNC : 0);
    const char *problem;
    MDB_txn *txn;
    struct stat st1, st2;
    int status, fd;

    if ((status = mdb_env_create(&dict_lmdb->env)) != 0) {
        dict_lmdb->env = NULL;
        snprintf(why, len, "mdb_env_create: %s", mdb_strerror(status));
        return why;
    }
    if ((status = mdb_env_set_mapsize(dict_lmdb->env, dict_lmdb_map_size)) != 0 ||
        (status = mdb_env_open(dict_lmdb->env, path, env_flags, 0644)) != 0) {
        snprintf(why, len, "database %s: %s", path, dict_lmdb_strerror(status));
        return why;
    }
    if ((status = mdb_env_get_fd(dict_lmdb->env, &fd)) != 0 || fstat(fd, &st1) < 0 ||
        fstat(dict_lmdb->dict.lock_fd, &st2) < 0 || st1.st_dev != st2.st_dev ||
        st1.st_ino != st2.st_ino) {
        dict_lmdb->dict.error = DICT_ERR_RETRY;
        snprintf(why, len, "database %s: replaced while opening", path);
        return why;
    }
    if ((problem = dict_lmdb_check_size(dict_lmdb)) != NULL) {
        snprintf(why, len, "database %s: %s", path, problem);
        return why;
    }
    if ((status = mdb_txn_begin(dict_lmdb->env, NULL, read_only ? MDB_RDONLY : 0, &txn)) != 0 ||
        (status = mdb_dbi_open(txn, NULL, 0, &dict_lmdb->dbi)) != 0 ||
        (status = mdb_txn_commit(txn)) != 0) {
        snprintf(why, len, "database %s: %s", path, dict_lmdb_strerror(status));
        return why;
    }
    if (dict_lmdb->tmp_path) {
        dict_lmdb->bulk_undone = argv_alloc(2 * DICT_LMDB_BULK_BATCH);
        if ((status = mdb_txn_begin(dict_lmdb->env, NULL, 0, &dict_lmdb->bulk_txn)) != 0) {
            dict_lmdb->bulk_txn = NULL;
            snprintf(why, len, "database %s: %s", path, mdb_strerror(status));
            return why;
        }
    }
    return NULL;
}

/* dict_lmdb_open - open an LMDB table */

DICT *dict_lmdb_open(const char *name, int open_flags, int dict_flags)
{
    DICT_LMDB *dict_lmdb;
    char why[512];
    const char *problem;

    /* Without LMDB's reader table, every access must hold the file lock. */
    dict_flags |= DICT_FLAG_LOCK;
    dict_lmdb = (DICT_LMDB *)dict_alloc(DICT_TYPE_LMDB, name, sizeof(*dict_lmdb), open_flags,
                                        dict_flags | DICT_FLAG_FIXED);
    dict_lmdb->db_path = mymalloc(strlen(name) + sizeof(".lmdb"));
    sprintf(dict_lmdb->db_path, "%s.lmdb", name);
    dict_lmdb->seq_key = vstring_alloc(100);
    dict_lmdb->key_buf = vstring_alloc(100);
    dict_lmdb->val_buf = vstring_alloc(100);
    dict_lmdb->dict.close = dict_lmdb_close;
    if ((problem = dict_lmdb_prepare(dict_lmdb, open_flags, why, sizeof(why))) != NULL ||
        (problem = dict_lmdb_attach(dict_lmdb, open_flags, why, sizeof(why))) != NULL) {
        int error = dict_lmdb->dict.error ? dict_lmdb->dict.error : DICT_ERR_CONFIG;
        DICT *sur =
            dict_surrogate(DICT_TYPE_LMDB, name, open_flags, dict_flags, error, "%s", problem);

        dict_lmdb_discard(dict_lmdb);
        return sur;
    }
    if ((dict_flags & (DICT_FLAG_BULK_UPDATE | DICT_FLAG_OPEN_LOCK)) == 0)
        (void)dict_lock(&dict_lmdb->dict, DICT_LOCK_NONE);
    dict_lmdb->dict.lookup = dict_lmdb_lookup;
    dict_lmdb->dict.update = dict_lmdb_update;
    dict_lmdb->dict.delete = dict_lmdb_delete;
    dict_lmdb->dict.sequence = dict_lmdb_sequence;
    if (dict_lmdb->tmp_path == NULL)
        dict_watch(&dict_lmdb->dict, dict_lmdb->db_path, dict_lmdb->dict.lock_fd);
    return &dict_lmdb->dict;
}

#else

/* dict_lmdb_set_map_size - nothing to size without LMDB */

void dict_lmdb_set_map_size(size_t bytes)
{
    (void)bytes;
}

#endif
