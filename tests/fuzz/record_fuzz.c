/*++
 * NAME
 *	record_fuzz - fuzz the queue-file record reader
 * SUMMARY
 *	libFuzzer harness for record(3)
 * DESCRIPTION
 *	The input's first byte chooses the record length limit (as the
 *	readers of queue files, cleanup's input and bounce logs pass one);
 *	the rest is read with rec_get() until the end or an error, and each
 *	record's data is also parsed as 1 to 4 fixed-width fields.
 *
 *	Properties: rec_get() returns a known record type, REC_TYPE_EOF or
 *	REC_TYPE_ERROR (with a reason); data is within the limit and null
 *	terminated; the records read, written again with rec_put(), give
 *	back exactly the bytes that were read (lengths are minimal, so the
 *	encoding is canonical); fields that rec_fields_parse() accepts are
 *	non-negative, and rec_fields_format() writes them back in as many
 *	bytes, which parse to the same values (leading zeros in a field are
 *	accepted and written back as spaces).
 *	No memory error, leak or undefined behaviour.
 *
 *	Fatal errors: record(3) reports malformed input through its result
 *	and never dies on it, so a msg_fatal() is a finding
 *	(FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	record(3), rec_type.h, tests/fuzz/README
 *--*/

#include <string.h>

#include "msg.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"

#include "fuzz.h"

struct record_job {
    const uint8_t *data; /* the records */
    size_t size;         /* their length */
    size_t limit;        /* rec_get() limit */
};

/* record_check_fields - parse the data as fixed-width fields */

static void record_check_fields(const VSTRING *buf)
{
    long long values[4];
    long long again_values[4];
    VSTRING *again = vstring_alloc(64);

    for (int count = 1; count <= 4; count++) {
        if (rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), count, values) != 0)
            continue;
        for (int i = 0; i < count; i++)
            if (values[i] < 0)
                msg_panic("rec_fields_parse accepts a negative field %lld", values[i]);
        rec_fields_format(again, count, values);
        if (VSTRING_LEN(again) != VSTRING_LEN(buf) ||
            rec_fields_parse(vstring_str(again), VSTRING_LEN(again), count, again_values) != 0 ||
            memcmp(values, again_values, count * sizeof(values[0])) != 0)
            msg_panic("fixed-width fields \"%s\" format back as \"%s\"", vstring_str(buf),
                      vstring_str(again));
    }
    vstring_free(again);
}

/* record_run - read every record, write them again, compare */

static void record_run(void *context)
{
    struct record_job *job = context;
    VSTRING *in = vstring_alloc(job->size + 1);
    VSTRING *out = vstring_alloc(job->size + 1);
    VSTRING *buf = vstring_alloc(100);
    VSTREAM *rd;
    VSTREAM *wr;
    const char *why;
    size_t consumed = 0;
    int type;

    vstring_memcpy(in, job->data, job->size);
    rd = vstream_memopen(in, VSTREAM_FLAG_READ);
    wr = vstream_memopen(out, VSTREAM_FLAG_WRITE);
    for (;;) {
        why = NULL;
        type = rec_get(rd, buf, job->limit, &why);
        if (type == REC_TYPE_EOF)
            break;
        if (type == REC_TYPE_ERROR) {
            if (why == NULL || *why == 0)
                msg_panic("rec_get error without a reason");
            break;
        }
        if (!rec_type_ok(type))
            msg_panic("rec_get returns unknown type %d", type);
        if (VSTRING_LEN(buf) > job->limit)
            msg_panic("rec_get returns %zu bytes over the limit %zu", VSTRING_LEN(buf), job->limit);
        if (vstring_str(buf)[VSTRING_LEN(buf)] != 0)
            msg_panic("rec_get data is not null-terminated");
        record_check_fields(buf);
        consumed += rec_size(VSTRING_LEN(buf));
        if (rec_put(wr, type, vstring_str(buf), VSTRING_LEN(buf)) != type)
            msg_panic("rec_put to memory failed");
    }
    if (vstream_fflush(wr) != 0)
        msg_panic("memory stream flush failed");
    if (consumed > job->size || VSTRING_LEN(out) != consumed ||
        memcmp(vstring_str(out), job->data, consumed) != 0)
        msg_panic("%zu bytes of records write back as %zu different bytes", consumed,
                  VSTRING_LEN(out));
    vstream_close(rd);
    vstream_close(wr);
    vstring_free(in);
    vstring_free(out);
    vstring_free(buf);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct record_job job;

    fuzz_init("record_fuzz");
    if (size < 1)
        return 0;
    job.limit = data[0] & 0x80 ? (size_t)(data[0] & 0x7f) : (size_t)data[0] * 1024;
    job.data = data + 1;
    job.size = size - 1;
    fuzz_call(record_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
