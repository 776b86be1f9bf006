/*++
 * NAME
 *	addr_parse_fuzz - fuzz RFC 5322 address-list parsing
 * SUMMARY
 *	libFuzzer harness for addr_parse(3)
 * DESCRIPTION
 *	The input is the value of an address header (To:, Cc:, From:...)
 *	as sendmail -t and header rewriting see it, given to
 *	addr_parse_list().
 *
 *	Properties: no address that comes out holds a control character
 *	(bytes below 0x20 and 0x7f), since it may reach the envelope, a
 *	header or an SMTP command; each address is a fixed point: parsed
 *	again on its own, it yields exactly itself; a domain that starts as
 *	a literal ('[') is that literal alone, closed by its ']'. No memory error, leak or undefined
 *	behaviour.
 *
 *	Fatal errors: addr_parse(3) is lenient by contract and reports
 *	problems in its why argument, never by a fatal error, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	addr_parse(3), tests/fuzz/README
 *--*/

#include <string.h>

#include "addr_parse.h"
#include "argv.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

struct addr_parse_job {
    const uint8_t *data; /* the header value */
    size_t size;         /* its length */
};

/* addr_parse_domain_at - the '@' before the domain, outside a quoted local part */

static const char *addr_parse_domain_at(const char *addr)
{
    const char *cp = addr;

    if (*cp == '"') {
        for (cp++; *cp && *cp != '"'; cp++)
            if (*cp == '\\' && cp[1])
                cp++;
        if (*cp == 0)
            return NULL;
    }
    return strchr(cp, '@');
}

/* addr_parse_check_one - the properties of one address that came out */

static void addr_parse_check_one(const char *addr)
{
    ARGV *again = argv_alloc(1);
    VSTRING *why = vstring_alloc(10);
    const char *at;

    for (const unsigned char *cp = (const unsigned char *)addr; *cp; cp++)
        if (*cp < 0x20 || *cp == 0x7f)
            msg_panic("address with control character 0x%02x: \"%s\"", *cp, addr);
    if ((at = addr_parse_domain_at(addr)) != NULL && at[1] == '[' &&
        (addr[strlen(addr) - 1] != ']' || strchr(at + 1, ']') != addr + strlen(addr) - 1))
        msg_panic("domain literal not closed by its ']' at the end: \"%s\"", addr);
    addr_parse_list(addr, strlen(addr), again, why);
    if (again->argc != 1 || strcmp(again->argv[0], addr) != 0)
        msg_panic("address \"%s\" parses again as %zu addresses, first \"%s\"", addr, again->argc,
                  again->argc ? again->argv[0] : "");
    argv_free(again);
    vstring_free(why);
}

/* addr_parse_run - parse the input and check what came out */

static void addr_parse_run(void *context)
{
    struct addr_parse_job *job = context;
    ARGV *out = argv_alloc(1);
    VSTRING *why = vstring_alloc(10);
    int count;

    count = addr_parse_list((const char *)job->data, job->size, out, why);
    if (count < 0 || (size_t)count != out->argc)
        msg_panic("addr_parse_list returns %d, appended %zu", count, out->argc);
    for (size_t i = 0; i < out->argc; i++)
        addr_parse_check_one(out->argv[i]);
    argv_free(out);
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct addr_parse_job job = {data, size};

    fuzz_init("addr_parse_fuzz");
    fuzz_call(addr_parse_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
