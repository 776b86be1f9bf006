/* vstream_test - buffered streams: lines, limits, deadlines, pluggable I/O, purge */

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* A child that writes one byte every interval_ms, forever. */
static pid_t start_trickler(int fd, int interval_ms)
{
    pid_t pid = fork();

    if (pid == 0) {
        for (;;) {
            if (write(fd, "x", 1) != 1)
                _exit(0);
            usleep(interval_ms * 1000);
        }
    }
    return pid;
}

static void test_memory_lines(void)
{
    VSTRING *in = vstring_alloc(100);
    VSTRING *line = vstring_alloc(10);
    VSTREAM *stream;

    vstring_strcpy(in, "first\r\nsecond is long\nlast");
    stream = vstream_memopen(in, VSTREAM_FLAG_READ);
    TEST_INT_EQ(vstream_gets(stream, line, 0), '\n', "gets returns newline for a full line");
    TEST_STR_EQ(vstring_str(line), "first\r\n", "gets keeps CR LF");
    TEST_INT_EQ(vstream_gets(stream, line, 6), 'd', "gets stops at the limit");
    TEST_STR_EQ(vstring_str(line), "second", "gets limited text");
    TEST_INT_EQ(vstream_gets(stream, line, 0), '\n', "gets continues after the limit");
    TEST_STR_EQ(vstring_str(line), " is long\n", "gets rest of the long line");
    TEST_INT_EQ(vstream_gets(stream, line, 0), 't', "gets returns the last byte at EOF");
    TEST_STR_EQ(vstring_str(line), "last", "gets partial last line");
    TEST_INT_EQ(vstream_gets(stream, line, 0), VSTREAM_EOF, "gets reports EOF");
    TEST_CHECK(vstream_feof(stream) && !vstream_ferror(stream), "EOF is not an error");
    vstream_close(stream);

    VSTRING_RESET(in);
    stream = vstream_memopen(in, VSTREAM_FLAG_WRITE);
    vstream_printf(stream, "%s %d\n", "250", 42);
    for (int i = 0; i < 5000; i++)
        vstream_puts(stream, "0123456789");
    TEST_INT_EQ(vstream_close(stream), 0, "memory write stream closes cleanly");
    TEST_INT_EQ(VSTRING_LEN(in), 7 + 50000, "memory stream received all output");
    vstring_free(in);
    vstring_free(line);
}

static void test_deadline(void)
{
    int sv[2];
    VSTRING *line = vstring_alloc(10);
    VSTREAM *stream;
    pid_t pid;
    int64_t start, elapsed;
    int status;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid = start_trickler(sv[1], 50);
    close(sv[1]);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(stream, 400);
    start = monotonic_ms();
    status = vstream_gets(stream, line, 0);
    elapsed = monotonic_ms() - start;
    TEST_CHECK(vstream_ftimeout(stream), "a trickling peer hits the per-operation deadline");
    TEST_CHECK(status != '\n', "no complete line from a trickling peer");
    TEST_CHECK(elapsed >= 350 && elapsed < 2000,
               "deadline is one timeout for the whole line "
               "(took %lld ms)",
               (long long)elapsed);
    TEST_CHECK(VSTRING_LEN(line) > 0, "bytes that arrived before the deadline are returned");
    kill(pid, SIGKILL);
    test_waitpid(pid, NULL, 30);
    vstream_close(stream);
    vstring_free(line);
}

static void test_write_blocked(void)
{
    int sv[2];
    VSTREAM *stream;
    char big[65536];
    int sndbuf = 4096;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    set_nonblock(sv[0], 1);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_WRITE);
    vstream_set_timeout_ms(stream, 300);
    memset(big, 'a', sizeof(big));
    for (int i = 0; i < 64 && !vstream_ftimeout(stream); i++)
        vstream_write(stream, big, sizeof(big));
    vstream_fflush(stream);
    TEST_CHECK(vstream_ftimeout(stream), "a peer that never reads makes writes time out");
    TEST_CHECK(vstream_fflush(stream) < 0, "flush keeps failing after a timeout");
    TEST_CHECK(vstream_close(stream) < 0, "close reports the failed stream");
    close(sv[1]);
}

/* A toy layer that upper-cases what it reads, to show the I/O swap. */
static ssize_t upper_read(int fd, void *buf, size_t len, int timeout_ms, void *context)
{
    ssize_t n = timed_read(fd, buf, len, timeout_ms, NULL);

    for (ssize_t i = 0; i < n; i++)
        if (((char *)buf)[i] >= 'a' && ((char *)buf)[i] <= 'z')
            ((char *)buf)[i] -= 32;
    ++*(int *)context;
    return n;
}

static void test_swap_and_purge(void)
{
    int sv[2];
    VSTRING *line = vstring_alloc(10);
    VSTREAM *stream;
    int calls = 0;
    char partial[8];

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout(stream, 5);
    write(sv[1], "STARTTLS\r\nRSET\r\n", 16);
    vstream_gets(stream, line, 0);
    TEST_STR_EQ(vstring_str(line), "STARTTLS\r\n", "first pipelined command");
    TEST_INT_EQ(vstream_peek(stream), 6, "the pipelined rest is buffered");
    vstream_purge(stream, VSTREAM_PURGE_READ);
    TEST_INT_EQ(vstream_peek(stream), 0, "purge discards pipelined input");
    vstream_set_io(stream, upper_read, NULL, &calls);
    write(sv[1], "ehlo x\r\nabc", 11);
    vstream_gets(stream, line, 0);
    TEST_STR_EQ(vstring_str(line), "EHLO X\r\n", "input goes through the new layer after the swap");
    TEST_CHECK(calls > 0, "the new read function was called");
    TEST_INT_EQ(vstream_read(stream, partial, 3), 3, "read n bytes");
    TEST_CHECK(memcmp(partial, "ABC", 3) == 0, "read returns the bytes");
    vstream_puts(stream, "220 ok\r\n");
    TEST_INT_EQ(vstream_pending_output(stream), 8, "output is buffered until flush");
    TEST_INT_EQ(vstream_fflush(stream), 0, "flush succeeds");
    TEST_INT_EQ(read(sv[1], partial, 8), 8, "peer receives the flushed output");
    close(sv[1]);
    TEST_INT_EQ(vstream_getc(stream), VSTREAM_EOF, "getc sees the peer close");
    TEST_CHECK(vstream_feof(stream), "EOF after the peer closed");
    vstream_close(stream);
    vstring_free(line);
}

/* A layer that delivers its bytes once, then fails as a reset connection does. */
static ssize_t reset_read(int fd, void *buf, size_t len, int timeout_ms, void *context)
{
    const char **data = context;
    size_t n = strlen(*data);

    if (n == 0) {
        errno = ECONNRESET;
        return -1;
    }
    if (n > len)
        n = len;
    memcpy(buf, *data, n);
    *data += n;
    return n;
}

/* ungetc_after - push back the last byte of a read that ran into the end of its input */
static void ungetc_after(const char *how, VSTREAM *stream)
{
    static jmp_buf target;
    VSTRING *line = vstring_alloc(10);
    volatile int pushed = 0;

    TEST_INT_EQ(vstream_gets(stream, line, 0), '\r', "%s: gets returns the bare CR", how);
    msg_set_longjmp(&target);
    if (setjmp(target) == 0)
        pushed = vstream_ungetc(stream, '\r');
    msg_set_longjmp(NULL);
    TEST_INT_EQ(pushed, '\r', "%s: the CR can be pushed back", how);
    TEST_INT_EQ(vstream_peek(stream), pushed == '\r', "%s: the pushed-back byte is buffered", how);
    if (pushed == '\r') {
        TEST_INT_EQ(vstream_getc(stream), '\r', "%s: the next read returns it", how);
        TEST_INT_EQ(vstream_getc(stream), VSTREAM_EOF, "%s: then the input still ends", how);
    }
    vstream_close(stream);
    vstring_free(line);
}

static void test_ungetc_at_end(void)
{
    VSTRING *in = vstring_alloc(10);
    const char *data = "NOOP\r";
    VSTREAM *stream;
    int sv[2];

    vstring_strcpy(in, "NOOP\r");
    ungetc_after("end of input", vstream_memopen(in, VSTREAM_FLAG_READ));

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "NOOP\r", 5);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_timeout_ms(stream, 200);
    ungetc_after("timeout", stream);
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    stream = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    vstream_set_io(stream, reset_read, NULL, &data);
    ungetc_after("read error", stream);
    close(sv[1]);
    vstring_free(in);
}

int main(int argc, char **argv)
{
    msg_init(argv[0]);
    signal(SIGPIPE, SIG_IGN);
    test_memory_lines();
    test_deadline();
    test_write_blocked();
    test_swap_and_purge();
    test_ungetc_at_end();
    return test_summary("vstream_test");
}
