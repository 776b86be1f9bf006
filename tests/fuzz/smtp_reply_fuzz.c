/*++
 * NAME
 *	smtp_reply_fuzz - fuzz the SMTP client's reply reader
 * SUMMARY
 *	libFuzzer harness for smtp_chat_resp() in src/smtp/smtp_chat.c
 * DESCRIPTION
 *	The input is what a server sends: it is put behind a memory stream
 *	in place of the connection, and the smtp client's session reads
 *	replies from it with smtp_chat_resp(), as it does after each
 *	command, until the input ends (the lost-connection path, recorded
 *	through smtp_site_fail() for a request without recipients).
 *
 *	Properties: a reply's code is 0 (malformed) or three digits, and a
 *	code from 200 to 599 has the class of its enhanced status code
 *	(other codes are not outcomes; the client treats them as soft
 *	failures); the enhanced
 *	status code is well-formed by RFC 3463 (a class digit, a subject and
 *	a detail of 1 to 3 digits each; class 3 is made for 3xx replies,
 *	which have none), since it travels to the log,
 *	the queue manager and bounce messages; no memory error, leak or
 *	undefined behaviour.
 *
 *	Fatal errors: a server's reply must never stop the client, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	smtp(8), RFC 5321 section 4.2, RFC 3463, tests/fuzz/README
 *--*/

#include <ctype.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "smtp.h"

#include "fuzz.h"

struct smtp_reply_job {
    const uint8_t *data; /* the server's bytes */
    size_t size;         /* their length */
};

/* smtp_reply_digits - count 1 to 3 digits, or return 0 */

static size_t smtp_reply_digits(const char *cp)
{
    size_t n = 0;

    while (isdigit((unsigned char)cp[n]))
        n++;
    return n >= 1 && n <= 3 ? n : 0;
}

/* smtp_reply_check - the properties of one reply */

static void smtp_reply_check(const SMTP_RESP *resp)
{
    const char *dsn = resp->dsn;
    size_t n;

    if (resp->code < 0 || resp->code > 999)
        msg_panic("reply code %d out of range", resp->code);
    if (dsn[0] < '2' || dsn[0] > '5' || dsn[1] != '.' || (n = smtp_reply_digits(dsn + 2)) == 0 ||
        dsn[2 + n] != '.' || smtp_reply_digits(dsn + 3 + n) == 0 ||
        dsn[3 + n + smtp_reply_digits(dsn + 3 + n)] != 0)
        msg_panic("reply code %d with malformed enhanced status code \"%s\"", resp->code, dsn);
    if (resp->code >= 200 && resp->code < 600 && dsn[0] != '0' + resp->code / 100)
        msg_panic("reply code %d with enhanced status code \"%s\" of another class", resp->code,
                  dsn);
}

/* smtp_reply_run - read replies until the input ends */

static void smtp_reply_run(void *context)
{
    struct smtp_reply_job *job = context;
    SMTP_CONFIG config = {0};
    DELIVER_REQUEST request = {0};
    SMTP_STATE state = {0};
    SMTP_SESSION session = {0};
    VSTRING *input = vstring_alloc(job->size + 1);

    vstring_memcpy(input, job->data, job->size);
    state.config = &config;
    state.request = &request;
    state.site_reason = vstring_alloc(10);
    session.state = &state;
    session.stream = vstream_memopen(input, VSTREAM_FLAG_RW);
    session.host = "fuzz.example";
    session.addr = "192.0.2.1";
    session.namaddr = "fuzz.example[192.0.2.1]";
    session.relay = "fuzz.example[192.0.2.1]:25";
    session.doing = "receiving a reply";
    session.resp.text = vstring_alloc(100);
    session.resp.lines = argv_alloc(1);
    for (int replies = 0; replies < 10000; replies++) {
        if (smtp_chat_resp(&session, 10) != SMTP_OK)
            break;
        smtp_reply_check(&session.resp);
    }
    vstream_close(session.stream);
    vstring_free(session.resp.text);
    argv_free(session.resp.lines);
    vstring_free(state.site_reason);
    vstring_free(input);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtp_reply_job job = {data, size};

    fuzz_init("smtp_reply_fuzz");
    fuzz_call(smtp_reply_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
