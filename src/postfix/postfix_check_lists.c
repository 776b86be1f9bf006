/*++
 * NAME
 *	postfix_check_lists - restriction lists and lookup tables of "postfix check"
 * SYNOPSIS
 *	#include "postfix.h"
 *
 *	int	postfix_check_lists(CONFIG *config, const MASTER_CF *master_cf,
 *				CONFIG_REPORT_FN report, void *context);
 *	int	postfix_check_table(const char *table, VSTRING *why);
 * DESCRIPTION
 *	postfix_check_lists() finds, before any daemon starts, what would
 *	make smtpd(8) or another daemon refuse its configuration or fail
 *	its lookups. Each problem goes to report as an error that starts
 *	with the file and line of the setting ("/etc/postfix/main.cf:12: "
 *	or "/etc/postfix/master.cf:20: service submission/inet: "); the
 *	result is the number of errors.
 *
 *	Restriction lists: smtpd_client_restrictions, _helo_, _sender_,
 *	_relay_, _recipient_, _data_, _end_of_data_ and _etrn_restrictions,
 *	and the restriction classes that smtpd_restriction_classes names,
 *	are parsed with smtpd's own parser (smtpd_restriction(3)): unknown
 *	and not implemented restriction names, missing and extra arguments;
 *	each class must be defined and must not have a restriction's name;
 *	smtpd_relay_restrictions or smtpd_recipient_restrictions must stop
 *	relaying (checked when master.cf runs smtpd, as its defaults depend
 *	on compatibility_level). The lists of main.cf are checked once; a master.cf entry
 *	is checked for the lists, classes and tables that its -o options
 *	set, as main.cf plus those options.
 *
 *	Access tables: the values of every check_*_access table that can be
 *	listed (hash, btree, texthash, inline) are read as smtpd would
 *	(access_action(3)): an action that this version does not implement
 *	(HOLD, DISCARD, ...) and a bad restriction list in a value are
 *	warnings (smtpd then answers "451 4.3.5 Server configuration error"
 *	for that key, and keeps running).
 *
 *	Tables: every type:table of a restriction argument, and every
 *	type:table element of a parameter that holds tables (a name ending
 *	in _maps or _checks, and the domain and network lists that accept
 *	tables: mynetworks, mydestination, relay_domains, ...), set in
 *	main.cf or with -o, is checked with postfix_check_table().
 *	proxy_read_maps and proxy_write_maps are not: they list what
 *	proxymap(8) may open, and proxywrite creates its tables.
 *
 *	postfix_check_table() checks one "type:name": the type must be one
 *	that this version supports (for "proxy:type:name", the table that
 *	proxymap(8) will open is checked), a file-based table must exist and
 *	open (a regexp, pcre or cidr file must also parse), and a hash: or
 *	btree: table's .db file must exist and must not be older than its
 *	source file. It returns 0, or -1 with the reason in why.
 *
 *	An element counts as a table when it starts with the name of a
 *	table type that Postfix knows followed by ':' (a leading '!' aside),
 *	so that addresses, networks and [::1] are left alone.
 * SEE ALSO
 *	postfix_check(3), smtpd_restriction(3), dict_open(3)
 *--*/

/* System library. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* Utility library. */
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "access_action.h"
#include "smtpd_restriction.h"

/* Application-specific. */
#include "postfix.h"

/* The restriction lists, in smtpd's order. */
static const char *const postfix_check_restriction_params[] = {
    VAR_SMTPD_CLIENT_RESTRICTIONS,
    VAR_SMTPD_HELO_RESTRICTIONS,
    VAR_SMTPD_SENDER_RESTRICTIONS,
    VAR_SMTPD_RELAY_RESTRICTIONS,
    VAR_SMTPD_RECIPIENT_RESTRICTIONS,
    VAR_SMTPD_DATA_RESTRICTIONS,
    VAR_SMTPD_END_OF_DATA_RESTRICTIONS,
    VAR_SMTPD_ETRN_RESTRICTIONS,
    NULL,
};

/* Domain and network lists whose elements may be tables. */
static const char *const postfix_check_table_lists[] = {
    "mynetworks",
    "mydestination",
    "relay_domains",
    "virtual_alias_domains",
    "virtual_mailbox_domains",
    "relay_clientcerts",
    "permit_mx_backup_networks",
    "smtp_connection_cache_destinations",
    "smtpd_forbid_bare_newline_exclusions",
    "debug_peer_list",
    "fast_flush_domains",
    NULL,
};

/* Table types that Postfix knows; only some are supported here (dict_type_known()). */
static const char *const postfix_check_table_types[] = {
    "btree",     "cdb",    "cidr",   "dbm",      "environ",  "fail",     "hash",    "inline",
    "internal",  "ldap",   "lmdb",   "memcache", "mongodb",  "mysql",    "netinfo", "nis",
    "nisplus",   "pcre",   "pgsql",  "pipemap",  "proxy",    "randmap",  "regexp",  "sdbm",
    "socketmap", "sqlite", "static", "tcp",      "texthash", "unionmap", "unix",    NULL,
};

/* One check run over one configuration view. */
typedef struct POSTFIX_CHECK_LISTS {
    CONFIG *config;               /* main.cf, or main.cf plus one entry's -o */
    CONFIG_SOURCE layer;          /* the settings of this view: main.cf or -o */
    const MASTER_CF_ENTRY *entry; /* the master.cf entry of -o settings, or NULL */
    VSTRING *where;               /* owned: "file:line: " prefix of the current setting */
    const char *find_name;        /* postfix_check_where() walk: the name looked for */
    bool smtpd_used;              /* master.cf runs smtpd (or could not be read) */
    CONFIG_REPORT_FN report;      /* where problems go */
    void *context;                /* for report */
    int errors;                   /* errors reported */
} POSTFIX_CHECK_LISTS;

/* postfix_check_lists_report - report one problem with the current location */

static void postfix_check_lists_report(POSTFIX_CHECK_LISTS *state, CONFIG_REPORT_LEVEL level,
                                       const char *text)
{
    VSTRING *line = vstring_alloc(100);

    vstring_sprintf(line, "%s%s", vstring_str(state->where), text);
    state->report(level, vstring_str(line), state->context);
    if (level == CONFIG_REPORT_ERROR)
        state->errors++;
    vstring_free(line);
}

/* postfix_check_lists_error - report one error with the current location */

static void postfix_check_lists_error(POSTFIX_CHECK_LISTS *state, const char *text)
{
    postfix_check_lists_report(state, CONFIG_REPORT_ERROR, text);
}

/* postfix_check_in - is name in a NULL-terminated list */

static bool postfix_check_in(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

/* postfix_check_table - check one type:name table reference */

int postfix_check_table(const char *table, VSTRING *why)
{
    const char *colon = strchr(table, ':');
    char *type;
    const char *name;
    struct stat st_source, st_db;
    DICT *dict;
    int status = 0;

    if (colon == NULL) {
        vstring_sprintf(why, "\"%s\" is not a type:table", table);
        return -1;
    }
    type = mystrndup(table, colon - table);
    name = colon + 1;
    /* proxymap(8) is not running yet: check the table that it will open. */
    if (strcmp(type, DICT_TYPE_PROXY) == 0) {
        myfree(type);
        return postfix_check_table(name, why);
    }
    if (!dict_type_known(type)) {
        vstring_sprintf(why, "table %s: type \"%s\" is not supported by this version", table, type);
        myfree(type);
        return -1;
    }
    if (dict_file_suffix(type) != NULL) {
        VSTRING *db = vstring_alloc(100);

        vstring_sprintf(db, "%s%s", name, dict_file_suffix(type));
        if (stat(vstring_str(db), &st_db) < 0) {
            vstring_sprintf(why, "table %s: %s: %m (run \"postmap %s\")", table, vstring_str(db),
                            table);
            status = -1;
        } else if (stat(name, &st_source) == 0 && st_source.st_mtime > st_db.st_mtime) {
            vstring_sprintf(why,
                            "table %s: %s is older than its source file %s (run \"postmap %s\")",
                            table, vstring_str(db), name, table);
            status = -1;
        }
        vstring_free(db);
    } else if (strcmp(type, DICT_TYPE_TEXTHASH) == 0 || strcmp(type, DICT_TYPE_REGEXP) == 0 ||
               strcmp(type, DICT_TYPE_PCRE) == 0 || strcmp(type, DICT_TYPE_CIDR) == 0) {
        if (stat(name, &st_source) < 0) {
            vstring_sprintf(why, "table %s: %s: %m", table, name);
            status = -1;
        }
    }
    if (status == 0) {
        dict = dict_open(table, O_RDONLY, DICT_FLAG_NONE);
        if (!dict_open_ok(dict)) {
            vstring_sprintf(why, "table %s: %s", table, dict_reason(dict));
            status = -1;
        }
        dict_close(dict);
    }
    myfree(type);
    return status;
}

/* postfix_check_table_ref - is an element a table reference; its start */

static const char *postfix_check_table_ref(const char *element)
{
    const char *start = element + (*element == '!');
    size_t len = strspn(start, "abcdefghijklmnopqrstuvwxyz");
    char type[32];

    if (len == 0 || len >= sizeof(type) || start[len] != ':')
        return NULL;
    memcpy(type, start, len);
    type[len] = 0;
    return postfix_check_in(postfix_check_table_types, type) ? start : NULL;
}

/* postfix_check_one_table - check a table, report a problem */

static bool postfix_check_one_table(POSTFIX_CHECK_LISTS *state, const char *param,
                                    const char *table)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *text;
    bool ok = postfix_check_table(table, why) == 0;

    if (!ok) {
        text = vstring_alloc(100);
        vstring_sprintf(text, "%s: %s", param, vstring_str(why));
        postfix_check_lists_error(state, vstring_str(text));
        vstring_free(text);
    }
    vstring_free(why);
    return ok;
}

/* postfix_check_value_tables - the table elements of a value */

static void postfix_check_value_tables(POSTFIX_CHECK_LISTS *state, const char *param,
                                       const char *value)
{
    ARGV *elements = smtpd_restriction_split(value);

    for (size_t i = 0; i < elements->argc; i++) {
        const char *table = postfix_check_table_ref(elements->argv[i]);

        if (table)
            postfix_check_one_table(state, param, table);
    }
    argv_free(elements);
}

/* postfix_check_expanded - the expanded value of a name, or NULL */

static const char *postfix_check_expanded(CONFIG *config, const char *name, VSTRING *buf)
{
    const char *raw = config_get_raw(config, name, NULL);
    VSTRING *why;
    int status;

    if (raw == NULL)
        return NULL;
    why = vstring_alloc(100);
    status = config_expand(config, raw, buf, why);
    vstring_free(why);
    return status < 0 ? NULL : vstring_str(buf); /* config_validate() reports it */
}

/* The state that the parser callbacks see. */
typedef struct POSTFIX_CHECK_PARSE {
    POSTFIX_CHECK_LISTS *state; /* where problems go */
    ARGV *classes;              /* class names */
    CONFIG_REPORT_LEVEL level;  /* errors for lists, warnings for table values */
} POSTFIX_CHECK_PARSE;

/* postfix_check_parse_class - smtpd_restriction_parse() callback */

static bool postfix_check_parse_class(void *context, const char *name)
{
    POSTFIX_CHECK_PARSE *parse = context;

    for (size_t i = 0; i < parse->classes->argc; i++)
        if (strcmp(parse->classes->argv[i], name) == 0)
            return true;
    return false;
}

/* postfix_check_parse_problem - smtpd_restriction_parse() callback */

static void postfix_check_parse_problem(void *context, const char *text)
{
    POSTFIX_CHECK_PARSE *parse = context;

    postfix_check_lists_report(parse->state, parse->level, text);
}

/* postfix_check_access_value - one value of an access table */

static void postfix_check_access_value(POSTFIX_CHECK_PARSE *parse, const char *origin,
                                       const char *value)
{
    SMTPD_RESTRICTION_PARSER parser = {
        .is_class = postfix_check_parse_class,
        .problem = postfix_check_parse_problem,
        .context = parse,
    };
    ACCESS_RESULT res;
    VSTRING *text;
    ARGV *tokens;

    switch (access_action_parse(value, &res)) {
    case ACCESS_ACTION_UNSUPPORTED:
        text = vstring_alloc(100);
        vstring_sprintf(text,
                        "%s: action %s is not implemented in this version (smtpd answers "
                        "\"451 4.3.5 Server configuration error\")",
                        origin, res.keyword);
        postfix_check_lists_report(parse->state, parse->level, vstring_str(text));
        vstring_free(text);
        break;
    case ACCESS_ACTION_RESTRICTIONS:
        tokens = smtpd_restriction_split(value);
        (void)smtpd_restriction_parse(&parser, origin, tokens->argv);
        argv_free(tokens);
        break;
    default:
        break;
    }
}

/* postfix_check_access_values - the actions of an access table that can be listed */

static void postfix_check_access_values(POSTFIX_CHECK_PARSE *parse, const char *param,
                                        const char *table)
{
    POSTFIX_CHECK_PARSE values = {parse->state, parse->classes, CONFIG_REPORT_WARNING};
    DICT *dict = dict_open(table, O_RDONLY, DICT_FLAG_NONE);
    VSTRING *origin = vstring_alloc(100);
    ARGV *pairs = argv_alloc(20);
    const char *key, *value;

    /* Copy first: checking a value may use the table's result buffers. */
    if (dict_open_ok(dict) && dict->sequence)
        for (int f = DICT_SEQ_FUN_FIRST; dict_seq(dict, f, &key, &value) == DICT_STAT_SUCCESS;
             f = DICT_SEQ_FUN_NEXT) {
            argv_add(pairs, key);
            argv_add(pairs, value);
        }
    dict_close(dict);
    for (size_t i = 0; i + 1 < pairs->argc; i += 2) {
        vstring_sprintf(origin, "%s: table %s, key \"%s\"", param, table, pairs->argv[i]);
        postfix_check_access_value(&values, vstring_str(origin), pairs->argv[i + 1]);
    }
    argv_free(pairs);
    vstring_free(origin);
}

/* postfix_check_parse_table - smtpd_restriction_parse() callback */

static void postfix_check_parse_table(void *context, const char *param,
                                      const char *unused_restriction, const char *table)
{
    POSTFIX_CHECK_PARSE *parse = context;

    if (postfix_check_one_table(parse->state, param, table))
        postfix_check_access_values(parse, param, table);
}

/* postfix_check_list - parse one restriction list */

static void postfix_check_list(POSTFIX_CHECK_LISTS *state, ARGV *classes, const char *param,
                               const char *value)
{
    POSTFIX_CHECK_PARSE parse = {state, classes, CONFIG_REPORT_ERROR};
    SMTPD_RESTRICTION_PARSER parser = {
        .is_class = postfix_check_parse_class,
        .problem = postfix_check_parse_problem,
        .table = postfix_check_parse_table,
        .context = &parse,
    };
    ARGV *tokens = smtpd_restriction_split(value);

    (void)smtpd_restriction_parse(&parser, param, tokens->argv);
    argv_free(tokens);
}

/* postfix_check_set - does the view's own layer set this name */

static bool postfix_check_set(POSTFIX_CHECK_LISTS *state, const char *name)
{
    CONFIG_SOURCE source;

    return config_get_raw(state->config, name, &source) != NULL && source == state->layer;
}

/* postfix_check_where_walk - config_walk() callback: the main.cf line of a name */

static void postfix_check_where_walk(const CONFIG_SETTING *setting, void *context)
{
    POSTFIX_CHECK_LISTS *state = context;

    if (strcmp(setting->name, state->find_name) == 0)
        vstring_sprintf(state->where, "%s:%d: ", setting->origin, setting->line);
}

/* postfix_check_where - set the location prefix for a setting of name */

static void postfix_check_where(POSTFIX_CHECK_LISTS *state, const char *name)
{
    const MASTER_CF_ENTRY *entry = state->entry;

    if (entry) {
        vstring_sprintf(state->where, "%s:%d: service %s/%s: ", entry->file, entry->line,
                        entry->service, entry->type);
    } else {
        vstring_sprintf(state->where, "%s: ", config_main_cf_path(state->config));
        state->find_name = name;
        config_walk(state->config, CONFIG_SOURCE_MAIN_CF, postfix_check_where_walk, state);
    }
}

/* postfix_check_classes - smtpd_restriction_classes and each class it names */

static void postfix_check_classes(POSTFIX_CHECK_LISTS *state, ARGV *classes, VSTRING *buf)
{
    bool classes_set = postfix_check_set(state, VAR_SMTPD_RESTRICTION_CLASSES);
    VSTRING *text = vstring_alloc(100);

    for (size_t i = 0; i < classes->argc; i++) {
        const char *name = classes->argv[i];
        const char *value;

        if (!classes_set && !postfix_check_set(state, name))
            continue;
        if (smtpd_restriction_find(name)) {
            postfix_check_where(state, VAR_SMTPD_RESTRICTION_CLASSES);
            vstring_sprintf(text, "%s: class \"%s\" has the name of a restriction",
                            VAR_SMTPD_RESTRICTION_CLASSES, name);
            postfix_check_lists_error(state, vstring_str(text));
        } else if ((value = postfix_check_expanded(state->config, name, buf)) == NULL) {
            postfix_check_where(state, VAR_SMTPD_RESTRICTION_CLASSES);
            vstring_sprintf(text, "%s: class \"%s\" has no definition",
                            VAR_SMTPD_RESTRICTION_CLASSES, name);
            postfix_check_lists_error(state, vstring_str(text));
        } else {
            postfix_check_where(state, name);
            postfix_check_list(state, classes, name, value);
        }
    }
    vstring_free(text);
}

/* postfix_check_relay_guard - relay or recipient restrictions must stop relaying */

static void postfix_check_relay_guard(POSTFIX_CHECK_LISTS *state, VSTRING *buf)
{
    bool relay_set = postfix_check_set(state, VAR_SMTPD_RELAY_RESTRICTIONS);
    const char *value;
    ARGV *relay;
    ARGV *rcpt;

    if (!relay_set && !postfix_check_set(state, VAR_SMTPD_RECIPIENT_RESTRICTIONS) &&
        !postfix_check_set(state, VAR_COMPATIBILITY_LEVEL) &&
        !(state->entry == NULL && state->smtpd_used))
        return;
    value = postfix_check_expanded(state->config, VAR_SMTPD_RELAY_RESTRICTIONS, buf);
    relay = smtpd_restriction_split(value ? value : "");
    value = postfix_check_expanded(state->config, VAR_SMTPD_RECIPIENT_RESTRICTIONS, buf);
    rcpt = smtpd_restriction_split(value ? value : "");
    if (!smtpd_restriction_guarded(relay->argv) && !smtpd_restriction_guarded(rcpt->argv)) {
        postfix_check_where(state, relay_set ? VAR_SMTPD_RELAY_RESTRICTIONS
                                             : VAR_SMTPD_RECIPIENT_RESTRICTIONS);
        postfix_check_lists_error(
            state, "in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, "
                   "specify at least one working instance of: reject_unauth_destination, "
                   "defer_unauth_destination, reject or defer (smtpd refuses an open relay)");
    }
    argv_free(relay);
    argv_free(rcpt);
}

/* postfix_check_holds_tables - does a parameter's value list tables */

static bool postfix_check_holds_tables(const char *name)
{
    size_t len = strlen(name);

    if (postfix_check_in(postfix_check_restriction_params, name))
        return false; /* a restriction argument need not be a table */
    if (strcmp(name, VAR_PROXY_READ_MAPS) == 0 || strcmp(name, VAR_PROXY_WRITE_MAPS) == 0)
        return false; /* names that proxymap may open, made on demand by proxywrite */
    return (len > 5 && strcmp(name + len - 5, "_maps") == 0) ||
           (len > 7 && strcmp(name + len - 7, "_checks") == 0) ||
           postfix_check_in(postfix_check_table_lists, name);
}

/* postfix_check_tables_walk - config_walk() callback: tables of one setting */

static void postfix_check_tables_walk(const CONFIG_SETTING *setting, void *context)
{
    POSTFIX_CHECK_LISTS *state = context;
    VSTRING *buf;
    const char *value;

    if (!postfix_check_holds_tables(setting->name) || !postfix_check_set(state, setting->name))
        return;
    buf = vstring_alloc(100);
    if ((value = postfix_check_expanded(state->config, setting->name, buf)) != NULL) {
        postfix_check_where(state, setting->name);
        postfix_check_value_tables(state, setting->name, value);
    }
    vstring_free(buf);
}

/* postfix_check_view - everything that one layer of a configuration sets */

static void postfix_check_view(POSTFIX_CHECK_LISTS *state)
{
    VSTRING *buf = vstring_alloc(100);
    const char *value = postfix_check_expanded(state->config, VAR_SMTPD_RESTRICTION_CLASSES, buf);
    ARGV *classes = smtpd_restriction_split(value ? value : "");

    postfix_check_classes(state, classes, buf);
    for (int i = 0; postfix_check_restriction_params[i]; i++) {
        const char *param = postfix_check_restriction_params[i];

        if (!postfix_check_set(state, param) ||
            (value = postfix_check_expanded(state->config, param, buf)) == NULL)
            continue;
        postfix_check_where(state, param);
        postfix_check_list(state, classes, param, value);
    }
    postfix_check_relay_guard(state, buf);
    config_walk(state->config, state->layer, postfix_check_tables_walk, state);
    argv_free(classes);
    vstring_free(buf);
}

/* postfix_check_lists - restriction lists and tables of main.cf and master.cf */

int postfix_check_lists(CONFIG *config, const MASTER_CF *master_cf, CONFIG_REPORT_FN report,
                        void *context)
{
    POSTFIX_CHECK_LISTS state = {
        .config = config,
        .layer = CONFIG_SOURCE_MAIN_CF,
        .where = vstring_alloc(100),
        .report = report,
        .context = context,
    };

    state.smtpd_used = master_cf == NULL;
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const char *base = strrchr(master_cf->entries[e]->command, '/');

        base = base ? base + 1 : master_cf->entries[e]->command;
        state.smtpd_used |= strcmp(base, "smtpd") == 0;
    }
    postfix_check_view(&state);
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[e];
        CONFIG *view;

        if (entry->overrides->argc == 0)
            continue;
        view = config_load(config_directory(config));
        for (size_t i = 0; i < entry->overrides->argc; i++)
            (void)config_override_arg(view, entry->overrides->argv[i]);
        state.config = view;
        state.layer = CONFIG_SOURCE_OVERRIDE;
        state.entry = entry;
        postfix_check_view(&state);
        config_free(view);
    }
    vstring_free(state.where);
    return state.errors;
}
