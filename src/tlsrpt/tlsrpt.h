/*
 * tlsrpt.h - the parts of tlsrpt(8)
 *
 * tlsrpt.c runs the daemon: it binds every parameter into one
 * TLSRPT_CONFIG, receives the records of the smtp and lmtp clients
 * (tlsrpt_client.h has the protocol) and appends them to the current
 * period's spool file (tlsrpt_spool.h); tlsrpt_collect.c owns that
 * file. tlsrpt_run.c reports each period once it has ended, in a child
 * process, through tlsrpt_send.c: the TXT policy of each domain, the
 * JSON report, gzip, and delivery by mail or HTTPS. A delivery that
 * failed is tried again later (tlsrpt_retry.c keeps what was done and
 * when to try next).
 */
#ifndef TLSRPT_H
#define TLSRPT_H

#include <stdbool.h>
#include <time.h>

#include "htable.h"
#include "vstream.h"

#include "dns_resolver.h"
#include "mail_server.h"

#include "tlsrpt_client.h"

/* What main.cf says (bound by tlsrpt.c; strings owned by the CONFIG). */
typedef struct TLSRPT_CONFIG {
    const char *data_directory;        /* data_directory */
    int report_interval;               /* tlsrpt_report_interval, seconds */
    const char *organization;          /* tlsrpt_organization_name */
    const char *contact_info;          /* tlsrpt_contact_info */
    const char *sender;                /* tlsrpt_report_sender */
    const char *submitter;             /* tlsrpt_report_submitter */
    int report_timeout;                /* tlsrpt_report_timeout, seconds */
    int retry_time;                    /* tlsrpt_report_retry_time, seconds */
    int minimal_backoff;               /* tlsrpt_minimal_backoff_time, seconds */
    int maximal_backoff;               /* tlsrpt_maximal_backoff_time, seconds */
    const char *config_directory;      /* config_directory: sendmail -C */
    const char *command_directory;     /* command_directory: where sendmail is */
    const char *CAfile;                /* smtp_tls_CAfile: CAs for the HTTPS POST */
    const char *CApath;                /* smtp_tls_CApath */
    DNS_RESOLVER_PROPS resolver_props; /* smtp_dns_resolver and its companions */
    char *spool_dir;                   /* $data_directory/tlsrpt, owned */
} TLSRPT_CONFIG;

/* tlsrpt_collect.c */
extern void tlsrpt_collect_init(const char *spool_dir, int interval);
extern int tlsrpt_collect_add(time_t when, const TLSRPT_RECORD *record);

/* tlsrpt_run.c */
extern void tlsrpt_run_start(MAIL_SERVER *server, const TLSRPT_CONFIG *config);

/* tlsrpt_send.c */
extern int tlsrpt_send_period(const TLSRPT_CONFIG *config, const char *path, time_t start,
                              int attempt, bool final);

#define TLSRPT_SEND_DONE    0    /* every report delivered, or none wanted */
#define TLSRPT_SEND_PENDING 1    /* some delivery failed: try again later */
#define TLSRPT_SEND_ERROR   (-1) /* the file could not be read */

/* tlsrpt_retry.c: the schedule of a report whose deliveries are not all done. */
typedef struct TLSRPT_RETRY {
    time_t first; /* time of the first attempt */
    int attempts; /* attempts made */
    time_t next;  /* time of the next attempt */
} TLSRPT_RETRY;

extern int tlsrpt_retry_read(const char *report_path, TLSRPT_RETRY *out_retry);
extern int tlsrpt_retry_write(const char *report_path, const TLSRPT_RETRY *retry);
extern int tlsrpt_retry_backoff(const TLSRPT_CONFIG *config, int attempts);
extern HTABLE *tlsrpt_retry_sent(const char *report_path);
extern bool tlsrpt_retry_sent_find(HTABLE *sent, const char *domain, const char *uri);
extern int tlsrpt_retry_sent_add(const char *report_path, const char *domain, const char *uri);
extern void tlsrpt_retry_remove(const char *report_path);
extern int tlsrpt_retry_companion(const char *name, time_t *out_start);

#endif
