/*++
 * NAME
 *	postconf_main - show main.cf parameters
 * SYNOPSIS
 *	#include "postconf.h"
 *
 *	void	postconf_show_all(POSTCONF *pc);
 *	void	postconf_show_named(POSTCONF *pc, char **names);
 *	void	postconf_print(POSTCONF *pc, const char *name, const char *value);
 *	void	postconf_check(POSTCONF *pc);
 *	void	postconf_show_unimplemented(POSTCONF *pc);
 * DESCRIPTION
 *	postconf_show_all() prints parameters sorted by name: every
 *	parameter (the table, the per-transport parameters of the delivery
 *	services in master.cf, and the names set in main.cf or with -o), or
 *	with -n only the names set in main.cf or with -o (plus
 *	config_directory when it is not the default one), or with -d the
 *	built-in defaults.
 *
 *	postconf_show_named() prints the named parameters in the order
 *	given, and warns "NAME: unknown parameter" for a name that is
 *	defined nowhere.
 *
 *	postconf_print() prints one parameter as "name = value", or only the
 *	value (-h) or only the name (-H). Runs of white space in the value
 *	become one space; with -f a line longer than 80 columns continues on
 *	lines indented by four spaces. Values are unexpanded unless -x.
 *
 *	postconf_check() reports unknown parameter names (errors), references
 *	to undefined parameters (warnings) and malformed values (errors) to
 *	stderr, and counts the errors in pc->errors. With -n it also warns
 *	about each setting of a parameter that this version does not
 *	implement.
 *
 *	postconf_show_unimplemented() prints, sorted, the name of every
 *	parameter that this version accepts but does not implement: table
 *	names and the per-transport names of the delivery services in
 *	master.cf.
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "param_table.h"

/* Application-specific. */
#include "postconf.h"

/* postconf_fold - append text, breaking lines at spaces beyond the fold width */

static void postconf_fold(VSTRING *out, const char *text)
{
    size_t line_start = VSTRING_LEN(out);
    const char *cp = text;

    while (*cp) {
        size_t len = strcspn(cp, " ");

        if (VSTRING_LEN(out) > line_start &&
            VSTRING_LEN(out) - line_start + 1 + len > POSTCONF_FOLD_WIDTH) {
            vstring_strcat(out, "\n    ");
            line_start = VSTRING_LEN(out) - 4;
        } else if (VSTRING_LEN(out) > line_start) {
            vstring_addch(out, ' ');
        }
        vstring_strncat(out, cp, len);
        cp += len + strspn(cp + len, " ");
    }
}

/* postconf_words - collapse runs of white space, trim both ends */

static void postconf_words(VSTRING *out, const char *value)
{
    const char *cp = value + strspn(value, BLANKS);

    VSTRING_RESET(out);
    while (*cp) {
        size_t len = strcspn(cp, BLANKS);

        if (VSTRING_LEN(out))
            vstring_addch(out, ' ');
        vstring_strncat(out, cp, len);
        cp += len;
        cp += strspn(cp, BLANKS);
    }
}

/* postconf_print - one parameter in the chosen layout */

void postconf_print(POSTCONF *pc, const char *name, const char *value)
{
    VSTRING *words = vstring_alloc(100);
    VSTRING *text = vstring_alloc(100);
    VSTRING *line = vstring_alloc(100);

    postconf_words(words, value);
    if (pc->flags & POSTCONF_FLAG_HIDE_VALUE)
        vstring_strcpy(text, name);
    else if (pc->flags & POSTCONF_FLAG_HIDE_NAME)
        vstring_strcpy(text, vstring_str(words));
    else
        vstring_sprintf(text, "%s =%s%s", name, VSTRING_LEN(words) ? " " : "", vstring_str(words));
    if (pc->flags & POSTCONF_FLAG_FOLD)
        postconf_fold(line, vstring_str(text));
    else
        vstring_strcpy(line, vstring_str(text));
    printf("%s\n", vstring_str(line));
    vstring_free(words);
    vstring_free(text);
    vstring_free(line);
}

/* postconf_value - the value to show: default or in effect, expanded with -x */

static const char *postconf_value(POSTCONF *pc, const char *name, VSTRING *buf)
{
    VSTRING *why = vstring_alloc(100);
    const char *raw = (pc->flags & POSTCONF_FLAG_DEFAULTS)
                          ? config_get_default(pc->config, name, why)
                          : config_get_raw(pc->config, name, NULL);

    /* Not set, and a default that refers back to itself through others. */
    if (raw == NULL && config_known_name(pc->config, name) &&
        config_get_default(pc->config, name, why) == NULL && VSTRING_LEN(why)) {
        msg_error("parameter %s: cannot compute the default: %s", name, vstring_str(why));
        pc->errors++;
    } else if (raw != NULL && (pc->flags & POSTCONF_FLAG_EXPAND)) {
        if (config_expand(pc->config, raw, buf, why) < 0) {
            msg_error("parameter %s: %s", name, vstring_str(why));
            pc->errors++;
            vstring_strcpy(buf, raw);
        }
        raw = vstring_str(buf);
    }
    vstring_free(why);
    return raw;
}

/* postconf_collect_setting - add a main.cf or -o name */

static void postconf_collect_setting(const CONFIG_SETTING *setting, void *context)
{
    argv_add(context, setting->name);
}

/* postconf_collect_services - add per-transport names of master.cf delivery services */

static void postconf_collect_services(POSTCONF *pc, ARGV *names, bool unimplemented_only)
{
    VSTRING *name = vstring_alloc(100);

    for (size_t i = 0; pc->master_cf && i < pc->master_cf->count; i++) {
        const MASTER_CF_ENTRY *entry = pc->master_cf->entries[i];
        int pipe = 0;

        if (!param_service_is_agent(entry->command, &pipe))
            continue;
        for (const PARAM_SERVICE_SUFFIX *sp = param_service_suffixes; sp->info.name; sp++) {
            if ((sp->pipe_only && !pipe) || (unimplemented_only && PARAM_IMPLEMENTED(&sp->info)))
                continue;
            vstring_sprintf(name, "%s_%s", entry->service, sp->info.name);
            if (param_table_find(vstring_str(name)) == NULL)
                argv_add(names, vstring_str(name));
        }
    }
    vstring_free(name);
}

/* postconf_compare - sort names */

static int postconf_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* postconf_show_all - every parameter, -n settings, or -d defaults */

void postconf_show_all(POSTCONF *pc)
{
    ARGV *names = argv_alloc(1000);
    VSTRING *buf = vstring_alloc(100);
    size_t count;
    const PARAM_INFO *const *all;

    if (!(pc->flags & POSTCONF_FLAG_NONDEFAULT)) {
        all = param_table_sorted(&count);
        for (size_t i = 0; i < count; i++)
            argv_add(names, all[i]->name);
        postconf_collect_services(pc, names, false);
    }
    if (!(pc->flags & POSTCONF_FLAG_DEFAULTS)) {
        config_walk(pc->config, CONFIG_SOURCE_MAIN_CF, postconf_collect_setting, names);
        config_walk(pc->config, CONFIG_SOURCE_OVERRIDE, postconf_collect_setting, names);
        if (strcmp(config_directory(pc->config), CONFIG_DIR_DEFAULT) != 0)
            argv_add(names, VAR_CONFIG_DIRECTORY);
    }
    qsort(names->argv, names->argc, sizeof(names->argv[0]), postconf_compare);
    for (size_t i = 0; i < names->argc; i++) {
        const char *value;

        if (i > 0 && strcmp(names->argv[i], names->argv[i - 1]) == 0)
            continue;
        if ((value = postconf_value(pc, names->argv[i], buf)) != NULL)
            postconf_print(pc, names->argv[i], value);
    }
    vstring_free(buf);
    argv_free(names);
}

/* postconf_show_named - parameters named on the command line */

void postconf_show_named(POSTCONF *pc, char **names)
{
    VSTRING *buf = vstring_alloc(100);

    for (; *names; names++) {
        const char *value = postconf_value(pc, *names, buf);

        if (value == NULL && !config_known_name(pc->config, *names))
            msg_warn("%s: unknown parameter", *names);
        else if (value == NULL) /* its default cannot be computed: reported */
            continue;
        else
            postconf_print(pc, *names, value);
    }
    vstring_free(buf);
}

/* postconf_report - print one problem found by the checks */

static void postconf_report(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    POSTCONF *pc = context;

    if (level == CONFIG_REPORT_WARNING) {
        msg_warn("%s", text);
    } else {
        msg_error("%s", text);
        pc->errors++;
    }
}

/* postconf_check - unknown names, undefined references, malformed values */

void postconf_check(POSTCONF *pc)
{
    (void)config_check_names(pc->config, pc->master_cf, postconf_report, pc);
    (void)config_validate(pc->config, postconf_report, pc);
    if (pc->flags & POSTCONF_FLAG_NONDEFAULT)
        (void)config_check_unimplemented(pc->config, pc->master_cf, postconf_report, pc);
}

/* postconf_show_unimplemented - names that this version does not implement */

void postconf_show_unimplemented(POSTCONF *pc)
{
    ARGV *names = argv_alloc(1000);
    size_t count;
    const PARAM_INFO *const *all = param_table_sorted(&count);

    for (size_t i = 0; i < count; i++)
        if (!PARAM_IMPLEMENTED(all[i]))
            argv_add(names, all[i]->name);
    postconf_collect_services(pc, names, true);
    qsort(names->argv, names->argc, sizeof(names->argv[0]), postconf_compare);
    for (size_t i = 0; i < names->argc; i++)
        if (i == 0 || strcmp(names->argv[i], names->argv[i - 1]) != 0)
            printf("%s\n", names->argv[i]);
    argv_free(names);
}
