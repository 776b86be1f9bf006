/*
 * flush.h - the fast flush service's internal interfaces
 *
 * flush.c answers requests and decides what is eligible; flush_log.c owns
 * the per-site logs under queue_directory/flush: one file per site, one
 * deferred queue ID per line, appended under an exclusive lock and read
 * and emptied in one locked step.
 */
#ifndef FLUSH_H
#define FLUSH_H

#include <time.h>

#include "argv.h"
#include "vstring.h"

#include "mail_queue.h"

/* The directory of the logs, relative to queue_directory. */
#define FLUSH_LOG_DIR MAIL_QUEUE_FLUSH

/* flush_log.c */
extern int flush_log_add(const char *site, const char *queue_id);
extern ARGV *flush_log_take(const char *site);

/* What flush_log_refresh() found: a site whose log is due, and its name on disk. */
typedef void (*FLUSH_LOG_DUE_FN)(const char *file_name, void *context);

extern int flush_log_refresh(time_t refresh_age, time_t purge_age, FLUSH_LOG_DUE_FN due,
                             void *context);
extern ARGV *flush_log_take_file(const char *file_name);

#endif
