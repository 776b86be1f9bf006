/*
 * tlsrpt_report.h - RFC 8460 aggregate reports from TLSRPT records
 *
 * The records of one report period (tlsrpt_spool.h) are added one by
 * one; the report of each policy domain is then one JSON document in
 * the schema of RFC 8460 section 4.4, written with json-c. The only
 * module that calls json-c: a program that uses it links $(JSON_LIBS)
 * (Makefile.in, LIBS_<program>).
 */
#ifndef TLSRPT_REPORT_H
#define TLSRPT_REPORT_H

#include <stdbool.h>
#include <time.h>

#include "argv.h"
#include "vstring.h"

#include "tlsrpt_client.h"

typedef struct TLSRPT_REPORT TLSRPT_REPORT;

/* What a report says about itself (strings not owned). */
typedef struct TLSRPT_REPORT_META {
    const char *organization; /* organization-name */
    const char *contact_info; /* contact-info */
    const char *report_id;    /* report-id */
    time_t start;             /* date-range start */
    time_t end;               /* date-range end (inclusive) */
} TLSRPT_REPORT_META;

extern TLSRPT_REPORT *tlsrpt_report_create(void);
extern void tlsrpt_report_add(TLSRPT_REPORT *report, const TLSRPT_RECORD *record);
extern ARGV *tlsrpt_report_domains(const TLSRPT_REPORT *report);
extern bool tlsrpt_report_json(const TLSRPT_REPORT *report, const char *domain,
                               const TLSRPT_REPORT_META *meta, bool pretty, VSTRING *out);
extern void tlsrpt_report_datetime(VSTRING *out, time_t when);
extern TLSRPT_REPORT *tlsrpt_report_free(TLSRPT_REPORT *report);

#endif
