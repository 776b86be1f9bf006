/*++
 * NAME
 *	memcache_reply_fuzz - fuzz the memcache reply parsers
 * SUMMARY
 *	libFuzzer harness for memcache_proto(3)
 * DESCRIPTION
 *	The input is what a memcached server sent, as it arrives: it is
 *	offered to memcache_reply_frame() one growing prefix at a time, as
 *	dict_remote(3) does while reading, and a complete reply goes to
 *	memcache_reply_parse().
 *
 *	Properties: once a prefix is complete, longer prefixes give the same
 *	length, which is within the input; a found value lies inside the
 *	reply, holds no null byte and is at most the data limit. No memory
 *	error or undefined behaviour.
 *
 *	Fatal errors: none are expected (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	memcache_table(5), tests/fuzz/README
 *--*/

#include <string.h>

#include "dict_remote.h"
#include "memcache_proto.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

#define MEMCACHE_FUZZ_LIMIT 1000 /* data limit of the parse */

struct memcache_reply_job {
    const uint8_t *data; /* the bytes from the server */
    size_t size;         /* their count */
};

/* memcache_reply_run - offer growing prefixes */

static void memcache_reply_run(void *context)
{
    struct memcache_reply_job *job = context;
    const char *input = (const char *)job->data;
    VSTRING *why = vstring_alloc(100);
    long first_done = 0;

    for (size_t len = 0; len <= job->size; len++) {
        long got = memcache_reply_frame(input, len, MEMCACHE_FUZZ_LIMIT, why);

        if (first_done > 0 && got != first_done)
            msg_panic("prefix %zu: complete reply changed length %ld -> %ld", len, first_done, got);
        if (got > 0 && first_done == 0) {
            const char *text;
            size_t text_len;

            if ((size_t)got > len)
                msg_panic("reply length %ld past the input %zu", got, len);
            if (memcache_reply_parse(input, (size_t)got, &text, &text_len) == MEMCACHE_FOUND) {
                if (text < input || text + text_len > input + got)
                    msg_panic("value outside the reply");
                if (text_len > MEMCACHE_FUZZ_LIMIT + 1100)
                    msg_panic("value of %zu bytes over the limit", text_len);
                if (strncmp(input, "VALUE ", 6) == 0 && memchr(text, 0, text_len))
                    msg_panic("value with a null byte");
            }
            first_done = got;
        }
        if (got == DICT_REMOTE_BAD)
            break;
    }
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct memcache_reply_job job = {data, size};

    fuzz_init("memcache_reply_fuzz");
    if (size > 4096)
        return 0; /* every prefix is tried: keep inputs small */
    fuzz_call(memcache_reply_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
