/* queue_msg_test - reading queue files back, marking recipients done, damage */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "queue_file.h"
#include "queue_msg.h"
#include "record.h"
#include "vstring.h"
#include "test.h"
#include "queue_fixture.h"

/* TEST_UNDER_VALGRIND */

/* Session facts that smtpd records, all of them. */
static const char *const session_attrs[][2] = {
    {REC_ATTR_CLIENT_NAME, "mail.example.org"},
    {REC_ATTR_REVERSE_NAME, "mail.example.org"},
    {REC_ATTR_CLIENT_ADDRESS, "192.0.2.1"},
    {REC_ATTR_CLIENT_PORT, "52011"},
    {REC_ATTR_HELO_NAME, "mail.example.org"},
    {REC_ATTR_PROTOCOL_NAME, "ESMTPSA"},
    {REC_ATTR_SASL_METHOD, "PLAIN"},
    {REC_ATTR_SASL_USERNAME, "alice"},
    {REC_ATTR_TLS_PROTOCOL, "TLSv1.3"},
    {REC_ATTR_TLS_CIPHER, "TLS_AES_256_GCM_SHA384"},
    {REC_ATTR_TLS_CIPHER_BITS, "256"},
    {REC_ATTR_TLS_PEER_TRUST, "Verified"},
    {REC_ATTR_TLS_PEER_CN, "mail.example.org"},
    {REC_ATTR_TLS_PEER_FPRINT, "AB:CD:EF"},
    {REC_ATTR_DSN_ENVID, "QQ314159"},
    {REC_ATTR_DSN_RET, "HDRS"},
    {REC_ATTR_ENCODING, "8bitmime"},
    {REC_ATTR_LOG_IDENT, "smtpd"},
    {REC_ATTR_REWRITE_CONTEXT, "remote"},
};

#define SESSION_ATTRS (sizeof(session_attrs) / sizeof(session_attrs[0]))

static const QUEUE_RCPT test_rcpts[] = {
    {.address = "a@example.com"},
    {.address = "b@example.com",
     .orig_rcpt = "B@Example.COM",
     .dsn_orcpt = "rfc822;B@Example.COM",
     .dsn_notify = REC_NOTIFY_SUCCESS | REC_NOTIFY_DELAY},
    {.address = "c@example.com", .dsn_notify = REC_NOTIFY_NEVER},
    {.address = "extracted@example.com", .orig_rcpt = "Extracted@example.com"},
};

#define TEST_RCPTS (sizeof(test_rcpts) / sizeof(test_rcpts[0]))

/* A different arrival time for the next message, when set. */
static struct timeval arrival;

/* Make every fifth line longer than a content record, or keep files small. */
static bool long_lines = true;

/* make_line - content line number i: line 1 empty, line 2 starts "part:" */

static size_t make_line(VSTRING *buf, int i)
{
    VSTRING_RESET(buf);
    if (i == 1)
        return 0;
    vstring_sprintf(buf, "%sline %d:", i == 2 ? "part:" : "", i);
    for (int j = 0; j < (long_lines && i % 5 == 4 ? 3000 : 2); j++)
        vstring_strcat(buf, " 0123456789");
    return VSTRING_LEN(buf);
}

/* write_message - commit a test message with lines content lines */

static void write_message(VSTRING *id, const char *sender, int lines, bool all_attrs)
{
    QUEUE_FILE *qf = queue_file_create(MAIL_QUEUE_INCOMING);
    VSTRING *line = vstring_alloc(100);

    if (qf == NULL)
        msg_fatal("cannot create a queue file");
    vstring_strcpy(id, queue_file_id(qf));
    if (arrival.tv_sec) {
        queue_file_set_arrival(qf, &arrival);
        arrival.tv_sec = 0;
    }
    for (size_t i = 0; all_attrs && i < SESSION_ATTRS; i++)
        queue_file_attr(qf, session_attrs[i][0], session_attrs[i][1]);
    queue_file_sender(qf, sender);
    for (size_t i = 0; i < TEST_RCPTS - 1; i++)
        queue_file_rcpt(qf, &test_rcpts[i]);
    queue_file_content(qf);
    for (int i = 0; i < lines; i++) {
        size_t len = make_line(line, i);

        /* Line 2 goes in two pieces, as from a reader with a line limit. */
        if (i == 2) {
            queue_file_partial(qf, vstring_str(line), 5);
            queue_file_line(qf, vstring_str(line) + 5, len - 5);
        } else {
            queue_file_line(qf, vstring_str(line), len);
        }
    }
    queue_file_extra(qf);
    queue_file_rcpt(qf, &test_rcpts[TEST_RCPTS - 1]);
    queue_file_attr(qf, REC_ATTR_ENCODING, "7bit");
    if (queue_file_commit(qf) < 0)
        msg_fatal("cannot commit a queue file");
    queue_file_close(qf);
    vstring_free(line);
}

/* rcpt_same - compare a recipient read back with the one written */

static bool rcpt_same(const QUEUE_MSG_RCPT *got, const QUEUE_RCPT *want)
{
    return strcmp(got->address, want->address) == 0 &&
           (got->orig_rcpt && want->orig_rcpt ? strcmp(got->orig_rcpt, want->orig_rcpt) == 0
                                              : got->orig_rcpt == want->orig_rcpt) &&
           (got->dsn_orcpt && want->dsn_orcpt ? strcmp(got->dsn_orcpt, want->dsn_orcpt) == 0
                                              : got->dsn_orcpt == want->dsn_orcpt) &&
           got->dsn_notify == want->dsn_notify && !got->done;
}

/* content_same - read the content back, joining partial records */

static bool content_same(QUEUE_MSG *msg, int lines)
{
    VSTRING *want = vstring_alloc(100);
    VSTRING *got = vstring_alloc(100);
    VSTRING *rec = vstring_alloc(100);
    int count = 0, type;
    bool same = true;

    VSTRING_RESET(got);
    while ((type = queue_msg_content_get(msg, rec)) > 0) {
        vstring_memcat(got, vstring_str(rec), VSTRING_LEN(rec));
        if (type == REC_TYPE_NORM) {
            make_line(want, count++);
            if (VSTRING_LEN(got) != VSTRING_LEN(want) ||
                strcmp(vstring_str(got), vstring_str(want)))
                same = false;
            VSTRING_RESET(got);
        }
    }
    vstring_free(want);
    vstring_free(got);
    vstring_free(rec);
    return same && type == 0 && count == lines;
}

static void test_round_trip(void)
{
    VSTRING *id = vstring_alloc(20);
    VSTRING *why = vstring_alloc(100);
    QUEUE_MSG *msg;
    struct timeval now;
    int status, attrs_same = 1, rcpts_same = 1;

    queue_fixture_start();
    gettimeofday(&now, NULL);
    write_message(id, "sender@example.org", 12, true);
    status = queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), 0, &msg, why);
    TEST_INT_EQ(status, QUEUE_MSG_STAT_OK, "open the new file (%s)", vstring_str(why));
    if (status != QUEUE_MSG_STAT_OK)
        return;
    TEST_STR_EQ(queue_msg_id(msg), vstring_str(id), "queue ID");
    TEST_STR_EQ(queue_msg_queue(msg), MAIL_QUEUE_INCOMING, "queue");
    TEST_STR_EQ(queue_msg_sender(msg), "sender@example.org", "sender");
    TEST_CHECK(queue_msg_arrival(msg).tv_sec >= now.tv_sec - 1 &&
                   queue_msg_arrival(msg).tv_sec <= now.tv_sec + 5,
               "arrival time is the creation time");
    for (size_t i = 0; i < SESSION_ATTRS; i++) {
        const char *value = queue_msg_attr(msg, session_attrs[i][0]);

        if (i != 16 && (value == NULL || strcmp(value, session_attrs[i][1]) != 0))
            attrs_same = 0;
    }
    TEST_CHECK(attrs_same, "every session attribute reads back");
    TEST_STR_EQ(queue_msg_attr(msg, REC_ATTR_ENCODING), "7bit",
                "the last attribute of a name wins (extracted part)");
    TEST_CHECK(queue_msg_attr(msg, "client") == NULL, "an attribute name prefix is no match");
    TEST_INT_EQ(queue_msg_rcpt_count(msg), TEST_RCPTS, "recipient count");
    for (size_t i = 0; i < TEST_RCPTS && i < queue_msg_rcpt_count(msg); i++)
        if (!rcpt_same(queue_msg_rcpt(msg, i), &test_rcpts[i]))
            rcpts_same = 0;
    TEST_CHECK(rcpts_same, "recipients with original recipient and DSN fields read back");
    TEST_INT_EQ(queue_msg_rcpt_left(msg), TEST_RCPTS, "no recipient done yet");
    TEST_INT_EQ(queue_msg_sched(msg)->next_attempt, 0, "no next attempt time yet");
    TEST_CHECK(content_same(msg, 12), "content lines read back, long ones joined");
    TEST_INT_EQ(queue_msg_content_get(msg, why), 0, "end of content stays the end");
    TEST_INT_EQ(queue_msg_content_rewind(msg), 0, "rewind");
    TEST_CHECK(content_same(msg, 12), "content reads again after rewind");
    queue_msg_close(msg);

    arrival = (struct timeval){.tv_sec = 1234567890, .tv_usec = 654321};
    write_message(id, "", 0, false);
    status = queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), 0, &msg, why);
    TEST_INT_EQ(status, QUEUE_MSG_STAT_OK, "open a file with no content (%s)", vstring_str(why));
    if (status == QUEUE_MSG_STAT_OK) {
        TEST_CHECK(queue_msg_arrival(msg).tv_sec == 1234567890 &&
                       queue_msg_arrival(msg).tv_usec == 654321,
                   "arrival time given by the writer");
        TEST_STR_EQ(queue_msg_sender(msg), "", "null sender");
        TEST_CHECK(content_same(msg, 0), "empty content");
        queue_msg_close(msg);
    }
    vstring_free(id);
    vstring_free(why);
    queue_fixture_stop();
}

static jmp_buf panic_jump;

static void mark_read_only(void)
{
    VSTRING *id = vstring_alloc(20);
    QUEUE_MSG *msg;
    size_t first = 0;

    write_message(id, "s@example.org", 1, false);
    queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), 0, &msg, NULL);
    msg_stderr_enable(0);
    msg_set_longjmp(&panic_jump);
    if (setjmp(panic_jump) == 0) {
        queue_msg_mark_done(msg, &first, 1);
        TEST_CHECK(0, "marking through a read-only handle aborts");
    } else {
        TEST_CHECK(1, "marking through a read-only handle aborts");
    }
    msg_set_longjmp(NULL);
    msg_stderr_enable(1);
    queue_msg_close(msg);
    vstring_free(id);
}

static void test_updates(void)
{
    VSTRING *id = vstring_alloc(20);
    VSTRING *path = vstring_alloc(20);
    QUEUE_MSG *msg, *other;
    struct stat before, after;
    size_t marks[] = {1, 3};
    int status;

    queue_fixture_start();
    write_message(id, "s@example.org", 5, true);
    mail_queue_path(path, MAIL_QUEUE_INCOMING, vstring_str(id));
    stat(vstring_str(path), &before);
    status = queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id),
                            QUEUE_MSG_FLAG_UPDATE | QUEUE_MSG_FLAG_LOCK, &msg, NULL);
    TEST_INT_EQ(status, QUEUE_MSG_STAT_OK, "open for update with a lock");
    TEST_INT_EQ(
        queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), QUEUE_MSG_FLAG_LOCK, &other, NULL),
        QUEUE_MSG_STAT_BUSY, "a second locker is told the file is busy");
    TEST_INT_EQ(queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), 0, &other, NULL),
                QUEUE_MSG_STAT_OK, "a reader without a lock still gets in");
    queue_msg_close(other);

    TEST_INT_EQ(queue_msg_mark_done(msg, marks, 2), 0, "mark two recipients done");
    TEST_INT_EQ(queue_msg_rcpt_left(msg), TEST_RCPTS - 2, "two fewer recipients left");
    TEST_INT_EQ(queue_msg_mark_done(msg, marks, 1), 0, "marking again is harmless");
    TEST_INT_EQ(queue_msg_set_sched(msg, &(QUEUE_SCHED){.next_attempt = 2000000000,
                                                        .attempts = 3,
                                                        .warn_time = 1999999999}),
                0, "reschedule");
    TEST_INT_EQ(queue_msg_move(msg, MAIL_QUEUE_DEFERRED), 0, "move to deferred while open");
    TEST_STR_EQ(queue_msg_queue(msg), MAIL_QUEUE_DEFERRED, "the handle knows its new queue");
    queue_msg_close(msg);

    stat(mail_queue_path(path, MAIL_QUEUE_DEFERRED, vstring_str(id)), &after);
    TEST_INT_EQ(after.st_size, before.st_size, "updates keep the file length");
    TEST_INT_EQ(after.st_mtime, 2000000000, "modification time is the next attempt time");
    TEST_INT_EQ(queue_msg_open(MAIL_QUEUE_INCOMING, vstring_str(id), 0, &msg, NULL),
                QUEUE_MSG_STAT_MISSING, "gone from incoming");
    status = queue_msg_open(MAIL_QUEUE_DEFERRED, vstring_str(id), 0, &msg, NULL);
    TEST_INT_EQ(status, QUEUE_MSG_STAT_OK, "reopen in deferred");
    if (status == QUEUE_MSG_STAT_OK) {
        TEST_CHECK(!queue_msg_rcpt(msg, 0)->done && queue_msg_rcpt(msg, 1)->done &&
                       !queue_msg_rcpt(msg, 2)->done && queue_msg_rcpt(msg, 3)->done,
                   "done marks survive a reopen");
        TEST_INT_EQ(queue_msg_rcpt_left(msg), 2, "two recipients left after reopen");
        TEST_CHECK(queue_msg_sched(msg)->next_attempt == 2000000000 &&
                       queue_msg_sched(msg)->attempts == 3 &&
                       queue_msg_sched(msg)->warn_time == 1999999999,
                   "schedule survives a reopen");
        TEST_CHECK(content_same(msg, 5), "content unchanged by the updates");
        queue_msg_close(msg);
    }
    mark_read_only();
    vstring_free(id);
    vstring_free(path);
    queue_fixture_stop();
}

/* file_bytes - the bytes of a file */

static VSTRING *file_bytes(const char *path)
{
    VSTRING *buf = vstring_alloc(1000);
    char chunk[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n;

    while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0)
        vstring_memcat(buf, chunk, n);
    if (fd >= 0)
        close(fd);
    return buf;
}

/* put_bytes - replace a file with len bytes */

static void put_bytes(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
        msg_fatal("write %s: %m", path);
}

/* open_and_read - open a file and read all its content; the outcome */

static int open_and_read(const char *id, VSTRING *why)
{
    QUEUE_MSG *msg;
    VSTRING *rec = vstring_alloc(100);
    int status = queue_msg_open(MAIL_QUEUE_INCOMING, id, 0, &msg, why);
    int type;

    if (status == QUEUE_MSG_STAT_OK) {
        while ((type = queue_msg_content_get(msg, rec)) > 0)
            /* void */;
        if (type < 0)
            status = QUEUE_MSG_STAT_CORRUPT;
        queue_msg_close(msg);
    }
    vstring_free(rec);
    return status;
}

static void test_damage(void)
{
    VSTRING *id = vstring_alloc(20);
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(20);
    VSTRING *good;
    VSTRING *copy = vstring_alloc(100);
    size_t truncated_ok = 0, flipped_bad = 0, detected = 0;

    queue_fixture_start();
    msg_stderr_enable(0);
    long_lines = false;
    write_message(id, "s@example.org", 6, false);
    mail_queue_path(path, MAIL_QUEUE_INCOMING, vstring_str(id));
    good = file_bytes(vstring_str(path));

    for (size_t len = 0; len < VSTRING_LEN(good); len++) {
        put_bytes(vstring_str(path), vstring_str(good), len);
        if (open_and_read(vstring_str(id), why) == QUEUE_MSG_STAT_CORRUPT)
            truncated_ok++;
    }
    TEST_INT_EQ(truncated_ok, VSTRING_LEN(good),
                "truncation at each of %zu offsets is reported as corrupt", VSTRING_LEN(good));
    put_bytes(vstring_str(path), vstring_str(good), VSTRING_LEN(good) - 2);
    open_and_read(vstring_str(id), why);
    TEST_CHECK(strstr(vstring_str(why), "incomplete") != NULL,
               "a file without the end marker is incomplete (%s)", vstring_str(why));

    vstring_memcpy(copy, vstring_str(good), VSTRING_LEN(good));
    vstring_memcat(copy, "E\0", 2);
    put_bytes(vstring_str(path), vstring_str(copy), VSTRING_LEN(copy));
    TEST_INT_EQ(open_and_read(vstring_str(id), why), QUEUE_MSG_STAT_CORRUPT,
                "data after the end marker is corrupt");

    /* Every single-byte change is either caught or harmless; none crashes. */
    for (size_t i = 0; i < VSTRING_LEN(good); i++) {
        int status;

        vstring_memcpy(copy, vstring_str(good), VSTRING_LEN(good));
        vstring_str(copy)[i] ^= 0x5a;
        put_bytes(vstring_str(path), vstring_str(copy), VSTRING_LEN(copy));
        status = open_and_read(vstring_str(id), why);
        if (status == QUEUE_MSG_STAT_CORRUPT)
            detected++;
        else if (status != QUEUE_MSG_STAT_OK)
            flipped_bad++;
    }
    TEST_INT_EQ(flipped_bad, 0, "altered bytes give corrupt or valid, nothing else");
    TEST_CHECK(detected > VSTRING_LEN(good) / 4, "%zu of %zu altered bytes detected", detected,
               VSTRING_LEN(good));

    /* A wrong recipient count in the size record is caught. */
    vstring_memcpy(copy, vstring_str(good), VSTRING_LEN(good));
    vstring_str(copy)[2 + 3 * (REC_FIELD_WIDTH + 1) - 2] = '7';
    put_bytes(vstring_str(path), vstring_str(copy), VSTRING_LEN(copy));
    TEST_INT_EQ(open_and_read(vstring_str(id), why), QUEUE_MSG_STAT_CORRUPT,
                "recipient count mismatch is corrupt");
    TEST_CHECK(strstr(vstring_str(why), "recipients") != NULL, "and says so: %s", vstring_str(why));

    unlink(vstring_str(path));
    if (mkfifo(vstring_str(path), 0600) == 0)
        TEST_INT_EQ(open_and_read(vstring_str(id), why), QUEUE_MSG_STAT_CORRUPT,
                    "a FIFO in the queue is refused without hanging");
    unlink(vstring_str(path));
    if (symlink("/etc/passwd", vstring_str(path)) == 0)
        TEST_INT_EQ(open_and_read(vstring_str(id), why), QUEUE_MSG_STAT_CORRUPT,
                    "a symbolic link in the queue is refused");
    msg_stderr_enable(1);
    vstring_free(id);
    vstring_free(why);
    vstring_free(path);
    vstring_free(good);
    vstring_free(copy);
    queue_fixture_stop();
}

int main(void)
{
    msg_init("queue_msg_test");
    test_round_trip();
    test_updates();
    test_damage();
    return test_summary("queue_msg_test");
}
