/*++
 * NAME
 *	sts_policy_fuzz - fuzz the MTA-STS TXT record and policy parsers
 * SUMMARY
 *	libFuzzer harness for sts_policy(3)
 * DESCRIPTION
 *	The input is what a remote domain publishes: the first byte picks
 *	the parser (even: a policy file, as fetched from
 *	https://mta-sts.<domain>/.well-known/mta-sts.txt; odd: TXT records
 *	of _mta-sts.<domain>, one per line), the rest is the text.
 *
 *	Properties: a policy that is accepted has a known mode, a max_age
 *	from 0 to 31557600, mx patterns only of lower-case letters, digits,
 *	'-' and '.' (with "*." first at most), and mx patterns unless the
 *	mode is none; each of its patterns matches itself (a wildcard: one
 *	label put in front); parsing the same text again gives the same
 *	policy. An accepted TXT record has an id of 1 to 32 letters and
 *	digits. No memory error, leak or undefined behaviour.
 *
 *	Fatal errors: the parsers report bad input through their result,
 *	so a msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	sts_policy(3), RFC 8461, tests/fuzz/README
 *--*/

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "sts_policy.h"
#include "vstring.h"

#include "fuzz.h"

struct sts_job {
    const uint8_t *data; /* the text, after the selector byte */
    size_t size;         /* its length */
    bool txt;            /* TXT records, else a policy */
};

/* sts_check_pattern - the form of one accepted mx pattern */

static void sts_check_pattern(const STS_POLICY *policy, const char *pattern)
{
    const char *name = strncmp(pattern, "*.", 2) == 0 ? pattern + 2 : pattern;
    VSTRING *host = vstring_alloc(100);

    for (const char *cp = name; *cp; cp++)
        if (!((*cp >= 'a' && *cp <= 'z') || (*cp >= '0' && *cp <= '9') || *cp == '-' || *cp == '.'))
            msg_panic("mx pattern with 0x%02x: \"%s\"", (unsigned char)*cp, pattern);
    vstring_sprintf(host, "%s%s", name == pattern ? "" : "x.", name);
    if (!sts_policy_mx_match(policy, vstring_str(host)))
        msg_panic("mx pattern \"%s\" does not match \"%s\"", pattern, vstring_str(host));
    vstring_free(host);
}

/* sts_run_policy - one policy file */

static void sts_run_policy(const struct sts_job *job)
{
    VSTRING *why = vstring_alloc(100);
    STS_POLICY *policy = sts_policy_parse((const char *)job->data, job->size, why);
    STS_POLICY *again;

    if (policy == NULL) {
        vstring_free(why);
        return;
    }
    if (policy->mode != STS_MODE_NONE && policy->mode != STS_MODE_TESTING &&
        policy->mode != STS_MODE_ENFORCE)
        msg_panic("mode %d", policy->mode);
    if (policy->max_age < 0 || policy->max_age > STS_MAX_AGE_LIMIT)
        msg_panic("max_age %ld", policy->max_age);
    if (policy->mode != STS_MODE_NONE && policy->mx->argc == 0)
        msg_panic("mode %s without mx", sts_mode_name(policy->mode));
    for (size_t i = 0; i < policy->mx->argc; i++)
        sts_check_pattern(policy, policy->mx->argv[i]);
    again = sts_policy_parse((const char *)job->data, job->size, why);
    if (again == NULL || again->mode != policy->mode || again->max_age != policy->max_age ||
        again->mx->argc != policy->mx->argc)
        msg_panic("a second parse differs");
    sts_policy_free(again);
    sts_policy_free(policy);
    vstring_free(why);
}

/* sts_run_txt - TXT records, one a line */

static void sts_run_txt(const struct sts_job *job)
{
    char *text = fuzz_strndup(job->data, job->size);
    ARGV *records = argv_split(text, "\n");
    VSTRING *id = vstring_alloc(40), *why = vstring_alloc(100);

    if (sts_txt_select(records, id, why) == STS_TXT_OK) {
        if (VSTRING_LEN(id) < 1 || VSTRING_LEN(id) > STS_ID_MAX)
            msg_panic("id of %zu characters", (size_t)VSTRING_LEN(id));
        for (const char *cp = vstring_str(id); *cp; cp++)
            if (!((*cp >= 'a' && *cp <= 'z') || (*cp >= 'A' && *cp <= 'Z') ||
                  (*cp >= '0' && *cp <= '9')))
                msg_panic("id with 0x%02x", (unsigned char)*cp);
    }
    argv_free(records);
    vstring_free(id);
    vstring_free(why);
    myfree(text);
}

/* sts_run - pick the parser */

static void sts_run(void *context)
{
    struct sts_job *job = context;

    if (job->txt)
        sts_run_txt(job);
    else
        sts_run_policy(job);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sts_job job;

    if (size == 0)
        return 0;
    job = (struct sts_job){data + 1, size - 1, data[0] & 1};
    fuzz_init("sts_policy_fuzz");
    fuzz_call(sts_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
