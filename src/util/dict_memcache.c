/*++
 * NAME
 *	dict_memcache - memcache: tables, a cache with an optional backup table
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_memcache_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_memcache_open() opens "memcache:/path/to/file.cf": the settings
 *	name a memcached server (memcache = inet:host:port or unix:/path) and,
 *	optionally, a persistent backup table (backup = type:name). The
 *	memcache text protocol is spoken directly (see memcache_proto(3)) over
 *	a connection kept for the next request (see dict_remote(3)), within
 *	the timeout setting.
 *
 *	Lookup: the key, formatted with key_format (the expansions of
 *	dict_sql(3): %s, %u, %d, ...), is asked of memcached. A miss goes to
 *	the backup table, and a value found there is stored in memcached
 *	(with ttl and flags) for the next time. When memcached fails, the
 *	failure is logged and the lookup goes to the backup table alone;
 *	without a backup table the lookup fails (DICT_ERR_RETRY). A key that
 *	memcached cannot take (white space, control characters, more than
 *	250 bytes) goes to the backup table only.
 *
 *	Update and delete go to the backup table first (its failure is the
 *	operation's), then to memcached. Sequence walks the backup table
 *	(memcached cannot list its keys); without one the table has no
 *	sequence operation (dict_seq() fails: unsupported), so that callers
 *	can tell a table that only memcached holds.
 *
 *	With the dictionary flag DICT_FLAG_DUP_IGNORE, an update stores a
 *	value only where the key has none ("add" rather than "set"): of two
 *	processes or hosts that store one key at once, exactly one wins, and
 *	the other gets DICT_STAT_FAIL (a duplicate that kept the old value).
 *
 *	A memcached that fails while the backup table answers in its place
 *	is logged once, and once more when it answers again, not at each
 *	request; without a backup table every failure is the operation's
 *	error (DICT_ERR_RETRY) for the caller to report.
 * DIAGNOSTICS
 *	A bad settings file or a backup table that cannot be opened give a
 *	surrogate table (DICT_ERR_CONFIG).
 *--*/

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "dict.h"
#include "dict_remote.h"
#include "dict_sql.h"
#include "memcache_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    DICT dict;           /* common part; must be first */
    DICT_REMOTE *remote; /* the memcached connection */
    char *endpoint;      /* for messages; owned */
    DICT *backup;        /* the persistent table, or NULL */
    char *key_format;    /* template; owned */
    int ttl;             /* seconds that stored values live */
    int flags;           /* flags stored with values */
    size_t data_limit;   /* longest value */
    VSTRING *key;        /* formatted key; owned */
    VSTRING *request;    /* request buffer; owned */
    VSTRING *result;     /* lookup result; owned */
    VSTRING *why;        /* failure reason; owned */
    bool failing;        /* a failure was logged: quiet until memcached answers */
} DICT_MEMCACHE;

/* Results of dict_memcache_ask(). */
#define DICT_MEMCACHE_FOUND  0  /* the text is in result */
#define DICT_MEMCACHE_MISS   1  /* get: no value; set/delete: not done */
#define DICT_MEMCACHE_FAILED -1 /* memcached failed: why says it */

/* dict_memcache_frame - dict_remote(3) parser of one reply */

static long dict_memcache_frame(const char *buf, size_t len, void *context, VSTRING *why)
{
    DICT_MEMCACHE *dm = context;

    return memcache_reply_frame(buf, len, dm->data_limit, why);
}

/* dict_memcache_ask - one request, its reply classified; a value goes to out */

static int dict_memcache_ask(DICT_MEMCACHE *dm, VSTRING *out)
{
    const char *reply, *text;
    size_t len, text_len;
    int status;

    if (dict_remote_request(dm->remote, vstring_str(dm->request), VSTRING_LEN(dm->request),
                            dict_memcache_frame, dm, dm->why) != DICT_REMOTE_OK)
        return DICT_MEMCACHE_FAILED;
    if (dm->failing) {
        msg_info("%s:%s: %s answers again", dm->dict.type, dm->dict.name, dm->endpoint);
        dm->failing = false;
    }
    reply = dict_remote_reply(dm->remote, &len);
    len = (size_t)memcache_reply_frame(reply, len, dm->data_limit, dm->why);
    switch (status = memcache_reply_parse(reply, len, &text, &text_len)) {
    case MEMCACHE_FOUND:
        if (out)
            vstring_memcpy(out, text, text_len);
        return DICT_MEMCACHE_FOUND;
    case MEMCACHE_MISS:
        return DICT_MEMCACHE_MISS;
    default:
        vstring_sprintf(dm->why, "%s: %s: \"%.*s\"", dm->endpoint,
                        status == MEMCACHE_ERROR ? "server error" : "malformed reply",
                        (int)(text_len < 100 ? text_len : 100), text);
        return DICT_MEMCACHE_FAILED;
    }
}

/* dict_memcache_warn - log a failure that the backup table covers, once */

static void dict_memcache_warn(DICT_MEMCACHE *dm, const char *what)
{
    if (dm->failing)
        return;
    msg_warn("%s:%s: %s: %s; using %s:%s alone until it answers again", dm->dict.type,
             dm->dict.name, what, vstring_str(dm->why), dm->backup->type, dm->backup->name);
    dm->failing = true;
}

/* dict_memcache_key - the formatted key; NULL when memcached cannot take it */

static const char *dict_memcache_key(DICT_MEMCACHE *dm, const char *key)
{
    if (dict_sql_expand(dm->key, dm->key_format, key, NULL, NULL, NULL) != DICT_SQL_EXPANDED ||
        !memcache_key_ok(vstring_str(dm->key)))
        return NULL;
    return vstring_str(dm->key);
}

/* dict_memcache_store - set (or add) key to value in memcached */

static int dict_memcache_store(DICT_MEMCACHE *dm, const char *mkey, const char *value, bool add)
{
    size_t len = strlen(value);

    vstring_sprintf(dm->request, "%s %s %d %d %zu\r\n", add ? "add" : "set", mkey, dm->flags,
                    dm->ttl, len);
    vstring_memcat(dm->request, value, len);
    vstring_strcat(dm->request, "\r\n");
    return dict_memcache_ask(dm, NULL);
}

/* dict_memcache_backup_get - the backup table's answer, cached on the way */

static const char *dict_memcache_backup_get(DICT_MEMCACHE *dm, const char *key, const char *mkey)
{
    const char *value = dict_get(dm->backup, key);

    if (value == NULL) {
        if (dm->backup->error != DICT_ERR_NONE)
            dict_set_error(&dm->dict, dm->backup->error, "%s:%s: %s", dm->dict.type, dm->dict.name,
                           dict_reason(dm->backup));
        return NULL;
    }
    vstring_strcpy(dm->result, value);
    if (mkey && strlen(value) <= dm->data_limit &&
        dict_memcache_store(dm, mkey, vstring_str(dm->result), false) == DICT_MEMCACHE_FAILED)
        dict_memcache_warn(dm, "cannot store a value of the backup table");
    return vstring_str(dm->result);
}

/* dict_memcache_lookup - the cache, then the backup table */

static const char *dict_memcache_lookup(DICT *dict, const char *key)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict;
    const char *mkey = dict_memcache_key(dm, key);
    int status = DICT_MEMCACHE_MISS;

    if (mkey) {
        vstring_sprintf(dm->request, "get %s\r\n", mkey);
        if ((status = dict_memcache_ask(dm, dm->result)) == DICT_MEMCACHE_FOUND)
            return vstring_str(dm->result);
    }
    if (status == DICT_MEMCACHE_FAILED) {
        if (dm->backup == NULL) {
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dm->why));
            return NULL;
        }
        dict_memcache_warn(dm, "lookup");
        mkey = NULL; /* do not store into a failing server */
    }
    return dm->backup ? dict_memcache_backup_get(dm, key, mkey) : NULL;
}

/* dict_memcache_update - the backup table, then the cache */

static int dict_memcache_update(DICT *dict, const char *key, const char *value)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict;
    const char *mkey;
    int status = DICT_STAT_SUCCESS;

    if (dm->backup && (status = dict_put(dm->backup, key, value)) == DICT_STAT_ERROR) {
        dict_set_error(dict, dm->backup->error, "%s:%s: %s", dict->type, dict->name,
                       dict_reason(dm->backup));
        return status;
    }
    if (status == DICT_STAT_FAIL || (mkey = dict_memcache_key(dm, key)) == NULL)
        return status; /* a duplicate kept the old value, or no key for memcached */
    switch (dict_memcache_store(dm, mkey, value, (dict->flags & DICT_FLAG_DUP_IGNORE) != 0)) {
    case DICT_MEMCACHE_FAILED:
        if (dm->backup == NULL) {
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dm->why));
            return DICT_STAT_ERROR;
        }
        dict_memcache_warn(dm, "update");
        return status;
    case DICT_MEMCACHE_MISS:
        return DICT_STAT_FAIL; /* add: the key has a value already */
    default:
        return status;
    }
}

/* dict_memcache_delete - the backup table, then the cache */

static int dict_memcache_delete(DICT *dict, const char *key)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict;
    const char *mkey;
    int status = DICT_STAT_FAIL, cached;

    if (dm->backup && (status = dict_del(dm->backup, key)) == DICT_STAT_ERROR) {
        dict_set_error(dict, dm->backup->error, "%s:%s: %s", dict->type, dict->name,
                       dict_reason(dm->backup));
        return status;
    }
    if ((mkey = dict_memcache_key(dm, key)) == NULL)
        return status;
    vstring_sprintf(dm->request, "delete %s\r\n", mkey);
    if ((cached = dict_memcache_ask(dm, NULL)) == DICT_MEMCACHE_FAILED) {
        if (dm->backup == NULL) {
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dm->why));
            return DICT_STAT_ERROR;
        }
        dict_memcache_warn(dm, "delete");
    }
    return cached == DICT_MEMCACHE_FOUND ? DICT_STAT_SUCCESS : status;
}

/* dict_memcache_sequence - walk the backup table; memcached cannot list its keys */

static int dict_memcache_sequence(DICT *dict, int func, const char **out_key,
                                  const char **out_value)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict;
    int status;

    if ((status = dict_seq(dm->backup, func, out_key, out_value)) == DICT_STAT_ERROR)
        dict_set_error(dict, dm->backup->error, "%s:%s: %s", dict->type, dict->name,
                       dict_reason(dm->backup));
    return status;
}

/* dict_memcache_close - release the table */

static void dict_memcache_close(DICT *dict)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict;

    if (dm->remote)
        dict_remote_free(dm->remote);
    if (dm->backup)
        dict_close(dm->backup);
    if (dm->endpoint)
        myfree(dm->endpoint);
    if (dm->key_format)
        myfree(dm->key_format);
    vstring_free(dm->key);
    vstring_free(dm->request);
    vstring_free(dm->result);
    vstring_free(dm->why);
    dict_free(dict);
}

/* dict_memcache_configure - the settings; NULL or why not */

static const char *dict_memcache_configure(DICT_MEMCACHE *dm, const DICT_SQL_CF *cf, int open_flags,
                                           int dict_flags)
{
    const char *backup = dict_sql_cf_get(cf, "backup", "");
    int timeout, limit;

    dm->endpoint = mystrdup(dict_sql_cf_get(cf, "memcache", "inet:localhost:11211"));
    dm->key_format = mystrdup(dict_sql_cf_get(cf, "key_format", "%s"));
    if ((dm->ttl = dict_sql_cf_int(cf, "ttl", 3600, dm->why)) < 0 ||
        (dm->flags = dict_sql_cf_int(cf, "flags", 0, dm->why)) < 0 ||
        (limit = dict_sql_cf_int(cf, "data_size_limit", 10240, dm->why)) < 0 ||
        (timeout = dict_sql_cf_int(cf, "timeout", 2, dm->why)) < 0 ||
        dict_sql_cf_int(cf, "line_size_limit", 1024, dm->why) < 0 ||
        dict_sql_template_ok(dm->key_format, 1, dm->why) < 0)
        return vstring_str(dm->why);
    dm->data_limit = (size_t)limit;
    dm->remote = dict_remote_alloc(dm->endpoint, (size_t)limit + 1100);
    dict_remote_limit(dm->remote, (timeout > 0 ? timeout : 2) * 1000);
    if (*backup) {
        dm->backup = dict_open(backup, open_flags, dict_flags);
        if (!dict_open_ok(dm->backup)) {
            vstring_sprintf(dm->why, "backup table %s: %s", backup, dict_reason(dm->backup));
            return vstring_str(dm->why);
        }
    }
    return NULL;
}

/* dict_memcache_open - open "memcache:/path/to/file.cf" */

DICT *dict_memcache_open(const char *name, int open_flags, int dict_flags)
{
    DICT_MEMCACHE *dm = (DICT_MEMCACHE *)dict_alloc(DICT_TYPE_MEMCACHE, name, sizeof(*dm),
                                                    open_flags, dict_flags | DICT_FLAG_FIXED);
    const char *problem;
    DICT_SQL_CF *cf;

    dm->key = vstring_alloc(100);
    dm->request = vstring_alloc(100);
    dm->result = vstring_alloc(100);
    dm->why = vstring_alloc(100);
    dm->dict.close = dict_memcache_close;
    if ((cf = dict_sql_cf_read(name, dm->why)) == NULL) {
        problem = vstring_str(dm->why);
    } else {
        problem = dict_memcache_configure(dm, cf, open_flags, dict_flags);
        dict_sql_cf_free(cf);
    }
    if (problem) {
        DICT *sur = dict_surrogate(DICT_TYPE_MEMCACHE, name, open_flags, dict_flags,
                                   DICT_ERR_CONFIG, "%s:%s: %s", DICT_TYPE_MEMCACHE, name, problem);

        dict_memcache_close(&dm->dict);
        return sur;
    }
    dm->dict.lookup = dict_memcache_lookup;
    dm->dict.update = dict_memcache_update;
    dm->dict.delete = dict_memcache_delete;
    /* Without a backup table there is nothing to walk (tls_cachedb(3) counts on that). */
    if (dm->backup)
        dm->dict.sequence = dict_memcache_sequence;
    return &dm->dict;
}
