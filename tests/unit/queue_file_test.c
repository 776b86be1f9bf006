/* queue_file_test - writing queue files: record layout, commit, abort, crashes */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "queue_file.h"
#include "record.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"
#include "queue_fixture.h"

/* TEST_UNDER_VALGRIND */

/*
 * dump_file - read a queue file with the bare record reader: the record
 * types in order, plus the fixed-width fields; returns -1 on a bad record.
 */
static int dump_file(const char *path, VSTRING *types, long long size[REC_SIZE_FIELDS],
                     long long *xtra_field, long long *xtra_offset)
{
    int fd = open(path, O_RDONLY);
    VSTREAM *stream;
    VSTRING *buf = vstring_alloc(100);
    long long offset = 0;
    int type;

    if (fd < 0)
        return -1;
    stream = vstream_fdopen(fd, VSTREAM_FLAG_READ);
    VSTRING_RESET(types);
    while ((type = rec_get(stream, buf, 1 << 20, NULL)) >= 0) {
        vstring_addch(types, type);
        if (type == REC_TYPE_SIZE)
            rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), REC_SIZE_FIELDS, size);
        if (type == REC_TYPE_MESG)
            rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), REC_MESG_FIELDS, xtra_field);
        if (type == REC_TYPE_XTRA)
            *xtra_offset = offset;
        offset += rec_size(VSTRING_LEN(buf));
    }
    vstream_close(stream);
    vstring_free(buf);
    return type == REC_TYPE_EOF ? 0 : -1;
}

static void test_layout(void)
{
    QUEUE_FILE *qf;
    VSTRING *types = vstring_alloc(10);
    VSTRING *path = vstring_alloc(10);
    VSTRING *id = vstring_alloc(10);
    long long size[REC_SIZE_FIELDS] = {0};
    long long xtra_field = -1, xtra_offset = -2;
    char long_line[10000];

    queue_fixture_start();
    qf = queue_file_create(MAIL_QUEUE_INCOMING);
    TEST_CHECK(qf != NULL, "create a queue file");
    vstring_strcpy(id, queue_file_id(qf));
    TEST_CHECK(mail_queue_id_ok(vstring_str(id)), "the new queue ID is valid: %s", vstring_str(id));
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 1, "one (temporary) file while writing");
    TEST_CHECK(access(mail_queue_path(path, MAIL_QUEUE_INCOMING, vstring_str(id)), F_OK) < 0,
               "nothing visible under the queue ID before commit");

    queue_file_attr(qf, REC_ATTR_CLIENT_NAME, "mail.example.org");
    queue_file_sender(qf, "sender@example.org");
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "b@example.com",
                                      .orig_rcpt = "B@Example.COM",
                                      .dsn_orcpt = "rfc822;B@Example.COM",
                                      .dsn_notify = REC_NOTIFY_SUCCESS | REC_NOTIFY_FAILURE});
    queue_file_content(qf);
    queue_file_line(qf, "Subject: test", 13);
    queue_file_line(qf, "", 0);
    memset(long_line, 'x', sizeof(long_line));
    queue_file_line(qf, long_line, sizeof(long_line));
    queue_file_partial(qf, "unterminated", 12);
    TEST_INT_EQ(queue_file_content_size(qf), 14 + 1 + 10001 + 12, "content size so far");
    queue_file_extra(qf);
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "c@example.com"});
    TEST_INT_EQ(queue_file_commit(qf), 0, "commit succeeds");
    queue_file_close(qf);

    TEST_INT_EQ(dump_file(vstring_str(path), types, size, &xtra_field, &xtra_offset), 0,
                "committed file reads back record by record");
    TEST_STR_EQ(vstring_str(types), "CWTASROonRMNNLLNLNXRE", "record order");
    TEST_INT_EQ(size[REC_SIZE_CONTENT], 14 + 1 + 10001 + 13, "size record: content bytes");
    TEST_INT_EQ(size[REC_SIZE_RCPT_COUNT], 3, "size record: recipient count");
    TEST_INT_EQ(size[REC_SIZE_VERSION], REC_FORMAT_VERSION, "size record: format version");
    TEST_INT_EQ(xtra_field, xtra_offset, "content start record points at the content end");
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 1, "no temporary file left behind");
    vstring_free(types);
    vstring_free(path);
    vstring_free(id);
    queue_fixture_stop();
}

static void test_abort(void)
{
    QUEUE_FILE *qf;

    queue_fixture_start();
    qf = queue_file_create(MAIL_QUEUE_MAILDROP);
    queue_file_sender(qf, "");
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_content(qf);
    queue_file_line(qf, "body", 4);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_MAILDROP), 1, "temporary file exists");
    queue_file_close(qf);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_MAILDROP), 0, "close without commit removes it");
    queue_fixture_stop();
}

static void test_other_queue(void)
{
    QUEUE_FILE *qf;

    queue_fixture_start();
    qf = queue_file_create(MAIL_QUEUE_INCOMING);
    queue_file_sender(qf, "");
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_content(qf);
    queue_file_extra(qf);
    queue_file_set_queue(qf, MAIL_QUEUE_HOLD);
    TEST_INT_EQ(queue_file_commit(qf), 0, "commit into the hold queue");
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_HOLD), 1, "the file is in hold");
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 0, "and nothing is left in incoming");
    queue_file_close(qf);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_HOLD), 1, "close keeps the committed file");
    queue_fixture_stop();
}

static void test_mode_and_ids(void)
{
    QUEUE_FILE *qf[50];
    struct stat st;
    VSTRING *path = vstring_alloc(10);
    int distinct = 1, valid = 1;

    queue_fixture_start();
    qf[0] = queue_file_create_mode(MAIL_QUEUE_MAILDROP, 0444);
    queue_file_sender(qf[0], "user");
    queue_file_rcpt(qf[0], &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_content(qf[0]);
    queue_file_extra(qf[0]);
    TEST_INT_EQ(queue_file_commit(qf[0]), 0, "commit a maildrop file");
    TEST_CHECK(stat(mail_queue_path(path, MAIL_QUEUE_MAILDROP, queue_file_id(qf[0])), &st) == 0 &&
                   (st.st_mode & 07777) == 0444,
               "maildrop file has the requested mode 0444");
    queue_file_close(qf[0]);

    /* Files created in the same microsecond still get distinct IDs. */
    for (int i = 0; i < 50; i++) {
        qf[i] = queue_file_create(MAIL_QUEUE_INCOMING);
        valid &= mail_queue_id_ok(queue_file_id(qf[i]));
        for (int j = 0; j < i; j++)
            if (strcmp(queue_file_id(qf[i]), queue_file_id(qf[j])) == 0)
                distinct = 0;
    }
    TEST_CHECK(valid, "50 new queue IDs are well-formed");
    TEST_CHECK(distinct, "50 new queue IDs are distinct");
    for (int i = 0; i < 50; i++)
        queue_file_close(qf[i]);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 0, "abandoned files are gone");
    vstring_free(path);
    queue_fixture_stop();
}

static void test_no_replace(void)
{
    QUEUE_FILE *qf;
    VSTRING *path = vstring_alloc(10);
    char buf[20] = "";
    int fd;

    queue_fixture_start();
    qf = queue_file_create(MAIL_QUEUE_INCOMING);
    mail_queue_path(path, MAIL_QUEUE_INCOMING, queue_file_id(qf));
    fd = open(vstring_str(path), O_WRONLY | O_CREAT | O_EXCL, 0600);
    TEST_CHECK(fd >= 0 && write(fd, "precious", 8) == 8, "a file already holds the queue ID");
    close(fd);
    queue_file_sender(qf, "s@example.org");
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_content(qf);
    queue_file_extra(qf);
    msg_stderr_enable(0);
    TEST_INT_EQ(queue_file_commit(qf), -1, "commit refuses to replace an existing file");
    msg_stderr_enable(1);
    TEST_INT_EQ(errno, EEXIST, "and says EEXIST");
    queue_file_close(qf);
    fd = open(vstring_str(path), O_RDONLY);
    TEST_CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 8 && strcmp(buf, "precious") == 0,
               "the existing file is untouched");
    close(fd);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 1, "the temporary file is gone");
    vstring_free(path);
    queue_fixture_stop();
}

/* Misuse aborts. */
static jmp_buf panic_jump;

static int expect_panic(void (*fn)(QUEUE_FILE *), QUEUE_FILE *qf)
{
    int panicked;

    msg_stderr_enable(0);
    msg_set_longjmp(&panic_jump);
    if (setjmp(panic_jump) == 0) {
        fn(qf);
        panicked = 0;
    } else {
        panicked = 1;
    }
    msg_set_longjmp(NULL);
    msg_stderr_enable(1);
    return panicked;
}

static void content_without_sender(QUEUE_FILE *qf)
{
    queue_file_content(qf);
}

static void commit_without_recipient(QUEUE_FILE *qf)
{
    queue_file_commit(qf);
}

static void second_sender(QUEUE_FILE *qf)
{
    queue_file_sender(qf, "again@example.org");
}

static void bad_attr_name(QUEUE_FILE *qf)
{
    queue_file_attr(qf, "a=b", "c");
}

static void test_misuse(void)
{
    QUEUE_FILE *qf;

    queue_fixture_start();
    qf = queue_file_create(MAIL_QUEUE_INCOMING);
    TEST_CHECK(expect_panic(content_without_sender, qf), "content before the sender aborts");
    TEST_CHECK(expect_panic(bad_attr_name, qf), "attribute name with '=' aborts");
    queue_file_sender(qf, "s@example.org");
    TEST_CHECK(expect_panic(second_sender, qf), "a second sender aborts");
    queue_file_content(qf);
    queue_file_extra(qf);
    TEST_CHECK(expect_panic(commit_without_recipient, qf), "commit without a recipient aborts");
    queue_file_close(qf);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 0, "nothing left after misuse");
    queue_fixture_stop();
}

static void test_oversized_envelope(void)
{
    QUEUE_FILE *qf;
    char *huge = malloc(QUEUE_FILE_RECORD_LIMIT + 2);

    queue_fixture_start();
    memset(huge, 'a', QUEUE_FILE_RECORD_LIMIT + 1);
    huge[QUEUE_FILE_RECORD_LIMIT + 1] = 0;
    qf = queue_file_create(MAIL_QUEUE_INCOMING);
    msg_stderr_enable(0);
    TEST_INT_EQ(queue_file_sender(qf, huge), -1, "oversized sender refused");
    msg_stderr_enable(1);
    queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "a@example.com"});
    queue_file_content(qf);
    queue_file_extra(qf);
    TEST_INT_EQ(queue_file_commit(qf), -1, "commit fails after an earlier error");
    TEST_INT_EQ(errno, EFBIG, "and reports EFBIG");
    queue_file_close(qf);
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), 0, "no file left after a failed commit");
    free(huge);
    queue_fixture_stop();
}

/* write_messages - child: write and commit messages forever, varying their size */

static _Noreturn void write_messages(unsigned seed, int report_fd)
{
    char line[300];

    srandom(seed);
    msg_stderr_enable(0);
    memset(line, 'q', sizeof(line));
    for (;;) {
        QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_INCOMING);
        int lines = random() % 200;

        if (qf == NULL)
            _exit(1);
        queue_file_sender(qf, "s@example.org");
        queue_file_rcpt(qf, &(QUEUE_RCPT){.address = "r@example.com"});
        queue_file_content(qf);
        for (int i = 0; i < lines; i++)
            queue_file_line(qf, line, random() % sizeof(line));
        queue_file_extra(qf);
        if (queue_file_commit(qf) < 0)
            _exit(1);
        queue_file_close(qf);
        (void)write(report_fd, "c", 1); /* tell the parent a message is complete */
    }
}

/* check_visible - every visible queue file must be complete */

static int check_visible(int *out_complete)
{
    MAIL_QUEUE_SCAN *scan = mail_queue_scan_open(MAIL_QUEUE_INCOMING);
    VSTRING *types = vstring_alloc(100);
    const char *id;
    long long size[REC_SIZE_FIELDS], xtra_field, xtra_offset;
    int bad = 0;

    while ((id = mail_queue_scan_next(scan)) != NULL) {
        const char *path = mail_queue_path(NULL, MAIL_QUEUE_INCOMING, id);

        if (dump_file(path, types, size, &xtra_field, &xtra_offset) < 0 ||
            vstring_end(types)[-1] != REC_TYPE_END || xtra_field != xtra_offset)
            bad++;
        else
            ++*out_complete;
    }
    mail_queue_scan_close(scan);
    vstring_free(types);
    return bad;
}

static void test_killed_writer(void)
{
    int bad = 0, complete = 0, runs = 12;

    queue_fixture_start();
    for (int run = 0; run < runs; run++) {
        int report[2];
        pid_t pid;
        int status;

        if (pipe(report) < 0)
            msg_fatal("pipe: %m");
        if ((pid = fork()) == 0) {
            close(report[0]);
            write_messages(run, report[1]);
        }
        close(report[1]);
        /* Every other run lets one message complete first, however slow the machine. */
        if (run % 2 == 0)
            poll_fd(report[0], POLLIN, 10000);
        usleep(2000 + (run * 7919) % 20000);
        kill(pid, SIGKILL);
        test_waitpid(pid, &status, 30);
        close(report[0]);
        if (!WIFSIGNALED(status))
            bad++;
    }
    TEST_INT_EQ(bad, 0, "writers were killed mid-work");
    bad = check_visible(&complete);
    TEST_INT_EQ(bad, 0, "no partial file visible after %d kills (%d complete files)", runs,
                complete);
    TEST_CHECK(complete > 0, "some messages were committed before the kills");
    TEST_CHECK(mail_queue_sweep_temp(MAIL_QUEUE_INCOMING, 0) >= 0, "sweep the temporary files");
    TEST_INT_EQ(queue_fixture_count(MAIL_QUEUE_INCOMING), complete,
                "after the sweep only complete files remain");
    queue_fixture_stop();
}

int main(void)
{
    msg_init("queue_file_test");
    test_layout();
    test_abort();
    test_other_queue();
    test_mode_and_ids();
    test_no_replace();
    test_misuse();
    test_oversized_envelope();
    test_killed_writer();
    return test_summary("queue_file_test");
}
