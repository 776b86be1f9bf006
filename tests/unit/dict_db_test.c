/* dict_db_test - Berkeley DB hash and btree tables through the dict interface */

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

/*
 * libdb writes uninitialised padding to disk, which valgrind reports, so
 * this test runs without it; dict_db_corrupt_test covers damaged files
 * under valgrind.
 */

static char test_dir[] = "/tmp/dict_db_testXXXXXX";

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

/* build - create a table with some entries */

static void build(const char *type, const char *name, int dict_flags)
{
    DICT *dict = dict_open(test_map(type, name), O_RDWR | O_CREAT | O_TRUNC, dict_flags);

    TEST_CHECK(dict_open_ok(dict), "%s: create %s (%s)", type, name, dict_reason(dict));
    TEST_INT_EQ(dict_put(dict, "alpha", "one"), DICT_STAT_SUCCESS, "%s: put alpha", type);
    TEST_INT_EQ(dict_put(dict, "Beta", "two words"), DICT_STAT_SUCCESS, "%s: put Beta", type);
    TEST_INT_EQ(dict_put(dict, "gamma", "three"), DICT_STAT_SUCCESS, "%s: put gamma", type);
    dict_close(dict);
}

static void test_lookup(const char *type)
{
    DICT *dict;

    build(type, "basic", DICT_FLAG_FOLD_FIX);
    dict = dict_open(test_map(type, "basic"), O_RDONLY, DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
    TEST_CHECK(dict_open_ok(dict), "%s: open read-only", type);
    TEST_STR_EQ(dict_get(dict, "alpha"), "one", "%s: lookup finds alpha", type);
    TEST_INT_EQ(dict->error, DICT_ERR_NONE, "%s: found means no error", type);
    TEST_STR_EQ(dict_get(dict, "BETA"), "two words", "%s: keys fold to lower case", type);
    TEST_CHECK(dict_get(dict, "delta") == NULL, "%s: missing key is not found", type);
    TEST_INT_EQ(dict->error, DICT_ERR_NONE, "%s: not found is not an error", type);
    TEST_INT_EQ(dict_put(dict, "x", "y"), DICT_STAT_ERROR, "%s: read-only table refuses put", type);
    TEST_CHECK(dict->error != DICT_ERR_NONE, "%s: refused put sets an error", type);
    dict_close(dict);
}

static void test_update_delete_sequence(const char *type)
{
    DICT *dict = dict_open(test_map(type, "cache"), O_RDWR | O_CREAT | O_TRUNC,
                           DICT_FLAG_DUP_REPLACE | DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE);
    const char *key, *value;
    char kbuf[32], vbuf[32];
    int count = 0, status;

    TEST_CHECK(dict_open_ok(dict), "%s: open cache (%s)", type, dict_reason(dict));
    for (int i = 0; i < 200; i++) {
        snprintf(kbuf, sizeof(kbuf), "Key%03d", i);
        snprintf(vbuf, sizeof(vbuf), "value%d", i);
        dict_put(dict, kbuf, vbuf);
    }
    TEST_INT_EQ(dict_put(dict, "Key007", "replaced"), DICT_STAT_SUCCESS, "%s: replace", type);
    TEST_STR_EQ(dict_get(dict, "Key007"), "replaced", "%s: replaced value", type);
    TEST_CHECK(dict_get(dict, "key007") == NULL, "%s: no folding without FOLD_FIX", type);
    TEST_INT_EQ(dict_del(dict, "Key008"), DICT_STAT_SUCCESS, "%s: delete", type);
    TEST_INT_EQ(dict_del(dict, "Key008"), DICT_STAT_FAIL, "%s: delete again: not found", type);
    TEST_CHECK(dict_get(dict, "Key008") == NULL, "%s: deleted key is gone", type);

    /* Walk, deleting every odd entry behind the cursor. */
    char *prev = NULL;
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
    TEST_INT_EQ(status, DICT_STAT_FAIL, "%s: sequence ends cleanly", type);
    TEST_INT_EQ(count, 199, "%s: sequence visits every entry while deleting behind", type);
    count = 0;
    for (status = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); status == DICT_STAT_SUCCESS;
         status = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value))
        count++;
    TEST_INT_EQ(count, 99, "%s: odd entries were deleted", type);
    dict_close(dict);
}

static void test_duplicates(void)
{
    DICT *dict =
        dict_open(test_map("hash", "dup"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_DUP_IGNORE);

    dict_put(dict, "k", "first");
    TEST_INT_EQ(dict_put(dict, "k", "second"), DICT_STAT_FAIL, "DUP_IGNORE: duplicate skipped");
    TEST_STR_EQ(dict_get(dict, "k"), "first", "DUP_IGNORE: first value wins");
    dict->flags &= ~DICT_FLAG_DUP_MASK;
    TEST_INT_EQ(dict_put(dict, "k", "third"), DICT_STAT_ERROR, "no DUP flag: duplicate is error");
    TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "no DUP flag: configuration error");
    TEST_CHECK(strstr(dict_reason(dict), "duplicate entry") != NULL, "duplicate reason: %s",
               dict_reason(dict));
    dict_close(dict);
}

static void test_null_forms(void)
{
    DICT *dict =
        dict_open(test_map("hash", "nonull"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_TRY0NULL);

    dict_put(dict, "plain", "value");
    dict_close(dict);
    dict = dict_open(test_map("hash", "nonull"), O_RDONLY, 0);
    TEST_STR_EQ(dict_get(dict, "plain"), "value", "table written without nulls reads back");
    dict_close(dict);
    dict = dict_open(test_map("hash", "nonull"), O_RDONLY, DICT_FLAG_TRY1NULL);
    TEST_CHECK(dict_get(dict, "plain") == NULL, "TRY1NULL alone misses keys without null");
    dict_close(dict);
}

static void test_locking(void)
{
    DICT *writer, *reader;

    build("hash", "locked", 0);
    writer = dict_open(test_map("hash", "locked"), O_RDWR, DICT_FLAG_OPEN_LOCK);
    TEST_CHECK(dict_open_ok(writer), "writer holds an exclusive lock");
    dict_set_lock_timeout(0);
    reader = dict_open(test_map("hash", "locked"), O_RDONLY, DICT_FLAG_LOCK);
    TEST_CHECK(!dict_open_ok(reader), "reader cannot open while the writer holds the lock");
    TEST_INT_EQ(reader->error, DICT_ERR_RETRY, "lock timeout is a temporary error");
    dict_close(reader);
    dict_close(writer);
    reader = dict_open(test_map("hash", "locked"), O_RDONLY, DICT_FLAG_LOCK);
    TEST_CHECK(dict_open_ok(reader), "reader opens after the writer is gone");
    TEST_INT_EQ(dict_lock(reader, DICT_LOCK_SHARED), 0, "explicit shared lock");
    writer = dict_open(test_map("hash", "locked"), O_RDWR, DICT_FLAG_LOCK);
    TEST_CHECK(dict_open_ok(writer), "second handle opens while a shared lock is held");
    TEST_INT_EQ(dict_put(writer, "new", "x"), DICT_STAT_ERROR, "update waits for the lock");
    TEST_INT_EQ(writer->error, DICT_ERR_RETRY, "and times out with a temporary error");
    TEST_INT_EQ(dict_lock(reader, DICT_LOCK_NONE), 0, "release the shared lock");
    TEST_INT_EQ(dict_put(writer, "new", "x"), DICT_STAT_SUCCESS, "update succeeds after release");
    dict_close(writer);
    dict_close(reader);
    dict_set_lock_timeout(10);
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

static void test_bulk(void)
{
    DICT *old, *bulk;
    struct stat st1, st2;

    build("hash", "bulk", 0);
    stat(test_path("bulk.db"), &st1);
    bulk = dict_open(test_map("hash", "bulk"), O_RDWR | O_CREAT | O_TRUNC,
                     DICT_FLAG_BULK_UPDATE | DICT_FLAG_DUP_WARN);
    TEST_CHECK(dict_open_ok(bulk), "bulk build opens (%s)", dict_reason(bulk));
    dict_put(bulk, "fresh", "new");
    old = dict_open(test_map("hash", "bulk"), O_RDONLY, DICT_FLAG_LOCK);
    TEST_STR_EQ(dict_get(old, "alpha"), "one", "during a bulk build readers see the old table");
    TEST_INT_EQ(count_files("bulk.db."), 1, "bulk build writes a temporary file");
    dict_close(bulk);
    TEST_INT_EQ(count_files("bulk.db."), 0, "temporary file is renamed at close");
    stat(test_path("bulk.db"), &st2);
    TEST_CHECK(st1.st_ino != st2.st_ino, "table file was replaced, not rewritten");
    TEST_CHECK(dict_changed(old), "dict_changed() notices the replacement");
    dict_close(old);
    old = dict_open(test_map("hash", "bulk"), O_RDONLY, 0);
    TEST_STR_EQ(dict_get(old, "fresh"), "new", "new table has the new entry");
    TEST_CHECK(dict_get(old, "alpha") == NULL, "new table lacks the old entries");
    TEST_CHECK(!dict_changed(old), "dict_changed() is false for a current table");
    dict_close(old);

    bulk = dict_open(test_map("btree", "bulk2"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_BULK_UPDATE);
    dict_put(bulk, "x", "y");
    dict_bulk_cleanup();
    TEST_INT_EQ(count_files("bulk2.db."), 0, "bulk cleanup removes unfinished builds");
    dict_close(bulk);
}

static void test_open_errors(void)
{
    DICT *dict = dict_open("nosuchtype:/x", O_RDONLY, 0);

    TEST_CHECK(!dict_open_ok(dict), "unknown type is refused");
    TEST_STR_EQ(dict_reason(dict), "unsupported dictionary type: nosuchtype",
                "unknown type reason");
    dict_close(dict);
    dict = dict_open("/etc/postfix/x", O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "type:name"),
               "name without type is refused: %s", dict_reason(dict));
    dict_close(dict);
    dict = dict_open("fail:test", O_RDONLY, 0);
    TEST_CHECK(dict_open_ok(dict), "fail: table opens");
    TEST_CHECK(dict_get(dict, "x") == NULL && dict->error == DICT_ERR_RETRY,
               "fail: table lookup gives a temporary error");
    dict_close(dict);
}

int main(void)
{
    msg_init("dict_db_test");
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_lookup("hash");
    test_lookup("btree");
    test_update_delete_sequence("btree");
    test_update_delete_sequence("hash");
    test_duplicates();
    test_null_forms();
    test_locking();
    test_bulk();
    test_open_errors();
    {
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
        if (system(cmd) != 0)
            msg_warn("cannot remove %s", test_dir);
    }
    return test_summary("dict_db_test");
}
