/*
 * queue_fixture.h - a private queue directory for the queue tests
 *
 * queue_fixture_start() creates a temporary directory with every queue
 * in it and makes it the current directory; queue_fixture_stop() goes
 * back and removes it with everything in it.
 */
#ifndef QUEUE_FIXTURE_H
#define QUEUE_FIXTURE_H

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"

static char queue_fixture_dir[PATH_MAX];
static char queue_fixture_home[PATH_MAX];

static inline void queue_fixture_start(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(queue_fixture_dir, sizeof(queue_fixture_dir), "%s/queue_test.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (getcwd(queue_fixture_home, sizeof(queue_fixture_home)) == NULL)
        msg_fatal("getcwd: %m");
    if (mkdtemp(queue_fixture_dir) == NULL || chdir(queue_fixture_dir) < 0)
        msg_fatal("temporary directory %s: %m", queue_fixture_dir);
    if (mail_queue_mkdirs((uid_t)-1, (gid_t)-1, 0700) < 0)
        msg_fatal("create queue directories: %m");
}

static inline int queue_fixture_remove_one(const char *path, const struct stat *st, int flag,
                                           struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void queue_fixture_stop(void)
{
    if (chdir(queue_fixture_home) < 0)
        msg_fatal("chdir %s: %m", queue_fixture_home);
    nftw(queue_fixture_dir, queue_fixture_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* queue_fixture_count - entries in a directory, other than . and .. */

static inline int queue_fixture_count(const char *dir_name)
{
    DIR *dir = opendir(dir_name);
    struct dirent *entry;
    int count = 0;

    if (dir == NULL)
        return -1;
    while ((entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            count++;
    closedir(dir);
    return count;
}

#endif
