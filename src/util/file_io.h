/*
 * file_io.h - read a whole file; replace a file atomically and durably
 */
#ifndef FILE_IO_H
#define FILE_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "vstring.h"

extern int read_file(const char *path, VSTRING *out, size_t limit, VSTRING *why);
extern int write_file_atomically(const char *path, const void *data, size_t len, mode_t mode,
                                 VSTRING *why);
extern int fsync_parent_dir(const char *path, VSTRING *why);

#endif
