/*
 * tlsrpt_spool_test - TLSRPT spool files: a record cut short by a crash.
 */
/* TEST_UNDER_VALGRIND */

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "msg.h"
#include "test.h"
#include "vstring.h"

#include "tlsrpt_spool.h"

typedef struct REPAIR_CASE {
    const char *name;    /* what the case is */
    const char *content; /* the file before */
    long long want;      /* bytes removed */
    const char *after;   /* the file after */
} REPAIR_CASE;

static const REPAIR_CASE repair_cases[] = {
    {"an empty file", "", 0, ""},
    {"whole lines", "a\nb\n", 0, "a\nb\n"},
    {"a line cut short", "a\nb\n1796601600\tok.exa", 17, "a\nb\n"},
    {"a single line cut short", "1796601600\tok", 13, ""},
};

/* spool_count - records read back */

static void spool_count(void *context, time_t unused_when, const TLSRPT_RECORD *unused_record)
{
    (*(int *)context)++;
}

/* file_content - the whole file */

static const char *file_content(int fd)
{
    static char buf[256];
    ssize_t len = pread(fd, buf, sizeof(buf) - 1, 0);

    buf[len < 0 ? 0 : len] = 0;
    return buf;
}

int main(void)
{
    char path[] = "/tmp/tlsrpt_spool_test.XXXXXX";
    VSTRING *line = vstring_alloc(200);
    TLSRPT_RECORD rec = {.policy_domain = "ok.example",
                         .policy_type = TLSRPT_POLICY_TLSA,
                         .policy_strings = "3 1 1 AB",
                         .result = TLSRPT_SUCCESS,
                         .receiving_mx = "mx.ok.example",
                         .receiving_helo = "mx.ok.example",
                         .receiving_ip = "192.0.2.1"};
    int fd, count, bad;

    msg_init("tlsrpt_spool_test");
    if ((fd = mkstemp(path)) < 0)
        msg_fatal("mkstemp: %m");
    for (size_t i = 0; i < sizeof(repair_cases) / sizeof(repair_cases[0]); i++) {
        const REPAIR_CASE *c = repair_cases + i;

        if (ftruncate(fd, 0) < 0 || pwrite(fd, c->content, strlen(c->content), 0) < 0)
            msg_fatal("write %s: %m", path);
        TEST_INT_EQ(tlsrpt_spool_repair(fd, path), c->want, "repair: %s: bytes removed", c->name);
        TEST_STR_EQ(file_content(fd), c->after, "repair: %s: what is left", c->name);
    }

    /* A reader skips a line cut short; after the repair, the next record is whole. */
    close(fd);
    if ((fd = open(path, O_RDWR | O_APPEND | O_TRUNC)) < 0)
        msg_fatal("open %s: %m", path);
    tlsrpt_spool_format(line, 1796601600, &rec);
    if (write(fd, vstring_str(line), VSTRING_LEN(line)) < 0 ||
        write(fd, vstring_str(line), VSTRING_LEN(line) - 7) < 0)
        msg_fatal("write %s: %m", path);
    count = 0;
    bad = tlsrpt_spool_read(path, spool_count, &count);
    TEST_INT_EQ(count, 1, "read: the whole record");
    TEST_INT_EQ(bad, 1, "read: the record cut short is skipped");
    TEST_INT_EQ(tlsrpt_spool_repair(fd, path), (long long)VSTRING_LEN(line) - 7,
                "repair: the record cut short goes");
    if (write(fd, vstring_str(line), VSTRING_LEN(line)) < 0)
        msg_fatal("write %s: %m", path);
    count = 0;
    bad = tlsrpt_spool_read(path, spool_count, &count);
    TEST_INT_EQ(count, 2, "read after the repair: both records");
    TEST_INT_EQ(bad, 0, "read after the repair: no bad line");
    close(fd);
    unlink(path);
    vstring_free(line);
    return test_summary("tlsrpt_spool_test");
}
