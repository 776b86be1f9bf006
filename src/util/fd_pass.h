/*
 * fd_pass.h - hand an open descriptor to another process over a UNIX-domain socket
 *
 * fd_pass_send() sends one descriptor (SCM_RIGHTS) with one byte of data;
 * fd_pass_recv() receives it, waiting at most timeout_ms milliseconds.
 * Both return -1 with errno set on failure; nothing here is fatal.
 */
#ifndef FD_PASS_H
#define FD_PASS_H

extern int fd_pass_send(int sock, int fd);
extern int fd_pass_recv(int sock, int timeout_ms);

#endif
