/*++
 * NAME
 *	dict - lookup tables behind one interface
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	const char *dict_get(DICT *dict, const char *key);
 *	int	dict_put(DICT *dict, const char *key, const char *value);
 *	int	dict_del(DICT *dict, const char *key);
 *	int	dict_seq(DICT *dict, int func, const char **out_key,
 *			const char **out_value);
 *	int	dict_lock(DICT *dict, int op);
 *	void	dict_close(DICT *dict);
 *	const char *dict_reason(const DICT *dict);
 *	int	dict_changed(const DICT *dict);
 *	void	dict_set_lock_timeout(int seconds);
 *
 *	DICT	*dict_alloc(const char *type, const char *name, size_t size,
 *			int open_flags, int dict_flags);
 *	void	dict_free(DICT *dict);
 *	void	dict_set_error(DICT *dict, int error, const char *fmt, ...);
 *	void	dict_watch(DICT *dict, const char *path, int fd);
 * DESCRIPTION
 *	These functions wrap the operations of every table type. Each one
 *	first clears dict->error, lower-cases the key when the table has
 *	fixed-string keys and DICT_FLAG_FOLD_FIX is set, takes the advisory
 *	lock that DICT_FLAG_LOCK asks for (shared to read, exclusive to
 *	write) and releases it afterwards.
 *
 *	dict_get() returns the value of key, or NULL. With a null result,
 *	dict->error tells "not found" (DICT_ERR_NONE) from "failed"
 *	(DICT_ERR_RETRY, DICT_ERR_CONFIG). The value belongs to the table and
 *	is valid until the next operation on it. With
 *	DICT_FLAG_SRC_RHS_IS_FILE the stored base64 value is decoded first.
 *
 *	dict_put() stores a value. It returns DICT_STAT_SUCCESS,
 *	DICT_STAT_FAIL when the key existed and DICT_FLAG_DUP_IGNORE or
 *	DICT_FLAG_DUP_WARN kept the old value, or DICT_STAT_ERROR. Without
 *	any DICT_FLAG_DUP_* flag a duplicate is an error (DICT_ERR_CONFIG).
 *
 *	dict_del() removes key: DICT_STAT_SUCCESS, DICT_STAT_FAIL (not
 *	found) or DICT_STAT_ERROR.
 *
 *	dict_seq() walks the table: func is DICT_SEQ_FUN_FIRST to start and
 *	DICT_SEQ_FUN_NEXT to go on. It returns DICT_STAT_SUCCESS with the
 *	element in *out_key and *out_value (owned by the table),
 *	DICT_STAT_FAIL at the end, or DICT_STAT_ERROR. Deleting the element
 *	just returned, or any other, does not disturb the walk.
 *
 *	Tables that do not support an operation fail it with DICT_ERR_CONFIG
 *	("table does not support update").
 *
 *	dict_lock() takes (DICT_LOCK_SHARED, DICT_LOCK_EXCLUSIVE) or drops
 *	(DICT_LOCK_NONE) the advisory lock of a file-based table, waiting at
 *	most the lock timeout (10 seconds unless dict_set_lock_timeout()
 *	says otherwise). It returns 0, or -1 with DICT_ERR_RETRY. Tables
 *	without a file accept it and do nothing. While a caller holds a lock
 *	this way, the per-operation DICT_FLAG_LOCK locking is skipped.
 *
 *	dict_close() releases the table and everything it owns.
 *
 *	dict_reason() returns the text of the last error ("" when none).
 *
 *	dict_changed() is true when the file behind the table was replaced
 *	or removed since it was opened: a long-running process should then
 *	reopen the table (or restart).
 *
 *	For table types: dict_alloc() allocates size bytes (at least
 *	sizeof(DICT); the type's own structure starts with a DICT) and fills
 *	in the common part. dict_free() releases that part and the memory.
 *	dict_set_error() sets dict->error and its reason text. dict_watch()
 *	records the file that dict_changed() watches, through the open
 *	descriptor fd (or by path when fd is -1).
 * DIAGNOSTICS
 *	Misuse of the interface (a bad dict_seq() function or lock operation)
 *	is a panic.
 * SEE ALSO
 *	dict_open(3), how tables are opened by "type:name"
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base64_code.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* How long a lock request may wait; one setting per process. */
static int dict_lock_timeout = 10;

/* dict_set_lock_timeout - how long to wait for a lock */

void dict_set_lock_timeout(int seconds)
{
    dict_lock_timeout = seconds < 0 ? 0 : seconds;
}

/* dict_alloc - the common part of a new table */

DICT *dict_alloc(const char *type, const char *name, size_t size, int open_flags, int dict_flags)
{
    DICT *dict;

    if (size < sizeof(DICT))
        msg_panic("%s: size %zu too small", __func__, size);
    dict = mycalloc(1, size);
    dict->type = mystrdup(type);
    dict->name = mystrdup(name);
    dict->flags = dict_flags;
    dict->open_flags = open_flags;
    dict->error = DICT_ERR_NONE;
    dict->lock_fd = -1;
    dict->lock_held = DICT_LOCK_NONE;
    return dict;
}

/* dict_free - release the common part */

void dict_free(DICT *dict)
{
    myfree(dict->type);
    myfree(dict->name);
    if (dict->reason)
        vstring_free(dict->reason);
    if (dict->fold_buf)
        vstring_free(dict->fold_buf);
    if (dict->file_buf)
        vstring_free(dict->file_buf);
    if (dict->watch_path)
        myfree(dict->watch_path);
    myfree(dict);
}

/* dict_set_error - record an error and its reason */

void dict_set_error(DICT *dict, int error, const char *fmt, ...)
{
    va_list ap;

    dict->error = error;
    if (dict->reason == NULL)
        dict->reason = vstring_alloc(100);
    VSTRING_RESET(dict->reason);
    va_start(ap, fmt);
    vstring_vsprintf_append(dict->reason, fmt, ap);
    va_end(ap);
}

/* dict_reason - text of the last error */

const char *dict_reason(const DICT *dict)
{
    return dict->error && dict->reason ? vstring_str(dict->reason) : "";
}

/* dict_watch - remember the file behind the table */

void dict_watch(DICT *dict, const char *path, int fd)
{
    struct stat st;

    if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) < 0)
        return;
    if (dict->watch_path)
        myfree(dict->watch_path);
    dict->watch_path = mystrdup(path);
    dict->watch_dev = st.st_dev;
    dict->watch_ino = st.st_ino;
}

/* dict_changed - was the file behind the table replaced? */

int dict_changed(const DICT *dict)
{
    struct stat st;

    if (dict->watch_path == NULL)
        return 0;
    if (stat(dict->watch_path, &st) < 0)
        return 1;
    return st.st_dev != dict->watch_dev || st.st_ino != dict->watch_ino;
}

/* dict_flock - take or drop a lock, waiting at most the timeout */

static int dict_flock(int fd, int op)
{
    int how = op == DICT_LOCK_SHARED ? LOCK_SH : op == DICT_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_UN;
    struct timespec pause = {0, 10 * 1000 * 1000};
    time_t deadline = time(NULL) + dict_lock_timeout;

    if (how == LOCK_UN)
        return flock(fd, LOCK_UN);
    for (;;) {
        if (flock(fd, how | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        if (time(NULL) >= deadline) {
            errno = ETIMEDOUT;
            return -1;
        }
        nanosleep(&pause, NULL);
        if (pause.tv_nsec < 200 * 1000 * 1000)
            pause.tv_nsec *= 2;
    }
}

/* dict_lock - take or drop the table's advisory lock */

int dict_lock(DICT *dict, int op)
{
    if (op != DICT_LOCK_NONE && op != DICT_LOCK_SHARED && op != DICT_LOCK_EXCLUSIVE)
        msg_panic("%s: bad lock operation %d", __func__, op);
    dict->error = DICT_ERR_NONE;
    if (dict->lock_fd < 0 || op == dict->lock_held)
        return 0;
    if (dict_flock(dict->lock_fd, op) < 0) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s lock: %m", dict->type, dict->name,
                       op == DICT_LOCK_NONE ? "release" : "acquire");
        return -1;
    }
    dict->lock_held = op;
    return 0;
}

/* dict_op_lock - lock around one operation when DICT_FLAG_LOCK asks */

static int dict_op_lock(DICT *dict, int op)
{
    if ((dict->flags & DICT_FLAG_LOCK) == 0 || dict->lock_fd < 0 ||
        dict->lock_held != DICT_LOCK_NONE)
        return 0; /* no locking, or the caller holds the lock */
    return dict_lock(dict, op) < 0 ? -1 : 1;
}

/* dict_op_unlock - undo dict_op_lock(), keeping the operation's error */

static void dict_op_unlock(DICT *dict, int locked)
{
    if (locked > 0) {
        (void)dict_flock(dict->lock_fd, DICT_LOCK_NONE);
        dict->lock_held = DICT_LOCK_NONE;
    }
}

/* dict_fold - the key as the table wants to see it */

static const char *dict_fold(DICT *dict, const char *key)
{
    if ((dict->flags & DICT_FLAG_FOLD_FIX) == 0 || (dict->flags & DICT_FLAG_FIXED) == 0)
        return key;
    if (dict->fold_buf == NULL)
        dict->fold_buf = vstring_alloc(100);
    vstring_strcpy(dict->fold_buf, key);
    return lowercase(vstring_str(dict->fold_buf));
}

/* dict_unsupported - fail an operation that the type lacks */

static int dict_unsupported(DICT *dict, const char *what)
{
    dict_set_error(dict, DICT_ERR_CONFIG, "%s:%s: table does not support %s", dict->type,
                   dict->name, what);
    return DICT_STAT_ERROR;
}

/* dict_decode_file - decode a base64 value of a SRC_RHS_IS_FILE table */

static const char *dict_decode_file(DICT *dict, const char *key, const char *value)
{
    if (dict->file_buf == NULL)
        dict->file_buf = vstring_alloc(1000);
    if (base64_decode(dict->file_buf, value, strlen(value)) == NULL) {
        dict_set_error(dict, DICT_ERR_CONFIG, "%s:%s: key \"%s\": malformed base64 value",
                       dict->type, dict->name, key);
        return NULL;
    }
    return vstring_str(dict->file_buf);
}

/* dict_get - look up a key */

const char *dict_get(DICT *dict, const char *key)
{
    const char *value;
    int locked;

    dict->error = DICT_ERR_NONE;
    key = dict_fold(dict, key);
    if ((locked = dict_op_lock(dict, DICT_LOCK_SHARED)) < 0)
        return NULL;
    value = dict->lookup(dict, key);
    dict_op_unlock(dict, locked);
    if (value && (dict->flags & DICT_FLAG_SRC_RHS_IS_FILE))
        value = dict_decode_file(dict, key, value);
    if (value)
        dict->error = DICT_ERR_NONE;
    return value;
}

/* dict_put - store a value */

int dict_put(DICT *dict, const char *key, const char *value)
{
    int status;
    int locked;

    dict->error = DICT_ERR_NONE;
    if (dict->update == NULL)
        return dict_unsupported(dict, "update");
    key = dict_fold(dict, key);
    if ((locked = dict_op_lock(dict, DICT_LOCK_EXCLUSIVE)) < 0)
        return DICT_STAT_ERROR;
    status = dict->update(dict, key, value);
    dict_op_unlock(dict, locked);
    return status;
}

/* dict_del - remove a key */

int dict_del(DICT *dict, const char *key)
{
    int status;
    int locked;

    dict->error = DICT_ERR_NONE;
    if (dict->delete == NULL)
        return dict_unsupported(dict, "delete");
    key = dict_fold(dict, key);
    if ((locked = dict_op_lock(dict, DICT_LOCK_EXCLUSIVE)) < 0)
        return DICT_STAT_ERROR;
    status = dict->delete(dict, key);
    dict_op_unlock(dict, locked);
    return status;
}

/* dict_seq - walk the table */

int dict_seq(DICT *dict, int func, const char **out_key, const char **out_value)
{
    int status;
    int locked;

    if (func != DICT_SEQ_FUN_FIRST && func != DICT_SEQ_FUN_NEXT)
        msg_panic("%s: bad function %d", __func__, func);
    dict->error = DICT_ERR_NONE;
    if (dict->sequence == NULL)
        return dict_unsupported(dict, "sequence");
    if ((locked = dict_op_lock(dict, DICT_LOCK_SHARED)) < 0)
        return DICT_STAT_ERROR;
    status = dict->sequence(dict, func, out_key, out_value);
    dict_op_unlock(dict, locked);
    if (status == DICT_STAT_SUCCESS && (dict->flags & DICT_FLAG_SRC_RHS_IS_FILE) &&
        (*out_value = dict_decode_file(dict, *out_key, *out_value)) == NULL)
        return DICT_STAT_ERROR;
    return status;
}

/* dict_close - release the table */

void dict_close(DICT *dict)
{
    dict->close(dict);
}
