/*++
 * NAME
 *	config_check - configuration checks and daemon start-up
 * SYNOPSIS
 *	#include <config.h>
 *
 *	int	config_validate(CONFIG *config, CONFIG_REPORT_FN report,
 *					void *context);
 *	int	config_check_names(CONFIG *config, const MASTER_CF *master_cf,
 *					CONFIG_REPORT_FN report, void *context);
 *	int	config_check_unimplemented(CONFIG *config,
 *					const MASTER_CF *master_cf,
 *					CONFIG_REPORT_FN report, void *context);
 *	int	config_implemented(const char *name);
 *	CONFIG	*config_startup(const char *config_dir, const ARGV *overrides,
 *					const char *process_name);
 * DESCRIPTION
 *	config_validate() checks every explicitly set parameter (main.cf,
 *	-o overrides, program settings): its value must expand, and when
 *	the table knows the name it must fit the type, the bounds and the
 *	table's extra check. Each problem goes to report as an error; the
 *	result is the number of problems.
 *
 *	config_check_names() reports, as errors, main.cf names and master.cf
 *	-o names that are neither in the parameter table, nor per-transport
 *	names of a master.cf delivery service, nor referenced as $name by a
 *	main.cf value, a master.cf -o value or a built-in default, nor named
 *	in smtpd_restriction_classes (such names are user-defined
 *	parameters, which are legal). Each report
 *	names the file and line and suggests the closest known name within
 *	two edits: "/etc/postfix/main.cf, line 12: unknown parameter
 *	"smtpd_tls_cert_flie"; did you mean "smtpd_tls_cert_file"?". It also
 *	warns about $name references in main.cf and master.cf to names that
 *	are defined nowhere (they expand to nothing). master_cf may be NULL:
 *	then per-transport names are accepted with any transport prefix. The
 *	result is the number of errors.
 *
 *	config_check_unimplemented() reports, as warnings, every parameter
 *	that main.cf, an -o override of config or an -o of a master.cf
 *	entry sets although no program of this version reads it (the table
 *	marks it PARAM_FLAG_UNIMPLEMENTED; per-transport names count by
 *	their suffix): "/etc/postfix/main.cf:12: smtpd_milters is not
 *	implemented in this version; it has no effect", and for master.cf
 *	"/etc/postfix/master.cf:20: service submission/inet: -o
 *	smtpd_milters is not implemented ...". Each setting is reported
 *	once. A name that some main.cf or master.cf value refers to as $name
 *	is not reported: it then serves as a user-defined parameter.
 *	master_cf may be NULL. The result is the number of reports.
 *
 *	config_implemented() is false for a table or per-transport name that
 *	no program reads, true for any other name.
 *
 *	config_startup() is what a daemon calls first: it loads main.cf from
 *	config_dir (NULL: $MAIL_CONFIG or /etc/postfix), applies the -o
 *	"name=value" overrides, records process_name, reads master.cf when
 *	it exists to learn the transports, warns about unknown names,
 *	validates, makes the result the process CONFIG (config_current())
 *	and returns it.
 * DIAGNOSTICS
 *	config_startup(): fatal when main.cf cannot be read, an override is
 *	not name=value, or any value is malformed (each problem is logged,
 *	then one fatal message ends the process).
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "config_private.h"
#include "master_cf.h"

/* State of one config_validate() run. */
typedef struct CONFIG_VALIDATE_STATE {
    CONFIG *config;          /* what is checked */
    CONFIG_REPORT_FN report; /* where problems go */
    void *context;           /* for report */
    ARGV *seen;              /* names already checked */
    int problems;            /* number reported */
} CONFIG_VALIDATE_STATE;

/* config_seen - has the name been handled; remember it */

static int config_seen(ARGV *seen, const char *name)
{
    for (size_t i = 0; i < seen->argc; i++)
        if (strcmp(seen->argv[i], name) == 0)
            return 1;
    argv_add(seen, name);
    return 0;
}

/* config_validate_one - check one explicit setting */

static void config_validate_one(const CONFIG_SETTING *setting, void *context)
{
    CONFIG_VALIDATE_STATE *state = context;
    VSTRING *why;

    if (config_seen(state->seen, setting->name))
        return;
    why = vstring_alloc(100);
    if (config_check_value(state->config, setting->name, why) < 0) {
        state->report(CONFIG_REPORT_ERROR, vstring_str(why), state->context);
        state->problems++;
    }
    vstring_free(why);
}

/* config_validate - type-check every explicit setting */

int config_validate(CONFIG *config, CONFIG_REPORT_FN report, void *context)
{
    CONFIG_VALIDATE_STATE state = {config, report, context, argv_alloc(50), 0};

    config_walk(config, CONFIG_SOURCE_OVERRIDE, config_validate_one, &state);
    config_walk(config, CONFIG_SOURCE_RUNTIME, config_validate_one, &state);
    config_walk(config, CONFIG_SOURCE_MAIN_CF, config_validate_one, &state);
    argv_free(state.seen);
    return state.problems;
}

/* config_references - add the names that text refers to as $name */

static void config_references(const char *text, ARGV *names)
{
    for (const char *cp = strchr(text, '$'); cp; cp = strchr(cp, '$')) {
        const char *start;

        cp++;
        if (*cp == '$') {
            cp++;
            continue;
        }
        if (*cp == '{' || *cp == '(')
            cp++;
        for (start = cp; isalnum((unsigned char)*cp) || *cp == '_'; cp++)
            /* void */;
        if (cp > start) {
            char *name = mystrndup(start, cp - start);

            argv_add(names, name);
            myfree(name);
        }
    }
}

/* config_in - is name in the list */

static int config_in(const ARGV *list, const char *name)
{
    for (size_t i = 0; i < list->argc; i++)
        if (strcmp(list->argv[i], name) == 0)
            return 1;
    return 0;
}

/* config_distance - edit distance with transpositions, capped at limit + 1 */

static size_t config_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t rows[3][128];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    if (la >= 127 || lb >= 127 || (la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j - 1] + cost;

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *tmp = prev2;
        prev2 = prev;
        prev = cur;
        cur = tmp;
    }
    return prev[lb];
}

/* config_suggest - closest table name within two edits, or NULL */

static const char *config_suggest(const char *name)
{
    size_t count;
    const PARAM_INFO *const *all = param_table_sorted(&count);
    const char *best = NULL;
    size_t best_distance = 3;

    for (size_t i = 0; i < count; i++) {
        size_t d = config_distance(name, all[i]->name, 2);

        if (d < best_distance) {
            best = all[i]->name;
            best_distance = d;
        }
    }
    return best;
}

/* config_service_name_ok - a per-transport name of a known transport */

static int config_service_name_ok(CONFIG *config, const char *name, const MASTER_CF *master_cf)
{
    size_t prefix_len;
    const PARAM_SERVICE_SUFFIX *sp = param_service_match(name, &prefix_len);
    const ARGV *services = config->services;

    if (sp == NULL)
        return 0;
    if (master_cf == NULL)
        return 1;
    for (size_t i = 0; i + 1 < services->argc; i += 2)
        if (strlen(services->argv[i]) == prefix_len &&
            strncmp(services->argv[i], name, prefix_len) == 0 &&
            (!sp->pipe_only || strcmp(services->argv[i + 1], "pipe") == 0))
            return 1;
    return 0;
}

/* State of one config_check_names() run. */
typedef struct CONFIG_NAMES_STATE {
    CONFIG *config;             /* what is checked */
    const MASTER_CF *master_cf; /* services, or NULL */
    ARGV *referenced;           /* names that some value refers to */
    CONFIG_REPORT_FN report;    /* where problems go */
    void *context;              /* for report */
    int errors;                 /* unknown names reported */
} CONFIG_NAMES_STATE;

/* config_check_name - report one name if nobody knows it */

static void config_check_name(CONFIG_NAMES_STATE *state, const char *name, const char *where)
{
    VSTRING *text;
    const char *suggestion;

    if (param_table_find(name) || config_in(state->referenced, name) ||
        config_service_name_ok(state->config, name, state->master_cf))
        return;
    text = vstring_alloc(100);
    vstring_sprintf(text, "%s: unknown parameter \"%s\"", where, name);
    if ((suggestion = config_suggest(name)) != NULL)
        vstring_sprintf_append(text, "; did you mean \"%s\"?", suggestion);
    state->report(CONFIG_REPORT_ERROR, vstring_str(text), state->context);
    state->errors++;
    vstring_free(text);
}

/* config_check_undefined - warn about $name references to nothing */

static void config_check_undefined(CONFIG_NAMES_STATE *state, const char *name, const char *value,
                                   const char *where)
{
    const PARAM_INFO *info = param_table_find(name);
    ARGV *refs;
    VSTRING *why;

    /* A raw value (luser_relay = $user@...) has $names of its own program. */
    if (info && (info->flags & PARAM_FLAG_RAW))
        return;
    refs = argv_alloc(5);
    why = vstring_alloc(100);

    config_references(value, refs);
    for (size_t i = 0; i < refs->argc; i++) {
        /* A default that cannot be computed is reported where the value is checked. */
        if (config_raw_value(state->config, refs->argv[i], NULL, NULL, NULL, why) == NULL &&
            VSTRING_LEN(why) == 0) {
            VSTRING *text = vstring_alloc(100);

            vstring_sprintf(text, "%s: undefined parameter \"%s\" (expands to nothing)", where,
                            refs->argv[i]);
            state->report(CONFIG_REPORT_WARNING, vstring_str(text), state->context);
            vstring_free(text);
        }
    }
    vstring_free(why);
    argv_free(refs);
}

/* config_class_names - add the names that a smtpd_restriction_classes value defines */

static void config_class_names(const char *name, const char *value, ARGV *names)
{
    ARGV *classes;

    if (strcmp(name, VAR_SMTPD_RESTRICTION_CLASSES) != 0)
        return;
    classes = argv_split(value, ", \t\r\n");
    for (size_t i = 0; i < classes->argc; i++)
        if (strchr(classes->argv[i], '$') == NULL)
            argv_add(names, classes->argv[i]);
    argv_free(classes);
}

/*
 * config_collect_references - every $name in main.cf, overrides, master.cf,
 * defaults, and the restriction class names (user-defined parameters too)
 */
static void config_collect_references(CONFIG *config, const MASTER_CF *master_cf, ARGV *refs)
{
    size_t count;
    const PARAM_INFO *const *all = param_table_sorted(&count);
    const CONFIG_TABLE *layers[] = {&config->main_cf, &config->override};

    for (size_t i = 0; i < count; i++)
        if (all[i]->defval)
            config_references(all[i]->defval, refs);
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < layers[l]->count; i++) {
            config_references(layers[l]->order[i]->value, refs);
            config_class_names(layers[l]->order[i]->name, layers[l]->order[i]->value, refs);
        }
    }
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const ARGV *ov = master_cf->entries[e]->overrides;

        for (size_t i = 0; i < ov->argc; i++) {
            char *name = mystrndup(ov->argv[i], strcspn(ov->argv[i], "="));

            config_references(strchr(ov->argv[i], '=') + 1, refs);
            config_class_names(name, strchr(ov->argv[i], '=') + 1, refs);
            myfree(name);
        }
    }
}

/* config_check_master_cf - -o names and references of master.cf */

static void config_check_master_cf(CONFIG_NAMES_STATE *state, VSTRING *where)
{
    for (size_t e = 0; e < state->master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = state->master_cf->entries[e];

        for (size_t i = 0; i < entry->overrides->argc; i++) {
            const char *pair = entry->overrides->argv[i];
            char *name = mystrndup(pair, strcspn(pair, "="));

            vstring_sprintf(where, "%s, line %d: -o %s", entry->file, entry->line, name);
            config_check_name(state, name, vstring_str(where));
            config_check_undefined(state, name, pair + strlen(name) + 1, vstring_str(where));
            myfree(name);
        }
    }
}

/* config_check_names - unknown and undefined names */

int config_check_names(CONFIG *config, const MASTER_CF *master_cf, CONFIG_REPORT_FN report,
                       void *context)
{
    CONFIG_NAMES_STATE state = {config, master_cf, argv_alloc(100), report, context, 0};
    VSTRING *where = vstring_alloc(100);

    if (master_cf)
        master_cf_register(master_cf, config);
    config_collect_references(config, master_cf, state.referenced);
    for (size_t i = 0; i < config->main_cf.count; i++) {
        const CONFIG_ENTRY *ep = config->main_cf.order[i];

        vstring_sprintf(where, "%s, line %d", ep->origin, ep->line);
        config_check_name(&state, ep->name, vstring_str(where));
        config_check_undefined(&state, ep->name, ep->value, vstring_str(where));
    }
    if (master_cf)
        config_check_master_cf(&state, where);
    vstring_free(where);
    argv_free(state.referenced);
    return state.errors;
}

/* config_implemented - does some program read this parameter */

int config_implemented(const char *name)
{
    const PARAM_INFO *info = config_param_info(name);

    return info == NULL || PARAM_IMPLEMENTED(info);
}

/* config_unimplemented_one - report one setting of an unimplemented parameter */

static int config_unimplemented_one(const char *name, const ARGV *referenced, const char *where,
                                    CONFIG_REPORT_FN report, void *context)
{
    VSTRING *text;

    if (config_implemented(name) || config_in(referenced, name))
        return 0;
    text = vstring_alloc(100);
    vstring_sprintf(text, "%s%s is not implemented in this version; it has no effect", where, name);
    report(CONFIG_REPORT_WARNING, vstring_str(text), context);
    vstring_free(text);
    return 1;
}

/* config_check_unimplemented - settings that no program reads */

int config_check_unimplemented(CONFIG *config, const MASTER_CF *master_cf, CONFIG_REPORT_FN report,
                               void *context)
{
    ARGV *referenced = argv_alloc(20);
    VSTRING *where = vstring_alloc(100);
    const CONFIG_TABLE *layers[] = {&config->main_cf, &config->override};
    int count = 0;

    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < layers[l]->count; i++)
            config_references(layers[l]->order[i]->value, referenced);
    for (size_t e = 0; master_cf && e < master_cf->count; e++)
        for (size_t i = 0; i < master_cf->entries[e]->overrides->argc; i++)
            config_references(strchr(master_cf->entries[e]->overrides->argv[i], '=') + 1,
                              referenced);
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < layers[l]->count; i++) {
            const CONFIG_ENTRY *ep = layers[l]->order[i];

            if (ep->origin && ep->line > 0)
                vstring_sprintf(where, "%s:%d: ", ep->origin, ep->line);
            else if (ep->origin)
                vstring_sprintf(where, "%s: ", ep->origin);
            else
                vstring_sprintf(where, "-o %s=%s: ", ep->name, ep->value);
            count +=
                config_unimplemented_one(ep->name, referenced, vstring_str(where), report, context);
        }
    }
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[e];

        for (size_t i = 0; i < entry->overrides->argc; i++) {
            const char *pair = entry->overrides->argv[i];
            char *name = mystrndup(pair, strcspn(pair, "="));

            vstring_sprintf(where, "%s:%d: service %s/%s: -o ", entry->file, entry->line,
                            entry->service, entry->type);
            count +=
                config_unimplemented_one(name, referenced, vstring_str(where), report, context);
            myfree(name);
        }
    }
    vstring_free(where);
    argv_free(referenced);
    return count;
}

/* config_startup_report - log one problem found at start-up */

static void config_startup_report(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    ARGV *errors = context;

    if (errors == NULL || level == CONFIG_REPORT_WARNING)
        msg_warn("%s", text);
    else
        argv_add(errors, text);
}

/* config_startup - load, override, check and install the process CONFIG */

CONFIG *config_startup(const char *config_dir, const ARGV *overrides, const char *process_name)
{
    CONFIG *config = config_load(config_dir);
    VSTRING *path = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *master_cf;
    ARGV *errors = argv_alloc(5);

    for (size_t i = 0; overrides && i < overrides->argc; i++)
        if (config_override_arg(config, overrides->argv[i]) < 0)
            msg_fatal("bad -o option \"%s\": expected name=value", overrides->argv[i]);
    if (process_name)
        config_set_runtime(config, VAR_PROCESS_NAME, process_name);
    vstring_sprintf(path, "%s/%s", config_directory(config), CONFIG_MASTER_CF);
    /* Only to know the transports; master(8) reports a bad master.cf. */
    master_cf = master_cf_load(vstring_str(path), why);
    (void)config_check_names(config, master_cf, config_startup_report, NULL);
    if (config_validate(config, config_startup_report, errors) > 0) {
        if (errors->argc == 1)
            msg_fatal("%s", errors->argv[0]);
        for (size_t i = 0; i < errors->argc; i++)
            msg_warn("%s", errors->argv[i]);
        msg_fatal("%zu configuration errors: fix them and try again", errors->argc);
    }
    if (master_cf)
        master_cf_free(master_cf);
    argv_free(errors);
    vstring_free(path);
    vstring_free(why);
    config_set_current(config);
    return config;
}
