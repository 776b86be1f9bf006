/*
 * tlsrpt_spool.h - the TLSRPT collector's records on disk
 *
 * tlsrpt(8) keeps the session results of one report period in one
 * append-only file of its spool directory ($data_directory/tlsrpt),
 * named after the period's start in UTC ("20260107T000000Z"): one line
 * per session, its fields xtext-encoded (xtext(3)) and separated by
 * tabs. A period is tlsrpt_report_interval long and starts at a
 * multiple of it since the epoch, so a one-day interval gives UTC days.
 * A file whose report is being made is renamed to NAME.report first.
 * posttlsrpt(1) and the report builder read the files with
 * tlsrpt_spool_read().
 */
#ifndef TLSRPT_SPOOL_H
#define TLSRPT_SPOOL_H

#include <time.h>

#include "vstring.h"

#include "tlsrpt_client.h"

#define TLSRPT_SPOOL_DIR      "tlsrpt"  /* below data_directory */
#define TLSRPT_SPOOL_REPORT   ".report" /* suffix of a file being reported */
#define TLSRPT_SPOOL_NAME_LEN 16        /* "YYYYMMDDTHHMMSSZ" */

/* Called for each record read; the record's strings are valid during the call. */
typedef void (*TLSRPT_SPOOL_FN)(void *context, time_t when, const TLSRPT_RECORD *record);

extern time_t tlsrpt_spool_period(time_t when, int interval);
extern void tlsrpt_spool_name(VSTRING *out, time_t period_start);
extern int tlsrpt_spool_parse_name(const char *name, time_t *out_start);
extern void tlsrpt_spool_format(VSTRING *out, time_t when, const TLSRPT_RECORD *record);
extern int tlsrpt_spool_read(const char *path, TLSRPT_SPOOL_FN fn, void *context);
extern long long tlsrpt_spool_repair(int fd, const char *path);

#endif
