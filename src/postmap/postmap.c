/*++
 * NAME
 *	postmap - build, query and update lookup tables
 * SYNOPSIS
 *	postmap [-FfiNnoprsuUvw] [-c config_dir] [-d key] [-q key]
 *		[type:]file ...
 * DESCRIPTION
 *	Without -q, -d or -s, postmap builds file.db (file.lmdb for an
 *	lmdb table) from the text file
 *	file (postmap input format: "key whitespace value" logical lines,
 *	comments, continuation lines). The new table is written to a
 *	temporary file in the same directory under an exclusive lock,
 *	flushed to disk and renamed over file.db, so that readers see the
 *	old table or the new one, never a part. Only hash, btree and lmdb
 *	tables can be built; every type can be queried, and -i adds to any
 *	type that can be updated (memcache).
 *
 *	-q key prints the value of key (the first table that has it wins);
 *	"-q -" reads keys from standard input and prints "key<TAB>value"
 *	for each key found. -d key removes key from each table; "-d -"
 *	reads the keys from standard input. -s prints every "key<TAB>value"
 *	of each table. -i adds the entries read from standard input to the
 *	existing tables, in place.
 *
 *	-f keeps keys as written (no lower-casing); -N and -n store keys
 *	and values with or without the terminating null byte; -r replaces
 *	existing entries, -w ignores duplicates silently (the default warns
 *	and keeps the first); -F stores, for each value, the base64 content
 *	of the files that the value names (and decodes values with -q and
 *	-s); -o keeps root privileges (by default a root postmap builds as
 *	the owner of the source file); -p does not copy the source file's
 *	group and other permissions to the new table; -u and -U are accepted
 *	for compatibility (no UTF-8 checks are made); -v logs more.
 *
 *	The type defaults to default_database_type (hash), read from
 *	main.cf in the directory that -c, MAIL_CONFIG or /etc/postfix names,
 *	when that file exists; lmdb_map_size from the same file sets the
 *	initial size of lmdb tables, and remote_table_timeout the time limit
 *	of socketmap and tcp lookups.
 * DIAGNOSTICS
 *	Problems go to the standard error stream. Exit status: 0 for
 *	success (including a key found by -q or removed by -d), 1 when -q or
 *	-d found nothing (or a build failed), 2 when a table could not be
 *	opened or a lookup failed.
 * SEE ALSO
 *	dict(3), postmap(1), DATABASE_README
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dict.h"
#include "dict_file.h"
#include "mail_params.h"
#include "mail_proxy.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "vstring.h"

#define POSTMAP_EXIT_FOUND     0
#define POSTMAP_EXIT_NOT_FOUND 1
#define POSTMAP_EXIT_ERROR     2

#define POSTMAP_FLAG_AS_OWNER  (1 << 0) /* build as the source file's owner */
#define POSTMAP_FLAG_SAVE_PERM (1 << 1) /* copy group/other permissions */
#define POSTMAP_FLAG_DUP_QUIET (1 << 2) /* -w: no duplicate warnings */

typedef struct {
    char *default_type;     /* default_database_type; owned */
    const char *config_dir; /* -c, or NULL */
    int dict_flags;         /* DICT_FLAG_* for every table */
    int postmap_flags;      /* POSTMAP_FLAG_* */
    int incremental;        /* -i */
    const char *query;      /* -q key, or NULL */
    const char *delkey;     /* -d key, or NULL */
    int sequence;           /* -s */
} POSTMAP_OPTS;

/* postmap_cleanup - remove unfinished tables on a fatal error */

static void postmap_cleanup(void)
{
    dict_bulk_cleanup();
}

/* postmap_usage - explain and stop */

static _Noreturn void postmap_usage(void)
{
    msg_fatal_status(POSTMAP_EXIT_ERROR,
                     "usage: %s [-FfiNnoprsuUvw] [-c config_dir] [-d key] [-q key] "
                     "[type:]file...",
                     msg_program());
}

/* The default table type, from main.cf when it exists. */
static const char *postmap_default_type = DEF_DEFAULT_DATABASE_TYPE;

/* postmap_read_config - default_database_type (and lmdb_map_size) from DIR/main.cf */

static char *postmap_read_config(const char *config_dir)
{
    CONFIG *config = config_alloc(config_dir);
    const char *path = config_main_cf_path(config);
    VSTRING *why = vstring_alloc(100);
    const char *value;
    long lmdb_map_size;
    int remote_table_timeout;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_DEFAULT_DATABASE_TYPE, &value),
        CONFIG_BIND_SIZE(VAR_LMDB_MAP_SIZE, &lmdb_map_size),
        CONFIG_BIND_TIME(VAR_REMOTE_TABLE_TIMEOUT, &remote_table_timeout),
        CONFIG_BIND_END,
    };
    char *type;

    if (access(path, F_OK) == 0 && config_read_file(config, path, why) < 0)
        msg_fatal_status(POSTMAP_EXIT_ERROR, "%s", vstring_str(why));
    config_bind(config, parameters);
    dict_lmdb_set_map_size((size_t)lmdb_map_size);
    dict_remote_set_timeout(remote_table_timeout);
    mail_proxy_init(config, true);
    type = mystrdup(value);
    config_free(config);
    vstring_free(why);
    return type;
}

/* postmap_split - "type:name" or a bare name of the default type */

static void postmap_split(const char *arg, char **out_type, char **out_name)
{
    const char *colon = strchr(arg, ':');

    const char *slash = strchr(arg, '/');

    if (colon && colon > arg && (slash == NULL || slash > colon)) {
        *out_type = mystrndup(arg, colon - arg);
        *out_name = mystrdup(colon + 1);
    } else {
        *out_type = mystrdup(postmap_default_type);
        *out_name = mystrdup(arg);
    }
}

/* postmap_open - open a table; a table that cannot be opened is fatal */

static DICT *postmap_open(const char *arg, int open_flags, int dict_flags)
{
    char *type, *name;
    DICT *dict;

    postmap_split(arg, &type, &name);
    dict = dict_open3(type, name, open_flags, dict_flags);
    if (!dict_open_ok(dict))
        msg_fatal_status(POSTMAP_EXIT_ERROR, "%s", dict_reason(dict));
    myfree(type);
    myfree(name);
    return dict;
}

/* postmap_check_error - a failed lookup or update is fatal */

static void postmap_check_error(DICT *dict, const char *what)
{
    if (dict->error != DICT_ERR_NONE)
        msg_fatal_status(POSTMAP_EXIT_ERROR, "table %s:%s: %s error: %s", dict->type, dict->name,
                         what, dict_reason(dict));
}

/* postmap_add_line - store one "key value" line */

static void postmap_add_line(DICT *dict, char *line, const char *path, int lineno,
                             const POSTMAP_OPTS *opts, VSTRING *b64, VSTRING *why)
{
    char *key, *value;
    const char *err;

    if ((err = dict_entry_split(line, &key, &value)) != NULL) {
        msg_warn("%s, line %d: %s", path, lineno, err);
        return;
    }
    if (key[strlen(key) - 1] == ':')
        msg_warn("%s, line %d: record is in \"key: value\" format; is this an alias file?", path,
                 lineno);
    if (opts->dict_flags & DICT_FLAG_SRC_RHS_IS_FILE) {
        if (dict_file_to_b64(b64, value, why) < 0) {
            msg_warn("%s, line %d: %s: skipping this entry", path, lineno, vstring_str(why));
            return;
        }
        value = vstring_str(b64);
    }
    if (dict_put(dict, key, value) == DICT_STAT_FAIL &&
        (opts->postmap_flags & POSTMAP_FLAG_DUP_QUIET) == 0)
        msg_warn("%s, line %d: duplicate entry: \"%s\"", path, lineno, key);
    postmap_check_error(dict, "write");
}

/* postmap_load - add every entry of a source stream */

static void postmap_load(DICT *dict, FILE *fp, const char *path, const POSTMAP_OPTS *opts)
{
    VSTRING *line = vstring_alloc(100);
    VSTRING *b64 = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    int lineno = 0, first_line = 0;

    while (readlline(line, fp, path, &lineno, &first_line))
        postmap_add_line(dict, vstring_str(line), path, first_line, opts, b64, why);
    if (ferror(fp))
        msg_fatal("read %s: %m", path);
    vstring_free(line);
    vstring_free(b64);
    vstring_free(why);
}

/* postmap_become_owner - build as the owner of the source file */

static void postmap_become_owner(const struct stat *st, const POSTMAP_OPTS *opts)
{
    if ((opts->postmap_flags & POSTMAP_FLAG_AS_OWNER) == 0 || getuid() != 0)
        return;
    if (st->st_uid == geteuid() && st->st_gid == getegid())
        return;
    if (geteuid() != 0 && seteuid(0) < 0)
        msg_fatal("restore root privileges: %m");
    if (setgroups(1, &st->st_gid) < 0 || setegid(st->st_gid) < 0 || seteuid(st->st_uid) < 0)
        msg_fatal("set effective uid %ld gid %ld: %m", (long)st->st_uid, (long)st->st_gid);
}

/* postmap_build - create or update one table */

static void postmap_build(const char *arg, const POSTMAP_OPTS *opts)
{
    char *type, *name;
    FILE *fp;
    struct stat st;
    mode_t saved_mask = 0;
    int dict_flags = opts->dict_flags;
    DICT *dict;

    postmap_split(arg, &type, &name);
    if (!dict_type_known(type))
        msg_fatal_status(POSTMAP_EXIT_ERROR, "unsupported dictionary type: %s", type);
    if (dict_file_suffix(type) == NULL && !opts->incremental)
        msg_fatal_status(POSTMAP_EXIT_ERROR,
                         "cannot build a table of type \"%s\": only hash, btree and lmdb tables "
                         "are built; %s tables are read as they are",
                         type, type);
    if (opts->incremental) {
        fp = stdin;
        dict_flags |= DICT_FLAG_OPEN_LOCK;
    } else if ((fp = fopen(name, "r")) == NULL) {
        msg_fatal_status(POSTMAP_EXIT_ERROR, "open %s: %m", name);
    } else {
        dict_flags |= DICT_FLAG_BULK_UPDATE;
    }
    if (fstat(fileno(fp), &st) < 0)
        msg_fatal("fstat %s: %m", name);
    if ((opts->postmap_flags & POSTMAP_FLAG_SAVE_PERM) && S_ISREG(st.st_mode))
        saved_mask = umask(022 | (~st.st_mode & 077));
    if (S_ISREG(st.st_mode))
        postmap_become_owner(&st, opts);
    dict = dict_open3(type, name, O_RDWR | O_CREAT | (opts->incremental ? 0 : O_TRUNC), dict_flags);
    if ((opts->postmap_flags & POSTMAP_FLAG_SAVE_PERM) && S_ISREG(st.st_mode))
        umask(saved_mask);
    if (!dict_open_ok(dict))
        msg_fatal_status(POSTMAP_EXIT_ERROR, "%s", dict_reason(dict));
    postmap_load(dict, fp, opts->incremental ? "stdin" : name, opts);
    dict_close(dict);
    if (fp != stdin)
        fclose(fp);
    myfree(type);
    myfree(name);
}

/* postmap_lookup - the value of a key in one table, or NULL */

static const char *postmap_lookup(DICT *dict, const char *key)
{
    const char *value = dict_get(dict, key);

    postmap_check_error(dict, "query");
    if (value && *value == 0)
        msg_warn("table %s:%s: key %s: empty string result is not allowed", dict->type, dict->name,
                 key);
    return value;
}

/* postmap_query - look up one key, print the first value found */

static int postmap_query(char **maps, int count, const char *key, int dict_flags)
{
    for (int i = 0; i < count; i++) {
        DICT *dict = postmap_open(maps[i], O_RDONLY, dict_flags);
        const char *value = postmap_lookup(dict, key);

        if (value) {
            printf("%s\n", value);
            dict_close(dict);
            return POSTMAP_EXIT_FOUND;
        }
        dict_close(dict);
    }
    return POSTMAP_EXIT_NOT_FOUND;
}

/* postmap_read_key - the next key from standard input, or NULL */

static const char *postmap_read_key(VSTRING *buf)
{
    int ch;

    VSTRING_RESET(buf);
    while ((ch = getchar()) != EOF && ch != '\n')
        vstring_addch(buf, ch);
    if (ch == EOF && VSTRING_LEN(buf) == 0)
        return NULL;
    if (VSTRING_LEN(buf) > 0 && vstring_end(buf)[-1] == '\r')
        vstring_truncate(buf, VSTRING_LEN(buf) - 1);
    return vstring_str(buf);
}

/* postmap_queries - look up keys from standard input */

static int postmap_queries(char **maps, int count, int dict_flags)
{
    DICT **dicts = mycalloc(count, sizeof(*dicts));
    VSTRING *buf = vstring_alloc(100);
    const char *key, *value;
    int found = 0;

    for (int i = 0; i < count; i++)
        dicts[i] = postmap_open(maps[i], O_RDONLY, dict_flags);
    while ((key = postmap_read_key(buf)) != NULL) {
        for (int i = 0; i < count; i++) {
            if ((value = postmap_lookup(dicts[i], key)) != NULL) {
                printf("%s\t%s\n", key, value);
                found = 1;
                break;
            }
        }
    }
    for (int i = 0; i < count; i++)
        dict_close(dicts[i]);
    myfree(dicts);
    vstring_free(buf);
    return found ? POSTMAP_EXIT_FOUND : POSTMAP_EXIT_NOT_FOUND;
}

/* postmap_delete - remove keys (one, or "-" for standard input) */

static int postmap_delete(char **maps, int count, const char *delkey, int dict_flags)
{
    DICT **dicts = mycalloc(count, sizeof(*dicts));
    VSTRING *buf = vstring_alloc(100);
    const char *key = delkey;
    int found = 0;

    for (int i = 0; i < count; i++)
        dicts[i] = postmap_open(maps[i], O_RDWR, dict_flags | DICT_FLAG_LOCK);
    while (strcmp(delkey, "-") != 0 || (key = postmap_read_key(buf)) != NULL) {
        for (int i = 0; i < count; i++) {
            if (dict_del(dicts[i], key) == DICT_STAT_SUCCESS)
                found = 1;
            postmap_check_error(dicts[i], "delete");
        }
        if (strcmp(delkey, "-") != 0)
            break;
    }
    for (int i = 0; i < count; i++)
        dict_close(dicts[i]);
    myfree(dicts);
    vstring_free(buf);
    return found ? POSTMAP_EXIT_FOUND : POSTMAP_EXIT_NOT_FOUND;
}

/* postmap_sequence - print every entry of each table */

static void postmap_sequence(char **maps, int count, int dict_flags)
{
    for (int i = 0; i < count; i++) {
        DICT *dict = postmap_open(maps[i], O_RDONLY, dict_flags);
        const char *key, *value;
        int status;

        for (status = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); status == DICT_STAT_SUCCESS;
             status = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value))
            printf("%s\t%s\n", key, value);
        postmap_check_error(dict, "sequence");
        dict_close(dict);
    }
}

/* postmap_options - parse the command line; returns the first table index */

static int postmap_options(int argc, char **argv, POSTMAP_OPTS *opts)
{
    int ch;

    while ((ch = getopt(argc, argv, "bc:d:FfhimNnopq:rsuUvw")) != -1) {
        switch (ch) {
        case 'c': /* configuration directory: only default_database_type matters */
            if (access(optarg, F_OK) < 0)
                msg_fatal_status(POSTMAP_EXIT_ERROR, "%s: %m", optarg);
            opts->config_dir = optarg;
            break;
        case 'd':
            opts->delkey = optarg;
            break;
        case 'F':
            opts->dict_flags |= DICT_FLAG_SRC_RHS_IS_FILE;
            break;
        case 'f':
            opts->dict_flags &= ~DICT_FLAG_FOLD_FIX;
            break;
        case 'i':
            opts->incremental = 1;
            break;
        case 'N':
            opts->dict_flags = (opts->dict_flags & ~DICT_FLAG_TRY0NULL) | DICT_FLAG_TRY1NULL;
            break;
        case 'n':
            opts->dict_flags = (opts->dict_flags & ~DICT_FLAG_TRY1NULL) | DICT_FLAG_TRY0NULL;
            break;
        case 'o':
            opts->postmap_flags &= ~POSTMAP_FLAG_AS_OWNER;
            break;
        case 'p':
            opts->postmap_flags &= ~POSTMAP_FLAG_SAVE_PERM;
            break;
        case 'q':
            opts->query = optarg;
            break;
        case 'r':
            opts->dict_flags = (opts->dict_flags & ~DICT_FLAG_DUP_MASK) | DICT_FLAG_DUP_REPLACE;
            break;
        case 's':
            opts->sequence = 1;
            break;
        case 'u':
        case 'U':
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'w':
            opts->dict_flags = (opts->dict_flags & ~DICT_FLAG_DUP_MASK) | DICT_FLAG_DUP_IGNORE;
            opts->postmap_flags |= POSTMAP_FLAG_DUP_QUIET;
            break;
        case 'b':
        case 'h':
        case 'm':
            msg_fatal_status(POSTMAP_EXIT_ERROR,
                             "-%c (message header/body queries) is not "
                             "supported",
                             ch);
        default:
            postmap_usage();
        }
    }
    if (optind >= argc || (opts->query != NULL) + (opts->delkey != NULL) + opts->sequence > 1 ||
        (opts->incremental && (opts->query || opts->delkey || opts->sequence)))
        postmap_usage();
    return optind;
}

int main(int argc, char **argv)
{
    POSTMAP_OPTS opts = {
        .dict_flags = DICT_FLAG_FOLD_FIX | DICT_FLAG_DUP_IGNORE,
        .postmap_flags = POSTMAP_FLAG_AS_OWNER | POSTMAP_FLAG_SAVE_PERM,
    };
    int first, status = POSTMAP_EXIT_FOUND;
    sigset_t block;

    msg_init(argv[0]);
    umask(022);
    msg_cleanup(postmap_cleanup);
    first = postmap_options(argc, argv, &opts);
    opts.default_type = postmap_read_config(opts.config_dir);
    postmap_default_type = opts.default_type;
    if (opts.query && strcmp(opts.query, "-") == 0)
        status = postmap_queries(argv + first, argc - first, opts.dict_flags);
    else if (opts.query)
        status = postmap_query(argv + first, argc - first, opts.query, opts.dict_flags);
    else if (opts.delkey)
        status = postmap_delete(argv + first, argc - first, opts.delkey, opts.dict_flags);
    else if (opts.sequence)
        postmap_sequence(argv + first, argc - first, opts.dict_flags);
    else {
        /* Postpone signals while tables change, as a spectator would wish. */
        sigemptyset(&block);
        sigaddset(&block, SIGHUP);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGQUIT);
        sigaddset(&block, SIGTERM);
        sigprocmask(SIG_BLOCK, &block, NULL);
        for (int i = first; i < argc; i++)
            postmap_build(argv[i], &opts);
        sigprocmask(SIG_UNBLOCK, &block, NULL);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        msg_fatal_status(POSTMAP_EXIT_ERROR, "write standard output: %m");
    myfree(opts.default_type);
    return status;
}
