/*++
 * NAME
 *	postconf - show and edit the mail system configuration
 * SYNOPSIS
 *	postconf [-dfhHnx] [-c config_dir] [-o name=value] [name ...]
 *	postconf [-c config_dir] -e name=value ...
 *	postconf [-c config_dir] -X name ...
 *	postconf [-c config_dir] -# name ...
 *	postconf -M [-fx] [-c config_dir] [service[/type] ...]
 *	postconf -U [-c config_dir]
 *	postconf -m
 * DESCRIPTION
 *	See postconf(1). This file parses the command line, loads main.cf
 *	and master.cf, and hands over to postconf_main.c (showing
 *	parameters), postconf_edit.c (editing main.cf) or postconf_master.c
 *	(showing master.cf). -m lists the lookup table types that this
 *	build supports, one per line, in alphabetical order.
 *
 *	Exit status: 0 on success; 1 on a usage error, a fatal error, and
 *	when the full listing or -n found an unknown parameter name or a
 *	malformed value (the listing is printed all the same).
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"

/* Application-specific. */
#include "postconf.h"

/* What the command line asks for. */
typedef enum POSTCONF_MODE {
    POSTCONF_MODE_SHOW,    /* main.cf parameters */
    POSTCONF_MODE_EDIT,    /* -e or name=value arguments */
    POSTCONF_MODE_REMOVE,  /* -X */
    POSTCONF_MODE_COMMENT, /* -# */
} POSTCONF_MODE;

/* postconf_usage - explain and exit */

static _Noreturn void postconf_usage(void)
{
    msg_fatal(
        "usage: postconf [-dfhHnx] [-c config_dir] [-o name=value] [name ...] | "
        "-e name=value ... | -X name ... | -# name ... | -M [-fx] [service[/type] ...] | -U | "
        "-m");
}

/* postconf_set_mode - one editing mode at most */

static void postconf_set_mode(POSTCONF_MODE *mode, POSTCONF_MODE want)
{
    if (*mode != POSTCONF_MODE_SHOW && *mode != want)
        msg_fatal("options -e, -X and -# cannot be combined");
    *mode = want;
}

/* postconf_compare_names - qsort() order of table type names */

static int postconf_compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* postconf_show_table_types - the supported table types, sorted */

static void postconf_show_table_types(void)
{
    char *names = dict_type_names();
    ARGV *types = argv_split(names, "\n");

    qsort(types->argv, types->argc, sizeof(types->argv[0]), postconf_compare_names);
    for (size_t i = 0; i < types->argc; i++)
        printf("%s\n", types->argv[i]);
    argv_free(types);
    myfree(names);
}

/* postconf_load - main.cf (unless -d), -o overrides, master.cf */

static void postconf_load(POSTCONF *pc, const char *config_dir, const ARGV *overrides, int master)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);

    if (pc->flags & POSTCONF_FLAG_DEFAULTS) {
        pc->config = config_alloc(config_dir);
    } else {
        pc->config = config_load(config_dir);
        for (size_t i = 0; i < overrides->argc; i++)
            if (config_override_arg(pc->config, overrides->argv[i]) < 0)
                msg_fatal("bad -o argument \"%s\": expected name=value", overrides->argv[i]);
    }
    vstring_sprintf(path, "%s/%s", config_directory(pc->config), CONFIG_MASTER_CF);
    if ((pc->master_cf = master_cf_load(vstring_str(path), why)) == NULL && master)
        msg_fatal("%s", vstring_str(why));
    if (pc->master_cf)
        master_cf_register(pc->master_cf, pc->config);
    vstring_free(why);
    vstring_free(path);
}

/* postconf_options - parse the command line; return the editing mode */

static POSTCONF_MODE postconf_options(int argc, char **argv, POSTCONF *pc,
                                      const char **out_config_dir, ARGV *overrides, int *out_master,
                                      int *out_types)
{
    POSTCONF_MODE mode = POSTCONF_MODE_SHOW;
    int ch;

    while ((ch = getopt(argc, argv, "c:deEfhHmMno:pUvxX#")) != -1) {
        switch (ch) {
        case 'c':
            *out_config_dir = optarg;
            break;
        case 'd':
            pc->flags |= POSTCONF_FLAG_DEFAULTS;
            break;
        case 'e':
            postconf_set_mode(&mode, POSTCONF_MODE_EDIT);
            break;
        case 'f':
            pc->flags |= POSTCONF_FLAG_FOLD;
            break;
        case 'h':
            pc->flags |= POSTCONF_FLAG_HIDE_NAME;
            break;
        case 'H':
            pc->flags |= POSTCONF_FLAG_HIDE_VALUE;
            break;
        case 'm':
            *out_types = 1;
            break;
        case 'M':
            *out_master = 1;
            break;
        case 'n':
            pc->flags |= POSTCONF_FLAG_NONDEFAULT;
            break;
        case 'o':
            argv_add(overrides, optarg);
            break;
        case 'p':
            break;
        case 'U':
            pc->flags |= POSTCONF_FLAG_UNIMPL;
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'x':
            pc->flags |= POSTCONF_FLAG_EXPAND;
            break;
        case 'X':
            postconf_set_mode(&mode, POSTCONF_MODE_REMOVE);
            break;
        case '#':
            postconf_set_mode(&mode, POSTCONF_MODE_COMMENT);
            break;
        default:
            postconf_usage();
        }
    }
    return mode;
}

int main(int argc, char **argv)
{
    POSTCONF pc = {0};
    POSTCONF_MODE mode;
    const char *config_dir = NULL;
    ARGV *overrides = argv_alloc(5);
    int master = 0, types = 0;

    msg_init(argv[0]);
    msg_error_limit(1000000); /* report every problem; the exit status tells */
    mode = postconf_options(argc, argv, &pc, &config_dir, overrides, &master, &types);
    if (types) {
        if (master || mode != POSTCONF_MODE_SHOW || optind < argc || pc.flags != 0)
            postconf_usage();
        postconf_show_table_types();
        argv_free(overrides);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if ((pc.flags & POSTCONF_FLAG_DEFAULTS) && (pc.flags & POSTCONF_FLAG_NONDEFAULT))
        msg_fatal("options -d and -n cannot be combined");
    if (mode == POSTCONF_MODE_SHOW && optind < argc && strchr(argv[optind], '=') && !master)
        mode = POSTCONF_MODE_EDIT; /* "postconf name=value" edits, as -e does */
    if (master && mode != POSTCONF_MODE_SHOW)
        msg_fatal("editing master.cf is not supported");
    if ((pc.flags & POSTCONF_FLAG_UNIMPL) &&
        (master || mode != POSTCONF_MODE_SHOW || optind < argc))
        postconf_usage();
    if (mode != POSTCONF_MODE_SHOW && optind == argc)
        postconf_usage();

    postconf_load(&pc, config_dir, overrides, master);
    if (pc.flags & POSTCONF_FLAG_UNIMPL) {
        postconf_show_unimplemented(&pc);
    } else if (master) {
        postconf_show_master(&pc, argv + optind);
    } else if (mode == POSTCONF_MODE_EDIT) {
        postconf_edit_main(&pc, argv + optind, POSTCONF_EDIT_SET);
    } else if (mode == POSTCONF_MODE_REMOVE) {
        postconf_edit_main(&pc, argv + optind, POSTCONF_EDIT_REMOVE);
    } else if (mode == POSTCONF_MODE_COMMENT) {
        postconf_edit_main(&pc, argv + optind, POSTCONF_EDIT_COMMENT);
    } else {
        if (!(pc.flags & POSTCONF_FLAG_DEFAULTS))
            postconf_check(&pc);
        if (optind < argc) {
            pc.errors = 0; /* a query fails over the named parameters only */
            postconf_show_named(&pc, argv + optind);
        } else {
            postconf_show_all(&pc);
        }
    }
    if (fflush(stdout) != 0)
        msg_fatal("write standard output: %m");
    if (pc.master_cf)
        master_cf_free(pc.master_cf);
    config_free(pc.config);
    argv_free(overrides);
    return pc.errors ? 1 : 0;
}
