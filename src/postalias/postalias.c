/*++
 * NAME
 *	postalias - build and query alias databases
 * SYNOPSIS
 *	postalias [-v] [-c config_dir] [type:]file ...
 *	postalias [-v] [-c config_dir] -I
 *	postalias [-v] [-c config_dir] -q name [type:]file ...
 * DESCRIPTION
 *	postalias builds an indexed alias table (hash, btree or lmdb,
 *	default default_database_type) from each source file in aliases(5)
 *	syntax: the table file.db (file.lmdb) gets one entry per alias, the
 *	lower-cased name as
 *	key and the value as written. A new table replaces the old one
 *	only when it is complete. Entries with a malformed value are
 *	skipped with a warning that names the file and line.
 *
 *	-I builds every table listed in alias_database (what newaliases
 *	and sendmail -bi do).
 *
 *	-q name looks the name up in the tables and prints the value; the
 *	exit status is 1 when no table has it.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log; exit status 0 on
 *	success, 1 when a query found nothing, a sysexits(3) value on
 *	errors.
 * SEE ALSO
 *	aliases(5), local(8), postmap(1)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

/* Utility library. */
#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "alias_parse.h"
#include "config.h"
#include "mail_params.h"
#include "mail_proxy.h"
#include "maillog.h"

static const char *postalias_default_type; /* default_database_type */

/* postalias_usage - complain about the command line */

static _Noreturn void postalias_usage(void)
{
    msg_fatal_status(EX_USAGE, "usage: postalias [-v] [-c config_dir] [-q name] [type:]file ... "
                               "| -I");
}

/* postalias_split - "type:name" or a bare name of the default type */

static void postalias_split(const char *arg, char **out_type, char **out_name)
{
    const char *colon = strchr(arg, ':');
    const char *slash = strchr(arg, '/');

    if (colon && colon > arg && (slash == NULL || slash > colon)) {
        *out_type = mystrndup(arg, (size_t)(colon - arg));
        *out_name = mystrdup(colon + 1);
    } else {
        *out_type = mystrdup(postalias_default_type);
        *out_name = mystrdup(arg);
    }
}

/* postalias_add - one logical line into the table */

static void postalias_add(DICT *dict, char *line, const char *path, int lineno, VSTRING *why)
{
    char *name, *value;
    ALIAS_LIST *list;

    if (alias_parse_line(line, &name, &value, why) < 0) {
        msg_warn("%s, line %d: %s: skipping this entry", path, lineno, vstring_str(why));
        return;
    }
    if ((list = alias_parse_value(value, why)) == NULL) {
        msg_warn("%s, line %d: alias %s: %s: skipping this entry", path, lineno, name,
                 vstring_str(why));
        return;
    }
    alias_list_free(list);
    if (dict_put(dict, name, value) == DICT_STAT_FAIL)
        msg_warn("%s, line %d: duplicate alias \"%s\"", path, lineno, name);
    if (dict->error != DICT_ERR_NONE)
        msg_fatal_status(EX_IOERR, "table %s:%s: write error: %s", dict->type, dict->name,
                         dict_reason(dict));
}

/* postalias_build - one table from its source file */

static void postalias_build(const char *arg)
{
    VSTRING *line = vstring_alloc(100), *why = vstring_alloc(100);
    int lineno = 0, first_line = 0;
    char *type, *name;
    DICT *dict;
    FILE *fp;

    postalias_split(arg, &type, &name);
    if (!dict_type_known(type))
        msg_fatal_status(EX_USAGE, "unsupported dictionary type: %s", type);
    if (dict_file_suffix(type) == NULL)
        msg_fatal_status(EX_USAGE, "cannot build an alias table of type \"%s\"", type);
    if ((fp = fopen(name, "r")) == NULL)
        msg_fatal_status(EX_NOINPUT, "open %s: %m", name);
    dict = dict_open3(type, name, O_RDWR | O_CREAT | O_TRUNC,
                      DICT_FLAG_BULK_UPDATE | DICT_FLAG_DUP_WARN);
    if (!dict_open_ok(dict))
        msg_fatal_status(EX_CANTCREAT, "%s", dict_reason(dict));
    while (readlline(line, fp, name, &lineno, &first_line))
        postalias_add(dict, vstring_str(line), name, first_line, why);
    if (ferror(fp))
        msg_fatal_status(EX_IOERR, "read %s: %m", name);
    fclose(fp);
    dict_close(dict);
    myfree(type);
    myfree(name);
    vstring_free(line);
    vstring_free(why);
}

/* postalias_query - look a name up; 0 found, 1 not found */

static int postalias_query(const char *key, char **tables, int count)
{
    char *lower = lowercase(mystrdup(key));
    int status = 1;

    for (int i = 0; i < count && status == 1; i++) {
        char *type, *name;
        DICT *dict;
        const char *value;

        postalias_split(tables[i], &type, &name);
        dict = dict_open3(type, name, O_RDONLY, DICT_FLAG_LOCK);
        if (!dict_open_ok(dict))
            msg_fatal_status(EX_NOINPUT, "%s", dict_reason(dict));
        if ((value = dict_get(dict, lower)) != NULL) {
            printf("%s\n", value);
            status = 0;
        } else if (dict->error != DICT_ERR_NONE) {
            msg_fatal_status(EX_IOERR, "table %s: lookup error: %s", tables[i], dict_reason(dict));
        }
        dict_close(dict);
        myfree(type);
        myfree(name);
    }
    myfree(lower);
    return status;
}

int main(int argc, char **argv)
{
    const char *alias_database = NULL;
    long lmdb_map_size;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_DEFAULT_DATABASE_TYPE, &postalias_default_type),
        CONFIG_BIND_SIZE(VAR_LMDB_MAP_SIZE, &lmdb_map_size),
        CONFIG_BIND_STR(VAR_ALIAS_DATABASE, &alias_database),
        CONFIG_BIND_END,
    };
    const char *config_dir = NULL, *query = NULL;
    VSTRING *why = vstring_alloc(100);
    bool database = false;
    CONFIG *config;
    int ch;

    msg_init("postalias");
    opterr = 0;
    while ((ch = getopt(argc, argv, "c:Iq:v")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'I':
            database = true;
            break;
        case 'q':
            query = optarg;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            postalias_usage();
        }
    }
    if ((database && (query || optind < argc)) || (!database && optind == argc))
        postalias_usage();
    config = config_startup(config_dir, NULL, "postalias");
    maillog_init(config, "postalias", why);
    config_bind(config, parameters);
    dict_lmdb_set_map_size((size_t)lmdb_map_size);
    mail_proxy_init(config, true);
    if (query)
        return postalias_query(query, argv + optind, argc - optind);
    if (database) {
        ARGV *tables = argv_split(alias_database, ", \t\r\n");

        for (size_t i = 0; i < tables->argc; i++)
            postalias_build(tables->argv[i]);
        argv_free(tables);
    } else {
        for (int i = optind; i < argc; i++)
            postalias_build(argv[i]);
    }
    vstring_free(why);
    return 0;
}
