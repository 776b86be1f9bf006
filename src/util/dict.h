/*
 * dict.h - lookup tables behind one interface
 *
 * A DICT is an open table of one type ("hash", "btree", "texthash",
 * "inline", "static", "regexp", "pcre", "cidr", "fail", "unix", "proxy",
 * "nis", "lmdb", "socketmap", "tcp", "sqlite", "unionmap", "pipemap",
 * "pgsql", "mysql", "ldap", "memcache"),
 * opened by name as
 * "type:name" with dict_open(). Every operation sets dict->error, so that
 * "not found" (a null result, DICT_ERR_NONE) stays apart from "lookup
 * failed" (DICT_ERR_RETRY: try again later; DICT_ERR_CONFIG: the table or
 * its configuration is broken). A table that cannot be opened still yields
 * a DICT whose every operation fails with the open error, so that a daemon
 * defers mail instead of dying; dict_open_ok() tells a program that wants to
 * stop at once.
 *
 * Lookup results and sequence keys/values belong to the DICT and stay valid
 * until the next operation on it.
 */
#ifndef DICT_H
#define DICT_H

#include <stdarg.h>
#include <sys/types.h>

#include "vstring.h"

typedef struct DICT DICT;

/* Operations that a table type provides; dict.c calls them. */
typedef const char *(*DICT_LOOKUP_FN)(DICT *dict, const char *key);
typedef int (*DICT_UPDATE_FN)(DICT *dict, const char *key, const char *value);
typedef int (*DICT_DELETE_FN)(DICT *dict, const char *key);
typedef int (*DICT_SEQUENCE_FN)(DICT *dict, int func, const char **out_key, const char **out_value);
typedef void (*DICT_CLOSE_FN)(DICT *dict);

struct DICT {
    char *type;                /* table type, "hash"; owned */
    char *name;                /* table name, often a path; owned */
    int flags;                 /* DICT_FLAG_* in effect */
    int open_flags;            /* O_RDONLY, O_RDWR|O_CREAT, O_TRUNC */
    int error;                 /* DICT_ERR_* of the last operation */
    VSTRING *reason;           /* text of the last error; owned */
    int lock_fd;               /* descriptor for advisory locks, or -1 */
    int lock_held;             /* DICT_LOCK_* currently held on lock_fd */
    int open_failed;           /* a surrogate: dict_open() failed */
    char *watch_path;          /* file whose replacement dict_changed() detects */
    dev_t watch_dev;           /* its device at open time */
    ino_t watch_ino;           /* its inode at open time */
    VSTRING *fold_buf;         /* lower-cased key; owned */
    VSTRING *file_buf;         /* base64-decoded result (SRC_RHS_IS_FILE); owned */
    DICT_LOOKUP_FN lookup;     /* type's lookup: NULL result is "not found" */
    DICT_UPDATE_FN update;     /* type's update, or NULL (not supported) */
    DICT_DELETE_FN delete;     /* type's delete, or NULL */
    DICT_SEQUENCE_FN sequence; /* type's sequence, or NULL */
    DICT_CLOSE_FN close;       /* type's destructor (frees its own part) */
};

/* Error codes in dict->error. */
#define DICT_ERR_NONE   0  /* success, or not found */
#define DICT_ERR_RETRY  -1 /* temporary: lock timeout, I/O error */
#define DICT_ERR_CONFIG -2 /* the table or its configuration is broken */

/* Results of dict_put(), dict_del(), dict_seq(). */
#define DICT_STAT_SUCCESS 0  /* done, or an element was found */
#define DICT_STAT_FAIL    1  /* not found, end of table, duplicate skipped */
#define DICT_STAT_ERROR   -1 /* failed: see dict->error and dict_reason() */

/* dict_seq() functions. */
#define DICT_SEQ_FUN_FIRST 0
#define DICT_SEQ_FUN_NEXT  1

/* dict_lock() operations. */
#define DICT_LOCK_NONE      0
#define DICT_LOCK_SHARED    1
#define DICT_LOCK_EXCLUSIVE 2

/* Flags: the caller's requests... */
#define DICT_FLAG_NONE            0
#define DICT_FLAG_DUP_WARN        (1 << 0)  /* duplicate key: warn, keep the first */
#define DICT_FLAG_DUP_IGNORE      (1 << 1)  /* duplicate key: keep the first quietly */
#define DICT_FLAG_DUP_REPLACE     (1 << 2)  /* duplicate key: the last one wins */
#define DICT_FLAG_TRY0NULL        (1 << 3)  /* keys and values without trailing null */
#define DICT_FLAG_TRY1NULL        (1 << 4)  /* keys and values with trailing null */
#define DICT_FLAG_LOCK            (1 << 5)  /* lock the file around each access */
#define DICT_FLAG_OPEN_LOCK       (1 << 6)  /* exclusive lock from open to close */
#define DICT_FLAG_SYNC_UPDATE     (1 << 7)  /* flush each update to disk */
#define DICT_FLAG_FOLD_FIX        (1 << 8)  /* lower-case keys of fixed-key tables */
#define DICT_FLAG_NO_REGSUB       (1 << 9)  /* refuse $number substitution in results */
#define DICT_FLAG_BULK_UPDATE     (1 << 10) /* build a new file; replace it at close */
#define DICT_FLAG_SRC_RHS_IS_FILE (1 << 11) /* values are base64 file contents */
/* ...and properties that the table type sets. */
#define DICT_FLAG_FIXED   (1 << 16) /* keys are fixed strings (hash, texthash) */
#define DICT_FLAG_PATTERN (1 << 17) /* keys are patterns (regexp, pcre, cidr) */

/* Settings for tables that must not expand peer text into results. */
#define DICT_FLAG_PARANOID  DICT_FLAG_NO_REGSUB
#define DICT_FLAG_DUP_MASK  (DICT_FLAG_DUP_WARN | DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE)
#define DICT_FLAG_TYPE_MASK (DICT_FLAG_FIXED | DICT_FLAG_PATTERN)

/* Table type names. */
#define DICT_TYPE_HASH      "hash"
#define DICT_TYPE_BTREE     "btree"
#define DICT_TYPE_TEXTHASH  "texthash"
#define DICT_TYPE_INLINE    "inline"
#define DICT_TYPE_STATIC    "static"
#define DICT_TYPE_REGEXP    "regexp"
#define DICT_TYPE_PCRE      "pcre"
#define DICT_TYPE_CIDR      "cidr"
#define DICT_TYPE_FAIL      "fail"
#define DICT_TYPE_UNIX      "unix"
#define DICT_TYPE_PROXY     "proxy"
#define DICT_TYPE_NIS       "nis"
#define DICT_TYPE_LMDB      "lmdb"
#define DICT_TYPE_SOCKETMAP "socketmap"
#define DICT_TYPE_TCP       "tcp"
#define DICT_TYPE_SQLITE    "sqlite"
#define DICT_TYPE_UNIONMAP  "unionmap"
#define DICT_TYPE_PIPEMAP   "pipemap"
#define DICT_TYPE_PGSQL     "pgsql"
#define DICT_TYPE_MYSQL     "mysql"
#define DICT_TYPE_LDAP      "ldap"
#define DICT_TYPE_MEMCACHE  "memcache"

/* Opening by name (dict_open.c). */
typedef DICT *(*DICT_OPEN_FN)(const char *name, int open_flags, int dict_flags);

extern DICT *dict_open(const char *type_name, int open_flags, int dict_flags);
extern DICT *dict_open3(const char *type, const char *name, int open_flags, int dict_flags);
extern int dict_open_ok(const DICT *dict);
extern void dict_open_register(const char *type, DICT_OPEN_FN open_fn);
extern int dict_type_known(const char *type);
extern char *dict_type_names(void);
extern const char *dict_file_suffix(const char *type);

/* Using a table (dict.c). */
extern const char *dict_get(DICT *dict, const char *key);
extern int dict_put(DICT *dict, const char *key, const char *value);
extern int dict_del(DICT *dict, const char *key);
extern int dict_seq(DICT *dict, int func, const char **out_key, const char **out_value);
extern int dict_lock(DICT *dict, int op);
extern void dict_close(DICT *dict);
extern const char *dict_reason(const DICT *dict);
extern int dict_changed(const DICT *dict);
extern void dict_set_lock_timeout(int seconds);

/* For table types (dict.c). */
extern DICT *dict_alloc(const char *type, const char *name, size_t size, int open_flags,
                        int dict_flags);
extern void dict_free(DICT *dict);
extern void dict_set_error(DICT *dict, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern void dict_watch(DICT *dict, const char *path, int fd);
extern DICT *dict_surrogate(const char *type, const char *name, int open_flags, int dict_flags,
                            int error, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Table types (one file each). */
extern DICT *dict_hash_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_btree_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_thash_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_inline_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_static_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_regexp_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_pcre_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_cidr_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_fail_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_unix_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_proxy_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_nis_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_lmdb_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_socketmap_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_tcp_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_sqlite_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_unionmap_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_pipemap_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_pgsql_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_mysql_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_ldap_open(const char *name, int open_flags, int dict_flags);
extern DICT *dict_memcache_open(const char *name, int open_flags, int dict_flags);

/* Berkeley DB specifics (dict_db.c). */
extern void dict_db_set_cache_size(size_t bytes);

/* LMDB specifics (dict_lmdb.c). */
extern void dict_lmdb_set_map_size(size_t bytes);

/* Time limit of socketmap: and tcp: requests (dict_remote.c). */
extern void dict_remote_set_timeout(int seconds);

/* Removes the temporary files of unfinished bulk builds (dict_bulk.c). */
extern void dict_bulk_cleanup(void);

#endif
