/*++
 * NAME
 *	dns_answer_fuzz - fuzz the DNS reply parser
 * SUMMARY
 *	libFuzzer harness for dns_answer_parse(3)
 * DESCRIPTION
 *	The first input byte chooses the type asked for (A, AAAA, CNAME,
 *	MX, TXT, TLSA, by its value modulo 6); the rest is a reply packet
 *	as a resolver would return it. The seeds are real replies of the
 *	DNSSEC test bed (tests/integration/lib/dnssec.sh), with RRSIGs,
 *	compression and the AD bit.
 *
 *	Properties: the status is one of the DNS_* codes; DNS_OK comes
 *	with at least one record of the type asked for, and only records
 *	of that type or CNAME are kept; every record's name and host are
 *	lowercase, without a trailing dot except for the root; A and AAAA
 *	addresses parse back; TXT data is NUL-terminated at data_len; an
 *	answer without a readable header is DNS_RETRY with rcode -1; the
 *	answer is emptied by dns_answer_free(). No memory error or
 *	undefined behaviour.
 *
 *	Fatal errors: dns_answer(3) has no fatal reactions, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	dns_answer(3), tests/fuzz/README
 *--*/

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "dns_answer.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

struct dns_answer_job {
    const uint8_t *data; /* the input */
    size_t size;         /* its length */
};

static const int dns_answer_fuzz_types[] = {DNS_T_A,  DNS_T_AAAA, DNS_T_CNAME,
                                            DNS_T_MX, DNS_T_TXT,  DNS_T_TLSA};

/* dns_answer_check_name - lowercase, no trailing dot but the root */

static void dns_answer_check_name(const char *what, const char *name)
{
    size_t len;

    if (name == 0)
        msg_panic("%s: no name", what);
    len = strlen(name);
    if (len > 1 && name[len - 1] == '.')
        msg_panic("%s: trailing dot in \"%s\"", what, name);
    for (const char *cp = name; *cp; cp++)
        if (isupper((unsigned char)*cp))
            msg_panic("%s: upper case in \"%s\"", what, name);
}

/* dns_answer_run - parse and check */

static void dns_answer_run(void *context)
{
    struct dns_answer_job *job = context;
    int qtype = dns_answer_fuzz_types[job->data[0] % 6];
    DNS_ANSWER answer = {0};
    VSTRING *why = vstring_alloc(10);
    unsigned char bin[16];
    int status;

    status = dns_answer_parse(job->data + 1, (int)(job->size - 1), qtype, &answer, why);
    if (status < DNS_OK || status > DNS_FAIL)
        msg_panic("status %d", status);
    if (status != DNS_OK && VSTRING_LEN(why) == 0)
        msg_panic("status %d without a reason", status);
    if (answer.rcode == -1 && status != DNS_RETRY)
        msg_panic("no header, status %d", status);
    if (status == DNS_OK && dns_answer_count(&answer, qtype) == 0)
        msg_panic("DNS_OK without records of type %d", qtype);
    for (size_t i = 0; i < answer.count; i++) {
        const DNS_RR *rr = &answer.rr[i];

        if (rr->type != qtype && rr->type != DNS_T_CNAME)
            msg_panic("kept a record of type %d for type %d", rr->type, qtype);
        dns_answer_check_name("owner", rr->name);
        if (rr->type == DNS_T_MX || rr->type == DNS_T_CNAME)
            dns_answer_check_name("host", rr->host);
        if (rr->type == DNS_T_A && inet_pton(AF_INET, rr->addr, bin) != 1)
            msg_panic("A address \"%s\" does not parse", rr->addr);
        if (rr->type == DNS_T_AAAA && inet_pton(AF_INET6, rr->addr, bin) != 1)
            msg_panic("AAAA address \"%s\" does not parse", rr->addr);
        if (rr->type == DNS_T_TXT && rr->data[rr->data_len] != 0)
            msg_panic("TXT data not terminated");
        if (rr->type == DNS_T_TLSA && rr->data_len > 0xffff)
            msg_panic("TLSA data of %zu bytes", rr->data_len);
    }
    dns_answer_free(&answer);
    if (answer.count != 0 || answer.rr != 0)
        msg_panic("dns_answer_free left records");
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_answer_job job = {data, size};

    if (size < 1)
        return 0;
    fuzz_init("dns_answer_fuzz");
    fuzz_call(dns_answer_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
