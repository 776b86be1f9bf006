/*
 * mail_command.h - what a delivery command said and how it ended
 *
 * The parts that pipe(8) and local(8) share when they hand a message to
 * a command: its output, collected up to a limit and a deadline; an
 * RFC 3463 status code at the start of that output; the meaning of its
 * sysexits.h exit status.
 */
#ifndef MAIL_COMMAND_H
#define MAIL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "vstring.h"

#define MAIL_COMMAND_OUTPUT_MAX 1024 /* output kept for the log and the DSN */

extern bool mail_command_output(int fd, time_t deadline, VSTRING *out);
extern bool mail_command_status_code(const char *text, char *dsn, size_t size);
extern const char *mail_command_sysexit(int code, const char **out_dsn);

#endif
