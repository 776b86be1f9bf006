/*
 * dict_bulk.h - build a table file aside and move it into place
 */
#ifndef DICT_BULK_H
#define DICT_BULK_H

#include <stdbool.h>

extern int dict_bulk_create(const char *path, char **out_tmp_path);
extern int dict_bulk_open(const char *path, int dict_flags, int open_flags, char **out_tmp_path);
extern void dict_bulk_commit(const char *tmp_path, const char *path, int fd);
extern void dict_bulk_abandon(const char *tmp_path);
extern bool dict_bulk_pending(const char *tmp_path);

#endif
