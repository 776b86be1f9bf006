/* file_io_test - read_file limits; write_file_atomically: mode, replacement, no leftovers */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_io.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static int entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int count = 0;

    while ((e = readdir(d)) != NULL)
        count += e->d_name[0] != '.';
    closedir(d);
    return count;
}

int main(void)
{
    char dir[] = "/tmp/file_io_test.XXXXXX", path[200], other[200];
    VSTRING *why = vstring_alloc(10), *got = vstring_alloc(10);
    struct stat st1, st2;
    static const char binary[] = "line 1\n\0tail";

    msg_init("file_io_test");
    mkdtemp(dir);
    umask(077);
    snprintf(path, sizeof(path), "%s/main.cf", dir);

    TEST_INT_EQ(write_file_atomically(path, binary, sizeof(binary), 0644, why), 0, "create a file");
    TEST_CHECK(stat(path, &st1) == 0 && (st1.st_mode & 07777) == 0644,
               "mode is exact despite the umask");
    TEST_INT_EQ(read_file(path, got, 0, why), 0, "read it back");
    TEST_CHECK(VSTRING_LEN(got) == sizeof(binary) && memcmp(vstring_str(got), binary, 13) == 0,
               "binary content round trip");

    TEST_INT_EQ(write_file_atomically(path, "new\n", 4, 0600, why), 0, "replace the file");
    stat(path, &st2);
    TEST_CHECK(st2.st_ino != st1.st_ino && (st2.st_mode & 07777) == 0600,
               "replacement is a new file with the new mode");
    read_file(path, got, 0, why);
    TEST_STR_EQ(vstring_str(got), "new\n", "new content");
    TEST_INT_EQ(entries(dir), 1, "no temporary file left behind");

    TEST_INT_EQ(read_file(path, got, 3, why), -1, "a file over the limit is an error");
    TEST_CHECK(strstr(vstring_str(why), "larger than 3 bytes") != NULL, "reason: %s",
               vstring_str(why));
    TEST_INT_EQ(read_file(path, got, 4, why), 0, "a file at the limit is fine");

    snprintf(other, sizeof(other), "%s/target", dir);
    write_file_atomically(other, "target\n", 7, 0644, why);
    unlink(path);
    symlink(other, path);
    TEST_INT_EQ(write_file_atomically(path, "x", 1, 0644, why), 0, "write over a symlink");
    read_file(other, got, 0, why);
    TEST_STR_EQ(vstring_str(got), "target\n", "the symlink target is untouched");
    TEST_CHECK(lstat(path, &st1) == 0 && S_ISREG(st1.st_mode), "the symlink was replaced");

    snprintf(other, sizeof(other), "%s/no/such/dir/file", dir);
    TEST_INT_EQ(write_file_atomically(other, "x", 1, 0644, why), -1, "missing directory");
    TEST_CHECK(strstr(vstring_str(why), other) != NULL, "reason names the file: %s",
               vstring_str(why));
    TEST_INT_EQ(read_file(other, got, 0, why), -1, "read a missing file");
    TEST_INT_EQ(fsync_parent_dir(path, why), 0, "sync the directory");
    TEST_INT_EQ(write_file_atomically("relative.tmp-file_io_test", "", 0, 0600, why), 0,
                "a path without a directory uses the current one");
    unlink("relative.tmp-file_io_test");

    vstring_sprintf(why, "rm -rf %s", dir);
    (void)!system(vstring_str(why));
    vstring_free(why);
    vstring_free(got);
    return test_summary("file_io_test");
}
