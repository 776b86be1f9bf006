/*
 * dsn_build_test - the MIME structure and fields of delivery status notifications
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "dsn_build.h"
#include "mail_queue.h"
#include "queue_file.h"
#include "queue_msg.h"
#include "rec_type.h"
#include "status_log.h"

#include "queue_fixture.h"
#include "test.h"

/* write_message - a message with two recipients, optional RET */

static QUEUE_MSG *write_message(const char *ret)
{
    QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_INCOMING);
    QUEUE_RCPT r1 = {.address = "gone@example.net", .dsn_orcpt = "rfc822;Gone@example.net"};
    QUEUE_RCPT r2 = {.address = "ok@example.net"};
    char id[64];
    QUEUE_MSG *msg;

    snprintf(id, sizeof(id), "%s", queue_file_id(qf));
    if (ret)
        queue_file_attr(qf, REC_ATTR_DSN_RET, ret);
    queue_file_attr(qf, REC_ATTR_DSN_ENVID, "env-42");
    queue_file_sender(qf, "author@example.org");
    queue_file_rcpt(qf, &r1);
    queue_file_rcpt(qf, &r2);
    queue_file_content(qf);
    queue_file_line(qf, "Subject: the original", 21);
    queue_file_line(qf, "", 0);
    queue_file_line(qf, "secret body line", 16);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit");
    queue_file_close(qf);
    if (queue_msg_open(MAIL_QUEUE_INCOMING, id, 0, &msg, NULL) != QUEUE_MSG_STAT_OK)
        msg_fatal("open");
    return msg;
}

static void log_bounce(QUEUE_MSG *msg, const char *reason)
{
    STATUS_LOG_ENTRY entry = {
        .recipient = "gone@example.net",
        .dsn_orcpt = "rfc822;Gone@example.net",
        .offset = queue_msg_rcpt(msg, 0)->offset,
        .status = "5.1.1",
        .action = "failed",
        .reason = reason,
        .remote_mta = "mx.example.net",
        .diag_code = "smtp; 550 5.1.1 no such user",
        .time = 1700000000,
    };

    status_log_append(MAIL_QUEUE_BOUNCE, queue_msg_id(msg), &entry);
}

static int collect(const char *line, size_t len, void *context)
{
    vstring_memcat(context, line, len);
    vstring_addch(context, '\n');
    return 0;
}

static int count(const char *text, const char *what)
{
    int n = 0;

    for (const char *cp = text; (cp = strstr(cp, what)) != NULL; cp += strlen(what))
        n++;
    return n;
}

static int build(QUEUE_MSG *msg, int kind, long limit, VSTRING *out)
{
    VSTRING *why = vstring_alloc(100);
    int status;

    VSTRING_RESET(out);
    status = dsn_build(msg,
                       &(DSN_BUILD_PROPS){.kind = kind,
                                          .myhostname = "mx.example.org",
                                          .size_limit = limit,
                                          .now = 1700000100,
                                          .line = collect,
                                          .context = out},
                       why);
    vstring_free(why);
    return status;
}

static void test_failure(void)
{
    QUEUE_MSG *msg = write_message(NULL);
    VSTRING *out = vstring_alloc(1000), *delim = vstring_alloc(100);
    const char *text, *status_part;

    TEST_INT_EQ(build(msg, DSN_BUILD_FAILURE, 50000, out), 0, "no bounce log: nothing to send");
    TEST_INT_EQ((int)VSTRING_LEN(out), 0, "and nothing written");
    log_bounce(msg, "old reason");
    log_bounce(msg, "host mx.example.net said: 550 5.1.1 no such user");
    TEST_INT_EQ(build(msg, DSN_BUILD_FAILURE, 50000, out), 1, "one recipient reported");
    text = vstring_str(out);
    TEST_CHECK(strstr(text, "To: author@example.org\n") != NULL, "addressed to the sender");
    TEST_CHECK(strstr(text, "From: MAILER-DAEMON@mx.example.org") != NULL, "from MAILER-DAEMON");
    TEST_CHECK(strstr(text, "Content-Type: multipart/report; report-type=delivery-status;\n"
                            "\tboundary=\"") != NULL,
               "a multipart/report of type delivery-status");
    vstring_sprintf(delim, "\n--%s.1700000100/mx.example.org\n", queue_msg_id(msg));
    TEST_INT_EQ(count(text, vstring_str(delim)), 3, "three body parts");
    vstring_sprintf(delim, "\n--%s.1700000100/mx.example.org--\n", queue_msg_id(msg));
    TEST_INT_EQ(count(text, vstring_str(delim)), 1, "one closing delimiter, at the end");
    TEST_CHECK(strstr(text, "Content-Type: text/plain") < strstr(text, "message/delivery-status") &&
                   strstr(text, "message/delivery-status") < strstr(text, "message/rfc822"),
               "text, then delivery-status, then the message");
    TEST_CHECK(
        strstr(text, "<gone@example.net>: host mx.example.net said: 550 5.1.1 no such user") !=
            NULL,
        "the text part has the remote reply");
    TEST_INT_EQ(count(text, "old reason"), 0, "only the last log entry of a recipient counts");
    status_part = strstr(text, "Reporting-MTA: dns; mx.example.org\n");
    TEST_CHECK(status_part != NULL, "Reporting-MTA");
    TEST_CHECK(strstr(text, "Original-Envelope-Id: env-42\n") != NULL, "Original-Envelope-Id");
    TEST_CHECK(strstr(text, "Arrival-Date: ") != NULL, "Arrival-Date");
    TEST_CHECK(strstr(text, "\nFinal-Recipient: rfc822; gone@example.net\n"
                            "Original-Recipient: rfc822;Gone@example.net\n"
                            "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.net\n"
                            "Diagnostic-Code: smtp; 550 5.1.1 no such user\n") != NULL,
               "per-recipient fields in order");
    TEST_INT_EQ(count(text, "ok@example.net"), 0, "the delivered recipient is not reported");
    TEST_CHECK(strstr(text, "Subject: the original\n\nsecret body line\n") != NULL,
               "the whole message is returned");
    TEST_INT_EQ(build(msg, DSN_BUILD_FAILURE, 10, out), 1, "small size limit");
    TEST_CHECK(strstr(vstring_str(out), "text/rfc822-headers") != NULL &&
                   strstr(vstring_str(out), "secret body line") == NULL,
               "over the size limit only the headers are returned");
    TEST_INT_EQ(build(msg, DSN_BUILD_SUCCESS, 50000, out), 0, "no trace log: no success notice");
    queue_msg_close(msg);
    vstring_free(out);
    vstring_free(delim);
}

static void test_ret_hdrs(void)
{
    QUEUE_MSG *msg = write_message("HDRS");
    VSTRING *out = vstring_alloc(1000);

    log_bounce(msg, "gone");
    TEST_INT_EQ(build(msg, DSN_BUILD_FAILURE, 50000, out), 1, "RET=HDRS report");
    TEST_CHECK(strstr(vstring_str(out), "Content-Type: text/rfc822-headers\n") != NULL &&
                   strstr(vstring_str(out), "Subject: the original\n") != NULL &&
                   strstr(vstring_str(out), "secret body line") == NULL,
               "RET=HDRS returns the headers without the body");
    queue_msg_close(msg);
    vstring_free(out);
}

int main(void)
{
    msg_init("dsn_build_test");
    queue_fixture_start();
    test_failure();
    test_ret_hdrs();
    queue_fixture_stop();
    return test_summary("dsn_build");
}
