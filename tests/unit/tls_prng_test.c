/* tls_prng_test - entropy sources (device, file, EGD socket) and the PRNG exchange file */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstring.h"

#include "tls_prng.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char dir[64];

static const char *path(const char *name)
{
    static char buf[4][128];
    static int slot;
    char *p = buf[slot++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
    return p;
}

/* egd_server - answer one connection's requests; offer adds to the count offered */
static pid_t egd_server(const char *sock, int offer)
{
    VSTRING *why = vstring_alloc(100);
    int listen_fd = unix_listen(sock, 0600, 5, why);
    pid_t pid;

    vstring_free(why);
    if (listen_fd < 0)
        return -1;
    if ((pid = fork()) == 0) {
        unsigned char req[2], reply[256];
        int fd;

        set_nonblock(listen_fd, 0);
        if ((fd = accept(listen_fd, NULL, NULL)) < 0)
            _exit(1);
        while (read(fd, req, 2) == 2 && req[0] == 0x01) {
            reply[0] = req[1] + offer;
            memset(reply + 1, 0x5a, reply[0]);
            if (write(fd, reply, 1 + reply[0]) < 0)
                _exit(1);
        }
        _exit(0);
    }
    close(listen_fd);
    return pid;
}

static void test_sources(void)
{
    VSTRING *why = vstring_alloc(100);
    TLS_PRNG_SRC *src;
    pid_t pid;
    int status;
    FILE *fp;

    src = tls_prng_src_open("dev:/dev/urandom", 5, why);
    TEST_CHECK(src != NULL, "dev: opened (%s)", vstring_str(why));
    TEST_INT_EQ(tls_prng_src_type(src), TLS_PRNG_SRC_DEV, "dev: type");
    TEST_STR_EQ(tls_prng_src_name(src), "/dev/urandom", "dev: name");
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), 32, "dev: 32 bytes");
    TEST_INT_EQ(tls_prng_src_read(src, 1000, why), TLS_PRNG_SRC_MAX, "dev: at most 255 per read");
    tls_prng_src_close(src);

    fp = fopen(path("seedfile"), "w");
    fputs("0123456789012345678901234567890123456789", fp);
    fclose(fp);
    src = tls_prng_src_open(path("seedfile"), 5, why);
    TEST_INT_EQ(tls_prng_src_type(src), TLS_PRNG_SRC_FILE, "file: type");
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), 32, "file: 32 bytes");
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), 8, "file: the rest");
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), 0, "file: end");
    tls_prng_src_close(src);

    TEST_CHECK(tls_prng_src_open("dev:/nonexistent", 5, why) == NULL &&
                   strstr(vstring_str(why), "/nonexistent") != NULL,
               "missing device: reason names it (%s)", vstring_str(why));
    TEST_CHECK(tls_prng_src_open("egd:", 5, why) == NULL, "empty EGD path refused");

    pid = egd_server(path("egd"), 0);
    vstring_sprintf(why, "egd:%s", path("egd"));
    src = tls_prng_src_open(vstring_str(why), 5, why);
    TEST_CHECK(src != NULL, "egd: connected");
    TEST_INT_EQ(tls_prng_src_type(src), TLS_PRNG_SRC_EGD, "egd: type");
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), 32, "egd: 32 bytes");
    TEST_INT_EQ(tls_prng_src_read(src, 7, why), 7, "egd: 7 bytes");
    tls_prng_src_close(src);
    test_waitpid(pid, &status, 30);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "egd: server saw two requests");

    unlink(path("egd"));
    pid = egd_server(path("egd"), 5);
    vstring_sprintf(why, "egd:%s", path("egd"));
    src = tls_prng_src_open(vstring_str(why), 5, why);
    TEST_INT_EQ(tls_prng_src_read(src, 32, why), -1, "egd: more bytes than asked is an error");
    TEST_CHECK(strstr(vstring_str(why), "37 bytes offered where 32 were asked for") != NULL,
               "egd: reason (%s)", vstring_str(why));
    tls_prng_src_close(src);
    kill(pid, SIGTERM);
    test_waitpid(pid, &status, 30);
    vstring_free(why);
}

static int read_exch(const char *file, unsigned char *buf)
{
    FILE *fp = fopen(file, "r");
    size_t n = fp ? fread(buf, 1, TLS_PRNG_EXCH_SIZE + 1, fp) : 0;

    if (fp)
        fclose(fp);
    return (int)n;
}

static void test_exchange(void)
{
    VSTRING *why = vstring_alloc(100);
    unsigned char a[TLS_PRNG_EXCH_SIZE + 1], b[TLS_PRNG_EXCH_SIZE + 1];
    TLS_PRNG_EXCH *exch;
    struct stat st;
    FILE *fp;

    exch = tls_prng_exch_open(path("exch"), why);
    TEST_CHECK(exch != NULL, "exchange: created (%s)", vstring_str(why));
    TEST_CHECK(stat(path("exch"), &st) == 0 && (st.st_mode & 0777) == 0600, "exchange: mode 0600");
    TEST_INT_EQ(tls_prng_exch_update(exch, why), 0, "exchange: update");
    TEST_INT_EQ(read_exch(path("exch"), a), TLS_PRNG_EXCH_SIZE, "exchange: 1024 bytes");
    tls_prng_exch_update(exch, why);
    read_exch(path("exch"), b);
    TEST_CHECK(memcmp(a, b, TLS_PRNG_EXCH_SIZE) != 0, "exchange: new content each update");
    TEST_INT_EQ(tls_prng_exch_removed(exch), 0, "exchange: not removed");
    unlink(path("exch"));
    TEST_INT_EQ(tls_prng_exch_removed(exch), 1, "exchange: removal noticed");
    tls_prng_exch_close(exch);

    fp = fopen(path("long"), "w");
    for (int i = 0; i < 3000; i++)
        fputc('x', fp);
    fclose(fp);
    chmod(path("long"), 0644);
    exch = tls_prng_exch_open(path("long"), why);
    TEST_CHECK(stat(path("long"), &st) == 0 && (st.st_mode & 0777) == 0600,
               "exchange: a readable file is made 0600");
    tls_prng_exch_update(exch, why);
    TEST_INT_EQ(read_exch(path("long"), a), TLS_PRNG_EXCH_SIZE, "exchange: a longer file is cut");
    tls_prng_exch_close(exch);

    if (symlink(path("long"), path("link")) == 0)
        TEST_CHECK(tls_prng_exch_open(path("link"), why) == NULL, "exchange: symlink refused (%s)",
                   vstring_str(why));
    TEST_CHECK(tls_prng_exch_open("/nonexistent/dir/exch", why) == NULL,
               "exchange: missing directory refused");
    vstring_free(why);
}

int main(void)
{
    char cmd[100];
    int status;

    msg_init("tls_prng_test");
    snprintf(dir, sizeof(dir), "/tmp/tls_prng_test.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        printf("not ok - mkdtemp\n");
        return 1;
    }
    test_sources();
    test_exchange();
    status = test_summary("tls_prng_test");
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# cannot remove %s\n", dir);
    return status;
}
