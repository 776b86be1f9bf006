/*++
 * NAME
 *	tcp_table_reply_fuzz - fuzz the tcp_table reply parsers
 * SUMMARY
 *	libFuzzer harness for tcp_table_proto(3)
 * DESCRIPTION
 *	The input is what a tcp: table server sent, as it arrives: it is
 *	offered to tcp_table_reply_frame() one growing prefix at a time, as
 *	dict_remote(3) does while reading, and a complete line goes to
 *	tcp_table_reply_parse(). The input is also taken as a key to encode.
 *
 *	Properties: a complete line ends with the first newline and is at
 *	most TCP_TABLE_MAX_REPLY bytes; once a prefix is complete, longer
 *	prefixes give the same length; a parsed reply's status agrees with
 *	its first three bytes and its decoded text holds no null byte and
 *	is no longer than the line; a request built from any key (up to its
 *	first null byte) is one line of printable bytes without white space
 *	after "get ", and decodes back to the key. No memory error or
 *	undefined behaviour.
 *
 *	Fatal errors: none are expected (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	tcp_table(5), tests/fuzz/README
 *--*/

#include <ctype.h>
#include <string.h>

#include "dict_remote.h"
#include "msg.h"
#include "mymalloc.h"
#include "tcp_table_proto.h"
#include "vstring.h"

#include "fuzz.h"

struct tcp_table_reply_job {
    const uint8_t *data; /* the bytes from the server */
    size_t size;         /* their count */
};

/* tcp_table_reply_check_line - classification of one complete line */

static void tcp_table_reply_check_line(const char *line, size_t len)
{
    VSTRING *text = vstring_alloc(100);
    int status = tcp_table_reply_parse(line, len, text);

    if (status != TCP_TABLE_BAD) {
        static const char *const codes[] = {"200", "500", "400"};

        if (memcmp(line, codes[status], 3) != 0)
            msg_panic("status %d for a line that starts with \"%.3s\"", status, line);
        if (memchr(vstring_str(text), 0, VSTRING_LEN(text)) != NULL)
            msg_panic("decoded text with a null byte");
        if (VSTRING_LEN(text) > len)
            msg_panic("decoded text longer than the line");
    }
    vstring_free(text);
}

/* tcp_table_reply_check_request - the request for a key is one clean line */

static void tcp_table_reply_check_request(const uint8_t *data, size_t size)
{
    char *key = fuzz_strndup(data, size);
    VSTRING *req = vstring_alloc(100);
    VSTRING *back = vstring_alloc(100);
    const char *cp;
    char *line;

    tcp_table_request(req, key);
    cp = vstring_str(req);
    if (strncmp(cp, "get ", 4) != 0 || vstring_end(req)[-1] != '\n')
        msg_panic("request is not \"get ...\\n\"");
    for (size_t i = 4; i + 1 < VSTRING_LEN(req); i++)
        if (!isprint((unsigned char)cp[i]) || isspace((unsigned char)cp[i]))
            msg_panic("request byte 0x%02x at %zu", (unsigned char)cp[i], i);
    /* The server's decoding is the reply's: a 200 reply of the same text. */
    line = mymalloc(VSTRING_LEN(req) + 1);
    memcpy(line, "200 ", 4);
    memcpy(line + 4, cp + 4, VSTRING_LEN(req) - 5);
    if (tcp_table_reply_parse(line, VSTRING_LEN(req) - 1, back) != TCP_TABLE_FOUND ||
        strcmp(vstring_str(back), key) != 0)
        msg_panic("an encoded key does not decode back");
    myfree(line);
    myfree(key);
    vstring_free(req);
    vstring_free(back);
}

/* tcp_table_reply_run - offer growing prefixes */

static void tcp_table_reply_run(void *context)
{
    struct tcp_table_reply_job *job = context;
    const char *input = (const char *)job->data;
    VSTRING *why = vstring_alloc(100);
    long first_done = 0;

    for (size_t len = 0; len <= job->size; len++) {
        long got = tcp_table_reply_frame(input, len, why);

        if (first_done > 0 && got != first_done)
            msg_panic("prefix %zu: complete line changed length %ld -> %ld", len, first_done, got);
        if (got > 0 && first_done == 0) {
            if ((size_t)got > len || (size_t)got > TCP_TABLE_MAX_REPLY || input[got - 1] != '\n' ||
                memchr(input, '\n', (size_t)got - 1) != NULL)
                msg_panic("line length %ld is not up to the first newline", got);
            tcp_table_reply_check_line(input, (size_t)got - 1);
            first_done = got;
        }
        if (got == DICT_REMOTE_BAD)
            break;
    }
    tcp_table_reply_check_request(job->data, job->size);
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tcp_table_reply_job job = {data, size};

    fuzz_init("tcp_table_reply_fuzz");
    if (size > 8192)
        return 0; /* every prefix is tried: keep inputs small */
    fuzz_call(tcp_table_reply_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
