/*
 * postconf.h - what the postconf modules share
 */
#ifndef POSTCONF_H
#define POSTCONF_H

#include "argv.h"
#include "config.h"
#include "master_cf.h"
#include "vstring.h"

/* Display flags, from the command line. */
#define POSTCONF_FLAG_DEFAULTS   (1 << 0) /* -d: built-in defaults */
#define POSTCONF_FLAG_NONDEFAULT (1 << 1) /* -n: only main.cf settings */
#define POSTCONF_FLAG_HIDE_NAME  (1 << 2) /* -h: value only */
#define POSTCONF_FLAG_HIDE_VALUE (1 << 3) /* -H: name only */
#define POSTCONF_FLAG_EXPAND     (1 << 4) /* -x: expand $name */
#define POSTCONF_FLAG_FOLD       (1 << 5) /* -f: fold long lines */
#define POSTCONF_FLAG_UNIMPL     (1 << 6) /* -U: list what is not implemented */

#define POSTCONF_FOLD_WIDTH 80 /* -f: longest output line */

typedef struct POSTCONF {
    CONFIG *config;       /* owned: main.cf and -o; defaults only with -d */
    MASTER_CF *master_cf; /* owned: master.cf, NULL when it could not be read */
    int flags;            /* POSTCONF_FLAG_* */
    int errors;           /* problems reported so far */
} POSTCONF;

/* Editing modes for main.cf. */
typedef enum POSTCONF_EDIT_MODE {
    POSTCONF_EDIT_SET,     /* -e name=value */
    POSTCONF_EDIT_REMOVE,  /* -X name */
    POSTCONF_EDIT_COMMENT, /* -# name */
} POSTCONF_EDIT_MODE;

/* postconf_main.c */
extern void postconf_show_all(POSTCONF *pc);
extern void postconf_show_named(POSTCONF *pc, char **names);
extern void postconf_print(POSTCONF *pc, const char *name, const char *value);
extern void postconf_check(POSTCONF *pc);
extern void postconf_show_unimplemented(POSTCONF *pc);

/* postconf_edit.c */
extern void postconf_edit_main(POSTCONF *pc, char **args, POSTCONF_EDIT_MODE mode);

/* postconf_master.c */
extern void postconf_show_master(POSTCONF *pc, char **selectors);

#endif
