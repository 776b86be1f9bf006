/*++
 * NAME
 *	socketmap_reply_fuzz - fuzz the socketmap reply parsers
 * SUMMARY
 *	libFuzzer harness for netstring(3) and socketmap_proto(3)
 * DESCRIPTION
 *	The input is what a socketmap server sent, as it arrives: it is
 *	offered to socketmap_reply_frame() one growing prefix at a time,
 *	as dict_remote(3) does while reading, and a complete netstring's
 *	data goes to socketmap_reply_parse().
 *
 *	Properties: a prefix that is "more" stays "more" or becomes
 *	complete or bad as bytes arrive, never jumps back; once a prefix is
 *	complete, every longer prefix gives the same length; a complete
 *	netstring's length is within the input, and its data is at most
 *	SOCKETMAP_MAX_REPLY bytes and followed by ','; the netstring of the
 *	data, built with netstring_put(), parses back to the same data; a
 *	classified reply's text lies inside the data, after the status word,
 *	and holds no null byte. No memory error or undefined behaviour.
 *
 *	Fatal errors: none are expected (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	socketmap_table(5), tests/fuzz/README
 *--*/

#include <stdbool.h>
#include <string.h>

#include "dict_remote.h"
#include "msg.h"
#include "netstring.h"
#include "socketmap_proto.h"
#include "vstring.h"

#include "fuzz.h"

struct socketmap_reply_job {
    const uint8_t *data; /* the bytes from the server */
    size_t size;         /* their count */
};

/* socketmap_reply_check_data - round trip and classification of one reply */

static void socketmap_reply_check_data(const char *data, size_t len)
{
    VSTRING *buf = vstring_alloc(100);
    const char *again, *text;
    size_t again_len, used, text_len;
    int status;

    netstring_put(buf, data, len);
    if (netstring_parse(vstring_str(buf), VSTRING_LEN(buf), len, &again, &again_len, &used) !=
            NETSTRING_OK ||
        again_len != len || used != VSTRING_LEN(buf) || memcmp(again, data, len) != 0)
        msg_panic("netstring_put output does not parse back");
    status = socketmap_reply_parse(data, len, &text, &text_len);
    if (status != SOCKETMAP_BAD) {
        if (text < data + 2 || text + text_len != data + len)
            msg_panic("reply text outside the data");
        if (memchr(text, 0, text_len) != NULL)
            msg_panic("reply text with a null byte");
    }
    vstring_free(buf);
}

/* socketmap_reply_run - offer growing prefixes */

static void socketmap_reply_run(void *context)
{
    struct socketmap_reply_job *job = context;
    const char *input = (const char *)job->data;
    VSTRING *why = vstring_alloc(100);
    long first_done = 0;
    bool bad = false;

    for (size_t len = 0; len <= job->size; len++) {
        long got = socketmap_reply_frame(input, len, why);

        if (bad && got != DICT_REMOTE_BAD)
            msg_panic("prefix %zu: bad input became acceptable", len);
        if (first_done > 0 && got != first_done)
            msg_panic("prefix %zu: complete reply changed length %ld -> %ld", len, first_done, got);
        if (got == DICT_REMOTE_BAD)
            bad = true;
        else if (got > 0 && first_done == 0) {
            const char *data;
            size_t data_len, used;

            if ((size_t)got > len)
                msg_panic("reply length %ld past the input %zu", got, len);
            if (netstring_parse(input, len, SOCKETMAP_MAX_REPLY, &data, &data_len, &used) !=
                    NETSTRING_OK ||
                used != (size_t)got || data_len > SOCKETMAP_MAX_REPLY || data[data_len] != ',')
                msg_panic("complete reply does not parse as a netstring");
            socketmap_reply_check_data(data, data_len);
            first_done = got;
        }
    }
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct socketmap_reply_job job = {data, size};

    fuzz_init("socketmap_reply_fuzz");
    if (size > 4096)
        return 0; /* every prefix is tried: keep inputs small */
    fuzz_call(socketmap_reply_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
