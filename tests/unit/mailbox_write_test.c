/*
 * mailbox_write_test - lock lists; mbox and Maildir writes into a private
 * directory (as the caller: no privileges), directories made on demand,
 * and the size limit that bounces a delivery and leaves the file as it was
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "mail_queue.h"
#include "mailbox_write.h"
#include "queue_file.h"
#include "queue_msg.h"

#include "queue_fixture.h"
#include "test.h"

/* write_message - a queued message of about body_lines lines */

static QUEUE_MSG *write_message(int body_lines)
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
    for (int i = 0; i < body_lines; i++)
        queue_file_line(qf, "From a line of the body that is long enough to add up", 53);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit");
    queue_file_close(qf);
    if (queue_msg_open(MAIL_QUEUE_INCOMING, id, 0, &msg, NULL) != QUEUE_MSG_STAT_OK)
        msg_fatal("open");
    return msg;
}

/* file_size - size of a file, -1 when missing */

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* lock_cases - mailbox_lock_parse */

static void lock_cases(VSTRING *why)
{
    int flags = -1;

    TEST_INT_EQ(mailbox_lock_parse("fcntl, dotlock", &flags, why), 0, "\"fcntl, dotlock\" parses");
    TEST_INT_EQ(flags, MAILBOX_LOCK_FCNTL | MAILBOX_LOCK_DOTLOCK, "\"fcntl, dotlock\": the bits");
    TEST_INT_EQ(mailbox_lock_parse("FLOCK", &flags, why), 0, "case does not matter");
    TEST_INT_EQ(flags, MAILBOX_LOCK_FLOCK, "flock alone");
    TEST_INT_EQ(mailbox_lock_parse("", &flags, why), 0, "an empty list parses");
    TEST_INT_EQ(flags, 0, "an empty list: no lock");
    TEST_INT_EQ(mailbox_lock_parse("fcntl lockf", &flags, why), -1, "an unknown type fails");
    TEST_CHECK(strstr(vstring_str(why), "\"lockf\"") != NULL, "the reason names it: %s",
               vstring_str(why));
}

int main(void)
{
    VSTRING *why = vstring_alloc(100), *path = vstring_alloc(100);
    QUEUE_MSG *small, *big;
    MAILBOX_TARGET target;
    long long before;
    FILE *fp;
    char line[200];

    msg_init("mailbox_write_test");
    lock_cases(why);
    queue_fixture_start();
    small = write_message(1);
    big = write_message(100);
    target = (MAILBOX_TARGET){
        .msg = small,
        .delivered_to = "u@example.com",
        .uid = getuid(),
        .gid = getgid(),
        .make_dirs = true,
        .lock_flags = MAILBOX_LOCK_FCNTL | MAILBOX_LOCK_FLOCK | MAILBOX_LOCK_DOTLOCK,
        .lock_attempts = 2,
        .lock_delay = 1,
        .stale_lock_time = 500,
        .myhostname = "host.example",
        .size_limit = 2000,
    };

    /* mbox: made with its directories, "From " line, no lock left. */
    vstring_sprintf(path, "%s/a/b/mbox", queue_fixture_dir);
    target.path = vstring_str(path);
    TEST_INT_EQ(mailbox_write(&target, why), MAILBOX_SENT, "mbox: sent (%s)", vstring_str(why));
    TEST_CHECK((fp = fopen(target.path, "r")) != NULL && fgets(line, sizeof(line), fp) != NULL &&
                   strncmp(line, "From s@example.org ", 19) == 0,
               "mbox: the file starts with the From line");
    if (fp)
        fclose(fp);
    vstring_strcat(path, ".lock");
    TEST_INT_EQ(file_size(vstring_str(path)), -1, "mbox: no lock file is left");
    vstring_sprintf(path, "%s/a/b/mbox", queue_fixture_dir);

    /* Over the limit: bounce, file as it was. */
    before = file_size(target.path);
    target.msg = big;
    TEST_INT_EQ(mailbox_write(&target, why), MAILBOX_BOUNCE, "mbox over the size limit: bounce");
    TEST_CHECK(strstr(vstring_str(why), "cannot append message to file") != NULL,
               "the reason says what failed: %s", vstring_str(why));
    TEST_INT_EQ((int)file_size(target.path), (int)before, "the mbox file is left as it was");
    target.size_limit = 0;
    TEST_INT_EQ(mailbox_write(&target, why), MAILBOX_SENT, "without a limit the big one fits");

    /* Maildir: tmp, new, cur made; the file in new/. */
    vstring_sprintf(path, "%s/c/Maildir", queue_fixture_dir);
    target.path = vstring_str(path);
    target.maildir = true;
    target.msg = small;
    TEST_INT_EQ(mailbox_write(&target, why), MAILBOX_SENT, "Maildir: sent (%s)", vstring_str(why));
    vstring_strcat(path, "/cur");
    TEST_CHECK(file_size(vstring_str(path)) >= 0, "Maildir: cur/ exists");
    vstring_sprintf(path, "%s/c/Maildir/tmp", queue_fixture_dir);
    TEST_CHECK(rmdir(vstring_str(path)) == 0, "Maildir: tmp/ is left empty");
    target.size_limit = 1000;
    target.msg = big;
    vstring_sprintf(path, "%s/c/Maildir", queue_fixture_dir);
    TEST_INT_EQ(mailbox_write(&target, why), MAILBOX_BOUNCE,
                "Maildir file over the size limit: bounce (tmp/ made again)");
    vstring_sprintf(path, "%s/c/Maildir/tmp", queue_fixture_dir);
    TEST_CHECK(rmdir(vstring_str(path)) == 0, "Maildir: the partial file is removed from tmp/");

    queue_msg_close(small);
    queue_msg_close(big);
    queue_fixture_stop();
    vstring_free(why);
    vstring_free(path);
    return test_summary("mailbox_write");
}
