/* safe_open_test - open or create without following links; refusals and their reasons */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "safe_open.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char dir[] = "/tmp/safe_open_test.XXXXXX";

static const char *in_dir(const char *name)
{
    static char path[4][200];
    static int next;
    char *p = path[next++ % 4];

    snprintf(p, 200, "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    (void)!write(fd, text, strlen(text));
    close(fd);
}

static off_t size_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* refused - safe_open fails with a reason containing want */

static int refused(const char *path, int flags, uid_t user, const char *want)
{
    VSTRING *why = vstring_alloc(10);
    int fd = safe_open(path, flags, 0600, NULL, user, SAFE_OPEN_ANY_GROUP, why);
    int ok = fd < 0 && strstr(vstring_str(why), want) != NULL;

    if (!ok)
        printf("# fd %d, reason \"%s\", want \"%s\"\n", fd, vstring_str(why), want);
    if (fd >= 0)
        close(fd);
    vstring_free(why);
    return ok;
}

int main(void)
{
    VSTRING *why = vstring_alloc(10);
    struct stat st, lst;
    int fd;

    msg_init("safe_open_test");
    if (mkdtemp(dir) == NULL)
        msg_fatal("mkdtemp: %m");
    umask(022);

    fd = safe_open(in_dir("new"), O_WRONLY | O_CREAT, 0640, &st, SAFE_OPEN_ANY_OWNER,
                   SAFE_OPEN_ANY_GROUP, why);
    TEST_CHECK(fd >= 0, "create a new file: %s", vstring_str(why));
    TEST_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640, "new file is regular, 0640");
    TEST_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) && !(fcntl(fd, F_GETFL) & O_NONBLOCK),
               "descriptor is close-on-exec and blocking");
    (void)!write(fd, "data", 4);
    close(fd);
    fd = safe_open(in_dir("new"), O_RDWR | O_CREAT, 0600, &st, getuid(), getgid(), why);
    lstat(in_dir("new"), &lst);
    TEST_CHECK(fd >= 0 && st.st_ino == lst.st_ino && st.st_size == 4,
               "open the existing file with the expected owner");
    close(fd);
    TEST_CHECK(
        refused(in_dir("new"), O_WRONLY | O_CREAT | O_EXCL, SAFE_OPEN_ANY_OWNER, "File exists"),
        "O_EXCL refuses an existing file");
    TEST_CHECK(refused(in_dir("new"), O_RDONLY, getuid() + 1, "is owned by uid"),
               "wrong owner refused");
    TEST_CHECK(refused(in_dir("absent"), O_RDONLY, SAFE_OPEN_ANY_OWNER, "No such file"),
               "absent file without O_CREAT");

    put(in_dir("target"), "precious");
    symlink(in_dir("target"), in_dir("link"));
    TEST_CHECK(refused(in_dir("link"), O_WRONLY | O_TRUNC | O_CREAT, SAFE_OPEN_ANY_OWNER,
                       "is a symbolic link"),
               "symlink refused");
    TEST_INT_EQ(size_of(in_dir("target")), 8, "symlink target not truncated");
    symlink(in_dir("nowhere"), in_dir("dangling"));
    TEST_CHECK(refused(in_dir("dangling"), O_WRONLY | O_CREAT, SAFE_OPEN_ANY_OWNER, "dangling"),
               "dangling symlink refused");
    TEST_CHECK(access(in_dir("nowhere"), F_OK) < 0, "dangling symlink target not created");

    link(in_dir("target"), in_dir("hardlink"));
    TEST_CHECK(
        refused(in_dir("hardlink"), O_WRONLY | O_TRUNC, SAFE_OPEN_ANY_OWNER, "has 2 hard links"),
        "hard-linked file refused");
    TEST_INT_EQ(size_of(in_dir("target")), 8, "hard-linked file not truncated");

    mkfifo(in_dir("fifo"), 0600);
    TEST_CHECK(refused(in_dir("fifo"), O_RDONLY, SAFE_OPEN_ANY_OWNER, "not a regular file"),
               "fifo refused without blocking");
    mkdir(in_dir("subdir"), 0700);
    TEST_CHECK(refused(in_dir("subdir"), O_RDONLY, SAFE_OPEN_ANY_OWNER, "subdir"),
               "directory refused");

    fd = safe_open(in_dir("new"), O_WRONLY | O_TRUNC, 0600, &st, SAFE_OPEN_ANY_OWNER,
                   SAFE_OPEN_ANY_GROUP, why);
    TEST_CHECK(fd >= 0 && st.st_size == 0 && size_of(in_dir("new")) == 0,
               "O_TRUNC truncates after the checks");
    close(fd);

    if (getuid() == 0) {
        fd = safe_open(in_dir("owned"), O_WRONLY | O_CREAT, 0600, &st, 65534, 65534, why);
        TEST_CHECK(fd >= 0 && st.st_uid == 65534 && st.st_gid == 65534,
                   "root creates a file for another owner");
        close(fd);
        TEST_CHECK(refused(in_dir("owned"), O_RDONLY, 0, "owned by uid 65534, not 0"),
                   "root refuses a file of another owner");
    } else {
        TEST_CHECK(refused(in_dir("owned"), O_WRONLY | O_CREAT, 65534, "chown"),
                   "an unprivileged chown fails cleanly");
    }

    /* The reason names the file. */
    TEST_CHECK(refused(in_dir("link"), O_RDONLY, SAFE_OPEN_ANY_OWNER, in_dir("link")),
               "reason names the path");
    vstring_sprintf(why, "rm -rf %s", dir);
    (void)!system(vstring_str(why));
    vstring_free(why);
    return test_summary("safe_open_test");
}
