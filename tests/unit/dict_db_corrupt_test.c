/* dict_db_corrupt_test - damaged Berkeley DB files are refused without a crash */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/*
 * The tables are built with libdb's own db_load (outside valgrind, which
 * does not follow exec), in the form Postfix writes: keys and values with
 * a trailing null byte. Only reading damaged files runs under valgrind.
 */

static char test_dir[] = "/tmp/dict_db_corrupt_testXXXXXX";

/* test_path - a file name in the test directory */

static const char *test_path(const char *name)
{
    static char buf[256];

    snprintf(buf, sizeof(buf), "%s/%s", test_dir, name);
    return buf;
}

/* test_map - "type:dir/name" */

static const char *test_map(const char *type, const char *name)
{
    static char buf[300];

    snprintf(buf, sizeof(buf), "%s:%s/%s", type, test_dir, name);
    return buf;
}

/* db_load - build name.db of a type with many entries */

static int db_load(const char *type, const char *name)
{
    char cmd[600];
    FILE *fp;
    int status;

    snprintf(cmd, sizeof(cmd), "db_load -t %s %s", type, test_path(name));
    if ((fp = popen(cmd, "w")) == NULL)
        return -1;
    fprintf(fp, "VERSION=3\nformat=print\ntype=%s\nHEADER=END\n", type);
    fprintf(fp, " alpha\\00\n one\\00\n");
    for (int i = 0; i < 400; i++)
        fprintf(fp, " key%d\\00\n value number %d\\00\n", i, i);
    fprintf(fp, "DATA=END\n");
    status = pclose(fp);
    return status == 0 ? 0 : -1;
}

/* write_file - replace a file's content */

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        msg_fatal("write %s: %m", path);
    close(fd);
}

/* read_file - a file's content, mymalloc()ed */

static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    char *buf;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0)
        msg_fatal("open %s: %m", path);
    buf = mymalloc(st.st_size + 1);
    if (read(fd, buf, st.st_size) != st.st_size)
        msg_fatal("read %s: %m", path);
    close(fd);
    *len = st.st_size;
    return buf;
}

/* expect_refused - a damaged file gives a surrogate with a clear reason */

static void expect_refused(const char *type, const char *name, const char *what)
{
    DICT *dict = dict_open(test_map(type, name), O_RDONLY, DICT_FLAG_LOCK);

    TEST_CHECK(!dict_open_ok(dict), "%s: open refused", what);
    TEST_CHECK(dict->error == DICT_ERR_CONFIG || dict->error == DICT_ERR_RETRY,
               "%s: error code set", what);
    TEST_CHECK(strstr(dict_reason(dict), test_path(name)) != NULL, "%s: reason names the file: %s",
               what, dict_reason(dict));
    TEST_CHECK(dict_get(dict, "alpha") == NULL && dict->error != DICT_ERR_NONE,
               "%s: lookups fail with an error, not as not-found", what);
    dict_close(dict);
}

static void test_intact(void)
{
    DICT *dict = dict_open(test_map("hash", "good"), O_RDONLY, DICT_FLAG_LOCK);
    const char *key, *value;
    int count = 0;

    TEST_CHECK(dict_open_ok(dict), "db_load hash file opens (%s)", dict_reason(dict));
    TEST_STR_EQ(dict_get(dict, "alpha"), "one", "key with trailing null is found");
    TEST_STR_EQ(dict_get(dict, "key399"), "value number 399", "last key is found");
    for (int s = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); s == DICT_STAT_SUCCESS;
         s = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value))
        count++;
    TEST_INT_EQ(count, 401, "sequence sees every entry");
    dict_close(dict);
}

static void test_damaged(void)
{
    char *data;
    size_t len;
    DICT *dict;

    expect_refused("hash", "missing", "missing file");
    data = read_file(test_path("good.db"), &len);
    write_file(test_path("trunc.db"), data, len / 2);
    expect_refused("hash", "trunc", "truncated hash file");
    write_file(test_path("trunc.db"), data, len - 1);
    expect_refused("hash", "trunc", "file one byte short");
    write_file(test_path("trunc.db"), data, 100);
    expect_refused("hash", "trunc", "file shorter than a page");
    write_file(test_path("trunc.db"), "", 0);
    expect_refused("hash", "trunc", "empty file");
    memset(data, 'x', len);
    write_file(test_path("trunc.db"), data, len);
    expect_refused("hash", "trunc", "garbage file");
    myfree(data);
    expect_refused("btree", "good", "hash file opened as btree");

    /* Garbage after an intact meta page: libdb reports it; no crash, no wrong value. */
    data = read_file(test_path("good.db"), &len);
    memset(data + 4096, 0xa5, len - 4096);
    write_file(test_path("pages.db"), data, len);
    myfree(data);
    dict = dict_open(test_map("hash", "pages"), O_RDONLY, 0);
    if (dict_open_ok(dict)) {
        const char *value = dict_get(dict, "alpha");

        TEST_CHECK(value == NULL || strcmp(value, "one") == 0,
                   "damaged data pages: no wrong value");
        TEST_CHECK(value != NULL || dict->error != DICT_ERR_NONE,
                   "damaged data pages: failure is an error, not not-found (%s)",
                   dict_reason(dict));
    } else {
        TEST_CHECK(strstr(dict_reason(dict), "pages.db") != NULL,
                   "damaged data pages: refused with a reason naming the file");
    }
    dict_close(dict);
}

int main(void)
{
    char cmd[300];

    msg_init("dict_db_corrupt_test");
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    if (!TEST_CHECK(db_load("hash", "good.db") == 0, "db_load builds a test table"))
        return test_summary("dict_db_corrupt_test");
    test_intact();
    test_damaged();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    if (system(cmd) != 0)
        msg_warn("cannot remove %s", test_dir);
    return test_summary("dict_db_corrupt_test");
}
