/*
 * postfix.h - the postfix(1) command: shared declarations
 */
#ifndef POSTFIX_H
#define POSTFIX_H

#include "config.h"
#include "master_cf.h"

/* postfix_check.c */
extern int postfix_check(CONFIG *config, int flags);

#define POSTFIX_CHECK_FLAG_QUIET (1 << 0) /* no warnings, errors only (start, reload) */

#endif
