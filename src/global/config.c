/*++
 * NAME
 *	config - main.cf parameters: load, override, read typed values
 * SYNOPSIS
 *	#include <config.h>
 *
 *	const char *config_dir_choose(const char *config_dir);
 *	CONFIG	*config_alloc(const char *config_dir);
 *	CONFIG	*config_load(const char *config_dir);
 *	int	config_read_file(CONFIG *config, const char *path, VSTRING *why);
 *	void	config_free(CONFIG *config);
 *	const char *config_directory(const CONFIG *config);
 *	const char *config_main_cf_path(const CONFIG *config);
 *
 *	void	config_override(CONFIG *config, const char *name, const char *value);
 *	void	config_override_origin(CONFIG *config, const char *name,
 *					const char *value, const char *origin);
 *	int	config_override_arg(CONFIG *config, const char *name_eq_value);
 *	void	config_set_runtime(CONFIG *config, const char *name, const char *value);
 *	void	config_add_service(CONFIG *config, const char *service,
 *					const char *command);
 *
 *	const char *config_get_raw(CONFIG *config, const char *name,
 *					CONFIG_SOURCE *out_source);
 *	const char *config_get_default(CONFIG *config, const char *name,
 *					VSTRING *why);
 *	void	config_walk(CONFIG *config, CONFIG_SOURCE source,
 *					CONFIG_WALK_FN fn, void *context);
 *	int	config_known_name(CONFIG *config, const char *name);
 *
 *	CONFIG	*config_current(void);
 *	void	config_set_current(CONFIG *config);
 * DESCRIPTION
 *	config_dir_choose() returns config_dir when it is not NULL, else the
 *	MAIL_CONFIG environment variable when set and not empty, else
 *	/etc/postfix.
 *
 *	config_alloc() creates a CONFIG with no settings for the directory
 *	that config_dir_choose() picks. config_load() also reads DIR/main.cf:
 *	"name = value" lines, '#' comment lines, and lines that start with
 *	white space and continue the previous setting; the last setting of
 *	a name wins. A missing or malformed main.cf is a fatal error.
 *	config_read_file() reads one file of that format into the main.cf
 *	layer; it returns 0, or -1 with the reason ("file, line N: ...") in
 *	why. config_free() releases the CONFIG and every string it handed out.
 *
 *	config_directory() and config_main_cf_path() return the directory
 *	and the main.cf path.
 *
 *	config_override() sets a value that beats main.cf, as "-o name=value"
 *	does; error messages then say "-o name=value". config_override_origin()
 *	says instead where it came from (for example "/etc/postfix/master.cf,
 *	line 20"); error messages start with that text.
 *	config_override_arg() splits "name=value" (or "{ name = value }")
 *	and overrides; it returns 0, or -1 when the text has no name.
 *	config_set_runtime() records a value the program determines itself
 *	(process_name, service_name); postconf -n does not show these.
 *
 *	config_add_service() tells the CONFIG about a master.cf service and
 *	its command, so that its per-transport parameter names are known.
 *
 *	config_get_raw() returns the unexpanded value in effect and where it
 *	came from, or NULL when the name is not defined anywhere or its
 *	default cannot be computed.
 *	config_get_default() returns the unexpanded default (computed when
 *	the table says so), or NULL when the name has no default; when a
 *	computed default cannot be computed (it refers back to itself
 *	through other parameters, as "myhostname = host.$mydomain" does with
 *	mydomain's default), it also returns NULL and puts the reason into
 *	why, which may be NULL (then why is empty on any other result).
 *	config_walk() calls fn for each explicit setting of one layer
 *	(CONFIG_SOURCE_MAIN_CF, _RUNTIME or _OVERRIDE), in the order the
 *	names were first set. config_known_name() is true for a name the
 *	table lists or a per-transport name.
 *
 *	config_current() returns the CONFIG that config_set_current() (or
 *	config_startup()) made the process default, or NULL. It is for
 *	start-up code: modules get their settings from their program's
 *	config struct (see config_bind()).
 * DIAGNOSTICS
 *	Fatal: main.cf cannot be read or has a line without '='.
 * SEE ALSO
 *	config_get(3) typed values, config_expand(3) $name expansion,
 *	config_check(3) checks, config_compute(3) computed defaults
 *--*/

/* System library. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "stringops.h"

/* Global library. */
#include "config_private.h"

/* The process instance, for code that cannot be handed a CONFIG. */
static CONFIG *config_process_instance;

/* config_table_find - entry of a name in one layer */

CONFIG_ENTRY *config_table_find(const CONFIG_TABLE *table, const char *name)
{
    return table->index ? htable_find(table->index, name) : NULL;
}

/* config_table_set - add or replace a name in one layer */

CONFIG_ENTRY *config_table_set(CONFIG_TABLE *table, const char *name, const char *value,
                               const char *origin, int line)
{
    CONFIG_ENTRY *ep = config_table_find(table, name);

    if (ep == NULL) {
        ep = mycalloc(1, sizeof(*ep));
        ep->name = mystrdup(name);
        if (table->index == NULL)
            table->index = htable_create(64);
        htable_enter(table->index, name, ep);
        if (table->count == table->size) {
            table->size = table->size ? 2 * table->size : 32;
            table->order = myrealloc(table->order, table->size * sizeof(*table->order));
        }
        table->order[table->count++] = ep;
    } else {
        myfree(ep->value);
        myfree(ep->origin);
    }
    ep->value = mystrdup(value);
    ep->origin = origin ? mystrdup(origin) : NULL;
    ep->line = line;
    return ep;
}

/* config_table_clear - remove every entry of one layer */

void config_table_clear(CONFIG_TABLE *table)
{
    for (size_t i = 0; i < table->count; i++) {
        CONFIG_ENTRY *ep = table->order[i];

        myfree(ep->name);
        myfree(ep->value);
        myfree(ep->origin);
        myfree(ep);
    }
    if (table->index)
        htable_free(table->index, NULL);
    myfree(table->order);
    memset(table, 0, sizeof(*table));
}

/* config_retire_table - empty a layer, keeping its values valid until config_free() */

static void config_retire_table(CONFIG *config, CONFIG_TABLE *table)
{
    for (size_t i = 0; i < table->count; i++) {
        CONFIG_ENTRY *ep = table->order[i];

        if (config->retired_count == config->retired_size) {
            config->retired_size = config->retired_size ? 2 * config->retired_size : 64;
            config->retired =
                myrealloc(config->retired, config->retired_size * sizeof(*config->retired));
        }
        config->retired[config->retired_count++] = ep->value;
        ep->value = NULL;
    }
    config_table_clear(table);
}

/* config_retire_cache - after a change, expand and compute afresh */

static void config_retire_cache(CONFIG *config)
{
    config_retire_table(config, &config->cache);
    config_retire_table(config, &config->computed);
}

/* config_dir_choose - -c directory, else $MAIL_CONFIG, else the default */

const char *config_dir_choose(const char *config_dir)
{
    const char *env;

    if (config_dir && *config_dir)
        return config_dir;
    if ((env = getenv(CONFIG_DIR_ENV)) != NULL && *env)
        return env;
    return CONFIG_DIR_DEFAULT;
}

/* config_alloc - an empty CONFIG for a directory */

CONFIG *config_alloc(const char *config_dir)
{
    CONFIG *config = mycalloc(1, sizeof(*config));
    VSTRING *path = vstring_alloc(100);

    config->config_dir = mystrdup(config_dir_choose(config_dir));
    vstring_sprintf(path, "%s/%s", config->config_dir, CONFIG_MAIN_CF);
    config->main_cf_path = vstring_export(path);
    config->services = argv_alloc(10);
    config->expanding = argv_alloc(10);
    config->computing = argv_alloc(5);
    if (strcmp(config->config_dir, CONFIG_DIR_DEFAULT) != 0)
        config_table_set(&config->runtime, VAR_CONFIG_DIRECTORY, config->config_dir, NULL, 0);
    return config;
}

/* config_store_line - handle one logical line of main.cf */

static int config_store_line(CONFIG *config, const char *path, int line, char *text, VSTRING *why)
{
    char *name;
    char *value;
    const char *err;
    char *copy = mystrdup(text);

    if ((err = split_nameval(text, &name, &value)) != NULL || name[strcspn(name, BLANKS)] != 0) {
        vstring_sprintf(why, "%s, line %d: %s: \"%s\"", path, line,
                        err ? err : "white space in parameter name", trim_blanks(copy));
        myfree(copy);
        return -1;
    }
    myfree(copy);
    config_table_set(&config->main_cf, name, value, path, line);
    return 0;
}

/* config_read_file - read main.cf-format settings from one file */

int config_read_file(CONFIG *config, const char *path, VSTRING *why)
{
    FILE *fp;
    VSTRING *logical;
    int lineno = 0;
    int first_line = 0;
    int status = 0;

    if ((fp = fopen(path, "r")) == NULL) {
        vstring_sprintf(why, "open %s: %s", path, strerror(errno));
        return -1;
    }
    logical = vstring_alloc(200);
    while (status == 0 && readlline(logical, fp, path, &lineno, &first_line))
        status = config_store_line(config, path, first_line, vstring_str(logical), why);
    if (status == 0 && ferror(fp)) {
        vstring_sprintf(why, "read %s: %s", path, strerror(errno));
        status = -1;
    }
    fclose(fp);
    vstring_free(logical);
    config_retire_cache(config);
    return status;
}

/* config_load - read DIR/main.cf */

CONFIG *config_load(const char *config_dir)
{
    CONFIG *config = config_alloc(config_dir);
    VSTRING *why = vstring_alloc(100);

    if (config_read_file(config, config->main_cf_path, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    return config;
}

/* config_free - release everything */

void config_free(CONFIG *config)
{
    if (config == config_process_instance)
        config_process_instance = NULL;
    config_table_clear(&config->main_cf);
    config_table_clear(&config->runtime);
    config_table_clear(&config->override);
    config_table_clear(&config->computed);
    config_table_clear(&config->cache);
    for (size_t i = 0; i < config->retired_count; i++)
        myfree(config->retired[i]);
    myfree(config->retired);
    argv_free(config->services);
    argv_free(config->expanding);
    argv_free(config->computing);
    myfree(config->config_dir);
    myfree(config->main_cf_path);
    myfree(config);
}

/* config_directory - the configuration directory */

const char *config_directory(const CONFIG *config)
{
    return config->config_dir;
}

/* config_main_cf_path - DIR/main.cf */

const char *config_main_cf_path(const CONFIG *config)
{
    return config->main_cf_path;
}

/* config_override_origin - -o setting with its origin */

void config_override_origin(CONFIG *config, const char *name, const char *value, const char *origin)
{
    config_table_set(&config->override, name, value, origin, 0);
    config_retire_cache(config);
}

/* config_override - -o setting */

void config_override(CONFIG *config, const char *name, const char *value)
{
    config_override_origin(config, name, value, NULL);
}

/* config_override_arg - -o "name=value" or "{ name = value }" */

int config_override_arg(CONFIG *config, const char *name_eq_value)
{
    char *copy = mystrdup(name_eq_value);
    char *text = trim_blanks(copy);
    char *name;
    char *value;
    int status = -1;

    if (*text == '{' && strip_braces(&text) != NULL) {
        myfree(copy);
        return -1;
    }
    if (split_nameval(text, &name, &value) == NULL && *name && name[strcspn(name, BLANKS)] == 0) {
        config_override(config, name, value);
        status = 0;
    }
    myfree(copy);
    return status;
}

/* config_set_runtime - a value the program determines itself */

void config_set_runtime(CONFIG *config, const char *name, const char *value)
{
    config_table_set(&config->runtime, name, value, NULL, 0);
    config_retire_cache(config);
}

/* config_add_service - a master.cf service with per-transport names */

void config_add_service(CONFIG *config, const char *service, const char *command)
{
    int pipe = 0;

    if (command == NULL || param_service_is_agent(command, &pipe)) {
        argv_add(config->services, service);
        argv_add(config->services, pipe ? "pipe" : "agent");
    }
}

/* config_in_argv - is a name on a stack */

int config_in_argv(const ARGV *stack, const char *name)
{
    for (size_t i = 0; i < stack->argc; i++)
        if (strcmp(stack->argv[i], name) == 0)
            return 1;
    return 0;
}

/* config_param_info - table entry, or the entry of a per-transport suffix */

const PARAM_INFO *config_param_info(const char *name)
{
    const PARAM_INFO *info = param_table_find(name);
    const PARAM_SERVICE_SUFFIX *sp;

    if (info == NULL && (sp = param_service_match(name, NULL)) != NULL)
        info = &sp->info;
    return info;
}

/*
 * config_default_value - the unexpanded default of a known parameter; NULL
 * with the reason in why (when not NULL) when a computed default cannot be
 * computed
 */
static const char *config_default_value(CONFIG *config, const char *name, const PARAM_INFO *info,
                                        VSTRING *why)
{
    CONFIG_ENTRY *ep;
    VSTRING *reason;
    char *value;
    int pushed = 0;

    if (info->defval != NULL || info->compute == NULL)
        return info->defval;
    if ((ep = config_table_find(&config->computed, name)) != NULL)
        return ep->value;
    if (config_in_argv(config->computing, name)) { /* only a compute function using a getter */
        if (why)
            vstring_sprintf(why, "the default of %s depends on itself", name);
        return NULL;
    }

    /*
     * The computation reads other parameters through the expansion stack,
     * so that a value that refers back to this one, say "myhostname =
     * host.$mydomain" while mydomain's default is taken from myhostname, is
     * reported as an expansion loop that names each parameter.
     */
    if (!config_in_argv(config->expanding, name)) {
        argv_add(config->expanding, name);
        pushed = 1;
    }
    argv_add(config->computing, name);
    reason = vstring_alloc(100);
    value = info->compute(config, reason);
    argv_truncate(config->computing, config->computing->argc - 1);
    if (pushed)
        argv_truncate(config->expanding, config->expanding->argc - 1);
    if (value == NULL) {
        if (why)
            vstring_strcpy(why, vstring_str(reason));
        vstring_free(reason);
        return NULL;
    }
    vstring_free(reason);
    ep = config_table_set(&config->computed, name, value, NULL, 0);
    myfree(value);
    return ep->value;
}

/* config_explicit_value - value set in main.cf, by the program or by -o, or NULL */

const char *config_explicit_value(CONFIG *config, const char *name)
{
    const CONFIG_TABLE *layers[] = {&config->override, &config->runtime, &config->main_cf};
    const CONFIG_ENTRY *ep;

    for (int i = 0; i < 3; i++)
        if ((ep = config_table_find(layers[i], name)) != NULL)
            return ep->value;
    return NULL;
}

/* config_raw_value - the unexpanded value in effect */

const char *config_raw_value(CONFIG *config, const char *name, const PARAM_INFO **out_info,
                             CONFIG_SOURCE *out_source, const CONFIG_ENTRY **out_entry,
                             VSTRING *why)
{
    const CONFIG_TABLE *layers[] = {&config->override, &config->runtime, &config->main_cf};
    const CONFIG_SOURCE sources[] = {CONFIG_SOURCE_OVERRIDE, CONFIG_SOURCE_RUNTIME,
                                     CONFIG_SOURCE_MAIN_CF};
    const PARAM_INFO *info = config_param_info(name);
    const char *value = NULL;
    CONFIG_SOURCE source = CONFIG_SOURCE_NONE;
    CONFIG_ENTRY *ep = NULL;

    if (why)
        VSTRING_RESET(why);
    for (int i = 0; i < 3 && value == NULL; i++) {
        if ((ep = config_table_find(layers[i], name)) != NULL) {
            value = ep->value;
            source = sources[i];
        }
    }
    if (value == NULL && info != NULL &&
        (value = config_default_value(config, name, info, why)) != NULL)
        source = CONFIG_SOURCE_DEFAULT;
    if (out_info)
        *out_info = info;
    if (out_source)
        *out_source = source;
    if (out_entry)
        *out_entry = ep;
    return value;
}

/* config_where - where the value in effect was set, for messages */

void config_where(CONFIG *config, const char *name, VSTRING *out)
{
    const CONFIG_ENTRY *ep;
    CONFIG_SOURCE source;
    const char *value = config_raw_value(config, name, NULL, &source, &ep, NULL);

    switch (source) {
    case CONFIG_SOURCE_MAIN_CF:
        vstring_sprintf(out, "%s, line %d", ep->origin, ep->line);
        break;
    case CONFIG_SOURCE_OVERRIDE:
        if (ep->origin)
            vstring_strcpy(out, ep->origin);
        else
            vstring_sprintf(out, "-o %s=%s", name, value);
        break;
    case CONFIG_SOURCE_RUNTIME:
        vstring_sprintf(out, "%s (set by the program)", name);
        break;
    default:
        if (value)
            vstring_sprintf(out, "default %s = %s", name, value);
        else
            vstring_sprintf(out, "default of %s", name);
        break;
    }
}

/* config_get_raw - unexpanded value in effect */

const char *config_get_raw(CONFIG *config, const char *name, CONFIG_SOURCE *out_source)
{
    return config_raw_value(config, name, NULL, out_source, NULL, NULL);
}

/* config_get_default - unexpanded default */

const char *config_get_default(CONFIG *config, const char *name, VSTRING *why)
{
    const PARAM_INFO *info = config_param_info(name);

    if (why)
        VSTRING_RESET(why);
    return info ? config_default_value(config, name, info, why) : NULL;
}

/* config_walk - explicit settings of one layer */

void config_walk(CONFIG *config, CONFIG_SOURCE source, CONFIG_WALK_FN fn, void *context)
{
    const CONFIG_TABLE *table;

    switch (source) {
    case CONFIG_SOURCE_MAIN_CF:
        table = &config->main_cf;
        break;
    case CONFIG_SOURCE_RUNTIME:
        table = &config->runtime;
        break;
    case CONFIG_SOURCE_OVERRIDE:
        table = &config->override;
        break;
    default:
        msg_panic("%s: bad source %d", __func__, source);
    }
    for (size_t i = 0; i < table->count; i++) {
        const CONFIG_ENTRY *ep = table->order[i];
        CONFIG_SETTING setting = {ep->name, ep->value, ep->origin, ep->line, source};

        fn(&setting, context);
    }
}

/* config_known_name - listed in the table, or a per-transport name */

int config_known_name(CONFIG *config, const char *name)
{
    (void)config;
    return config_param_info(name) != NULL;
}

/* config_current - the process instance */

CONFIG *config_current(void)
{
    return config_process_instance;
}

/* config_set_current - choose the process instance */

void config_set_current(CONFIG *config)
{
    config_process_instance = config;
}
