/* status_log_test - per-message status logs: append, read back, damage, concurrency */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "rec_type.h"
#include "status_log.h"
#include "vstring.h"
#include "test.h"
#include "queue_fixture.h"

/* TEST_UNDER_VALGRIND */

#define ID "0000000000z1"

static const STATUS_LOG_ENTRY full_entry = {
    .recipient = "user@example.com",
    .orig_rcpt = "User@Example.com",
    .dsn_orcpt = "rfc822;User@Example.com",
    .dsn_notify = REC_NOTIFY_FAILURE | REC_NOTIFY_DELAY,
    .offset = 1234,
    .status = "5.1.1",
    .action = "failed",
    .reason = "host mx.example.com[192.0.2.7] said: 550 5.1.1 <user@example.com>: no such "
              "user=x +y\r\n\xc3\xa9 (in reply to RCPT TO command)",
    .remote_mta = "mx.example.com",
    .diag_code = "smtp; 550 5.1.1 <user@example.com>: no such user",
    .time = 1700000000,
};

static const STATUS_LOG_ENTRY bare_entry = {
    .recipient = "other@example.com",
    .offset = -1,
    .status = "4.4.1",
    .action = "delayed",
    .time = 1700000001,
};

/* str_same - NULL-safe string equality */

static bool str_same(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* entry_same - two entries hold the same facts */

static bool entry_same(const STATUS_LOG_ENTRY *a, const STATUS_LOG_ENTRY *b)
{
    return str_same(a->recipient, b->recipient) && str_same(a->orig_rcpt, b->orig_rcpt) &&
           str_same(a->dsn_orcpt, b->dsn_orcpt) && a->dsn_notify == b->dsn_notify &&
           a->offset == b->offset && str_same(a->status, b->status) &&
           str_same(a->action, b->action) && str_same(a->reason, b->reason) &&
           str_same(a->remote_mta, b->remote_mta) && str_same(a->diag_code, b->diag_code) &&
           a->time == b->time;
}

/* count_entries - read a whole log; the number of entries */

static int count_entries(const char *log_queue, const STATUS_LOG_ENTRY *want, int *out_same)
{
    STATUS_LOG *log = status_log_open(log_queue, ID);
    STATUS_LOG_ENTRY entry;
    int count = 0;

    if (log == NULL)
        return -1;
    *out_same = 0;
    while (status_log_read(log, &entry) > 0) {
        count++;
        if (want && entry_same(&entry, want))
            ++*out_same;
    }
    status_log_close(log);
    return count;
}

/* append_raw - add bytes to a log behind its back */

static void append_raw(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        msg_fatal("append to %s: %m", path);
    close(fd);
}

static void test_round_trip(void)
{
    STATUS_LOG *log;
    STATUS_LOG_ENTRY got;

    queue_fixture_start();
    TEST_CHECK(status_log_open(MAIL_QUEUE_BOUNCE, ID) == NULL && errno == ENOENT,
               "no log yet: ENOENT");
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_BOUNCE, ID, &full_entry), 0, "append a full entry");
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_BOUNCE, ID, &bare_entry), 0, "append a bare entry");
    log = status_log_open(MAIL_QUEUE_BOUNCE, ID);
    TEST_CHECK(log != NULL, "open the log");
    if (log == NULL)
        return;
    TEST_INT_EQ(status_log_read(log, &got), 1, "first entry");
    TEST_CHECK(entry_same(&got, &full_entry), "full entry reads back, reply text intact");
    TEST_INT_EQ(status_log_read(log, &got), 1, "second entry");
    TEST_CHECK(entry_same(&got, &bare_entry), "optional fields read back as absent");
    TEST_INT_EQ(status_log_read(log, &got), 0, "end of log");
    status_log_close(log);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_DEFER), 0, "other logs untouched");
    queue_fixture_stop();
}

static void test_refused(void)
{
    STATUS_LOG_ENTRY bad;
    int same;

    queue_fixture_start();
    msg_stderr_enable(0);
    bad = full_entry;
    bad.status = "5.1";
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_DEFER, ID, &bad), -1, "short status refused");
    bad.status = "3.1.1";
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_DEFER, ID, &bad), -1, "class 3 refused");
    bad.status = "5.1.1";
    bad.action = "bounced";
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_DEFER, ID, &bad), -1, "unknown action refused");
    bad.action = "failed";
    bad.recipient = NULL;
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_DEFER, ID, &bad), -1, "no recipient refused");
    msg_stderr_enable(1);
    TEST_INT_EQ(count_entries(MAIL_QUEUE_DEFER, NULL, &same), -1, "nothing was written");
    TEST_CHECK(status_log_status_ok("2.0.0") && status_log_status_ok("4.123.999") &&
                   !status_log_status_ok("5.1.1.") && !status_log_status_ok("5.1.1234") &&
                   !status_log_status_ok("x"),
               "status code syntax");
    queue_fixture_stop();
}

static void test_damage(void)
{
    const char *path = "trace/" ID;
    int same;

    queue_fixture_start();
    msg_stderr_enable(0);
    status_log_append(MAIL_QUEUE_TRACE, ID, &full_entry);
    append_raw(path, "nonsense\n");
    append_raw(path, "recipient=a status=5.1.1 action=failed reason=bad+G1\n");
    append_raw(path, "recipient=a status=5.1.1 action=failed recipient=b\n");
    append_raw(path, "recipient=a status=5.1.1 action=failed future_field=x\n");
    append_raw(path, "recipient=half status=5.1");
    TEST_INT_EQ(count_entries(MAIL_QUEUE_TRACE, &full_entry, &same), 2,
                "malformed lines skipped, unknown fields tolerated, unfinished line ignored");
    status_log_append(MAIL_QUEUE_TRACE, ID, &full_entry);
    TEST_INT_EQ(count_entries(MAIL_QUEUE_TRACE, &full_entry, &same), 3,
                "an append after an unfinished line still reads back");
    TEST_INT_EQ(same, 2, "both intact entries compare equal");
    msg_stderr_enable(1);
    queue_fixture_stop();
}

/* test_null_in_name - a field name with a null byte names no field */

static void test_null_in_name(void)
{
    static const char *const names[] = {"recipient", "status", "action"};
    const char *path = "defer/" ID;
    VSTRING *line = vstring_alloc(100);
    int fd, same, lines = 0;

    /*
     * Each line has its fields, then one more whose name is a field name, a
     * null byte and some padding. Taken for that field, it would repeat it and
     * the line would be skipped: every line must read back.
     */
    queue_fixture_start();
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) < 0)
        msg_fatal("open %s: %m", path);
    for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        for (int pad = 0; pad < 32; pad++, lines++) {
            vstring_sprintf(line, "recipient=a status=5.1.1 action=failed %s", names[n]);
            vstring_addch(line, 0);
            for (int i = 0; i < pad; i++)
                vstring_addch(line, 'x');
            vstring_strcat(line, "=x\n");
            if (write(fd, vstring_str(line), VSTRING_LEN(line)) != (ssize_t)VSTRING_LEN(line))
                msg_fatal("write %s: %m", path);
        }
    }
    close(fd);
    TEST_INT_EQ(count_entries(MAIL_QUEUE_DEFER, NULL, &same), lines,
                "a field name with a null byte is an unknown field, whatever follows");
    vstring_free(line);
    queue_fixture_stop();
}

static void test_concurrent(void)
{
    int writers = 4, each = 20, failed = 0, same;
    pid_t pids[4];

    queue_fixture_start();
    for (int w = 0; w < writers; w++) {
        if ((pids[w] = fork()) == 0) {
            for (int i = 0; i < each; i++)
                if (status_log_append(MAIL_QUEUE_DEFER, ID, &full_entry) < 0)
                    _exit(1);
            _exit(0);
        }
    }
    for (int w = 0; w < writers; w++) {
        int status;

        if (test_waitpid(pids[w], &status, 30) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            failed++;
    }
    TEST_INT_EQ(failed, 0, "%d concurrent writers succeed", writers);
    TEST_INT_EQ(count_entries(MAIL_QUEUE_DEFER, &full_entry, &same), writers * each,
                "every concurrent append is a whole line");
    TEST_INT_EQ(same, writers * each, "and every one reads back intact");
    queue_fixture_stop();
}

static void test_not_regular(void)
{
    queue_fixture_start();
    msg_stderr_enable(0);
    TEST_CHECK(mkfifo("defer/" ID, 0600) == 0, "plant a FIFO as a log");
    TEST_INT_EQ(status_log_append(MAIL_QUEUE_DEFER, ID, &full_entry), -1,
                "append to a FIFO is refused without hanging");
    TEST_CHECK(status_log_open(MAIL_QUEUE_DEFER, ID) == NULL && errno == EINVAL,
               "reading a FIFO is refused without hanging");
    msg_stderr_enable(1);
    queue_fixture_stop();
}

static jmp_buf panic_jump;

static void test_misuse(void)
{
    volatile int panicked = 0;

    msg_stderr_enable(0);
    msg_set_longjmp(&panic_jump);
    if (setjmp(panic_jump) == 0)
        status_log_append(MAIL_QUEUE_INCOMING, ID, &full_entry);
    else
        panicked = 1;
    msg_set_longjmp(NULL);
    msg_stderr_enable(1);
    TEST_CHECK(panicked, "a message queue is not a status log");
}

int main(void)
{
    msg_init("status_log_test");
    test_round_trip();
    test_refused();
    test_damage();
    test_null_in_name();
    test_concurrent();
    test_not_regular();
    test_misuse();
    return test_summary("status_log_test");
}
