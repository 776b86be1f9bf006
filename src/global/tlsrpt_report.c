/*++
 * NAME
 *	tlsrpt_report - RFC 8460 aggregate reports
 * SYNOPSIS
 *	#include "tlsrpt_report.h"
 *
 *	TLSRPT_REPORT *tlsrpt_report_create(void);
 *	void	tlsrpt_report_add(TLSRPT_REPORT *report,
 *				const TLSRPT_RECORD *record);
 *	ARGV	*tlsrpt_report_domains(const TLSRPT_REPORT *report);
 *	bool	tlsrpt_report_json(const TLSRPT_REPORT *report,
 *				const char *domain,
 *				const TLSRPT_REPORT_META *meta, bool pretty,
 *				VSTRING *out);
 *	void	tlsrpt_report_datetime(VSTRING *out, time_t when);
 *	TLSRPT_REPORT *tlsrpt_report_free(TLSRPT_REPORT *report);
 * DESCRIPTION
 *	tlsrpt_report_create() makes an empty aggregate.
 *
 *	tlsrpt_report_add() counts one session result: per policy domain,
 *	per policy (type, policy strings and mx patterns), successes and
 *	failures; a failure also counts towards its failure detail (result
 *	type, our address, the MX host name, greeting name and address,
 *	and the reason text).
 *
 *	tlsrpt_report_domains() returns the policy domains, sorted; the
 *	caller frees the ARGV.
 *
 *	tlsrpt_report_json() writes the report of one domain into out:
 *	organization-name, date-range (start-datetime and end-datetime,
 *	RFC 3339 in UTC), contact-info, report-id, and one entry of
 *	"policies" per policy (policy-type, policy-string as a list, the
 *	policy-domain, mx-host as a list for MTA-STS; the summary counts;
 *	failure-details, with the optional fields left out when empty),
 *	in the order in which the policies and details were first seen.
 *	pretty asks for indentation. It returns false when the domain has
 *	no records.
 *
 *	tlsrpt_report_datetime() writes when as "2026-12-07T00:00:00Z".
 *
 *	tlsrpt_report_free() releases the aggregate and returns NULL.
 * SEE ALSO
 *	RFC 8460 section 4, json-c
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Outside library. */
#include <json-c/json.h>

/* Utility library. */
#include "argv.h"
#include "htable.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "tlsrpt_report.h"
#include "xtext.h"

/* One failure detail. */
typedef struct TLSRPT_DETAIL {
    char *result;     /* result-type, owned */
    char *sending_ip; /* sending-mta-ip, owned */
    char *mx;         /* receiving-mx-hostname, owned */
    char *helo;       /* receiving-mx-helo, owned */
    char *ip;         /* receiving-ip, owned */
    char *reason;     /* failure-reason-code, owned */
    long long count;  /* failed-session-count */
} TLSRPT_DETAIL;

/* One policy of one domain. */
typedef struct TLSRPT_POLICY {
    char *type;              /* policy-type, owned */
    char *strings;           /* policy-string, newline-separated, owned */
    char *mx_host;           /* mx-host patterns, newline-separated, owned */
    long long successes;     /* total-successful-session-count */
    long long failures;      /* total-failure-session-count */
    HTABLE *by_key;          /* failure details by key; values in details */
    TLSRPT_DETAIL **details; /* in order of appearance, owned */
    size_t detail_count;     /* used */
} TLSRPT_POLICY;

/* One policy domain. */
typedef struct TLSRPT_DOMAIN {
    HTABLE *by_key;           /* policies by key; values in policies */
    TLSRPT_POLICY **policies; /* in order of appearance, owned */
    size_t policy_count;      /* used */
} TLSRPT_DOMAIN;

struct TLSRPT_REPORT {
    HTABLE *domains; /* TLSRPT_DOMAIN by policy domain, owned */
};

/* tlsrpt_report_key - fields joined into one table key */

static const char *tlsrpt_report_key(VSTRING *key, const char *const *fields, int count)
{
    VSTRING_RESET(key);
    for (int i = 0; i < count; i++) {
        if (i > 0)
            vstring_addch(key, ' ');
        xtext_quote_append(key, fields[i] ? fields[i] : "", fields[i] ? strlen(fields[i]) : 0);
    }
    return vstring_str(key);
}

/* tlsrpt_report_dup - a copy of an optional string */

static char *tlsrpt_report_dup(const char *s)
{
    return mystrdup(s ? s : "");
}

/* tlsrpt_report_create - an empty aggregate */

TLSRPT_REPORT *tlsrpt_report_create(void)
{
    TLSRPT_REPORT *report = mymalloc(sizeof(*report));

    report->domains = htable_create(10);
    return report;
}

/* tlsrpt_report_policy - the policy entry of a record, made when new */

static TLSRPT_POLICY *tlsrpt_report_policy(TLSRPT_REPORT *report, const TLSRPT_RECORD *rec,
                                           VSTRING *key)
{
    const char *fields[] = {rec->policy_type, rec->policy_strings, rec->mx_host};
    TLSRPT_DOMAIN *dom;
    TLSRPT_POLICY *pol;

    if ((dom = htable_find(report->domains, rec->policy_domain)) == NULL) {
        dom = mycalloc(1, sizeof(*dom));
        dom->by_key = htable_create(4);
        htable_enter(report->domains, rec->policy_domain, dom);
    }
    tlsrpt_report_key(key, fields, 3);
    if ((pol = htable_find(dom->by_key, vstring_str(key))) == NULL) {
        pol = mycalloc(1, sizeof(*pol));
        pol->type = tlsrpt_report_dup(rec->policy_type);
        pol->strings = tlsrpt_report_dup(rec->policy_strings);
        pol->mx_host = tlsrpt_report_dup(rec->mx_host);
        pol->by_key = htable_create(4);
        htable_enter(dom->by_key, vstring_str(key), pol);
        dom->policies = myrealloc(dom->policies, (dom->policy_count + 1) * sizeof(pol));
        dom->policies[dom->policy_count++] = pol;
    }
    return pol;
}

/* tlsrpt_report_add - count one record */

void tlsrpt_report_add(TLSRPT_REPORT *report, const TLSRPT_RECORD *rec)
{
    VSTRING *key = vstring_alloc(100);
    TLSRPT_POLICY *pol = tlsrpt_report_policy(report, rec, key);
    const char *fields[] = {rec->result,         rec->sending_ip,   rec->receiving_mx,
                            rec->receiving_helo, rec->receiving_ip, rec->reason};
    TLSRPT_DETAIL *det;

    if (strcmp(rec->result, TLSRPT_SUCCESS) == 0) {
        pol->successes++;
    } else {
        pol->failures++;
        tlsrpt_report_key(key, fields, 6);
        if ((det = htable_find(pol->by_key, vstring_str(key))) == NULL) {
            det = mycalloc(1, sizeof(*det));
            det->result = tlsrpt_report_dup(rec->result);
            det->sending_ip = tlsrpt_report_dup(rec->sending_ip);
            det->mx = tlsrpt_report_dup(rec->receiving_mx);
            det->helo = tlsrpt_report_dup(rec->receiving_helo);
            det->ip = tlsrpt_report_dup(rec->receiving_ip);
            det->reason = tlsrpt_report_dup(rec->reason);
            htable_enter(pol->by_key, vstring_str(key), det);
            pol->details = myrealloc(pol->details, (pol->detail_count + 1) * sizeof(det));
            pol->details[pol->detail_count++] = det;
        }
        det->count++;
    }
    vstring_free(key);
}

/* tlsrpt_report_compare - for sorting domain names */

static int tlsrpt_report_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* tlsrpt_report_domains - the policy domains, sorted */

ARGV *tlsrpt_report_domains(const TLSRPT_REPORT *report)
{
    HTABLE_INFO **list = htable_list(report->domains);
    ARGV *domains = argv_alloc(10);

    for (HTABLE_INFO **ht = list; *ht; ht++)
        argv_add(domains, (*ht)->key);
    myfree(list);
    qsort(domains->argv, domains->argc, sizeof(domains->argv[0]), tlsrpt_report_compare);
    return domains;
}

/* tlsrpt_report_datetime - RFC 3339 in UTC */

void tlsrpt_report_datetime(VSTRING *out, time_t when)
{
    struct tm tm;
    char buf[32];

    gmtime_r(&when, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    vstring_strcpy(out, buf);
}

/* tlsrpt_report_add_str - a string member */

static void tlsrpt_report_add_str(json_object *obj, const char *name, const char *value)
{
    json_object_object_add(obj, name, json_object_new_string(value));
}

/* tlsrpt_report_add_opt - a string member, left out when empty */

static void tlsrpt_report_add_opt(json_object *obj, const char *name, const char *value)
{
    if (value && *value)
        tlsrpt_report_add_str(obj, name, value);
}

/* tlsrpt_report_list - newline-separated values as a JSON array */

static json_object *tlsrpt_report_list(const char *values)
{
    json_object *array = json_object_new_array();
    ARGV *argv = argv_split(values, "\n");

    for (size_t i = 0; i < argv->argc; i++)
        json_object_array_add(array, json_object_new_string(argv->argv[i]));
    argv_free(argv);
    return array;
}

/* tlsrpt_report_policy_json - one entry of "policies" */

static json_object *tlsrpt_report_policy_json(const TLSRPT_POLICY *pol, const char *domain)
{
    json_object *entry = json_object_new_object();
    json_object *policy = json_object_new_object();
    json_object *summary = json_object_new_object();
    json_object *details;

    tlsrpt_report_add_str(policy, "policy-type", pol->type);
    if (*pol->strings)
        json_object_object_add(policy, "policy-string", tlsrpt_report_list(pol->strings));
    tlsrpt_report_add_str(policy, "policy-domain", domain);
    if (*pol->mx_host)
        json_object_object_add(policy, "mx-host", tlsrpt_report_list(pol->mx_host));
    json_object_object_add(entry, "policy", policy);
    json_object_object_add(summary, "total-successful-session-count",
                           json_object_new_int64(pol->successes));
    json_object_object_add(summary, "total-failure-session-count",
                           json_object_new_int64(pol->failures));
    json_object_object_add(entry, "summary", summary);
    if (pol->detail_count > 0) {
        details = json_object_new_array();
        for (size_t i = 0; i < pol->detail_count; i++) {
            const TLSRPT_DETAIL *det = pol->details[i];
            json_object *d = json_object_new_object();

            tlsrpt_report_add_str(d, "result-type", det->result);
            tlsrpt_report_add_opt(d, "sending-mta-ip", det->sending_ip);
            tlsrpt_report_add_opt(d, "receiving-mx-hostname", det->mx);
            tlsrpt_report_add_opt(d, "receiving-mx-helo", det->helo);
            tlsrpt_report_add_opt(d, "receiving-ip", det->ip);
            json_object_object_add(d, "failed-session-count", json_object_new_int64(det->count));
            tlsrpt_report_add_opt(d, "failure-reason-code", det->reason);
            json_object_array_add(details, d);
        }
        json_object_object_add(entry, "failure-details", details);
    }
    return entry;
}

/* tlsrpt_report_json - the report of one domain */

bool tlsrpt_report_json(const TLSRPT_REPORT *report, const char *domain,
                        const TLSRPT_REPORT_META *meta, bool pretty, VSTRING *out)
{
    const TLSRPT_DOMAIN *dom = htable_find(report->domains, domain);
    json_object *root, *range, *policies;
    VSTRING *when;

    if (dom == NULL)
        return false;
    when = vstring_alloc(32);
    root = json_object_new_object();
    tlsrpt_report_add_str(root, "organization-name", meta->organization);
    range = json_object_new_object();
    tlsrpt_report_datetime(when, meta->start);
    tlsrpt_report_add_str(range, "start-datetime", vstring_str(when));
    tlsrpt_report_datetime(when, meta->end);
    tlsrpt_report_add_str(range, "end-datetime", vstring_str(when));
    json_object_object_add(root, "date-range", range);
    tlsrpt_report_add_str(root, "contact-info", meta->contact_info);
    tlsrpt_report_add_str(root, "report-id", meta->report_id);
    policies = json_object_new_array();
    for (size_t i = 0; i < dom->policy_count; i++)
        json_object_array_add(policies, tlsrpt_report_policy_json(dom->policies[i], domain));
    json_object_object_add(root, "policies", policies);
    vstring_strcpy(out, json_object_to_json_string_ext(
                            root, (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN) |
                                      JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    vstring_free(when);
    return true;
}

/* tlsrpt_report_free_detail - release one failure detail */

static void tlsrpt_report_free_detail(TLSRPT_DETAIL *det)
{
    myfree(det->result);
    myfree(det->sending_ip);
    myfree(det->mx);
    myfree(det->helo);
    myfree(det->ip);
    myfree(det->reason);
    myfree(det);
}

/* tlsrpt_report_free_domain - release one domain */

static void tlsrpt_report_free_domain(void *value)
{
    TLSRPT_DOMAIN *dom = value;

    for (size_t i = 0; i < dom->policy_count; i++) {
        TLSRPT_POLICY *pol = dom->policies[i];

        for (size_t j = 0; j < pol->detail_count; j++)
            tlsrpt_report_free_detail(pol->details[j]);
        myfree(pol->details);
        htable_free(pol->by_key, NULL);
        myfree(pol->type);
        myfree(pol->strings);
        myfree(pol->mx_host);
        myfree(pol);
    }
    myfree(dom->policies);
    htable_free(dom->by_key, NULL);
    myfree(dom);
}

/* tlsrpt_report_free - release the aggregate */

TLSRPT_REPORT *tlsrpt_report_free(TLSRPT_REPORT *report)
{
    if (report) {
        htable_free(report->domains, tlsrpt_report_free_domain);
        myfree(report);
    }
    return NULL;
}
