/*
 * master_pid_test - where master.pid lives, and whether a master runs
 *
 * TEST_UNDER_VALGRIND
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "pid_file.h"
#include "vstring.h"
#include "config.h"
#include "master_pid.h"

#include "test.h"

int main(void)
{
    char dir[] = "/tmp/master_pid_test.XXXXXX";
    VSTRING *path = vstring_alloc(100);
    VSTRING *want = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    CONFIG *config;
    pid_t pid = 0;
    int fd;

    msg_init("master_pid_test");
    TEST_CHECK(mkdtemp(dir) != NULL, "make a temporary directory");
    config = config_alloc(dir);
    config_override(config, VAR_QUEUE_DIRECTORY, dir);

    vstring_sprintf(want, "%s/pid/master.pid", dir);
    TEST_STR_EQ(master_pid_path(config, path), vstring_str(want),
                "a relative process_id_directory is under queue_directory");
    config_override(config, VAR_PROCESS_ID_DIRECTORY, "/run/mta");
    TEST_STR_EQ(master_pid_path(config, path), "/run/mta/master.pid",
                "an absolute process_id_directory stands alone");
    config_override(config, VAR_PROCESS_ID_DIRECTORY, "pid");

    TEST_INT_EQ(master_pid_check(config, &pid, why), 0, "no pid file: no master");
    vstring_sprintf(path, "%s/pid", dir);
    mkdir(vstring_str(path), 0755);
    fd = pid_file_open(master_pid_path(config, path), why);
    TEST_CHECK(fd >= 0, "take the lock as master does: %s", vstring_str(why));
    TEST_INT_EQ(master_pid_check(config, &pid, why), 1, "a held lock: a master runs");
    TEST_INT_EQ(pid, getpid(), "its pid is the one in the file");
    close(fd);
    TEST_INT_EQ(master_pid_check(config, &pid, why), 0, "a stale file without the lock: no master");

    unlink(vstring_str(path));
    vstring_sprintf(path, "%s/pid", dir);
    rmdir(vstring_str(path));
    rmdir(dir);
    config_free(config);
    vstring_free(path);
    vstring_free(want);
    vstring_free(why);
    return test_summary("master_pid_test");
}
