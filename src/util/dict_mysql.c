/*++
 * NAME
 *	dict_mysql - MySQL and MariaDB tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_mysql_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_mysql_open() opens "mysql:/path/to/file.cf": the settings file
 *	names the servers (hosts), the login (user, password, dbname) and how
 *	a key becomes a query and the rows a result (see dict_sql(3) and
 *	mysql_table(5)).
 *
 *	The client library (MariaDB Connector/C) is loaded with dlopen()
 *	when the first mysql: table of a process is opened, so that programs
 *	that use no such table never map or relocate it.
 *
 *	Servers: hosts lists "host", "host:port", "inet:host:port" or
 *	"unix:/path/to/socket"; a new connection tries the sockets first,
 *	then the TCP servers, each group in random order (mirrored servers
 *	share the load, as with Postfix). The connection is kept for
 *	the next lookup. A server that fails (connect, TLS, login, or a
 *	query that breaks the connection or passes read_timeout) is closed
 *	and skipped for retry_interval seconds, and the lookup goes on with
 *	the next; when every server was marked as failed, all are tried
 *	again.
 *
 *	A lookup expands the query with the key, each part escaped with
 *	mysql_real_escape_string() for the connection's character set, runs
 *	it and joins every non-NULL field of every row, formatted with
 *	result_format, with commas.
 *
 *	TLS to the server: tls_CAfile, tls_CApath, tls_cert_file,
 *	tls_key_file, tls_ciphers and tls_verify_cert (verify the server's
 *	certificate and name). Any tls_* setting makes TLS required.
 * DIAGNOSTICS
 *	A settings file that cannot be read, a bad setting, or a client
 *	library that cannot be loaded give a surrogate table
 *	(DICT_ERR_CONFIG). Lookups that no server can answer, SQL errors and
 *	more results than expansion_limit fail with DICT_ERR_RETRY and a
 *	reason that names the server; they are never "not found".
 *
 *	When the build found no client library (makedefs), the type is not
 *	registered.
 *--*/

#include "dict.h"

#ifdef HAVE_MYSQL

#include <dlfcn.h>
#include <mysql.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "argv.h"
#include "dict_sql.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* The client library functions used here, found with dlsym(). */
static struct {
    MYSQL *(*init)(MYSQL *mysql);
    int (*options)(MYSQL *mysql, enum mysql_option option, const void *arg);
    MYSQL *(*real_connect)(MYSQL *mysql, const char *host, const char *user, const char *passwd,
                           const char *db, unsigned int port, const char *unix_socket,
                           unsigned long flags);
    const char *(*error)(MYSQL *mysql);
    unsigned long (*real_escape_string)(MYSQL *mysql, char *to, const char *from,
                                        unsigned long length);
    int (*real_query)(MYSQL *mysql, const char *query, unsigned long length);
    MYSQL_RES *(*store_result)(MYSQL *mysql);
    unsigned int (*num_fields)(MYSQL_RES *res);
    MYSQL_ROW (*fetch_row)(MYSQL_RES *res);
    void (*free_result)(MYSQL_RES *res);
    void (*close)(MYSQL *mysql);
    int (*set_character_set)(MYSQL *mysql, const char *charset);
    unsigned int (*field_count)(MYSQL *mysql);
    unsigned int (*errno_of)(MYSQL *mysql);
} my;

static const struct {
    const char *name; /* the library's name */
    void **slot;      /* where its address goes */
} my_symbols[] = {
    {"mysql_init", (void **)&my.init},
    {"mysql_options", (void **)&my.options},
    {"mysql_real_connect", (void **)&my.real_connect},
    {"mysql_error", (void **)&my.error},
    {"mysql_real_escape_string", (void **)&my.real_escape_string},
    {"mysql_real_query", (void **)&my.real_query},
    {"mysql_store_result", (void **)&my.store_result},
    {"mysql_num_fields", (void **)&my.num_fields},
    {"mysql_fetch_row", (void **)&my.fetch_row},
    {"mysql_free_result", (void **)&my.free_result},
    {"mysql_close", (void **)&my.close},
    {"mysql_set_character_set", (void **)&my.set_character_set},
    {"mysql_field_count", (void **)&my.field_count},
    {"mysql_errno", (void **)&my.errno_of},
};

/* One server of the hosts list. */
typedef struct {
    char *host;        /* host name or address, or NULL for a socket; owned */
    unsigned port;     /* TCP port, 0 for the default */
    char *socket;      /* UNIX socket path, or NULL; owned */
    char *label;       /* for messages; owned */
    time_t dead_until; /* skip until then after a failure */
} DICT_MYSQL_HOST;

typedef struct {
    DICT dict;              /* common part; must be first */
    DICT_SQL_QUERY sql;     /* query, result_format, domain, expansion_limit */
    DICT_MYSQL_HOST *hosts; /* the servers; owned */
    size_t host_count;      /* how many */
    const char **labels;    /* each host's entry, for dict_sql_host_order(); owned array */
    size_t *order;          /* the order of the next connection attempts; owned */
    MYSQL *conn;            /* the live connection, or NULL */
    size_t conn_host;       /* its index in hosts */
    char *user;             /* login; owned */
    char *password;         /* login; owned, wiped at close */
    char *dbname;           /* database; owned */
    char *charset;          /* connection character set; owned */
    char *tls[5];           /* CAfile, CApath, cert, key, ciphers, or NULL; owned */
    bool tls_verify;        /* tls_verify_cert */
    char *option_file;      /* option_file, or NULL; owned */
    char *option_group;     /* option_group; owned */
    unsigned timeouts[3];   /* connect, read, write seconds */
    int retry_interval;     /* seconds a failed server is skipped */
    VSTRING *query;         /* expanded query; owned */
    VSTRING *result;        /* lookup result; owned */
    VSTRING *why;           /* failure reason; owned */
} DICT_MYSQL;

/* The tls_* settings, in the order of DICT_MYSQL.tls, with their options. */
static const struct {
    const char *name;         /* setting */
    enum mysql_option option; /* client option */
} dict_mysql_tls[] = {
    {"tls_CAfile", MYSQL_OPT_SSL_CA},      {"tls_CApath", MYSQL_OPT_SSL_CAPATH},
    {"tls_cert_file", MYSQL_OPT_SSL_CERT}, {"tls_key_file", MYSQL_OPT_SSL_KEY},
    {"tls_ciphers", MYSQL_OPT_SSL_CIPHER},
};

/* dict_mysql_load - dlopen() the client library once per process; 0 or -1 */

static int dict_mysql_load(VSTRING *why)
{
    static void *handle;

    if (handle)
        return 0;
    if ((handle = dlopen(MYSQL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        vstring_sprintf(why, "cannot load the MySQL client library %s: %s", MYSQL_SONAME,
                        dlerror());
        return -1;
    }
    for (size_t i = 0; i < sizeof(my_symbols) / sizeof(my_symbols[0]); i++) {
        if ((*my_symbols[i].slot = dlsym(handle, my_symbols[i].name)) == NULL) {
            vstring_sprintf(why, "%s lacks %s", MYSQL_SONAME, my_symbols[i].name);
            dlclose(handle);
            handle = NULL;
            return -1;
        }
    }
    return 0;
}

/* dict_mysql_disconnect - drop the live connection */

static void dict_mysql_disconnect(DICT_MYSQL *dm)
{
    if (dm->conn) {
        my.close(dm->conn);
        dm->conn = NULL;
    }
}

/* dict_mysql_host_failed - close, remember the failure, say why */

static void dict_mysql_host_failed(DICT_MYSQL *dm, size_t i, const char *what, const char *detail)
{
    char *text = mystrdup(detail);

    dict_mysql_disconnect(dm);
    dm->hosts[i].dead_until = time(NULL) + dm->retry_interval;
    vstring_sprintf(dm->why, "%s: %s: %s", dm->hosts[i].label, what, trim_blanks(text));
    msg_warn("%s:%s: %s", dm->dict.type, dm->dict.name, vstring_str(dm->why));
    myfree(text);
}

/* dict_mysql_set_options - timeouts, option file and TLS of a new handle */

static void dict_mysql_set_options(DICT_MYSQL *dm, MYSQL *conn)
{
    static const enum mysql_option timeouts[] = {MYSQL_OPT_CONNECT_TIMEOUT, MYSQL_OPT_READ_TIMEOUT,
                                                 MYSQL_OPT_WRITE_TIMEOUT};
    my_bool yes = 1, verify = dm->tls_verify;
    bool tls = dm->tls_verify;

    for (size_t i = 0; i < 3; i++)
        my.options(conn, timeouts[i], &dm->timeouts[i]);
    if (dm->option_file)
        my.options(conn, MYSQL_READ_DEFAULT_FILE, dm->option_file);
    my.options(conn, MYSQL_READ_DEFAULT_GROUP, dm->option_group);
    for (size_t i = 0; i < sizeof(dict_mysql_tls) / sizeof(dict_mysql_tls[0]); i++) {
        if (dm->tls[i]) {
            my.options(conn, dict_mysql_tls[i].option, dm->tls[i]);
            tls = true;
        }
    }
    if (tls) {
        my.options(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
        my.options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
}

/* dict_mysql_connect - a live connection to host i; 0 or -1 */

static int dict_mysql_connect(DICT_MYSQL *dm, size_t i)
{
    DICT_MYSQL_HOST *host = dm->hosts + i;

    if ((dm->conn = my.init(NULL)) == NULL) {
        dict_mysql_host_failed(dm, i, "connect", "out of memory");
        return -1;
    }
    dict_mysql_set_options(dm, dm->conn);
    if (my.real_connect(dm->conn, host->host, dm->user, dm->password, dm->dbname, host->port,
                        host->socket, 0) == NULL) {
        dict_mysql_host_failed(dm, i, "connect", my.error(dm->conn));
        return -1;
    }
    if (my.set_character_set(dm->conn, dm->charset) != 0) {
        dict_mysql_host_failed(dm, i, "set character set", my.error(dm->conn));
        return -1;
    }
    dm->conn_host = i;
    return 0;
}

/* dict_mysql_quote - a key part escaped for a string literal */

static void dict_mysql_quote(VSTRING *out, const char *text, void *context)
{
    DICT_MYSQL *dm = context;
    size_t len = strlen(text);
    char *escaped = mymalloc(2 * len + 1);

    my.real_escape_string(dm->conn, escaped, text, (unsigned long)len);
    vstring_strcat(out, escaped);
    myfree(escaped);
}

/* dict_mysql_rows - every non-NULL field of every row into the result; 0 or -1 */

static int dict_mysql_rows(DICT_MYSQL *dm, MYSQL_RES *res, const char *key, int *count)
{
    unsigned fields = my.num_fields(res);
    MYSQL_ROW row;

    while ((row = my.fetch_row(res)) != NULL)
        for (unsigned i = 0; i < fields; i++)
            if (row[i] &&
                dict_sql_result_add(&dm->sql, dm->result, count, key, row[i], dm->why) < 0)
                return -1;
    return 0;
}

/* dict_mysql_try - one lookup on the live connection: 1 done, 0 server failed, -1 error */

static int dict_mysql_try(DICT_MYSQL *dm, const char *key, int *count)
{
    MYSQL_RES *res;
    int status;

    if (dict_sql_expand(dm->query, dm->sql.query, key, NULL, dict_mysql_quote, dm) !=
        DICT_SQL_EXPANDED)
        return 1; /* nothing to ask */
    if (my.real_query(dm->conn, vstring_str(dm->query), (unsigned long)VSTRING_LEN(dm->query)) !=
        0) {
        const char *error = my.error(dm->conn);
        unsigned code = my.errno_of(dm->conn);

        /* Client errors (CR_*, 2000-2999) are about the connection; others come from the SQL. */
        if (code < 2000 || code >= 3000) {
            vstring_sprintf(dm->why, "%s: query failed: %s", dm->hosts[dm->conn_host].label, error);
            return -1;
        }
        dict_mysql_host_failed(dm, dm->conn_host, "query", error);
        return 0;
    }
    if ((res = my.store_result(dm->conn)) == NULL) {
        if (my.field_count(dm->conn) == 0)
            return 1; /* a statement without a result set: nothing found */
        dict_mysql_host_failed(dm, dm->conn_host, "read result", my.error(dm->conn));
        return 0;
    }
    status = dict_mysql_rows(dm, res, key, count);
    my.free_result(res);
    return status < 0 ? -1 : 1;
}

/* dict_mysql_lookup - ask the servers in turn */

static const char *dict_mysql_lookup(DICT *dict, const char *key)
{
    DICT_MYSQL *dm = (DICT_MYSQL *)dict;
    int filter, count = 0, status = 0;

    if ((filter = dict_sql_key_ok(&dm->sql, key, dm->why)) <= 0) {
        if (filter < 0)
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dm->why));
        return NULL;
    }
    VSTRING_RESET(dm->result);
    VSTRING_RESET(dm->why);
    /* The live connection first, then the others: sockets before TCP, each in random order. */
    dict_sql_host_order(dm->labels, dm->host_count, dm->order);
    if (dm->conn)
        status = dict_mysql_try(dm, key, &count);
    for (int pass = 0, tried = 0; pass < 2 && status == 0 && tried == 0; pass++) {
        time_t now = time(NULL);

        /* Pass 1 only when every server was still marked as failed. */
        for (size_t k = 0; k < dm->host_count && status == 0; k++) {
            size_t i = dm->order[k];

            if (pass == 0 && dm->hosts[i].dead_until > now)
                continue;
            tried++;
            if (dict_mysql_connect(dm, i) == 0)
                status = dict_mysql_try(dm, key, &count);
        }
    }
    if (status <= 0) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                       VSTRING_LEN(dm->why) ? vstring_str(dm->why) : "no server answered");
        return NULL;
    }
    return count > 0 ? vstring_str(dm->result) : NULL;
}

/* dict_mysql_close - release the table */

static void dict_mysql_close(DICT *dict)
{
    DICT_MYSQL *dm = (DICT_MYSQL *)dict;

    dict_mysql_disconnect(dm);
    for (size_t i = 0; i < dm->host_count; i++) {
        if (dm->hosts[i].host)
            myfree(dm->hosts[i].host);
        if (dm->hosts[i].socket)
            myfree(dm->hosts[i].socket);
        myfree(dm->hosts[i].label);
    }
    if (dm->hosts)
        myfree(dm->hosts);
    if (dm->labels)
        myfree(dm->labels);
    if (dm->order)
        myfree(dm->order);
    if (dm->password) {
        memset(dm->password, 0, strlen(dm->password));
        myfree(dm->password);
    }
    {
        char **owned[] = {&dm->user, &dm->dbname, &dm->charset, &dm->option_file,
                          &dm->option_group};

        for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
            if (*owned[i])
                myfree(*owned[i]);
    }
    for (size_t i = 0; i < sizeof(dm->tls) / sizeof(dm->tls[0]); i++)
        if (dm->tls[i])
            myfree(dm->tls[i]);
    dict_sql_query_free(&dm->sql);
    vstring_free(dm->query);
    vstring_free(dm->result);
    vstring_free(dm->why);
    dict_free(dict);
}

/* dict_mysql_host - parse one hosts entry */

static void dict_mysql_host(DICT_MYSQL_HOST *host, const char *entry)
{
    host->label = mystrdup(entry);
    if (strncmp(entry, "unix:", 5) == 0) {
        host->socket = mystrdup(entry + 5);
        host->host = mystrdup("localhost");
    } else {
        char *copy = mystrdup(strncmp(entry, "inet:", 5) == 0 ? entry + 5 : entry);
        char *colon = strrchr(copy, ':');

        if (colon && strchr(copy, ']') < colon && alldig(colon + 1)) {
            *colon = 0;
            host->port = (unsigned)atoi(colon + 1);
        }
        if (*copy == '[' && copy[strlen(copy) - 1] == ']') {
            copy[strlen(copy) - 1] = 0;
            host->host = mystrdup(copy + 1);
        } else {
            host->host = mystrdup(copy);
        }
        myfree(copy);
    }
}

/* dict_mysql_string - an optional string setting, copied */

static char *dict_mysql_string(const DICT_SQL_CF *cf, const char *name, const char *defval)
{
    const char *value = dict_sql_cf_get(cf, name, defval);

    return value && *value ? mystrdup(value) : NULL;
}

/* dict_mysql_configure - the settings; NULL or why not */

static const char *dict_mysql_configure(DICT_MYSQL *dm, const DICT_SQL_CF *cf)
{
    ARGV *hosts = argv_split(dict_sql_cf_get(cf, "hosts", "localhost"), ", \t\r\n");
    static const char *const timeouts[] = {"connect_timeout", "read_timeout", "write_timeout"};
    const char *verify = dict_sql_cf_get(cf, "tls_verify_cert", "no");

    if (hosts->argc == 0) {
        argv_free(hosts);
        vstring_strcpy(dm->why, "hosts is empty");
        return vstring_str(dm->why);
    }
    dm->hosts = mycalloc(hosts->argc, sizeof(*dm->hosts));
    for (size_t i = 0; i < hosts->argc; i++)
        dict_mysql_host(dm->hosts + i, hosts->argv[i]);
    dm->host_count = hosts->argc;
    dm->labels = mymalloc(dm->host_count * sizeof(*dm->labels));
    dm->order = mymalloc(dm->host_count * sizeof(*dm->order));
    for (size_t i = 0; i < dm->host_count; i++)
        dm->labels[i] = dm->hosts[i].label;
    argv_free(hosts);
    dm->user = dict_mysql_string(cf, "user", NULL);
    dm->password = dict_mysql_string(cf, "password", NULL);
    dm->dbname = dict_mysql_string(cf, "dbname", NULL);
    dm->charset = mystrdup(dict_sql_cf_get(cf, "charset", "utf8mb4"));
    dm->option_file = dict_mysql_string(cf, "option_file", NULL);
    dm->option_group = mystrdup(dict_sql_cf_get(cf, "option_group", "client"));
    for (size_t i = 0; i < sizeof(dict_mysql_tls) / sizeof(dict_mysql_tls[0]); i++)
        dm->tls[i] = dict_mysql_string(cf, dict_mysql_tls[i].name, NULL);
    if (strcasecmp(verify, "yes") == 0 || strcasecmp(verify, "true") == 0)
        dm->tls_verify = true;
    else if (strcasecmp(verify, "no") != 0 && strcasecmp(verify, "false") != 0) {
        vstring_sprintf(dm->why, "bad tls_verify_cert value \"%s\": expected yes or no", verify);
        return vstring_str(dm->why);
    }
    for (size_t i = 0; i < 3; i++) {
        int value = dict_sql_cf_int(cf, timeouts[i], i == 0 ? 10 : 30, dm->why);

        if (value < 0)
            return vstring_str(dm->why);
        dm->timeouts[i] = value > 0 ? (unsigned)value : 1;
    }
    if ((dm->retry_interval = dict_sql_cf_int(cf, "retry_interval", 60, dm->why)) < 0 ||
        dict_sql_query_init(&dm->sql, cf, dm->why) < 0)
        return vstring_str(dm->why);
    return NULL;
}

/* dict_mysql_open - open "mysql:/path/to/file.cf" */

DICT *dict_mysql_open(const char *name, int open_flags, int dict_flags)
{
    DICT_MYSQL *dm = (DICT_MYSQL *)dict_alloc(DICT_TYPE_MYSQL, name, sizeof(*dm), open_flags,
                                              dict_flags | DICT_FLAG_FIXED);
    const char *problem = NULL;
    DICT_SQL_CF *cf;

    dm->query = vstring_alloc(100);
    dm->result = vstring_alloc(100);
    dm->why = vstring_alloc(100);
    dm->dict.close = dict_mysql_close;
    if (dict_mysql_load(dm->why) < 0 || (cf = dict_sql_cf_read(name, dm->why)) == NULL) {
        problem = vstring_str(dm->why);
    } else {
        problem = dict_mysql_configure(dm, cf);
        dict_sql_cf_free(cf);
    }
    if (problem) {
        DICT *sur = dict_surrogate(DICT_TYPE_MYSQL, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s:%s: %s", DICT_TYPE_MYSQL, name, problem);

        dict_mysql_close(&dm->dict);
        return sur;
    }
    dm->dict.lookup = dict_mysql_lookup;
    return &dm->dict;
}

#else

/* Keeps the translation unit non-empty without the client library. */
typedef int dict_mysql_unused;

#endif
