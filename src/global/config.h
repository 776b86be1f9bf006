/*
 * config.h - main.cf parameters: load, override, expand, read typed values
 *
 * A CONFIG holds one view of the configuration: the settings of
 * DIR/main.cf, the -o overrides on top, values a program sets for itself
 * (process_name, service_name), and below all of them the defaults of the
 * parameter table (param_table.h). Values are kept as written and expanded
 * when read, so an override of one parameter shows through every value
 * that refers to it.
 *
 * A program starts like this, binding every parameter it reads into its
 * own config struct (daemons hand the table to mail_server(3), which does
 * this for them):
 *
 *	static const CONFIG_BIND parameters[] = {
 *	    CONFIG_BIND_TIME(VAR_SMTPD_TIMEOUT, &prog_config.timeout),
 *	    CONFIG_BIND_END,
 *	};
 *	CONFIG *config = config_startup(config_dir, overrides, msg_program());
 *
 *	config_bind(config, parameters);
 *
 * where config_dir is the -c argument (or NULL: $MAIL_CONFIG, else
 * /etc/postfix) and overrides the "name=value" texts of its -o options.
 * config_startup() exits with a fatal error that names the file, line,
 * parameter and value when a setting is malformed, and warns about
 * unknown parameter names. Programs with their own policy call
 * config_load(), config_override(), config_validate() and
 * config_check_names() instead.
 *
 * Getters take the VAR_ macro of mail_params.h. A name the table does not
 * know is a panic (a programming error), except for per-transport names
 * such as smtp_destination_concurrency_limit. A value that does not fit
 * the type or the bounds is a fatal error.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstring.h"
#include "mail_params.h"
#include "param_table.h"

typedef struct CONFIG CONFIG;
typedef struct MASTER_CF MASTER_CF;

#define CONFIG_DIR_DEFAULT "/etc/postfix" /* without -c or MAIL_CONFIG */
#define CONFIG_DIR_ENV     "MAIL_CONFIG"  /* environment variable naming the directory */
#define CONFIG_MAIN_CF     "main.cf"
#define CONFIG_MASTER_CF   "master.cf"

/* Where the value in effect comes from, strongest last. */
typedef enum CONFIG_SOURCE {
    CONFIG_SOURCE_NONE,     /* not defined at all */
    CONFIG_SOURCE_DEFAULT,  /* the parameter table */
    CONFIG_SOURCE_MAIN_CF,  /* a main.cf line */
    CONFIG_SOURCE_RUNTIME,  /* set by the program (config_set_runtime) */
    CONFIG_SOURCE_OVERRIDE, /* -o name=value */
} CONFIG_SOURCE;

/* One explicit setting, as config_walk() shows it. */
typedef struct CONFIG_SETTING {
    const char *name;     /* parameter name */
    const char *value;    /* unexpanded value */
    const char *origin;   /* file name, or "-o" style text for overrides */
    int line;             /* line in that file, 0 when not from a file */
    CONFIG_SOURCE source; /* which layer */
} CONFIG_SETTING;

typedef void (*CONFIG_WALK_FN)(const CONFIG_SETTING *setting, void *context);

/* Problems found by config_validate() and config_check_names(): one full sentence each. */
typedef enum CONFIG_REPORT_LEVEL {
    CONFIG_REPORT_WARNING, /* suspicious: a reference to an undefined parameter */
    CONFIG_REPORT_ERROR,   /* wrong: a malformed value, an unknown parameter name */
} CONFIG_REPORT_LEVEL;

typedef void (*CONFIG_REPORT_FN)(CONFIG_REPORT_LEVEL level, const char *text, void *context);

/* Construction. */
extern const char *config_dir_choose(const char *config_dir);
extern CONFIG *config_alloc(const char *config_dir);
extern CONFIG *config_load(const char *config_dir);
extern int config_read_file(CONFIG *config, const char *path, VSTRING *why);
extern void config_free(CONFIG *config);
extern const char *config_directory(const CONFIG *config);
extern const char *config_main_cf_path(const CONFIG *config);

/* Settings on top of main.cf. */
extern void config_override(CONFIG *config, const char *name, const char *value);
extern void config_override_origin(CONFIG *config, const char *name, const char *value,
                                   const char *origin);
extern int config_override_arg(CONFIG *config, const char *name_eq_value);
extern void config_set_runtime(CONFIG *config, const char *name, const char *value);
extern void config_add_service(CONFIG *config, const char *service, const char *command);

/* Typed values (fatal on a malformed value, panic on an unknown name). */
extern const char *config_get_str(CONFIG *config, const char *name);
extern int config_get_int(CONFIG *config, const char *name);
extern bool config_get_bool(CONFIG *config, const char *name);
extern int config_get_time(CONFIG *config, const char *name);
extern long config_get_size(CONFIG *config, const char *name);
extern ARGV *config_get_list(CONFIG *config, const char *name);

/* Untyped access, for postconf and for user-defined names. */
extern const char *config_lookup(CONFIG *config, const char *name);
extern const char *config_get_raw(CONFIG *config, const char *name, CONFIG_SOURCE *out_source);
extern const char *config_get_default(CONFIG *config, const char *name, VSTRING *why);
extern int config_expand(CONFIG *config, const char *text, VSTRING *out, VSTRING *why);
extern void config_walk(CONFIG *config, CONFIG_SOURCE source, CONFIG_WALK_FN fn, void *context);
extern int config_known_name(CONFIG *config, const char *name);

/* Checks. */
extern int config_check_value(CONFIG *config, const char *name, VSTRING *why);
extern int config_validate(CONFIG *config, CONFIG_REPORT_FN report, void *context);
extern int config_check_names(CONFIG *config, const MASTER_CF *master_cf, CONFIG_REPORT_FN report,
                              void *context);
extern int config_check_unimplemented(CONFIG *config, const MASTER_CF *master_cf,
                                      CONFIG_REPORT_FN report, void *context);
extern int config_implemented(const char *name);

/* Daemon start-up and the process instance. */
extern CONFIG *config_startup(const char *config_dir, const ARGV *overrides,
                              const char *process_name);
extern CONFIG *config_current(void);
extern void config_set_current(CONFIG *config);

/*
 * Binding: a daemon lists the parameters it reads, with the address of
 * its variable, and config_bind() fills them all (with the same checks
 * as the getters). The CONFIG_BIND_*() macros check the variable's type.
 *
 * Two kinds of entry bind names that are known only later:
 * CONFIG_BIND_PER_TRANSPORT() binds the family <transport>_<suffix> of an
 * integer per-transport parameter (param_service.c) to a
 * CONFIG_PER_TRANSPORT, which config_per_transport_int() asks for one
 * transport when that transport is first used. CONFIG_BIND_DEFINITIONS()
 * binds a list parameter whose elements name other, user-defined
 * parameters (smtpd_restriction_classes) to a CONFIG_DEFINITIONS of their
 * expanded values.
 */
typedef struct CONFIG_PER_TRANSPORT CONFIG_PER_TRANSPORT;
typedef struct CONFIG_DEFINITIONS CONFIG_DEFINITIONS;

/* What a CONFIG_BIND entry binds. */
typedef enum CONFIG_BIND_KIND {
    CONFIG_BIND_KIND_VALUE,         /* the value of one parameter */
    CONFIG_BIND_KIND_PER_TRANSPORT, /* a per-transport family; name is the suffix */
    CONFIG_BIND_KIND_DEFINITIONS,   /* the parameters that a list parameter names */
} CONFIG_BIND_KIND;

typedef struct CONFIG_BIND {
    const char *name;      /* VAR_ macro, or a per-transport suffix */
    PARAM_TYPE type;       /* what the variable holds */
    CONFIG_BIND_KIND kind; /* CONFIG_BIND_KIND_VALUE unless said otherwise */
    union {
        const char **str;
        int *num;
        bool *flag;
        long *size;
        ARGV **list;
        CONFIG_PER_TRANSPORT **per_transport;
        CONFIG_DEFINITIONS **definitions;
    } target; /* where the value goes; strings are owned by the CONFIG, the rest by the caller */
} CONFIG_BIND;

#define CONFIG_BIND_STR(N, P)  {.name = (N), .type = PARAM_TYPE_STR, .target.str = (P)}
#define CONFIG_BIND_LIST(N, P) {.name = (N), .type = PARAM_TYPE_LIST, .target.list = (P)}
#define CONFIG_BIND_INT(N, P)  {.name = (N), .type = PARAM_TYPE_INT, .target.num = (P)}
#define CONFIG_BIND_BOOL(N, P) {.name = (N), .type = PARAM_TYPE_BOOL, .target.flag = (P)}
#define CONFIG_BIND_TIME(N, P) {.name = (N), .type = PARAM_TYPE_TIME, .target.num = (P)}
#define CONFIG_BIND_SIZE(N, P) {.name = (N), .type = PARAM_TYPE_SIZE, .target.size = (P)}
#define CONFIG_BIND_PER_TRANSPORT(S, P)                                                            \
    {.name = (S),                                                                                  \
     .type = PARAM_TYPE_INT,                                                                       \
     .kind = CONFIG_BIND_KIND_PER_TRANSPORT,                                                       \
     .target.per_transport = (P)}
#define CONFIG_BIND_DEFINITIONS(N, P)                                                              \
    {.name = (N),                                                                                  \
     .type = PARAM_TYPE_LIST,                                                                      \
     .kind = CONFIG_BIND_KIND_DEFINITIONS,                                                         \
     .target.definitions = (P)}
#define CONFIG_BIND_END {.name = NULL}

extern void config_bind(CONFIG *config, const CONFIG_BIND *table);

/* Bound families and definitions (config_family.c). */
extern CONFIG_PER_TRANSPORT *config_per_transport_alloc(CONFIG *config, const char *suffix);
extern int config_per_transport_int(CONFIG_PER_TRANSPORT *family, const char *transport);
extern CONFIG_PER_TRANSPORT *config_per_transport_free(CONFIG_PER_TRANSPORT *family);
extern CONFIG_DEFINITIONS *config_definitions_alloc(CONFIG *config, const char *name);
extern const char *config_definitions_find(const CONFIG_DEFINITIONS *definitions, const char *name);
extern CONFIG_DEFINITIONS *config_definitions_free(CONFIG_DEFINITIONS *definitions);

/* Conversions shared by the getters, config_validate() and postconf. */
extern const char *config_parse_bool(const char *text, bool *out_value);
extern const char *config_parse_int(const char *text, long *out_value);
extern const char *config_parse_time(const char *text, char unit, long *out_value);
extern const char *config_parse_size(const char *text, long *out_value);

#endif
