/*
 * deliver_request_test - the delivery protocol, outcome recording and log lines
 *
 * qmgr's side and an agent's side talk over a socket pair in one process
 * (the messages are small enough for the socket buffers), against a real
 * queue file in a private queue directory.
 */
/* TEST_UNDER_VALGRIND */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "deliver_log.h"
#include "deliver_request.h"
#include "mail_queue.h"
#include "queue_file.h"
#include "queue_msg.h"
#include "status_log.h"

#include "queue_fixture.h"
#include "test.h"

static const QUEUE_RCPT test_rcpts[] = {
    {"alice@example.com", "Alice@Example.com", "rfc822;alice@example.com",
     REC_NOTIFY_SUCCESS | REC_NOTIFY_FAILURE},
    {"bob@example.com", NULL, NULL, 0},
    {"carol@example.com", NULL, NULL, 0},
};

#define TEST_RCPT_COUNT (sizeof(test_rcpts) / sizeof(test_rcpts[0]))

/* write_message - a committed message in active */

static void write_message(VSTRING *id)
{
    QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_INCOMING);

    vstring_strcpy(id, queue_file_id(qf));
    queue_file_sender(qf, "sender@example.org");
    for (size_t i = 0; i < TEST_RCPT_COUNT; i++)
        queue_file_rcpt(qf, &test_rcpts[i]);
    queue_file_content(qf);
    queue_file_line(qf, "Subject: test", 13);
    queue_file_line(qf, "", 0);
    queue_file_line(qf, "body", 4);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit failed");
    queue_file_close(qf);
    if (mail_queue_move(MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, vstring_str(id)) < 0)
        msg_fatal("move: %m");
}

/* build_request - qmgr's request for some recipients of the message */

static DELIVER_REQUEST *build_request(const char *id, const size_t *which, size_t count)
{
    DELIVER_REQUEST *request = deliver_request_alloc();
    QUEUE_MSG *msg;

    if (queue_msg_open(MAIL_QUEUE_ACTIVE, id, 0, &msg, NULL) != QUEUE_MSG_STAT_OK)
        msg_fatal("open %s", id);
    myfree(request->queue_name);
    request->queue_name = mystrdup(MAIL_QUEUE_ACTIVE);
    myfree(request->queue_id);
    request->queue_id = mystrdup(id);
    myfree(request->transport);
    request->transport = mystrdup("test");
    myfree(request->sender);
    request->sender = mystrdup("sender@example.org");
    request->arrival_time = deliver_time_now() - 2000000;
    request->active_time = request->arrival_time + 500000;
    request->request_time = deliver_time_now();
    for (size_t i = 0; i < count; i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(msg, which[i]);

        deliver_request_add_rcpt(request, rcpt->address, rcpt->orig_rcpt, rcpt->dsn_orcpt,
                                 rcpt->dsn_notify, rcpt->offset);
    }
    queue_msg_close(msg);
    return request;
}

/* log_count - entries in a status log */

static int log_count(const char *log_queue, const char *id, const char *want_rcpt)
{
    STATUS_LOG *log = status_log_open(log_queue, id);
    STATUS_LOG_ENTRY entry;
    int count = 0;

    if (log == NULL)
        return 0;
    while (status_log_read(log, &entry) == 1)
        if (want_rcpt == NULL || strcmp(entry.recipient, want_rcpt) == 0)
            count++;
    status_log_close(log);
    return count;
}

static VSTRING *captured_log;

static void capture_log(enum msg_level level, const char *text, void *context)
{
    (void)level;
    (void)context;
    vstring_sprintf_append(captured_log, "%s\n", text);
}

/* agent_serve - the agent's part: sent, bounced, deferred */

static void agent_serve(VSTREAM *agent)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(agent, why);
    DELIVER_STATUS sent = {.dsn = "2.0.0", .reason = "delivered to mailbox", .relay = "local"};
    DELIVER_STATUS bounced = {.dsn = "5.1.1",
                              .reason = "host mx[192.0.2.1] said: 550 5.1.1 no such user",
                              .relay = "mx[192.0.2.1]:25",
                              .remote_mta = "mx",
                              .diag_code = "smtp; 550 5.1.1 no such user"};
    DELIVER_STATUS deferred = {.dsn = "4.4.1", .reason = "connect timed out"};

    TEST_CHECK(request != NULL, "agent receives the request (%s)", vstring_str(why));
    if (request == NULL)
        return;
    TEST_INT_EQ((int)request->rcpt_count, 3, "agent sees three recipients");
    TEST_STR_EQ(request->sender, "sender@example.org", "agent sees the sender");
    TEST_STR_EQ(queue_msg_sender(request->msg), "sender@example.org", "agent opened the file");
    TEST_CHECK(deliver_rcpt_pending(request, 0), "first recipient pending");
    deliver_sent(request, 0, &sent);
    deliver_bounced(request, 1, &bounced);
    deliver_deferred(request, 2, &deferred);
    TEST_CHECK(!deliver_rcpt_pending(request, 0), "first recipient has a result");
    deliver_request_finish(request);
    vstring_free(why);
}

/* qmgr_collect - qmgr's part: read results until the end message */

static int qmgr_collect(VSTREAM *qmgr, DELIVER_REQUEST *request, VSTRING *why, int *end_status)
{
    int status, results = 0;

    if (attr_hello_expect(qmgr, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION, NULL) < 0)
        return -1;
    while ((status = deliver_result_read(qmgr, request, end_status, why)) == DELIVER_READ_RCPT)
        results++;
    return status == DELIVER_READ_END ? results : -1;
}

static void test_exchange(void)
{
    VSTRING *id = vstring_alloc(30), *why = vstring_alloc(100);
    size_t all[] = {0, 1, 2};
    int sv[2];
    VSTREAM *qmgr, *agent;
    DELIVER_REQUEST *request;
    QUEUE_MSG *msg;
    int end_status = -1;

    write_message(id);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        msg_fatal("socketpair: %m");
    qmgr = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    agent = vstream_fdopen(sv[1], VSTREAM_FLAG_RW);
    vstream_set_timeout(qmgr, 5);
    vstream_set_timeout(agent, 5);

    request = build_request(vstring_str(id), all, 3);
    TEST_INT_EQ(deliver_request_send(qmgr, request), 0, "qmgr sends a request");
    captured_log = vstring_alloc(200);
    msg_output_add(capture_log, NULL);
    agent_serve(agent);
    TEST_INT_EQ(qmgr_collect(qmgr, request, why, &end_status), 3, "qmgr reads three results");
    TEST_INT_EQ(end_status, DELIVER_STAT_OK, "end status ok");
    TEST_INT_EQ(request->rcpts[0].outcome, DELIVER_OUTCOME_SENT, "alice sent");
    TEST_INT_EQ(request->rcpts[1].outcome, DELIVER_OUTCOME_BOUNCED, "bob bounced");
    TEST_INT_EQ(request->rcpts[2].outcome, DELIVER_OUTCOME_DEFERRED, "carol deferred");
    TEST_STR_EQ(request->rcpts[1].relay, "mx[192.0.2.1]:25", "relay comes back");
    TEST_STR_EQ(request->rcpts[2].reason, "connect timed out", "reason comes back");
    TEST_CHECK(strstr(vstring_str(captured_log),
                      ": to=<alice@example.com>, orig_to=<Alice@Example.com>, relay=local, "
                      "delay=") != NULL,
               "sent line names recipient, original recipient and relay");
    TEST_CHECK(strstr(vstring_str(captured_log),
                      "dsn=5.1.1, status=bounced (host mx[192.0.2.1] said: 550 5.1.1 no such "
                      "user)") != NULL,
               "bounced line carries the remote reply");
    TEST_CHECK(strstr(vstring_str(captured_log), "dsn=4.4.1, status=deferred (connect timed out)"),
               "deferred line");
    deliver_request_free(request);

    /* The file: alice and bob done, carol to do; the logs hold the events. */
    TEST_INT_EQ(queue_msg_open(MAIL_QUEUE_ACTIVE, vstring_str(id), 0, &msg, NULL), 0, "reopen");
    TEST_CHECK(queue_msg_rcpt(msg, 0)->done && queue_msg_rcpt(msg, 1)->done &&
                   !queue_msg_rcpt(msg, 2)->done,
               "sent and bounced recipients are marked done, deferred is not");
    queue_msg_close(msg);
    TEST_INT_EQ(log_count(MAIL_QUEUE_BOUNCE, vstring_str(id), "bob@example.com"), 1,
                "bounce log entry");
    TEST_INT_EQ(log_count(MAIL_QUEUE_DEFER, vstring_str(id), "carol@example.com"), 1,
                "defer log entry");
    TEST_INT_EQ(log_count(MAIL_QUEUE_TRACE, vstring_str(id), "alice@example.com"), 1,
                "NOTIFY=SUCCESS gives a trace entry");

    /* A stale request for a done recipient is answered without delivery. */
    request = build_request(vstring_str(id), all, 3);
    deliver_request_send(qmgr, request);
    {
        DELIVER_REQUEST *agent_req = deliver_request_receive(agent, why);

        TEST_CHECK(agent_req && !deliver_rcpt_pending(agent_req, 0) &&
                       !deliver_rcpt_pending(agent_req, 1) && deliver_rcpt_pending(agent_req, 2),
                   "done recipients are not pending in a second request");
        if (agent_req) {
            DELIVER_STATUS sent = {.dsn = "2.0.0", .reason = "ok", .relay = "local"};

            deliver_sent(agent_req, 2, &sent);
            deliver_request_finish(agent_req);
        }
    }
    TEST_INT_EQ(qmgr_collect(qmgr, request, why, &end_status), 3, "three results again");
    TEST_INT_EQ(request->rcpts[0].outcome, DELIVER_OUTCOME_DONE, "alice reported already done");
    TEST_INT_EQ(request->rcpts[2].outcome, DELIVER_OUTCOME_SENT, "carol sent now");
    deliver_request_free(request);

    /* An agent that dies: qmgr sees an error, not an end. */
    request = build_request(vstring_str(id), all, 1);
    deliver_request_send(qmgr, request);
    attr_hello_send(agent, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION);
    vstream_close(agent);
    TEST_CHECK(attr_hello_expect(qmgr, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION, NULL) == 0 &&
                   deliver_result_read(qmgr, request, &end_status, why) == DELIVER_READ_ERROR,
               "a closed connection is an error (%s)", vstring_str(why));
    deliver_request_free(request);
    vstream_close(qmgr);
    msg_output_remove(capture_log, NULL);
    vstring_free(captured_log);
    vstring_free(id);
    vstring_free(why);
}

/* Malformed status codes from a peer: one checked code for the log, the logs and qmgr. */

static void test_malformed_status(void)
{
    VSTRING *id = vstring_alloc(30), *why = vstring_alloc(100);
    size_t all[] = {0, 1, 2};
    int sv[2];
    VSTREAM *qmgr, *agent;
    DELIVER_REQUEST *request, *agent_req;
    DELIVER_STATUS deferred = {.dsn = "4..66", .reason = "host mx said: 450 4..66 try later"};
    DELIVER_STATUS bounced = {.dsn = "5.1.1234", .reason = "host mx said: 550 5.1.1234 no"};
    DELIVER_STATUS sent = {.dsn = "2.0.0", .reason = "ok", .relay = "mx"};
    QUEUE_MSG *msg;
    int end_status = -1;

    write_message(id);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        msg_fatal("socketpair: %m");
    qmgr = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    agent = vstream_fdopen(sv[1], VSTREAM_FLAG_RW);
    vstream_set_timeout(qmgr, 5);
    vstream_set_timeout(agent, 5);
    captured_log = vstring_alloc(200);
    msg_output_add(capture_log, NULL);

    request = build_request(vstring_str(id), all, 3);
    deliver_request_send(qmgr, request);
    agent_req = deliver_request_receive(agent, why);
    TEST_CHECK(agent_req != NULL, "agent receives the request");
    if (agent_req) {
        deliver_deferred(agent_req, 0, &deferred);
        deliver_bounced(agent_req, 1, &bounced);
        deliver_sent(agent_req, 2, &sent);
        deliver_request_finish(agent_req);
    }
    TEST_INT_EQ(qmgr_collect(qmgr, request, why, &end_status), 3,
                "qmgr reads all three results (%s)", vstring_str(why));
    TEST_STR_EQ(request->rcpts[0].dsn, "4.0.0", "4..66 reaches qmgr as 4.0.0");
    TEST_STR_EQ(request->rcpts[1].dsn, "5.0.0", "5.1.1234 reaches qmgr as 5.0.0");
    TEST_INT_EQ(request->rcpts[2].outcome, DELIVER_OUTCOME_SENT, "carol sent, and qmgr knows");
    TEST_CHECK(strstr(vstring_str(captured_log), "to=<alice@example.com>") &&
                   strstr(vstring_str(captured_log), "dsn=4.0.0, status=deferred"),
               "log says 4.0.0 as qmgr does");
    TEST_CHECK(strstr(vstring_str(captured_log), "dsn=5.0.0, status=bounced"),
               "log says 5.0.0 as qmgr does");
    TEST_CHECK(strstr(vstring_str(captured_log), "4..66, status") == NULL &&
                   strstr(vstring_str(captured_log), "5.1.1234, status") == NULL,
               "no raw code logged as a status");
    deliver_request_free(request);

    /* An agent that still sends a malformed code: the other results count. */
    TEST_INT_EQ(queue_msg_open(MAIL_QUEUE_ACTIVE, vstring_str(id), 0, &msg, NULL), 0, "reopen");
    request = build_request(vstring_str(id), all, 3);
    attr_hello_send(agent, DELIVER_PROTOCOL, DELIVER_PROTOCOL_VERSION);
    for (size_t i = 0; i < 3; i++)
        attr_print(agent, ATTR_FLAG_NONE, SEND_ATTR_STR(DELIVER_ATTR_REPLY, DELIVER_REPLY_RCPT),
                   SEND_ATTR_LONG(DELIVER_ATTR_OFFSET, (long)request->rcpts[i].offset),
                   SEND_ATTR_INT(DELIVER_ATTR_OUTCOME,
                                 i == 1 ? DELIVER_OUTCOME_DEFERRED : DELIVER_OUTCOME_SENT),
                   SEND_ATTR_STR(DELIVER_ATTR_DSN, i == 1 ? "4..66" : "2.0.0"),
                   SEND_ATTR_STR(DELIVER_ATTR_REASON, "x"), SEND_ATTR_STR(DELIVER_ATTR_RELAY, "mx"),
                   ATTR_TYPE_END);
    attr_print(agent, ATTR_FLAG_NONE, SEND_ATTR_STR(DELIVER_ATTR_REPLY, DELIVER_REPLY_END),
               SEND_ATTR_INT(DELIVER_ATTR_STATUS, DELIVER_STAT_OK),
               SEND_ATTR_STR(DELIVER_ATTR_REASON, ""), ATTR_TYPE_END);
    vstream_fflush(agent);
    TEST_INT_EQ(qmgr_collect(qmgr, request, why, &end_status), 3,
                "qmgr keeps reading after a malformed status (%s)", vstring_str(why));
    TEST_INT_EQ(request->rcpts[2].outcome, DELIVER_OUTCOME_SENT,
                "a recipient reported after the malformed status is sent, not deferred");
    TEST_STR_EQ(request->rcpts[1].dsn, "4.0.0", "the malformed status becomes 4.0.0");
    TEST_CHECK(strstr(vstring_str(captured_log), "malformed status \"4..66\""),
               "malformed status warned");
    deliver_request_free(request);
    queue_msg_close(msg);

    vstream_close(agent);
    vstream_close(qmgr);
    msg_output_remove(capture_log, NULL);
    vstring_free(captured_log);
    vstring_free(id);
    vstring_free(why);
}

static void test_missing_file(void)
{
    VSTRING *id = vstring_alloc(30), *why = vstring_alloc(100);
    size_t first[] = {0};
    int sv[2];
    VSTREAM *qmgr, *agent;
    DELIVER_REQUEST *request;
    int end_status = -1;

    write_message(id);
    request = build_request(vstring_str(id), first, 1);
    mail_queue_remove(MAIL_QUEUE_ACTIVE, vstring_str(id));
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        msg_fatal("socketpair: %m");
    qmgr = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    agent = vstream_fdopen(sv[1], VSTREAM_FLAG_RW);
    deliver_request_send(qmgr, request);
    TEST_CHECK(deliver_request_receive(agent, why) == NULL, "agent refuses a missing file");
    TEST_INT_EQ(qmgr_collect(qmgr, request, why, &end_status), 0,
                "qmgr gets an end without results");
    TEST_INT_EQ(end_status, DELIVER_STAT_FAIL, "end status says the agent could not work");
    TEST_CHECK(strstr(vstring_str(why), "open queue file") != NULL, "with the reason (%s)",
               vstring_str(why));
    deliver_request_free(request);
    vstream_close(qmgr);
    vstream_close(agent);
    vstring_free(id);
    vstring_free(why);
}

static void test_delays(void)
{
    static const struct {
        double seconds;
        const char *want;
    } cases[] = {
        {0, "0"},       {0.001, "0"},   {0.004, "0"}, {0.005, "0.01"}, {0.047, "0.05"},
        {0.12, "0.12"}, {0.5, "0.5"},   {1.04, "1"},  {1.25, "1.2"},   {9.96, "10"},
        {12.4, "12"},   {1325, "1325"}, {-1, "0"},
    };
    VSTRING *buf = vstring_alloc(20);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_STR_EQ(deliver_log_delay(buf, cases[i].seconds), cases[i].want, "delay %g",
                    cases[i].seconds);
    vstring_free(buf);
}

static void test_format(void)
{
    VSTRING *buf = vstring_alloc(100);
    DELIVER_LOG_LINE line = {
        .queue_id = "4ZxYb251kqzBc1",
        .recipient = "u@example.com",
        .orig_rcpt = "u@example.com",
        .relay = "mx.example.com[192.0.2.7]:25",
        .delay = 1.2,
        .delays = {0.1, 0.01, 0.5, 0.59},
        .dsn = "2.0.0",
        .status = "sent",
        .reason = "250 2.0.0 Ok: queued as X",
    };

    TEST_STR_EQ(deliver_log_format(buf, &line),
                "4ZxYb251kqzBc1: to=<u@example.com>, relay=mx.example.com[192.0.2.7]:25, "
                "delay=1.2, delays=0.1/0.01/0.5/0.59, dsn=2.0.0, status=sent (250 2.0.0 Ok: "
                "queued as X)",
                "sent line, orig_to left out when equal");
    line.relay = NULL;
    line.reason = NULL;
    line.orig_rcpt = "U@example.com";
    TEST_STR_EQ(deliver_log_format(buf, &line),
                "4ZxYb251kqzBc1: to=<u@example.com>, orig_to=<U@example.com>, relay=none, "
                "delay=1.2, delays=0.1/0.01/0.5/0.59, dsn=2.0.0, status=sent",
                "relay none, no reason");
    line.tls = "dane:may/requiretls";
    TEST_STR_EQ(deliver_log_format(buf, &line),
                "4ZxYb251kqzBc1: to=<u@example.com>, orig_to=<U@example.com>, relay=none, "
                "delay=1.2, delays=0.1/0.01/0.5/0.59, tls=dane:may/requiretls, dsn=2.0.0, "
                "status=sent",
                "the TLS feature status before dsn=");
    vstring_free(buf);
}

int main(void)
{
    msg_init("deliver_request_test");
    queue_fixture_start();
    test_exchange();
    test_malformed_status();
    test_missing_file();
    queue_fixture_stop();
    test_delays();
    test_format();
    return test_summary("deliver_request");
}
