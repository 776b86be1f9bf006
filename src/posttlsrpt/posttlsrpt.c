/*++
 * NAME
 *	posttlsrpt - show the TLSRPT aggregate of the current period
 * SYNOPSIS
 *	posttlsrpt [-c config_dir] [-d domain] [-v]
 * DESCRIPTION
 *	posttlsrpt reads the spool file of the current report period that
 *	tlsrpt(8) keeps in $data_directory/tlsrpt and prints what the
 *	period's reports would say so far: a JSON array with the RFC 8460
 *	report of each policy domain, or with -d the report of that one
 *	domain alone (a JSON object; nothing and status 1 when it has no
 *	records). The report-id and date-range are those that tlsrpt(8)
 *	will give the reports when the period ends. See posttlsrpt(1).
 * DIAGNOSTICS
 *	Fatal: a bad option, an unreadable configuration. Warnings: a
 *	malformed spool line (skipped).
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "mail_params.h"
#include "maillog.h"
#include "tlsrpt_report.h"
#include "tlsrpt_spool.h"

/* What main.cf says, bound by main(). */
static struct {
    const char *data_directory; /* data_directory */
    int interval;               /* tlsrpt_report_interval */
    const char *organization;   /* tlsrpt_organization_name */
    const char *contact_info;   /* tlsrpt_contact_info */
    const char *submitter;      /* tlsrpt_report_submitter */
} posttlsrpt_config;

/* posttlsrpt_add - a record into the aggregate */

static void posttlsrpt_add(void *context, time_t unused_when, const TLSRPT_RECORD *record)
{
    tlsrpt_report_add(context, record);
}

/* posttlsrpt_print - the report of one domain to standard output */

static void posttlsrpt_print(const TLSRPT_REPORT *report, const char *domain, time_t start,
                             VSTRING *json)
{
    VSTRING *id = vstring_alloc(100);

    tlsrpt_report_datetime(id, start);
    vstring_sprintf_append(id, ".%s@%s", domain, posttlsrpt_config.submitter);
    tlsrpt_report_json(report, domain,
                       &(TLSRPT_REPORT_META){.organization = posttlsrpt_config.organization,
                                             .contact_info = posttlsrpt_config.contact_info,
                                             .report_id = vstring_str(id),
                                             .start = start,
                                             .end = start + posttlsrpt_config.interval - 1},
                       true, json);
    fputs(vstring_str(json), stdout);
    vstring_free(id);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_DATA_DIRECTORY, &posttlsrpt_config.data_directory),
        CONFIG_BIND_TIME(VAR_TLSRPT_REPORT_INTERVAL, &posttlsrpt_config.interval),
        CONFIG_BIND_STR(VAR_TLSRPT_ORGANIZATION_NAME, &posttlsrpt_config.organization),
        CONFIG_BIND_STR(VAR_TLSRPT_CONTACT_INFO, &posttlsrpt_config.contact_info),
        CONFIG_BIND_STR(VAR_TLSRPT_REPORT_SUBMITTER, &posttlsrpt_config.submitter),
        CONFIG_BIND_END,
    };
    const char *config_dir = NULL, *domain = NULL;
    VSTRING *path = vstring_alloc(100), *name = vstring_alloc(20), *json = vstring_alloc(1000);
    VSTRING *why = vstring_alloc(100);
    TLSRPT_REPORT *report;
    CONFIG *config;
    ARGV *domains;
    time_t start;
    int ch, status = 0;

    msg_init("posttlsrpt");
    while ((ch = getopt(argc, argv, "c:d:v")) != -1) {
        if (ch == 'c')
            config_dir = optarg;
        else if (ch == 'd')
            domain = optarg;
        else if (ch == 'v')
            msg_verbose++;
        else
            msg_fatal_status(EX_USAGE, "usage: posttlsrpt [-c config_dir] [-d domain] [-v]");
    }
    config = config_startup(config_dir, NULL, "posttlsrpt");
    maillog_init(config, "posttlsrpt", why);
    config_bind(config, parameters);
    start = tlsrpt_spool_period(time(NULL), posttlsrpt_config.interval);
    tlsrpt_spool_name(name, start);
    vstring_sprintf(path, "%s/%s/%s", posttlsrpt_config.data_directory, TLSRPT_SPOOL_DIR,
                    vstring_str(name));
    report = tlsrpt_report_create();
    /* No file yet: no records yet. */
    (void)tlsrpt_spool_read(vstring_str(path), posttlsrpt_add, report);
    if (domain) {
        domains = tlsrpt_report_domains(report);
        status = 1;
        for (size_t i = 0; i < domains->argc; i++) {
            if (strcmp(domains->argv[i], domain) == 0) {
                posttlsrpt_print(report, domain, start, json);
                fputs("\n", stdout);
                status = 0;
            }
        }
        argv_free(domains);
    } else {
        domains = tlsrpt_report_domains(report);
        fputs("[", stdout);
        for (size_t i = 0; i < domains->argc; i++) {
            fputs(i ? ",\n" : "\n", stdout);
            posttlsrpt_print(report, domains->argv[i], start, json);
        }
        fputs("\n]\n", stdout);
        argv_free(domains);
    }
    if (fflush(stdout) != 0)
        msg_fatal("write standard output: %m");
    tlsrpt_report_free(report);
    vstring_free(why);
    vstring_free(json);
    vstring_free(name);
    vstring_free(path);
    return status;
}
