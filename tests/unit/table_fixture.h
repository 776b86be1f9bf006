/*
 * table_fixture.h - temporary tables and captured log lines for the table tests
 *
 * table_fixture_start(name) creates a temporary directory
 * ($TMPDIR/name.XXXXXX) and captures every log line from then on;
 * table_fixture_stop() removes the directory with everything in it.
 * table_fixture_db(name) is "btree:dir/name", a table in that directory,
 * in a buffer that the next call overwrites. table_fixture_logged(text)
 * counts the captured lines that contain text.
 */
#ifndef TABLE_FIXTURE_H
#define TABLE_FIXTURE_H

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "msg.h"

static char table_fixture_dir[PATH_MAX]; /* the temporary directory */
static ARGV *table_fixture_lines;        /* captured log lines, owned */

static inline void table_fixture_capture(enum msg_level level, const char *text, void *context)
{
    (void)level;
    (void)context;
    argv_add(table_fixture_lines, text);
}

static inline void table_fixture_start(const char *name)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(table_fixture_dir, sizeof(table_fixture_dir), "%s/%s.XXXXXX",
             tmp && *tmp ? tmp : "/tmp", name);
    if (mkdtemp(table_fixture_dir) == NULL)
        msg_fatal("temporary directory %s: %m", table_fixture_dir);
    table_fixture_lines = argv_alloc(10);
    msg_output_add(table_fixture_capture, NULL);
}

static inline int table_fixture_remove_one(const char *path, const struct stat *st, int flag,
                                           struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void table_fixture_stop(void)
{
    if (nftw(table_fixture_dir, table_fixture_remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        printf("# cannot remove %s\n", table_fixture_dir);
}

/* table_fixture_db - a btree table in the temporary directory */

static inline const char *table_fixture_db(const char *name)
{
    static char buf[PATH_MAX + 64];

    snprintf(buf, sizeof(buf), "btree:%s/%s", table_fixture_dir, name);
    return buf;
}

/* table_fixture_logged - how many captured log lines contain text */

static inline int table_fixture_logged(const char *text)
{
    int count = 0;

    for (size_t i = 0; i < table_fixture_lines->argc; i++)
        count += strstr(table_fixture_lines->argv[i], text) != NULL;
    return count;
}

#endif
