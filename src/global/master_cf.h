/*
 * master_cf.h - master.cf service entries
 *
 * master_cf_load() reads master.cf into a list of MASTER_CF_ENTRY, in file
 * order, with every column checked and the "-" defaults resolved, so that
 * the master daemon and postconf read the file the same way. A parse
 * error names the file and line.
 */
#ifndef MASTER_CF_H
#define MASTER_CF_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstring.h"

typedef struct CONFIG CONFIG;

#define MASTER_CF_MAXPROC_DEFAULT (-1) /* "-": use $default_process_limit */

/* Service types (the second column). */
#define MASTER_CF_TYPE_INET       "inet"
#define MASTER_CF_TYPE_UNIX       "unix"
#define MASTER_CF_TYPE_UNIX_DGRAM "unix-dgram"
#define MASTER_CF_TYPE_FIFO       "fifo"
#define MASTER_CF_TYPE_PASS       "pass"

typedef struct MASTER_CF_ENTRY {
    char *service;         /* owned: name column, e.g. "smtp" or "127.0.0.1:10025" */
    char *type;            /* owned: one of MASTER_CF_TYPE_* */
    char *columns[5];      /* owned: private..maxproc columns as written, "-" included */
    bool private_access;   /* resolved private column (always false for inet) */
    bool unprivileged;     /* resolved unpriv column */
    bool chroot;           /* resolved chroot column */
    int wakeup;            /* wake-up interval in seconds, 0 for none */
    bool wakeup_if_used;   /* "?" suffix: no wake-up before the first use */
    int maxproc;           /* process limit, or MASTER_CF_MAXPROC_DEFAULT; 0 = no limit */
    char *command;         /* owned: program name, relative to daemon_directory */
    ARGV *args;            /* owned: the arguments other than -o, braces removed */
    ARGV *overrides;       /* owned: "name=value" of each -o, in order */
    ARGV *argv;            /* owned: command, then every argument as the program gets it */
    size_t first_argument; /* argv index of the first non-option argument (argc if none) */
    char *file;            /* owned: master.cf path */
    int line;              /* line where the entry starts */
} MASTER_CF_ENTRY;

/* Column indexes into columns[]. */
#define MASTER_CF_COL_PRIVATE 0
#define MASTER_CF_COL_UNPRIV  1
#define MASTER_CF_COL_CHROOT  2
#define MASTER_CF_COL_WAKEUP  3
#define MASTER_CF_COL_MAXPROC 4

typedef struct MASTER_CF {
    char *path;                /* owned: file name */
    MASTER_CF_ENTRY **entries; /* owned: entries in file order */
    size_t count;              /* number of entries */
} MASTER_CF;

#define MASTER_CF_FORMAT_FOLD (1 << 0) /* one -o per line, as "postconf -Mf" */

extern MASTER_CF *master_cf_load(const char *path, VSTRING *why);
extern MASTER_CF *master_cf_parse(const char *origin, const char *text, VSTRING *why);
extern MASTER_CF *master_cf_free(MASTER_CF *master_cf);
extern const MASTER_CF_ENTRY *master_cf_find(const MASTER_CF *master_cf, const char *service,
                                             const char *type);
extern int master_cf_maxproc(const MASTER_CF_ENTRY *entry, CONFIG *config);
extern void master_cf_format(const MASTER_CF_ENTRY *entry, VSTRING *out, int flags);
extern void master_cf_register(const MASTER_CF *master_cf, CONFIG *config);

#endif
