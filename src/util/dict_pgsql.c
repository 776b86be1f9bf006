/*++
 * NAME
 *	dict_pgsql - PostgreSQL tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_pgsql_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_pgsql_open() opens "pgsql:/path/to/file.cf": the settings file
 *	names the servers (hosts), the login (user, password, dbname) and how
 *	a key becomes a query and the rows a result (see dict_sql(3) and
 *	pgsql_table(5)).
 *
 *	The client library, libpq, is loaded with dlopen() when the first
 *	pgsql: table of a process is opened, so that programs that use no
 *	such table never map or relocate it.
 *
 *	Servers: hosts lists "host", "host:port", "inet:host:port",
 *	"unix:/socket/directory" (port 5432), "unix:/dir/.s.PGSQL.port" (the
 *	socket itself) or a "postgresql://" URI; a new connection tries the
 *	sockets first, then the others, each group in random order (mirrored
 *	servers share the load, as with Postfix).
 *	The connection is kept for the next lookup. A server that fails
 *	(connect, TLS, authentication, a query that breaks the connection
 *	or takes longer than query_timeout) is closed and skipped for
 *	retry_interval seconds, and the lookup goes on with the next; when
 *	every server has failed, all are tried again.
 *
 *	A lookup expands the query with the key, each part escaped with
 *	PQescapeStringConn() for the connection's encoding, runs it and
 *	joins every non-NULL field of every row, formatted with
 *	result_format, with commas.
 *
 *	TLS to the server: sslmode (disable, prefer, require, verify-ca,
 *	verify-full), sslrootcert, sslcert and sslkey, as libpq knows them.
 * DIAGNOSTICS
 *	A settings file that cannot be read, a bad setting, or libpq that
 *	cannot be loaded give a surrogate table (DICT_ERR_CONFIG). Lookups
 *	that no server can answer, SQL errors, and more results than
 *	expansion_limit fail with DICT_ERR_RETRY and a reason that names the
 *	server; they are never "not found".
 *
 *	When the build found no libpq (makedefs), the type is not
 *	registered.
 *--*/

#include "dict.h"

#ifdef HAVE_PGSQL

#include <dlfcn.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv.h"
#include "dict_sql.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "timed_io.h"
#include "vstring.h"

/* The libpq functions used here, found with dlsym(). */
static struct {
    PGconn *(*connectdb)(const char *conninfo);
    ConnStatusType (*status)(const PGconn *conn);
    char *(*error_message)(const PGconn *conn);
    void (*finish)(PGconn *conn);
    int (*socket)(const PGconn *conn);
    int (*send_query)(PGconn *conn, const char *query);
    int (*consume_input)(PGconn *conn);
    int (*is_busy)(PGconn *conn);
    PGresult *(*get_result)(PGconn *conn);
    ExecStatusType (*result_status)(const PGresult *res);
    char *(*result_error_message)(const PGresult *res);
    int (*ntuples)(const PGresult *res);
    int (*nfields)(const PGresult *res);
    char *(*getvalue)(const PGresult *res, int row, int field);
    int (*getisnull)(const PGresult *res, int row, int field);
    void (*clear)(PGresult *res);
    size_t (*escape_string_conn)(PGconn *conn, char *to, const char *from, size_t length,
                                 int *error);
    int (*set_client_encoding)(PGconn *conn, const char *encoding);
} pq;

static const struct {
    const char *name; /* libpq's name */
    void **slot;      /* where its address goes */
} pq_symbols[] = {
    {"PQconnectdb", (void **)&pq.connectdb},
    {"PQstatus", (void **)&pq.status},
    {"PQerrorMessage", (void **)&pq.error_message},
    {"PQfinish", (void **)&pq.finish},
    {"PQsocket", (void **)&pq.socket},
    {"PQsendQuery", (void **)&pq.send_query},
    {"PQconsumeInput", (void **)&pq.consume_input},
    {"PQisBusy", (void **)&pq.is_busy},
    {"PQgetResult", (void **)&pq.get_result},
    {"PQresultStatus", (void **)&pq.result_status},
    {"PQresultErrorMessage", (void **)&pq.result_error_message},
    {"PQntuples", (void **)&pq.ntuples},
    {"PQnfields", (void **)&pq.nfields},
    {"PQgetvalue", (void **)&pq.getvalue},
    {"PQgetisnull", (void **)&pq.getisnull},
    {"PQclear", (void **)&pq.clear},
    {"PQescapeStringConn", (void **)&pq.escape_string_conn},
    {"PQsetClientEncoding", (void **)&pq.set_client_encoding},
};

/* One server of the hosts list. */
typedef struct {
    char *conninfo;    /* libpq connection string; owned */
    char *label;       /* for messages; owned */
    time_t dead_until; /* skip until then after a failure */
} DICT_PGSQL_HOST;

typedef struct {
    DICT dict;              /* common part; must be first */
    DICT_SQL_QUERY sql;     /* query, result_format, domain, expansion_limit */
    DICT_PGSQL_HOST *hosts; /* the servers; owned */
    size_t host_count;      /* how many */
    const char **labels;    /* each host's entry, for dict_sql_host_order(); owned array */
    size_t *order;          /* the order of the next connection attempts; owned */
    PGconn *conn;           /* the live connection, or NULL */
    size_t conn_host;       /* its index in hosts */
    char *encoding;         /* client encoding; owned */
    int query_timeout;      /* seconds for one query */
    int retry_interval;     /* seconds a failed server is skipped */
    VSTRING *query;         /* expanded query; owned */
    VSTRING *result;        /* lookup result; owned */
    VSTRING *why;           /* failure reason; owned */
} DICT_PGSQL;

/* dict_pgsql_load - dlopen() libpq once per process; 0 or -1 with why */

static int dict_pgsql_load(VSTRING *why)
{
    static void *handle;

    if (handle)
        return 0;
    if ((handle = dlopen(PGSQL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        vstring_sprintf(why, "cannot load the PostgreSQL client library %s: %s", PGSQL_SONAME,
                        dlerror());
        return -1;
    }
    for (size_t i = 0; i < sizeof(pq_symbols) / sizeof(pq_symbols[0]); i++) {
        if ((*pq_symbols[i].slot = dlsym(handle, pq_symbols[i].name)) == NULL) {
            vstring_sprintf(why, "%s lacks %s", PGSQL_SONAME, pq_symbols[i].name);
            dlclose(handle);
            handle = NULL;
            return -1;
        }
    }
    return 0;
}

/* dict_pgsql_param - append keyword='value' to a connection string */

static void dict_pgsql_param(VSTRING *buf, const char *keyword, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    vstring_sprintf_append(buf, "%s%s='", VSTRING_LEN(buf) ? " " : "", keyword);
    for (; *value; value++) {
        if (*value == '\'' || *value == '\\')
            vstring_addch(buf, '\\');
        vstring_addch(buf, *value);
    }
    vstring_addch(buf, '\'');
}

/* dict_pgsql_host - the connection string of one hosts entry */

static char *dict_pgsql_host(const char *entry, const DICT_SQL_CF *cf)
{
    static const char *const passed[] = {"user",        "password", "dbname", "sslmode",
                                         "sslrootcert", "sslcert",  "sslkey"};
    VSTRING *buf = vstring_alloc(100);
    char *copy = NULL;

    if (strncmp(entry, "postgresql://", 13) == 0 || strncmp(entry, "postgres://", 11) == 0) {
        dict_pgsql_param(buf, "dbname", entry); /* a URI is accepted where dbname is */
    } else if (strncmp(entry, "unix:", 5) == 0) {
        const char *path = entry + 5, *base = strrchr(path, '/');

        /* The socket itself names its directory and the server's port. */
        if (base && strncmp(base + 1, ".s.PGSQL.", 9) == 0 && alldig(base + 10)) {
            copy = mystrndup(path, (size_t)(base - path));
            dict_pgsql_param(buf, "host", *copy ? copy : "/");
            dict_pgsql_param(buf, "port", base + 10);
        } else {
            dict_pgsql_param(buf, "host", path);
        }
    } else {
        const char *host = strncmp(entry, "inet:", 5) == 0 ? entry + 5 : entry;
        char *colon;

        copy = mystrdup(host);
        if ((colon = strrchr(copy, ':')) != NULL && strchr(copy, ']') < colon) {
            *colon = 0;
            dict_pgsql_param(buf, "port", colon + 1);
        }
        if (*copy == '[' && copy[strlen(copy) - 1] == ']') {
            copy[strlen(copy) - 1] = 0;
            dict_pgsql_param(buf, "host", copy + 1);
        } else {
            dict_pgsql_param(buf, "host", copy);
        }
    }
    for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
        if (strncmp(entry, "postgres", 8) != 0 || strcmp(passed[i], "dbname") != 0)
            dict_pgsql_param(buf, passed[i], dict_sql_cf_get(cf, passed[i], NULL));
    dict_pgsql_param(buf, "connect_timeout", dict_sql_cf_get(cf, "connect_timeout", "10"));
    if (copy)
        myfree(copy);
    return vstring_export(buf);
}

/* dict_pgsql_disconnect - drop the live connection */

static void dict_pgsql_disconnect(DICT_PGSQL *dp)
{
    if (dp->conn) {
        pq.finish(dp->conn);
        dp->conn = NULL;
    }
}

/* dict_pgsql_host_failed - close, remember the failure, say why */

static void dict_pgsql_host_failed(DICT_PGSQL *dp, size_t i, const char *what, const char *detail)
{
    char *text = mystrdup(detail);

    for (char *cp = text; *cp; cp++)
        if (*cp == '\n' || *cp == '\t')
            *cp = ' ';
    dict_pgsql_disconnect(dp);
    dp->hosts[i].dead_until = time(NULL) + dp->retry_interval;
    vstring_sprintf(dp->why, "%s: %s: %s", dp->hosts[i].label, what, trim_blanks(text));
    msg_warn("%s:%s: %s", dp->dict.type, dp->dict.name, vstring_str(dp->why));
    myfree(text);
}

/* dict_pgsql_connect - a live connection to host i; 0 or -1 */

static int dict_pgsql_connect(DICT_PGSQL *dp, size_t i)
{
    dp->conn = pq.connectdb(dp->hosts[i].conninfo);
    if (dp->conn == NULL || pq.status(dp->conn) != CONNECTION_OK) {
        dict_pgsql_host_failed(dp, i, "connect",
                               dp->conn ? pq.error_message(dp->conn) : "out of memory");
        return -1;
    }
    if (pq.set_client_encoding(dp->conn, dp->encoding) != 0) {
        dict_pgsql_host_failed(dp, i, "set client encoding", pq.error_message(dp->conn));
        return -1;
    }
    dp->conn_host = i;
    return 0;
}

/* dict_pgsql_quote - a key part escaped for a string literal */

static void dict_pgsql_quote(VSTRING *out, const char *text, void *context)
{
    DICT_PGSQL *dp = context;
    size_t len = strlen(text);
    char *escaped = mymalloc(2 * len + 1);
    int error = 0;

    pq.escape_string_conn(dp->conn, escaped, text, len, &error);
    /* An invalid multibyte sequence: send something that matches nothing. */
    vstring_strcat(out, error ? "\001invalid key\001" : escaped);
    myfree(escaped);
}

/* dict_pgsql_wait - run the sent query to its result within the time limit */

static PGresult *dict_pgsql_wait(DICT_PGSQL *dp, const char **out_problem)
{
    int64_t deadline = monotonic_ms() + (int64_t)dp->query_timeout * 1000;
    PGresult *res, *last = NULL;

    for (;;) {
        while (!pq.is_busy(dp->conn)) {
            if ((res = pq.get_result(dp->conn)) == NULL)
                return last;
            if (last)
                pq.clear(last);
            last = res;
        }
        int64_t left = deadline - monotonic_ms();

        if (left <= 0 || poll_fd(pq.socket(dp->conn), POLLIN, (int)left) <= 0) {
            *out_problem = "timed out waiting for the query result";
            break;
        }
        if (!pq.consume_input(dp->conn)) {
            *out_problem = pq.error_message(dp->conn);
            break;
        }
    }
    if (last)
        pq.clear(last);
    return NULL;
}

/* dict_pgsql_rows - every non-NULL field of every row into the result; 0 or -1 */

static int dict_pgsql_rows(DICT_PGSQL *dp, PGresult *res, const char *key, int *count)
{
    for (int row = 0; row < pq.ntuples(res); row++)
        for (int field = 0; field < pq.nfields(res); field++)
            if (!pq.getisnull(res, row, field) &&
                dict_sql_result_add(&dp->sql, dp->result, count, key, pq.getvalue(res, row, field),
                                    dp->why) < 0)
                return -1;
    return 0;
}

/* dict_pgsql_try - one lookup on the live connection: 1 done, 0 server failed, -1 error */

static int dict_pgsql_try(DICT_PGSQL *dp, const char *key, int *count)
{
    const char *problem = NULL;
    PGresult *res;
    int status;

    if (dict_sql_expand(dp->query, dp->sql.query, key, NULL, dict_pgsql_quote, dp) !=
        DICT_SQL_EXPANDED)
        return 1; /* nothing to ask */
    if (!pq.send_query(dp->conn, vstring_str(dp->query))) {
        dict_pgsql_host_failed(dp, dp->conn_host, "send query", pq.error_message(dp->conn));
        return 0;
    }
    if ((res = dict_pgsql_wait(dp, &problem)) == NULL) {
        dict_pgsql_host_failed(dp, dp->conn_host, "query",
                               problem ? problem : pq.error_message(dp->conn));
        return 0;
    }
    if (pq.result_status(res) != PGRES_TUPLES_OK) {
        /* The server answered: an SQL error, not a server failure. */
        vstring_sprintf(dp->why, "%s: query failed: %s", dp->hosts[dp->conn_host].label,
                        pq.result_error_message(res));
        pq.clear(res);
        if (pq.status(dp->conn) != CONNECTION_OK)
            dict_pgsql_disconnect(dp);
        return -1;
    }
    status = dict_pgsql_rows(dp, res, key, count);
    pq.clear(res);
    return status < 0 ? -1 : 1;
}

/* dict_pgsql_lookup - ask the servers in turn */

static const char *dict_pgsql_lookup(DICT *dict, const char *key)
{
    DICT_PGSQL *dp = (DICT_PGSQL *)dict;
    int filter, count = 0, status = 0;

    if ((filter = dict_sql_key_ok(&dp->sql, key, dp->why)) <= 0) {
        if (filter < 0)
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dp->why));
        return NULL;
    }
    VSTRING_RESET(dp->result);
    VSTRING_RESET(dp->why);
    /* The live connection first, then the others: sockets before TCP, each in random order. */
    dict_sql_host_order(dp->labels, dp->host_count, dp->order);
    if (dp->conn)
        status = dict_pgsql_try(dp, key, &count);
    for (int pass = 0, tried = 0; pass < 2 && status == 0 && tried == 0; pass++) {
        time_t now = time(NULL);

        /* Pass 1 only when every server was still marked as failed. */
        for (size_t k = 0; k < dp->host_count && status == 0; k++) {
            size_t i = dp->order[k];

            if (pass == 0 && dp->hosts[i].dead_until > now)
                continue;
            tried++;
            if (dict_pgsql_connect(dp, i) == 0)
                status = dict_pgsql_try(dp, key, &count);
        }
    }
    if (status <= 0) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                       VSTRING_LEN(dp->why) ? vstring_str(dp->why) : "no server answered");
        return NULL;
    }
    return count > 0 ? vstring_str(dp->result) : NULL;
}

/* dict_pgsql_close - release the table */

static void dict_pgsql_close(DICT *dict)
{
    DICT_PGSQL *dp = (DICT_PGSQL *)dict;

    dict_pgsql_disconnect(dp);
    for (size_t i = 0; i < dp->host_count; i++) {
        myfree(dp->hosts[i].conninfo);
        myfree(dp->hosts[i].label);
    }
    if (dp->hosts)
        myfree(dp->hosts);
    if (dp->labels)
        myfree(dp->labels);
    if (dp->order)
        myfree(dp->order);
    if (dp->encoding)
        myfree(dp->encoding);
    dict_sql_query_free(&dp->sql);
    vstring_free(dp->query);
    vstring_free(dp->result);
    vstring_free(dp->why);
    dict_free(dict);
}

/* dict_pgsql_configure - the settings; NULL or why not */

static const char *dict_pgsql_configure(DICT_PGSQL *dp, const DICT_SQL_CF *cf)
{
    ARGV *hosts = argv_split(dict_sql_cf_get(cf, "hosts", "localhost"), ", \t\r\n");

    if (hosts->argc == 0) {
        argv_free(hosts);
        vstring_strcpy(dp->why, "hosts is empty");
        return vstring_str(dp->why);
    }
    dp->hosts = mycalloc(hosts->argc, sizeof(*dp->hosts));
    for (size_t i = 0; i < hosts->argc; i++) {
        dp->hosts[i].conninfo = dict_pgsql_host(hosts->argv[i], cf);
        dp->hosts[i].label = mystrdup(hosts->argv[i]);
    }
    dp->host_count = hosts->argc;
    dp->labels = mymalloc(dp->host_count * sizeof(*dp->labels));
    dp->order = mymalloc(dp->host_count * sizeof(*dp->order));
    for (size_t i = 0; i < dp->host_count; i++)
        dp->labels[i] = dp->hosts[i].label;
    argv_free(hosts);
    dp->encoding = mystrdup(dict_sql_cf_get(cf, "encoding", "UTF8"));
    if ((dp->query_timeout = dict_sql_cf_int(cf, "query_timeout", 30, dp->why)) < 0 ||
        (dp->retry_interval = dict_sql_cf_int(cf, "retry_interval", 60, dp->why)) < 0 ||
        dict_sql_cf_int(cf, "connect_timeout", 10, dp->why) < 0 ||
        dict_sql_query_init(&dp->sql, cf, dp->why) < 0)
        return vstring_str(dp->why);
    if (dp->query_timeout == 0)
        dp->query_timeout = 30;
    return NULL;
}

/* dict_pgsql_open - open "pgsql:/path/to/file.cf" */

DICT *dict_pgsql_open(const char *name, int open_flags, int dict_flags)
{
    DICT_PGSQL *dp = (DICT_PGSQL *)dict_alloc(DICT_TYPE_PGSQL, name, sizeof(*dp), open_flags,
                                              dict_flags | DICT_FLAG_FIXED);
    const char *problem = NULL;
    DICT_SQL_CF *cf;

    dp->query = vstring_alloc(100);
    dp->result = vstring_alloc(100);
    dp->why = vstring_alloc(100);
    dp->dict.close = dict_pgsql_close;
    if (dict_pgsql_load(dp->why) < 0 || (cf = dict_sql_cf_read(name, dp->why)) == NULL) {
        problem = vstring_str(dp->why);
    } else {
        problem = dict_pgsql_configure(dp, cf);
        dict_sql_cf_free(cf);
    }
    if (problem) {
        DICT *sur = dict_surrogate(DICT_TYPE_PGSQL, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s:%s: %s", DICT_TYPE_PGSQL, name, problem);

        dict_pgsql_close(&dp->dict);
        return sur;
    }
    dp->dict.lookup = dict_pgsql_lookup;
    return &dp->dict;
}

#else

/* Keeps the translation unit non-empty without libpq. */
typedef int dict_pgsql_unused;

#endif
