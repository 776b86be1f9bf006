/*
 * mail_copy_test - mbox framing, >From quoting, headers in front, long lines
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_copy.h"
#include "mail_queue.h"
#include "queue_file.h"
#include "queue_msg.h"

#include "queue_fixture.h"
#include "test.h"

static QUEUE_MSG *write_message(void)
{
    QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_INCOMING);
    QUEUE_RCPT rcpt = {.address = "u@example.com"};
    char id[64];
    QUEUE_MSG *msg;

    snprintf(id, sizeof(id), "%s", queue_file_id(qf));
    queue_file_sender(qf, "s@example.org");
    queue_file_rcpt(qf, &rcpt);
    queue_file_content(qf);
    queue_file_line(qf, "Subject: x", 10);
    queue_file_line(qf, "", 0);
    queue_file_line(qf, "From the start", 14);
    queue_file_line(qf, ">From quoted", 12);
    queue_file_line(qf, "not From here", 13);
    queue_file_partial(qf, "From split", 10);
    queue_file_line(qf, " line", 5);
    queue_file_line(qf, "From", 4);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit");
    queue_file_close(qf);
    if (queue_msg_open(MAIL_QUEUE_INCOMING, id, 0, &msg, NULL) != QUEUE_MSG_STAT_OK)
        msg_fatal("open");
    return msg;
}

int main(void)
{
    VSTRING *out = vstring_alloc(200), *why = vstring_alloc(100), *line = vstring_alloc(50);
    VSTREAM *stream;
    QUEUE_MSG *msg;
    const char *text;

    msg_init("mail_copy_test");
    queue_fixture_start();
    msg = write_message();

    stream = vstream_memopen(out, VSTREAM_FLAG_WRITE);
    TEST_INT_EQ(mail_copy(msg, stream, MAIL_COPY_MBOX | MAIL_COPY_RETURN_PATH | MAIL_COPY_DELIVERED,
                          "u@example.com", 0, why),
                0, "mbox copy succeeds");
    vstream_close(stream);
    text = vstring_str(out);
    TEST_CHECK(strncmp(text, "From s@example.org  ", 20) == 0, "starts with the From line");
    TEST_CHECK(strstr(text, "\nReturn-Path: <s@example.org>\nDelivered-To: u@example.com\n"
                            "Subject: x\n\n") != NULL,
               "Return-Path and Delivered-To come before the message headers");
    TEST_CHECK(strstr(text, "\n>From the start\n") != NULL, "a From line is quoted");
    TEST_CHECK(strstr(text, "\n>From quoted\n") != NULL && strstr(text, ">>From") == NULL,
               "a >From line stays as it is (mboxo quoting, as Postfix does)");
    TEST_CHECK(strstr(text, "\nnot From here\n") != NULL, "From inside a line is left alone");
    TEST_CHECK(strstr(text, "\n>From split line\n") != NULL,
               "a long line is quoted once, at its start");
    TEST_CHECK(strstr(text, "\nFrom\n") != NULL, "a bare From without a space is left alone");
    TEST_CHECK(VSTRING_LEN(out) >= 2 && strcmp(text + VSTRING_LEN(out) - 2, "\n\n") == 0,
               "the message ends with an empty line");

    VSTRING_RESET(out);
    stream = vstream_memopen(out, VSTREAM_FLAG_WRITE);
    TEST_INT_EQ(mail_copy(msg, stream, MAIL_COPY_DELIVERED, "u@example.com", 0, why), 0,
                "plain copy succeeds");
    vstream_close(stream);
    TEST_CHECK(strncmp(vstring_str(out), "Delivered-To: u@example.com\nSubject: x\n", 39) == 0 &&
                   strstr(vstring_str(out), "\nFrom the start\n") != NULL,
               "without MAIL_COPY_MBOX: no From line and no quoting");
    mail_copy_from_line(line, "", 0);
    TEST_CHECK(strncmp(vstring_str(line), "From MAILER-DAEMON  ", 20) == 0,
               "the null sender shows as MAILER-DAEMON");
    TEST_CHECK(mail_copy_needs_quote("From x", 6) && !mail_copy_needs_quote("From", 4) &&
                   !mail_copy_needs_quote("from x", 6),
               "only \"From \" at the start needs quoting");
    queue_msg_close(msg);
    queue_fixture_stop();
    vstring_free(out);
    vstring_free(why);
    vstring_free(line);
    return test_summary("mail_copy");
}
