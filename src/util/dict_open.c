/*++
 * NAME
 *	dict_open - open a lookup table by "type:name"
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_open(const char *type_name, int open_flags, int dict_flags);
 *	DICT	*dict_open3(const char *type, const char *name, int open_flags,
 *			int dict_flags);
 *	int	dict_open_ok(const DICT *dict);
 *	void	dict_open_register(const char *type, DICT_OPEN_FN open_fn);
 *	int	dict_type_known(const char *type);
 *	char	*dict_type_names(void);
 *	const char *dict_file_suffix(const char *type);
 *
 *	DICT	*dict_surrogate(const char *type, const char *name,
 *			int open_flags, int dict_flags, int error,
 *			const char *fmt, ...);
 *	DICT	*dict_fail_open(const char *name, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_open() opens the table named "type:name", for example
 *	"hash:/etc/postfix/access" (the Berkeley DB file access.db),
 *	"texthash:/etc/postfix/access", "inline:{a=b, c=d}", "static:OK" or
 *	"regexp:/etc/postfix/header_checks". open_flags are open(2)'s:
 *	O_RDONLY to read; O_RDWR|O_CREAT to update or create; with O_TRUNC a
 *	file-based table starts empty. dict_flags are DICT_FLAG_* requests;
 *	see dict.h. dict_open3() takes the type and name apart.
 *
 *	The result is never NULL. When the table cannot be opened (unknown
 *	type, missing file, syntax error, corrupt database), the result is a
 *	surrogate table whose every operation fails with the open error, and
 *	dict->error and dict_reason() say what went wrong ("open
 *	/etc/postfix/access.db: No such file or directory"). dict_open_ok()
 *	is false for such a table: a command can stop right away, a daemon
 *	can keep running and defer the mail that needs the table.
 *
 *	dict_open_register() adds a table type (or replaces one).
 *	dict_type_known() tells whether a type name is registered, and
 *	dict_type_names() returns the names, one per line, in a mymalloc()ed
 *	string (for "postconf -m").
 *
 *	dict_file_suffix() returns the suffix of the file that postmap(1)
 *	builds for a table of the given type (".db" for hash and btree,
 *	".lmdb" for lmdb), or NULL when tables of that type are not built.
 *
 *	dict_surrogate() makes such a failing table with the given error and
 *	reason text. dict_fail_open() opens the "fail:name" table, which
 *	fails every operation with DICT_ERR_RETRY; it exists to test how
 *	callers handle lookup errors.
 * DIAGNOSTICS
 *	Registering a type with an empty name or a ':' is a panic.
 *--*/

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    char *type;           /* type name, owned */
    DICT_OPEN_FN open_fn; /* opens a table of this type */
} DICT_OPEN_INFO;

/* The built-in types; dict_open_register() adds to a copy of this list. */
static const struct {
    const char *type;
    DICT_OPEN_FN open_fn;
} dict_builtin_types[] = {
    {DICT_TYPE_HASH, dict_hash_open},           {DICT_TYPE_BTREE, dict_btree_open},
    {DICT_TYPE_TEXTHASH, dict_thash_open},      {DICT_TYPE_INLINE, dict_inline_open},
    {DICT_TYPE_STATIC, dict_static_open},       {DICT_TYPE_REGEXP, dict_regexp_open},
    {DICT_TYPE_PCRE, dict_pcre_open},           {DICT_TYPE_CIDR, dict_cidr_open},
    {DICT_TYPE_FAIL, dict_fail_open},           {DICT_TYPE_UNIX, dict_unix_open},
    {DICT_TYPE_PROXY, dict_proxy_open},         {DICT_TYPE_NIS, dict_nis_open},
    {DICT_TYPE_SOCKETMAP, dict_socketmap_open}, {DICT_TYPE_TCP, dict_tcp_open},
    {DICT_TYPE_UNIONMAP, dict_unionmap_open},   {DICT_TYPE_PIPEMAP, dict_pipemap_open},
    {DICT_TYPE_MEMCACHE, dict_memcache_open},
#ifdef HAVE_LMDB
    {DICT_TYPE_LMDB, dict_lmdb_open},
#endif
#ifdef HAVE_SQLITE
    {DICT_TYPE_SQLITE, dict_sqlite_open},
#endif
#ifdef HAVE_PGSQL
    {DICT_TYPE_PGSQL, dict_pgsql_open},
#endif
#ifdef HAVE_MYSQL
    {DICT_TYPE_MYSQL, dict_mysql_open},
#endif
#ifdef HAVE_LDAP
    {DICT_TYPE_LDAP, dict_ldap_open},
#endif
};

/* Types whose tables postmap builds into a file: the file's name suffix. */
static const struct {
    const char *type;
    const char *suffix;
} dict_file_suffixes[] = {
    {DICT_TYPE_HASH, ".db"},
    {DICT_TYPE_BTREE, ".db"},
    {DICT_TYPE_LMDB, ".lmdb"},
};

/* The registry is process-wide by nature, like the set of linked-in types. */
static DICT_OPEN_INFO *dict_types;
static size_t dict_type_count;

/* dict_types_init - start with the built-in types */

static void dict_types_init(void)
{
    size_t n = sizeof(dict_builtin_types) / sizeof(dict_builtin_types[0]);

    if (dict_types)
        return;
    dict_types = mymalloc(n * sizeof(*dict_types));
    for (size_t i = 0; i < n; i++) {
        dict_types[i].type = mystrdup(dict_builtin_types[i].type);
        dict_types[i].open_fn = dict_builtin_types[i].open_fn;
    }
    dict_type_count = n;
}

/* dict_type_find - the registry entry of a type, or NULL */

static DICT_OPEN_INFO *dict_type_find(const char *type)
{
    dict_types_init();
    for (size_t i = 0; i < dict_type_count; i++)
        if (strcmp(dict_types[i].type, type) == 0)
            return dict_types + i;
    return NULL;
}

/* dict_open_register - add or replace a table type */

void dict_open_register(const char *type, DICT_OPEN_FN open_fn)
{
    DICT_OPEN_INFO *info;

    if (*type == 0 || strchr(type, ':') != NULL)
        msg_panic("%s: bad type name \"%s\"", __func__, type);
    if ((info = dict_type_find(type)) != NULL) {
        info->open_fn = open_fn;
        return;
    }
    dict_types = myrealloc(dict_types, (dict_type_count + 1) * sizeof(*dict_types));
    dict_types[dict_type_count].type = mystrdup(type);
    dict_types[dict_type_count].open_fn = open_fn;
    dict_type_count++;
}

/* dict_type_known - is a type registered? */

int dict_type_known(const char *type)
{
    return dict_type_find(type) != NULL;
}

/* dict_type_names - the registered types, one per line */

char *dict_type_names(void)
{
    VSTRING *buf = vstring_alloc(100);

    dict_types_init();
    for (size_t i = 0; i < dict_type_count; i++)
        vstring_sprintf_append(buf, "%s\n", dict_types[i].type);
    return vstring_export(buf);
}

/* dict_file_suffix - the suffix of a built table's file, or NULL */

const char *dict_file_suffix(const char *type)
{
    if (!dict_type_known(type))
        return NULL;
    for (size_t i = 0; i < sizeof(dict_file_suffixes) / sizeof(dict_file_suffixes[0]); i++)
        if (strcmp(dict_file_suffixes[i].type, type) == 0)
            return dict_file_suffixes[i].suffix;
    return NULL;
}

/* dict_open3 - open a table given its type and name */

DICT *dict_open3(const char *type, const char *name, int open_flags, int dict_flags)
{
    DICT_OPEN_INFO *info;

    if ((dict_flags & (DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL)) == 0)
        dict_flags |= DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL;
    if ((info = dict_type_find(type)) == NULL)
        return dict_surrogate(type, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "unsupported dictionary type: %s", type);
    if (*name == 0)
        return dict_surrogate(type, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "open %s: table name is empty", type);
    return info->open_fn(name, open_flags, dict_flags);
}

/* dict_open - open a table given "type:name" */

DICT *dict_open(const char *type_name, int open_flags, int dict_flags)
{
    const char *colon = strchr(type_name, ':');
    char *type;
    DICT *dict;

    if (colon == NULL || colon == type_name)
        return dict_surrogate("unknown", type_name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "need dictionary type:name instead of \"%s\"", type_name);
    type = mystrndup(type_name, colon - type_name);
    dict = dict_open3(type, colon + 1, open_flags, dict_flags);
    myfree(type);
    return dict;
}

/* Surrogate tables fail every operation with the error recorded at open. */

typedef struct {
    DICT dict;       /* common part; must be first */
    int open_error;  /* DICT_ERR_* from the failed open */
    char *open_text; /* why the open failed, owned */
} DICT_SURROGATE;

/* dict_surrogate_fail - repeat the open error */

static void dict_surrogate_fail(DICT *dict)
{
    DICT_SURROGATE *sur = (DICT_SURROGATE *)dict;

    dict_set_error(dict, sur->open_error, "%s", sur->open_text);
}

/* dict_surrogate_lookup - fail a lookup */

static const char *dict_surrogate_lookup(DICT *dict, const char *key)
{
    (void)key;
    dict_surrogate_fail(dict);
    return NULL;
}

/* dict_surrogate_update - fail an update */

static int dict_surrogate_update(DICT *dict, const char *key, const char *value)
{
    (void)key;
    (void)value;
    dict_surrogate_fail(dict);
    return DICT_STAT_ERROR;
}

/* dict_surrogate_delete - fail a delete */

static int dict_surrogate_delete(DICT *dict, const char *key)
{
    (void)key;
    dict_surrogate_fail(dict);
    return DICT_STAT_ERROR;
}

/* dict_surrogate_sequence - fail a sequence step */

static int dict_surrogate_sequence(DICT *dict, int func, const char **out_key,
                                   const char **out_value)
{
    (void)func;
    (void)out_key;
    (void)out_value;
    dict_surrogate_fail(dict);
    return DICT_STAT_ERROR;
}

/* dict_surrogate_close - release a surrogate */

static void dict_surrogate_close(DICT *dict)
{
    myfree(((DICT_SURROGATE *)dict)->open_text);
    dict_free(dict);
}

/* dict_surrogate - a table that fails every operation */

DICT *dict_surrogate(const char *type, const char *name, int open_flags, int dict_flags, int error,
                     const char *fmt, ...)
{
    DICT_SURROGATE *sur;
    VSTRING *text = vstring_alloc(100);
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf_append(text, fmt, ap);
    va_end(ap);
    sur = (DICT_SURROGATE *)dict_alloc(type, name, sizeof(*sur), open_flags, dict_flags);
    sur->dict.open_failed = 1;
    sur->open_error = error;
    sur->open_text = vstring_export(text);
    sur->dict.lookup = dict_surrogate_lookup;
    sur->dict.update = dict_surrogate_update;
    sur->dict.delete = dict_surrogate_delete;
    sur->dict.sequence = dict_surrogate_sequence;
    sur->dict.close = dict_surrogate_close;
    dict_surrogate_fail(&sur->dict);
    return &sur->dict;
}

/* dict_open_ok - did the open succeed? */

int dict_open_ok(const DICT *dict)
{
    return !dict->open_failed;
}

/* dict_fail_open - a table that reports a temporary error for everything */

DICT *dict_fail_open(const char *name, int open_flags, int dict_flags)
{
    DICT *dict = dict_surrogate(DICT_TYPE_FAIL, name, open_flags, dict_flags, DICT_ERR_RETRY,
                                "%s:%s: table lookup failed", DICT_TYPE_FAIL, name);

    /* It opened as asked: only its operations fail. */
    dict->open_failed = 0;
    dict->error = DICT_ERR_NONE;
    return dict;
}
