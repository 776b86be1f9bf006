/* dict_lmdb_test - LMDB tables through the dict interface */

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "test.h"

static char test_dir[] = "/tmp/dict_lmdb_testXXXXXX";

/* test_path - a file name in the test directory */

static const char *test_path(const char *name)
{
    static char buf[256];

    snprintf(buf, sizeof(buf), "%s/%s", test_dir, name);
    return buf;
}

/* test_map - "lmdb:dir/name" */

static const char *test_map(const char *name)
{
    static char buf[300];

    snprintf(buf, sizeof(buf), "lmdb:%s/%s", test_dir, name);
    return buf;
}

/* count_files - entries in the test directory whose name starts with prefix */

static int count_files(const char *prefix)
{
    DIR *dir = opendir(test_dir);
    struct dirent *ent;
    int count = 0;

    while ((ent = readdir(dir)) != NULL)
        if (strncmp(ent->d_name, prefix, strlen(prefix)) == 0)
            count++;
    closedir(dir);
    return count;
}

/* build - create a table with some entries */

static void build(const char *name, int dict_flags)
{
    DICT *dict = dict_open(test_map(name), O_RDWR | O_CREAT | O_TRUNC, dict_flags);

    TEST_CHECK(dict_open_ok(dict), "create %s (%s)", name, dict_reason(dict));
    TEST_INT_EQ(dict_put(dict, "alpha", "one"), DICT_STAT_SUCCESS, "put alpha");
    TEST_INT_EQ(dict_put(dict, "Beta", "two words"), DICT_STAT_SUCCESS, "put Beta");
    TEST_INT_EQ(dict_put(dict, "gamma", "three"), DICT_STAT_SUCCESS, "put gamma");
    dict_close(dict);
}

static void test_lookup(void)
{
    DICT *dict;
    char long_key[2000];

    build("basic", DICT_FLAG_FOLD_FIX);
    dict = dict_open(test_map("basic"), O_RDONLY, DICT_FLAG_FOLD_FIX);
    TEST_CHECK(dict_open_ok(dict), "open read-only");
    TEST_STR_EQ(dict_get(dict, "alpha"), "one", "lookup finds alpha");
    TEST_STR_EQ(dict_get(dict, "BETA"), "two words", "keys fold to lower case");
    TEST_CHECK(dict_get(dict, "delta") == NULL, "missing key is not found");
    TEST_INT_EQ(dict->error, DICT_ERR_NONE, "not found is not an error");
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = 0;
    TEST_CHECK(dict_get(dict, long_key) == NULL && dict->error == DICT_ERR_NONE,
               "a key longer than LMDB allows is not found, without an error");
    TEST_INT_EQ(dict_put(dict, "x", "y"), DICT_STAT_ERROR, "read-only table refuses put");
    TEST_INT_EQ(dict->error, DICT_ERR_RETRY, "refused put is an error");
    dict_close(dict);
    dict = dict_open(test_map("basic"), O_RDWR, 0);
    TEST_INT_EQ(dict_put(dict, long_key, "v"), DICT_STAT_ERROR, "over-long key cannot be stored");
    TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "over-long key is a configuration error");
    dict_close(dict);
}

static void test_update_delete_sequence(void)
{
    DICT *dict = dict_open(test_map("cache"), O_RDWR | O_CREAT | O_TRUNC,
                           DICT_FLAG_DUP_REPLACE | DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE);
    const char *key, *value;
    char kbuf[32], vbuf[32];
    int count = 0, status;
    char *prev = NULL;

    TEST_CHECK(dict_open_ok(dict), "open cache (%s)", dict_reason(dict));
    for (int i = 0; i < 200; i++) {
        snprintf(kbuf, sizeof(kbuf), "Key%03d", i);
        snprintf(vbuf, sizeof(vbuf), "value%d", i);
        dict_put(dict, kbuf, vbuf);
    }
    TEST_INT_EQ(dict_put(dict, "Key007", "replaced"), DICT_STAT_SUCCESS, "replace");
    TEST_STR_EQ(dict_get(dict, "Key007"), "replaced", "replaced value");
    TEST_CHECK(dict_get(dict, "key007") == NULL, "no folding without FOLD_FIX");
    TEST_INT_EQ(dict_del(dict, "Key008"), DICT_STAT_SUCCESS, "delete");
    TEST_INT_EQ(dict_del(dict, "Key008"), DICT_STAT_FAIL, "delete again: not found");
    TEST_CHECK(dict_get(dict, "Key008") == NULL, "deleted key is gone");

    /* Walk, deleting every odd entry behind the cursor. */
    for (status = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); status == DICT_STAT_SUCCESS;
         status = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value)) {
        if (prev) {
            dict_del(dict, prev);
            myfree(prev);
            prev = NULL;
        }
        if (atoi(key + 3) % 2)
            prev = mystrdup(key);
        count++;
    }
    if (prev) {
        dict_del(dict, prev);
        myfree(prev);
    }
    TEST_INT_EQ(status, DICT_STAT_FAIL, "sequence ends cleanly");
    TEST_INT_EQ(count, 199, "sequence visits every entry while deleting behind");
    count = 0;
    for (status = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); status == DICT_STAT_SUCCESS;
         status = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value)) {
        /* Delete the element just returned: the walk goes on after it. */
        dict_del(dict, key);
        count++;
    }
    TEST_INT_EQ(count, 99, "odd entries were deleted; deleting the current one keeps the walk");
    TEST_INT_EQ(dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value), DICT_STAT_FAIL,
                "the table is empty now");
    dict_close(dict);
}

static void test_duplicates_and_nulls(void)
{
    DICT *dict = dict_open(test_map("dup"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_DUP_IGNORE);

    dict_put(dict, "k", "first");
    TEST_INT_EQ(dict_put(dict, "k", "second"), DICT_STAT_FAIL, "DUP_IGNORE: duplicate skipped");
    TEST_STR_EQ(dict_get(dict, "k"), "first", "DUP_IGNORE: first value wins");
    dict->flags &= ~DICT_FLAG_DUP_MASK;
    TEST_INT_EQ(dict_put(dict, "k", "third"), DICT_STAT_ERROR, "no DUP flag: duplicate is error");
    TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "no DUP flag: configuration error");
    dict_close(dict);

    dict = dict_open(test_map("nonull"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_TRY0NULL);
    dict_put(dict, "plain", "value");
    dict_close(dict);
    dict = dict_open(test_map("nonull"), O_RDONLY, 0);
    TEST_STR_EQ(dict_get(dict, "plain"), "value", "table written without nulls reads back");
    dict_close(dict);
    dict = dict_open(test_map("nonull"), O_RDONLY, DICT_FLAG_TRY1NULL);
    TEST_CHECK(dict_get(dict, "plain") == NULL, "TRY1NULL alone misses keys without null");
    dict_close(dict);
}

static void test_locking(void)
{
    DICT *writer, *reader;

    build("locked", 0);
    writer = dict_open(test_map("locked"), O_RDWR, DICT_FLAG_OPEN_LOCK);
    TEST_CHECK(dict_open_ok(writer), "writer holds an exclusive lock");
    dict_set_lock_timeout(0);
    reader = dict_open(test_map("locked"), O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(reader), "reader cannot open while the writer holds the lock");
    TEST_INT_EQ(reader->error, DICT_ERR_RETRY, "lock timeout is a temporary error");
    dict_close(reader);
    dict_close(writer);
    reader = dict_open(test_map("locked"), O_RDONLY, 0);
    TEST_CHECK(dict_open_ok(reader), "reader opens after the writer is gone");
    writer = dict_open(test_map("locked"), O_RDWR, 0);
    TEST_CHECK(dict_open_ok(writer), "a second handle opens to write");
    TEST_INT_EQ(dict_lock(writer, DICT_LOCK_EXCLUSIVE), 0, "writer takes the lock by hand");
    TEST_CHECK(dict_get(reader, "alpha") == NULL && reader->error == DICT_ERR_RETRY,
               "a lookup without DICT_FLAG_LOCK still waits for the lock: lmdb always locks");
    TEST_INT_EQ(dict_lock(writer, DICT_LOCK_NONE), 0, "writer releases the lock");
    TEST_STR_EQ(dict_get(reader, "alpha"), "one", "the lookup succeeds after release");
    dict_close(writer);
    dict_close(reader);
    dict_set_lock_timeout(10);
}

static void test_growth(void)
{
    DICT *reader, *writer, *bulk;
    char kbuf[64], vbuf[200];
    int stored = 0, found = 0;
    struct stat st = {0};

    /*
     * A map of 64 kB is full after about 250 of these entries: 600 make it
     * grow twice. Each update is a durable transaction of its own.
     */
    dict_lmdb_set_map_size(64 * 1024);
    build("grow", 0);
    reader = dict_open(test_map("grow"), O_RDONLY, 0);
    writer = dict_open(test_map("grow"), O_RDWR, 0);
    memset(vbuf, 'v', sizeof(vbuf) - 1);
    vbuf[sizeof(vbuf) - 1] = 0;
    for (int i = 0; i < 600; i++) {
        snprintf(kbuf, sizeof(kbuf), "grow%05d@example.com", i);
        stored += dict_put(writer, kbuf, vbuf) == DICT_STAT_SUCCESS;
    }
    TEST_INT_EQ(stored, 600, "updates grow a full map (%s)", dict_reason(writer));
    if (stat(test_path("grow.lmdb"), &st) < 0)
        st.st_size = 0;
    TEST_CHECK(st.st_size > 2 * 64 * 1024, "the map grew past twice its first size (%lld bytes)",
               (long long)st.st_size);
    for (int i = 0; i < 600; i += 7) {
        snprintf(kbuf, sizeof(kbuf), "grow%05d@example.com", i);
        found += dict_get(reader, kbuf) != NULL;
    }
    TEST_INT_EQ(found, (600 + 6) / 7, "a reader opened before the growth sees every entry (%s)",
                dict_reason(reader));
    dict_close(writer);
    dict_close(reader);

    bulk = dict_open(test_map("growbulk"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_BULK_UPDATE);
    stored = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(kbuf, sizeof(kbuf), "bulk%05d", i);
        stored += dict_put(bulk, kbuf, vbuf) == DICT_STAT_SUCCESS;
    }
    TEST_INT_EQ(stored, 5000, "a bulk build grows a full map and replays its batch");
    dict_close(bulk);
    reader = dict_open(test_map("growbulk"), O_RDONLY, 0);
    TEST_CHECK(dict_get(reader, "bulk00000") && dict_get(reader, "bulk04999"),
               "the bulk-built table has the first and the last entry");
    dict_close(reader);
    dict_lmdb_set_map_size(0);
}

static void test_bulk(void)
{
    DICT *old, *bulk;
    struct stat st1, st2;

    build("bulk", 0);
    stat(test_path("bulk.lmdb"), &st1);
    bulk = dict_open(test_map("bulk"), O_RDWR | O_CREAT | O_TRUNC,
                     DICT_FLAG_BULK_UPDATE | DICT_FLAG_DUP_WARN);
    TEST_CHECK(dict_open_ok(bulk), "bulk build opens (%s)", dict_reason(bulk));
    dict_put(bulk, "fresh", "new");
    TEST_STR_EQ(dict_get(bulk, "fresh"), "new", "a bulk build reads its own updates");
    old = dict_open(test_map("bulk"), O_RDONLY, 0);
    TEST_STR_EQ(dict_get(old, "alpha"), "one", "during a bulk build readers see the old table");
    TEST_INT_EQ(count_files("bulk.lmdb."), 1, "bulk build writes a temporary file");
    dict_close(bulk);
    TEST_INT_EQ(count_files("bulk.lmdb"), 1, "temporary file is renamed at close, no lock file");
    stat(test_path("bulk.lmdb"), &st2);
    TEST_CHECK(st1.st_ino != st2.st_ino, "table file was replaced, not rewritten");
    TEST_CHECK(dict_changed(old), "dict_changed() notices the replacement");
    TEST_STR_EQ(dict_get(old, "alpha"), "one", "the old handle still reads the old file");
    dict_close(old);
    old = dict_open(test_map("bulk"), O_RDONLY, 0);
    TEST_STR_EQ(dict_get(old, "fresh"), "new", "new table has the new entry");
    TEST_CHECK(dict_get(old, "alpha") == NULL, "new table lacks the old entries");
    dict_close(old);

    bulk = dict_open(test_map("bulk2"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_BULK_UPDATE);
    dict_put(bulk, "x", "y");
    dict_bulk_cleanup();
    TEST_INT_EQ(count_files("bulk2.lmdb"), 0, "bulk cleanup removes unfinished builds");
    dict_close(bulk);
    TEST_INT_EQ(count_files("bulk2.lmdb"), 0, "closing a cleaned-up build creates nothing");
}

/* write_file - replace a file's content */

static void write_file(const char *name, const void *data, size_t len)
{
    int fd = open(test_path(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
        msg_fatal("write %s: %m", test_path(name));
}

/* open_reason - the open error of a table, or "" */

static const char *open_reason(const char *name)
{
    static char buf[512];
    DICT *dict = dict_open(test_map(name), O_RDONLY, 0);

    snprintf(buf, sizeof(buf), "%s", dict_open_ok(dict) ? "" : dict_reason(dict));
    dict_close(dict);
    return buf;
}

static void test_damaged(void)
{
    char garbage[16384];
    const char *why;
    struct stat st;

    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)(i * 7 + 3);
    write_file("garbage.lmdb", garbage, sizeof(garbage));
    why = open_reason("garbage");
    TEST_CHECK(strstr(why, "not an LMDB database") != NULL, "a foreign file is refused: %s", why);
    write_file("empty.lmdb", "", 0);
    why = open_reason("empty");
    TEST_CHECK(strstr(why, "file is empty") != NULL, "an empty file is refused: %s", why);
    write_file("short.lmdb", garbage, 100);
    why = open_reason("short");
    TEST_CHECK(strstr(why, "not an LMDB database") != NULL, "a short file is refused: %s", why);

    dict_lmdb_set_map_size(0);
    {
        DICT *dict = dict_open(test_map("trunc"), O_RDWR | O_CREAT | O_TRUNC, 0);
        char kbuf[64];

        for (int i = 0; i < 2000; i++) {
            snprintf(kbuf, sizeof(kbuf), "truncated-table-key-%05d", i);
            dict_put(dict, kbuf, kbuf);
        }
        dict_close(dict);
    }
    stat(test_path("trunc.lmdb"), &st);
    if (truncate(test_path("trunc.lmdb"), st.st_size / 2) < 0)
        msg_fatal("truncate: %m");
    why = open_reason("trunc");
    TEST_CHECK(strstr(why, "file is truncated") != NULL, "a truncated file is refused: %s", why);
    TEST_CHECK(strstr(why, "trunc.lmdb") != NULL, "the reason names the file: %s", why);
    why = open_reason("missing");
    TEST_CHECK(strstr(why, "missing.lmdb: No such file") != NULL, "a missing file: %s", why);
}

int main(void)
{
    msg_init("dict_lmdb_test");
    if (!dict_type_known(DICT_TYPE_LMDB)) {
        DICT *dict = dict_open("lmdb:/nonexistent", O_RDONLY, 0);

        TEST_STR_EQ(dict_reason(dict), "unsupported dictionary type: lmdb",
                    "built without LMDB: the type is unknown");
        dict_close(dict);
        return test_summary("dict_lmdb_test");
    }
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_lookup();
    test_update_delete_sequence();
    test_duplicates_and_nulls();
    test_locking();
    test_growth();
    test_bulk();
    test_damaged();
    {
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
        if (system(cmd) != 0)
            msg_warn("cannot remove %s", test_dir);
    }
    return test_summary("dict_lmdb_test");
}
