/* mail_queue_test - queue names, queue IDs, paths, scanning, moves, temp sweeping */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"
#include "queue_fixture.h"

/* TEST_UNDER_VALGRIND */

static void test_id_make(void)
{
    VSTRING *buf = vstring_alloc(10);
    VSTRING *prev = vstring_alloc(10);
    struct timeval tv;
    int sorted = 1;

    tv = (struct timeval){.tv_sec = 0, .tv_usec = 0};
    TEST_STR_EQ(mail_queue_id_make(buf, &tv, 1), "0000000000z1", "ID of time 0, inode 1");
    tv = (struct timeval){.tv_sec = 52, .tv_usec = 51};
    TEST_STR_EQ(mail_queue_id_make(buf, &tv, 51), "000010000zz10", "base 52 time, base 51 inode");
    tv = (struct timeval){.tv_sec = 1700000000, .tv_usec = 999999};
    mail_queue_id_make(buf, &tv, 18446744073709551615ULL);
    TEST_CHECK(mail_queue_id_ok(vstring_str(buf)), "largest inode gives a valid ID (%s)",
               vstring_str(buf));
    TEST_INT_EQ(VSTRING_LEN(buf), MAIL_QUEUE_ID_MAX_LEN, "largest inode fills the maximum length");

    /* IDs of the same length sort by time. */
    for (long t = 1600000000; t < 1600000000 + 5000000; t += 99991) {
        tv = (struct timeval){.tv_sec = t, .tv_usec = t % 1000000};
        mail_queue_id_make(buf, &tv, 12345);
        if (VSTRING_LEN(prev) && strcmp(vstring_str(prev), vstring_str(buf)) >= 0)
            sorted = 0;
        vstring_strcpy(prev, vstring_str(buf));
    }
    TEST_CHECK(sorted, "queue IDs sort by creation time");
    vstring_free(buf);
    vstring_free(prev);
}

static void test_id_ok(void)
{
    static const struct {
        const char *id;
        bool want;
    } cases[] = {
        {"0000000000z1", true},
        {"4ZxYb251kqzBc1", true},
        {"", false},
        {"0000000000z", false},              /* no inode */
        {"0000000000y1", false},             /* no separator */
        {"000000000z1", false},              /* short time */
        {"0000000000z01", false},            /* leading zero in the inode */
        {"00000000a0z1", false},             /* vowel */
        {"000000zzzzz1", false},             /* z is not a time digit in the separator slot */
        {"00000075pmz1", false},             /* 1000000 microseconds */
        {"00000075pkz1", true},              /* 999998 microseconds */
        {"0000000000z1z", false},            /* z in the inode */
        {"0000000000z1234567890123", false}, /* too long */
        {"../000000z1", false},
        {".tmp.AbCdEf", false},
        {"0000000000z1/", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ(mail_queue_id_ok(cases[i].id), cases[i].want, "mail_queue_id_ok(\"%s\")",
                    cases[i].id);
}

/* expect_panic - run fn and tell whether it panicked */

static jmp_buf panic_jump;

static int expect_panic(void (*fn)(void))
{
    int panicked;

    msg_stderr_enable(0);
    msg_set_longjmp(&panic_jump);
    if (setjmp(panic_jump) == 0) {
        fn();
        panicked = 0;
    } else {
        panicked = 1;
    }
    msg_set_longjmp(NULL);
    msg_stderr_enable(1);
    return panicked;
}

static void path_bad_id(void)
{
    mail_queue_path(NULL, MAIL_QUEUE_INCOMING, "../../etc/passwd");
}

static void path_bad_queue(void)
{
    mail_queue_path(NULL, "nosuchqueue", "0000000000z1");
}

static void remove_bad_id(void)
{
    mail_queue_remove(MAIL_QUEUE_DEFERRED, "0000000000z01");
}

static void test_names_and_paths(void)
{
    VSTRING *buf = vstring_alloc(10);
    int count = 0;

    for (const char *name; (name = mail_queue_name(count)) != NULL; count++)
        if (!mail_queue_name_ok(name))
            break;
    TEST_INT_EQ(count, 10, "ten queue directories, all accepted");
    TEST_CHECK(mail_queue_name_ok(MAIL_QUEUE_FLUSH), "the fast flush logs have one");
    TEST_CHECK(!mail_queue_name_ok("public") && !mail_queue_name_ok(""), "other names refused");
    TEST_STR_EQ(mail_queue_path(buf, MAIL_QUEUE_DEFERRED, "0000000000z1"), "deferred/0000000000z1",
                "path of a queue file");
    TEST_STR_EQ(mail_queue_path(NULL, MAIL_QUEUE_BOUNCE, "0000000000z2"), "bounce/0000000000z2",
                "path into the private buffer");
    TEST_CHECK(expect_panic(path_bad_id), "malformed queue ID aborts mail_queue_path");
    TEST_CHECK(expect_panic(path_bad_queue), "unknown queue aborts mail_queue_path");
    TEST_CHECK(expect_panic(remove_bad_id), "malformed queue ID aborts mail_queue_remove");
    vstring_free(buf);
}

/* touch - create a file, optionally aged by some seconds */

static void touch(const char *path, int age)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    struct timeval times[2];

    if (fd < 0)
        msg_fatal("create %s: %m", path);
    close(fd);
    if (age > 0) {
        gettimeofday(&times[0], NULL);
        times[0].tv_sec -= age;
        times[1] = times[0];
        utimes(path, times);
    }
}

static void test_dirs_and_scan(void)
{
    struct stat st;
    MAIL_QUEUE_SCAN *scan;
    const char *id;
    int found = 0, others = 0;

    queue_fixture_start();
    TEST_CHECK(stat(MAIL_QUEUE_INCOMING, &st) == 0 && S_ISDIR(st.st_mode) &&
                   (st.st_mode & 07777) == 0700,
               "mail_queue_mkdirs creates incoming with mode 0700");
    TEST_INT_EQ(mail_queue_mkdirs((uid_t)-1, (gid_t)-1, 0755), 0, "existing directories are fine");
    TEST_CHECK(stat(MAIL_QUEUE_TRACE, &st) == 0 && (st.st_mode & 07777) == 0700,
               "an existing directory keeps its mode");
    TEST_INT_EQ(mail_queue_sync_dir(MAIL_QUEUE_INCOMING), 0, "directory fsync");

    touch("incoming/0000000000z1", 0);
    touch("incoming/0000000000z2", 0);
    touch("incoming/.tmp.abcdef", 0);
    touch("incoming/core", 0);
    touch("incoming/0000000000z01", 0);
    scan = mail_queue_scan_open(MAIL_QUEUE_INCOMING);
    TEST_CHECK(scan != NULL, "scan opens incoming");
    while (scan && (id = mail_queue_scan_next(scan)) != NULL) {
        if (strcmp(id, "0000000000z1") == 0 || strcmp(id, "0000000000z2") == 0)
            found++;
        else
            others++;
    }
    if (scan)
        mail_queue_scan_close(scan);
    TEST_INT_EQ(found, 2, "scan returns both queue files");
    TEST_INT_EQ(others, 0, "scan skips temporary files and other names");

    TEST_INT_EQ(mail_queue_move(MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, "0000000000z1"), 0,
                "move incoming to active");
    TEST_CHECK(access("active/0000000000z1", F_OK) == 0 &&
                   access("incoming/0000000000z1", F_OK) < 0,
               "the file changed queues");
    TEST_INT_EQ(mail_queue_move(MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, "0000000000z1"), -1,
                "moving a missing file fails");
    TEST_INT_EQ(errno, ENOENT, "and says ENOENT");
    TEST_INT_EQ(mail_queue_remove(MAIL_QUEUE_ACTIVE, "0000000000z1"), 0, "remove");
    TEST_INT_EQ(mail_queue_remove(MAIL_QUEUE_ACTIVE, "0000000000z1"), -1, "remove twice fails");
    queue_fixture_stop();
}

static void test_sweep(void)
{
    int sync_pipe[2];
    pid_t pid;
    int status;
    char ch;

    queue_fixture_start();
    touch("incoming/.tmp.fresh1", 0);
    touch("incoming/.tmp.stale1", 600);
    touch("incoming/.tmp.locked", 600);
    touch("incoming/0000000000z9", 600);

    /* A live writer holds its temporary file locked. */
    if (pipe(sync_pipe) < 0)
        msg_fatal("pipe: %m");
    if ((pid = fork()) == 0) {
        int fd = open("incoming/.tmp.locked", O_RDWR);

        if (fd < 0 || flock(fd, LOCK_EX) < 0)
            _exit(1);
        (void)write(sync_pipe[1], "x", 1);
        pause();
        _exit(0);
    }
    close(sync_pipe[1]);
    TEST_INT_EQ(read(sync_pipe[0], &ch, 1), 1, "writer child holds its lock");
    TEST_INT_EQ(mail_queue_sweep_temp(MAIL_QUEUE_INCOMING, 300), 1, "sweep removes one file");
    TEST_CHECK(access("incoming/.tmp.stale1", F_OK) < 0, "stale unlocked temp file removed");
    TEST_CHECK(access("incoming/.tmp.fresh1", F_OK) == 0, "fresh temp file kept");
    TEST_CHECK(access("incoming/.tmp.locked", F_OK) == 0, "locked temp file kept");
    TEST_CHECK(access("incoming/0000000000z9", F_OK) == 0, "queue file kept");
    kill(pid, SIGKILL);
    test_waitpid(pid, &status, 30);
    close(sync_pipe[0]);
    TEST_INT_EQ(mail_queue_sweep_temp(MAIL_QUEUE_INCOMING, 300), 1,
                "after the writer died its file is swept");
    queue_fixture_stop();
}

int main(void)
{
    msg_init("mail_queue_test");
    test_id_make();
    test_id_ok();
    test_names_and_paths();
    test_dirs_and_scan();
    test_sweep();
    return test_summary("mail_queue_test");
}
