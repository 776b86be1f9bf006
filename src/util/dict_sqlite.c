/*++
 * NAME
 *	dict_sqlite - SQLite tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_sqlite_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_sqlite_open() opens "sqlite:/path/to/file.cf": the settings
 *	file names the database (dbpath) and how a key becomes a query and
 *	the rows a result (see dict_sql(3) and sqlite_table(5)). The
 *	database is opened read-only when the table is opened, and stays
 *	open.
 *
 *	A lookup expands the query with the key, each part quoted as an
 *	SQLite string literal (sqlite3_mprintf("%q")), so that no key can
 *	change the statement; runs it; and joins every column of every row,
 *	each formatted with result_format, with commas. No row is "not
 *	found"; so is a key that the domain filter or the query template
 *	excludes. A NULL column is skipped.
 *
 *	Keys are lower-cased with DICT_FLAG_FOLD_FIX, and searches send the
 *	table partial keys (parent domains, "@domain") as they do hash:
 *	tables. Only lookups are supported.
 * DIAGNOSTICS
 *	A settings file that cannot be read or has a bad setting, and a
 *	database that cannot be opened, give a surrogate table
 *	(DICT_ERR_CONFIG) whose reason names the file. A query that fails
 *	(a locked or damaged database, an SQL error) or more results than
 *	expansion_limit make the lookup fail with DICT_ERR_RETRY and
 *	SQLite's message.
 *
 *	When the build found no SQLite library (makedefs), the type is not
 *	registered.
 *--*/

#include "dict.h"

#ifdef HAVE_SQLITE

#include <sqlite3.h>
#include <string.h>

#include "dict_sql.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    DICT dict;          /* common part; must be first */
    sqlite3 *db;        /* the open database */
    DICT_SQL_QUERY sql; /* query, result_format, domain, expansion_limit */
    VSTRING *query;     /* expanded query; owned */
    VSTRING *result;    /* lookup result; owned */
    VSTRING *why;       /* failure reason; owned */
} DICT_SQLITE;

#define DICT_SQLITE_BUSY_MS 3000 /* wait this long for a writer's lock */

/* dict_sqlite_quote - a key part as the inside of an SQLite string literal */

static void dict_sqlite_quote(VSTRING *out, const char *text, void *unused_context)
{
    char *quoted = sqlite3_mprintf("%q", text);

    (void)unused_context;
    vstring_strcat(out, quoted);
    sqlite3_free(quoted);
}

/* dict_sqlite_fail - a failed lookup: a temporary error */

static const char *dict_sqlite_fail(DICT_SQLITE *ds, const char *what)
{
    dict_set_error(&ds->dict, DICT_ERR_RETRY, "%s:%s: %s: %s", ds->dict.type, ds->dict.name, what,
                   sqlite3_errmsg(ds->db));
    return NULL;
}

/* dict_sqlite_lookup - run the query for a key */

static const char *dict_sqlite_lookup(DICT *dict, const char *key)
{
    DICT_SQLITE *ds = (DICT_SQLITE *)dict;
    sqlite3_stmt *stmt;
    int status, count = 0, filter;

    if ((filter = dict_sql_key_ok(&ds->sql, key, ds->why)) <= 0) {
        if (filter < 0)
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(ds->why));
        return NULL;
    }
    if (dict_sql_expand(ds->query, ds->sql.query, key, NULL, dict_sqlite_quote, NULL) !=
        DICT_SQL_EXPANDED)
        return NULL;
    if (sqlite3_prepare_v2(ds->db, vstring_str(ds->query), -1, &stmt, NULL) != SQLITE_OK)
        return dict_sqlite_fail(ds, "query preparation failed");
    VSTRING_RESET(ds->result);
    while ((status = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int col = 0; col < sqlite3_column_count(stmt); col++) {
            const unsigned char *value = sqlite3_column_text(stmt, col);

            if (value == NULL)
                continue;
            if (dict_sql_result_add(&ds->sql, ds->result, &count, key, (const char *)value,
                                    ds->why) < 0) {
                sqlite3_finalize(stmt);
                dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                               vstring_str(ds->why));
                return NULL;
            }
        }
    }
    if (status != SQLITE_DONE) {
        dict_sqlite_fail(ds, "query failed");
        sqlite3_finalize(stmt);
        return NULL;
    }
    sqlite3_finalize(stmt);
    return count > 0 ? vstring_str(ds->result) : NULL;
}

/* dict_sqlite_close - release the table */

static void dict_sqlite_close(DICT *dict)
{
    DICT_SQLITE *ds = (DICT_SQLITE *)dict;

    if (ds->db)
        sqlite3_close(ds->db);
    dict_sql_query_free(&ds->sql);
    vstring_free(ds->query);
    vstring_free(ds->result);
    vstring_free(ds->why);
    dict_free(dict);
}

/* dict_sqlite_connect - open the database read-only; NULL or why not */

static const char *dict_sqlite_connect(DICT_SQLITE *ds, const char *dbpath)
{
    if (sqlite3_open_v2(dbpath, &ds->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        vstring_sprintf(ds->why, "open database %s: %s", dbpath,
                        ds->db ? sqlite3_errmsg(ds->db) : "out of memory");
        return vstring_str(ds->why);
    }
    sqlite3_busy_timeout(ds->db, DICT_SQLITE_BUSY_MS);
    return NULL;
}

/* dict_sqlite_open - open "sqlite:/path/to/file.cf" */

DICT *dict_sqlite_open(const char *name, int open_flags, int dict_flags)
{
    DICT_SQLITE *ds;
    DICT_SQL_CF *cf;
    const char *dbpath;
    const char *problem = NULL;

    ds = (DICT_SQLITE *)dict_alloc(DICT_TYPE_SQLITE, name, sizeof(*ds), open_flags,
                                   dict_flags | DICT_FLAG_FIXED);
    ds->query = vstring_alloc(100);
    ds->result = vstring_alloc(100);
    ds->why = vstring_alloc(100);
    ds->dict.close = dict_sqlite_close;
    if ((cf = dict_sql_cf_read(name, ds->why)) == NULL) {
        problem = vstring_str(ds->why);
    } else {
        if ((dbpath = dict_sql_cf_get(cf, "dbpath", NULL)) == NULL) {
            vstring_sprintf(ds->why, "%s: dbpath is not set", name);
            problem = vstring_str(ds->why);
        } else if (dict_sql_query_init(&ds->sql, cf, ds->why) < 0 ||
                   (problem = dict_sqlite_connect(ds, dbpath)) != NULL) {
            problem = vstring_str(ds->why);
        }
        dict_sql_cf_free(cf);
    }
    if (problem) {
        DICT *sur = dict_surrogate(DICT_TYPE_SQLITE, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s:%s: %s", DICT_TYPE_SQLITE, name, problem);

        dict_sqlite_close(&ds->dict);
        return sur;
    }
    ds->dict.lookup = dict_sqlite_lookup;
    return &ds->dict;
}

#else

/* Keeps the translation unit non-empty without SQLite. */
typedef int dict_sqlite_unused;

#endif
