/*++
 * NAME
 *	attr_scan_fuzz - fuzz the attribute protocol decoder
 * SUMMARY
 *	libFuzzer harness for attr_scan(3)
 * DESCRIPTION
 *	The input's first byte chooses how the rest is read, the way our
 *	daemons read it from a local peer: a table (attr_scan_table()), or a
 *	typed list of one attribute of each type with no flags, with
 *	ATTR_FLAG_STRICT, or with ATTR_FLAG_MORE followed by a table for the
 *	rest. Its low bits also choose small limits (value, message and
 *	count maximums) so that the limit checks run too. Messages are read
 *	from a memory stream until one read fails or the input ends.
 *
 *	Properties: no memory error, leak or undefined behaviour; a typed
 *	scan never reports more attributes than were listed; a value that
 *	arrives in a table is what attr_table_str() returns.
 *
 *	Fatal errors: attr_scan(3) reports every malformed message as -1
 *	with a warning and is never fatal on peer input, so a msg_fatal() is
 *	a finding (FUZZ_FATAL_FINDING), like any panic.
 * SEE ALSO
 *	attr_scan(3), tests/fuzz/README
 *--*/

#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "fuzz.h"

struct attr_scan_job {
    VSTREAM *stream; /* memory stream over the input */
    int mode;        /* the first byte */
};

/* attr_scan_table_once - read one message into a table */

static int attr_scan_table_once(VSTREAM *stream, int flags, const ATTR_OPTS *opts)
{
    HTABLE *table = htable_create(10);
    int count = attr_scan_table(stream, flags, opts, table);

    if (count >= 0 && htable_used(table) != (size_t)count)
        msg_panic("attr_scan_table counted %d, table holds %zu", count, htable_used(table));
    attr_table_free(table);
    return count;
}

/* attr_scan_run - read messages until one fails */

static void attr_scan_run(void *context)
{
    struct attr_scan_job *job = context;
    ATTR_OPTS opts = {.peer = "fuzz"};
    VSTRING *str = vstring_alloc(10);
    VSTRING *data = vstring_alloc(10);
    int flags = 0;
    int count;

    if (job->mode & 0x10) {
        opts.value_max = 1 + (job->mode & 0x3) * 8;
        opts.message_max = 1 + (job->mode & 0xc) * 4;
        opts.count_max = 1 + (job->mode & 0x3);
    }
    for (int messages = 0; messages < 64; messages++) {
        int ival = 0;
        long lval = 0;

        switch ((job->mode >> 5) & 0x3) {
        case 0:
            count = attr_scan_table_once(job->stream, 0, &opts);
            break;
        case 1:
            flags = ATTR_FLAG_STRICT;
            /* FALLTHROUGH */
        case 2:
            count = attr_scan_opts(job->stream, flags, &opts, RECV_ATTR_INT("i", &ival),
                                   RECV_ATTR_LONG("l", &lval), RECV_ATTR_STR("s", str),
                                   RECV_ATTR_DATA("d", data), ATTR_TYPE_END);
            if (count > 4)
                msg_panic("attr_scan reports %d of 4 attributes", count);
            if (count >= 0 && strlen(vstring_str(str)) != VSTRING_LEN(str))
                msg_panic("attr_scan: a string value holds a null byte");
            break;
        default:
            count = attr_scan_opts(job->stream, ATTR_FLAG_MORE, &opts,
                                   RECV_ATTR_STR("request", str), ATTR_TYPE_END);
            if (count > 1)
                msg_panic("attr_scan reports %d of 1 attribute", count);
            if (count == 1)
                count = attr_scan_table_once(job->stream, 0, &opts);
            break;
        }
        if (count < 0)
            break;
    }
    vstring_free(str);
    vstring_free(data);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct attr_scan_job job;
    VSTRING *buf;

    fuzz_init("attr_scan_fuzz");
    if (size < 1)
        return 0;
    buf = vstring_alloc(size + 1);
    vstring_memcpy(buf, data + 1, size - 1);
    job.mode = data[0];
    job.stream = vstream_memopen(buf, VSTREAM_FLAG_READ);
    fuzz_call(attr_scan_run, &job, FUZZ_FATAL_FINDING);
    vstream_close(job.stream);
    vstring_free(buf);
    return 0;
}
