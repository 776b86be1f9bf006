/*
 * vstream.h - buffered streams with pluggable I/O and per-operation deadlines
 *
 * One stream type for sockets, pipes, files and memory. The low-level read
 * and write functions can be swapped mid-connection, which is how TLS
 * slides under the SMTP code after STARTTLS.
 */
#ifndef VSTREAM_H
#define VSTREAM_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "vstring.h"

typedef struct VSTREAM VSTREAM;

/*
 * Low-level I/O: move at most len bytes within timeout_ms milliseconds
 * (negative: no limit). Return the count, 0 for end of file (read), or -1
 * with errno set (ETIMEDOUT for a timeout).
 */
typedef ssize_t (*VSTREAM_READ_FN)(int fd, void *buf, size_t len, int timeout_ms, void *context);
typedef ssize_t (*VSTREAM_WRITE_FN)(int fd, const void *buf, size_t len, int timeout_ms,
                                    void *context);

#define VSTREAM_EOF (-1)

/* Open flags. */
#define VSTREAM_FLAG_READ    (1 << 0) /* buffer input */
#define VSTREAM_FLAG_WRITE   (1 << 1) /* buffer output */
#define VSTREAM_FLAG_RW      (VSTREAM_FLAG_READ | VSTREAM_FLAG_WRITE)
#define VSTREAM_FLAG_NOCLOSE (1 << 2) /* vstream_close() leaves the descriptor open */

/* What vstream_purge() discards. */
#define VSTREAM_PURGE_READ  (1 << 0)
#define VSTREAM_PURGE_WRITE (1 << 1)
#define VSTREAM_PURGE_BOTH  (VSTREAM_PURGE_READ | VSTREAM_PURGE_WRITE)

extern VSTREAM *vstream_fdopen(int fd, int flags);
extern VSTREAM *vstream_memopen(VSTRING *data, int flags);
extern int vstream_close(VSTREAM *stream);

extern void vstream_set_timeout(VSTREAM *stream, int seconds);
extern void vstream_set_timeout_ms(VSTREAM *stream, int timeout_ms);
extern int vstream_timeout_ms(const VSTREAM *stream);
extern void vstream_set_io(VSTREAM *stream, VSTREAM_READ_FN read_fn, VSTREAM_WRITE_FN write_fn,
                           void *context);
extern void *vstream_context(const VSTREAM *stream);
extern int vstream_fileno(const VSTREAM *stream);
extern void vstream_set_fileno(VSTREAM *stream, int fd);

extern int vstream_getc(VSTREAM *stream);
extern int vstream_ungetc(VSTREAM *stream, int ch);
extern int vstream_gets(VSTREAM *stream, VSTRING *buf, size_t limit);
extern ssize_t vstream_read(VSTREAM *stream, void *buf, size_t len);
extern size_t vstream_peek(const VSTREAM *stream);
extern const char *vstream_peek_data(const VSTREAM *stream);
extern int vstream_fill(VSTREAM *stream);

extern ssize_t vstream_write(VSTREAM *stream, const void *buf, size_t len);
extern int vstream_putc(VSTREAM *stream, int ch);
extern int vstream_puts(VSTREAM *stream, const char *str);
extern int vstream_printf(VSTREAM *stream, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern int vstream_vprintf(VSTREAM *stream, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
extern int vstream_fflush(VSTREAM *stream);
extern size_t vstream_pending_output(const VSTREAM *stream);
extern void vstream_purge(VSTREAM *stream, int which);

extern int vstream_ferror(const VSTREAM *stream);
extern int vstream_feof(const VSTREAM *stream);
extern int vstream_ftimeout(const VSTREAM *stream);
extern void vstream_clearerr(VSTREAM *stream);

#endif
