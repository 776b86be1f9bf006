/*
 * export_env.h - the environment that Postfix-style daemons give to commands
 *
 * export_environment names the variables that a command started by
 * pipe(8) or spawn(8) gets from the daemon's own environment (which
 * master(8) already cut down to import_environment).
 */
#ifndef EXPORT_ENV_H
#define EXPORT_ENV_H

#include "argv.h"

extern ARGV *export_env(const char *names);

#endif
