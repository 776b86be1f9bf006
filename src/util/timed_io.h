/*
 * timed_io.h - read and write a descriptor within a time limit
 */
#ifndef TIMED_IO_H
#define TIMED_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern int64_t monotonic_ms(void);
extern int poll_fd(int fd, short events, int timeout_ms);
extern ssize_t timed_read(int fd, void *buf, size_t len, int timeout_ms, void *unused_context);
extern ssize_t timed_write(int fd, const void *buf, size_t len, int timeout_ms,
                           void *unused_context);
extern int set_nonblock(int fd, int on);
extern int set_cloexec(int fd, int on);

#endif
