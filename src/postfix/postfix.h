/*
 * postfix.h - the postfix(1) command: shared declarations
 */
#ifndef POSTFIX_H
#define POSTFIX_H

#include "config.h"
#include "master_cf.h"

/* postfix_check.c */
extern int postfix_check(CONFIG *config, int flags);

/* postfix_check_lists.c */
extern int postfix_check_lists(CONFIG *config, const MASTER_CF *master_cf, CONFIG_REPORT_FN report,
                               void *context);
extern int postfix_check_table(const char *table, VSTRING *why);

#define POSTFIX_CHECK_FLAG_QUIET (1 << 0) /* no warnings, errors only (start, reload) */

/* postfix_keys.c */
typedef void (*POSTFIX_KEYS_FN)(const char *param, const char *file, const char *where,
                                void *context);
extern void postfix_keys_walk(CONFIG *config, const MASTER_CF *master_cf, POSTFIX_KEYS_FN fn,
                              void *context);

/* postfix_perms.c */
extern int postfix_set_permissions(CONFIG *config);
extern int postfix_post_install(CONFIG *config);

/* postfix_tls.c */
extern int postfix_tls(CONFIG *config, int argc, char **argv);

#endif
