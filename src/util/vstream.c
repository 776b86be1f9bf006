/*++
 * NAME
 *	vstream - buffered streams with pluggable I/O and per-operation deadlines
 * SYNOPSIS
 *	#include <vstream.h>
 *
 *	VSTREAM	*vstream_fdopen(int fd, int flags);
 *	VSTREAM	*vstream_memopen(VSTRING *data, int flags);
 *	int	vstream_close(VSTREAM *stream);
 *
 *	void	vstream_set_timeout(VSTREAM *stream, int seconds);
 *	void	vstream_set_timeout_ms(VSTREAM *stream, int timeout_ms);
 *	int	vstream_timeout_ms(const VSTREAM *stream);
 *	void	vstream_set_io(VSTREAM *stream, VSTREAM_READ_FN read_fn,
 *				VSTREAM_WRITE_FN write_fn, void *context);
 *	void	*vstream_context(const VSTREAM *stream);
 *	int	vstream_fileno(const VSTREAM *stream);
 *	void	vstream_set_fileno(VSTREAM *stream, int fd);
 *
 *	int	vstream_getc(VSTREAM *stream);
 *	int	vstream_ungetc(VSTREAM *stream, int ch);
 *	int	vstream_gets(VSTREAM *stream, VSTRING *buf, size_t limit);
 *	ssize_t	vstream_read(VSTREAM *stream, void *buf, size_t len);
 *	size_t	vstream_peek(const VSTREAM *stream);
 *	const char *vstream_peek_data(const VSTREAM *stream);
 *	int	vstream_fill(VSTREAM *stream);
 *
 *	ssize_t	vstream_write(VSTREAM *stream, const void *buf, size_t len);
 *	int	vstream_putc(VSTREAM *stream, int ch);
 *	int	vstream_puts(VSTREAM *stream, const char *str);
 *	int	vstream_printf(VSTREAM *stream, const char *fmt, ...);
 *	int	vstream_vprintf(VSTREAM *stream, const char *fmt, va_list ap);
 *	int	vstream_fflush(VSTREAM *stream);
 *	size_t	vstream_pending_output(const VSTREAM *stream);
 *	void	vstream_purge(VSTREAM *stream, int which);
 *
 *	int	vstream_ferror(const VSTREAM *stream);
 *	int	vstream_feof(const VSTREAM *stream);
 *	int	vstream_ftimeout(const VSTREAM *stream);
 *	void	vstream_clearerr(VSTREAM *stream);
 * DESCRIPTION
 *	vstream_fdopen() buffers a descriptor for reading, writing or both
 *	(VSTREAM_FLAG_READ, _WRITE, _RW). The stream owns the descriptor
 *	unless VSTREAM_FLAG_NOCLOSE is given. vstream_memopen() reads from,
 *	or appends to, a VSTRING that the caller keeps owning.
 *	vstream_close() flushes, closes and frees; it returns 0, or -1 when
 *	the stream had an error or the final flush failed.
 *
 *	Deadlines: each operation (one vstream_gets(), vstream_read(),
 *	vstream_fill() or vstream_fflush() call, or a write that must flush)
 *	gets the stream's whole timeout, shared by all the low-level calls it
 *	makes, so a peer that trickles one byte at a time cannot stretch it.
 *	The default is no timeout. On expiry the operation fails and
 *	vstream_ftimeout() becomes true.
 *
 *	vstream_set_io() replaces the low-level read and write functions and
 *	their context (NULL restores plain timed descriptor I/O); buffered
 *	data is kept, so call vstream_purge() first where plaintext must not
 *	cross into the new layer. vstream_set_fileno() swaps the descriptor.
 *
 *	vstream_getc() returns the next byte or VSTREAM_EOF. vstream_ungetc()
 *	pushes one byte back, so that the next read returns it first, and
 *	returns that byte. One push-back after any read that returned data
 *	always succeeds, also when that read went on to meet the end of
 *	input, an error or a timeout: the stream keeps its place in the
 *	buffer when a refill brings nothing. Pushing back before anything
 *	was read (or after vstream_purge()) is a panic.
 *
 *	vstream_gets() replaces buf with the next line, including its newline,
 *	reading at most limit bytes (0: no limit). It returns the last byte
 *	stored: '\n' for a complete line, something else when the limit or
 *	the end of input came first, and VSTREAM_EOF when nothing was read.
 *
 *	vstream_read() reads exactly len bytes unless the input ends first; it
 *	returns the count, or -1 when nothing could be read because of an
 *	error or timeout.
 *
 *	vstream_peek() tells how many input bytes are buffered and
 *	vstream_peek_data() where they are. vstream_fill() reads more input
 *	into an empty buffer and returns the number of bytes now buffered, 0
 *	at end of input and -1 on error or timeout.
 *
 *	The write functions buffer; vstream_fflush() writes the buffer out and
 *	returns 0 or -1. After an error, writes are discarded and every flush
 *	fails. vstream_pending_output() counts unflushed bytes.
 *
 *	vstream_purge() discards buffered input, output or both.
 *
 *	vstream_ferror(), vstream_feof() and vstream_ftimeout() report the
 *	stream state; vstream_clearerr() resets it.
 * DIAGNOSTICS
 *	Panic: reading a write-only stream or writing a read-only one;
 *	vstream_ungetc() with nothing read to push back into.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "timed_io.h"
#include "vstream.h"

#define VSTREAM_BUFSIZE 16384

/* State bits. */
#define VSTREAM_STATE_EOF     (1 << 0)
#define VSTREAM_STATE_ERR     (1 << 1)
#define VSTREAM_STATE_TIMEOUT (1 << 2)

struct VSTREAM {
    int fd;                    /* descriptor, or -1 for memory */
    int flags;                 /* VSTREAM_FLAG_* */
    int state;                 /* VSTREAM_STATE_* */
    int timeout_ms;            /* per operation; negative: none */
    int64_t deadline;          /* of the operation in progress */
    VSTREAM_READ_FN read_fn;   /* low-level read */
    VSTREAM_WRITE_FN write_fn; /* low-level write */
    void *context;             /* for read_fn and write_fn */
    char *rbuf;                /* input buffer, owned */
    size_t rpos;               /* next unread byte */
    size_t rend;               /* end of buffered input */
    char *wbuf;                /* output buffer, owned */
    size_t wlen;               /* bytes waiting in wbuf */
    struct vstream_mem *mem;   /* memory stream state, owned */
};

/* Memory streams read from, or append to, a caller's VSTRING. */
struct vstream_mem {
    VSTRING *data; /* not owned */
    size_t offset; /* next byte to read */
};

/* vstream_mem_read - low-level read from a VSTRING */

static ssize_t vstream_mem_read(int unused_fd, void *buf, size_t len, int unused_timeout,
                                void *context)
{
    struct vstream_mem *mem = context;
    size_t left = VSTRING_LEN(mem->data) - mem->offset;

    if (len > left)
        len = left;
    memcpy(buf, vstring_str(mem->data) + mem->offset, len);
    mem->offset += len;
    return len;
}

/* vstream_mem_write - low-level append to a VSTRING */

static ssize_t vstream_mem_write(int unused_fd, const void *buf, size_t len, int unused_timeout,
                                 void *context)
{
    struct vstream_mem *mem = context;

    vstring_memcat(mem->data, buf, len);
    return len;
}

/* vstream_alloc - common part of the open functions */

static VSTREAM *vstream_alloc(int fd, int flags)
{
    VSTREAM *stream = mycalloc(1, sizeof(*stream));

    if ((flags & VSTREAM_FLAG_RW) == 0)
        msg_panic("%s: neither read nor write", __func__);
    stream->fd = fd;
    stream->flags = flags;
    stream->timeout_ms = -1;
    stream->read_fn = timed_read;
    stream->write_fn = timed_write;
    if (flags & VSTREAM_FLAG_READ)
        stream->rbuf = mymalloc(VSTREAM_BUFSIZE);
    if (flags & VSTREAM_FLAG_WRITE)
        stream->wbuf = mymalloc(VSTREAM_BUFSIZE);
    return stream;
}

/* vstream_fdopen - buffer a descriptor */

VSTREAM *vstream_fdopen(int fd, int flags)
{
    if (fd < 0)
        msg_panic("%s: bad descriptor %d", __func__, fd);
    return vstream_alloc(fd, flags);
}

/* vstream_memopen - buffer a VSTRING */

VSTREAM *vstream_memopen(VSTRING *data, int flags)
{
    VSTREAM *stream = vstream_alloc(-1, flags | VSTREAM_FLAG_NOCLOSE);

    stream->mem = mymalloc(sizeof(*stream->mem));
    stream->mem->data = data;
    stream->mem->offset = 0;
    vstream_set_io(stream, NULL, NULL, NULL);
    return stream;
}

/* vstream_close - flush, close and free */

int vstream_close(VSTREAM *stream)
{
    int status = 0;

    if ((stream->flags & VSTREAM_FLAG_WRITE) && vstream_fflush(stream) < 0)
        status = -1;
    if (stream->state & (VSTREAM_STATE_ERR | VSTREAM_STATE_TIMEOUT))
        status = -1;
    if (!(stream->flags & VSTREAM_FLAG_NOCLOSE) && close(stream->fd) < 0)
        status = -1;
    myfree(stream->rbuf);
    myfree(stream->wbuf);
    myfree(stream->mem);
    myfree(stream);
    return status;
}

/* vstream_set_timeout - per-operation limit in seconds (0 or less: none) */

void vstream_set_timeout(VSTREAM *stream, int seconds)
{
    stream->timeout_ms = seconds > 0 ? seconds * 1000 : -1;
}

/* vstream_set_timeout_ms - per-operation limit in milliseconds (negative: none) */

void vstream_set_timeout_ms(VSTREAM *stream, int timeout_ms)
{
    stream->timeout_ms = timeout_ms;
}

/* vstream_timeout_ms - the per-operation limit */

int vstream_timeout_ms(const VSTREAM *stream)
{
    return stream->timeout_ms;
}

/* vstream_set_io - replace the low-level I/O functions */

void vstream_set_io(VSTREAM *stream, VSTREAM_READ_FN read_fn, VSTREAM_WRITE_FN write_fn,
                    void *context)
{
    if (read_fn == NULL && write_fn == NULL && stream->mem) {
        stream->read_fn = vstream_mem_read;
        stream->write_fn = vstream_mem_write;
        stream->context = stream->mem;
        return;
    }
    stream->read_fn = read_fn ? read_fn : timed_read;
    stream->write_fn = write_fn ? write_fn : timed_write;
    stream->context = context;
}

/* vstream_context - the low-level I/O context */

void *vstream_context(const VSTREAM *stream)
{
    return stream->context;
}

/* vstream_fileno - the descriptor */

int vstream_fileno(const VSTREAM *stream)
{
    return stream->fd;
}

/* vstream_set_fileno - swap the descriptor */

void vstream_set_fileno(VSTREAM *stream, int fd)
{
    stream->fd = fd;
}

/* vstream_start_op - start the deadline of one operation */

static void vstream_start_op(VSTREAM *stream)
{
    if (stream->timeout_ms >= 0)
        stream->deadline = monotonic_ms() + stream->timeout_ms;
}

/* vstream_time_left - milliseconds left in the operation, or -1 for no limit */

static int vstream_time_left(VSTREAM *stream)
{
    int64_t left;

    if (stream->timeout_ms < 0)
        return -1;
    left = stream->deadline - monotonic_ms();
    return left < 0 ? 0 : (int)left;
}

/* vstream_io_failed - record why a low-level call failed */

static void vstream_io_failed(VSTREAM *stream)
{
    stream->state |= errno == ETIMEDOUT ? VSTREAM_STATE_TIMEOUT : VSTREAM_STATE_ERR;
}

/*
 * vstream_buffer_input - read into the empty input buffer, within the deadline
 *
 * The read position moves to the start only when new bytes arrived. When
 * the input ends, fails or times out instead, rpos still counts the bytes
 * of the last buffer, so vstream_ungetc() of the byte just read has its
 * slot (whatever the failed read left in the buffer: the slot is written).
 */

static ssize_t vstream_buffer_input(VSTREAM *stream)
{
    ssize_t n;

    if (!(stream->flags & VSTREAM_FLAG_READ))
        msg_panic("%s: stream is not open for reading", __func__);
    if (stream->state & (VSTREAM_STATE_EOF | VSTREAM_STATE_ERR | VSTREAM_STATE_TIMEOUT))
        return stream->state & VSTREAM_STATE_EOF ? 0 : -1;
    n = stream->read_fn(stream->fd, stream->rbuf, VSTREAM_BUFSIZE, vstream_time_left(stream),
                        stream->context);
    if (n < 0) {
        vstream_io_failed(stream);
        return -1;
    }
    if (n == 0) {
        stream->state |= VSTREAM_STATE_EOF;
        return 0;
    }
    stream->rpos = 0;
    stream->rend = n;
    return n;
}

/* vstream_fill - read more input into an empty buffer */

int vstream_fill(VSTREAM *stream)
{
    if (stream->rpos < stream->rend)
        return (int)(stream->rend - stream->rpos);
    vstream_start_op(stream);
    return (int)vstream_buffer_input(stream);
}

/* vstream_getc - next byte */

int vstream_getc(VSTREAM *stream)
{
    if (stream->rpos >= stream->rend) {
        vstream_start_op(stream);
        if (vstream_buffer_input(stream) <= 0)
            return VSTREAM_EOF;
    }
    return (unsigned char)stream->rbuf[stream->rpos++];
}

/* vstream_ungetc - push one byte back */

int vstream_ungetc(VSTREAM *stream, int ch)
{
    if (ch == VSTREAM_EOF || stream->rpos == 0)
        msg_panic("%s: nothing to push back into", __func__);
    stream->rbuf[--stream->rpos] = (char)ch;
    return ch;
}

/* vstream_gets - read one line up to a limit */

int vstream_gets(VSTREAM *stream, VSTRING *buf, size_t limit)
{
    VSTRING_RESET(buf);
    vstream_start_op(stream);
    for (;;) {
        size_t avail, take;
        const char *start, *nl;

        if (stream->rpos >= stream->rend && vstream_buffer_input(stream) <= 0)
            break;
        start = stream->rbuf + stream->rpos;
        avail = stream->rend - stream->rpos;
        take = avail;
        if (limit && take > limit - VSTRING_LEN(buf))
            take = limit - VSTRING_LEN(buf);
        if ((nl = memchr(start, '\n', take)) != NULL)
            take = nl - start + 1;
        vstring_memcat(buf, start, take);
        stream->rpos += take;
        if (nl || (limit && VSTRING_LEN(buf) >= limit))
            break;
    }
    if (VSTRING_LEN(buf) == 0)
        return VSTREAM_EOF;
    return (unsigned char)vstring_end(buf)[-1];
}

/* vstream_read - read exactly len bytes unless the input ends */

ssize_t vstream_read(VSTREAM *stream, void *buf, size_t len)
{
    size_t done = 0;

    vstream_start_op(stream);
    while (done < len) {
        size_t take;

        if (stream->rpos >= stream->rend && vstream_buffer_input(stream) <= 0)
            break;
        take = stream->rend - stream->rpos;
        if (take > len - done)
            take = len - done;
        memcpy((char *)buf + done, stream->rbuf + stream->rpos, take);
        stream->rpos += take;
        done += take;
    }
    if (done == 0 && len > 0 && (stream->state & (VSTREAM_STATE_ERR | VSTREAM_STATE_TIMEOUT)))
        return -1;
    return done;
}

/* vstream_peek - buffered input bytes */

size_t vstream_peek(const VSTREAM *stream)
{
    return stream->rend - stream->rpos;
}

/* vstream_peek_data - where the buffered input is */

const char *vstream_peek_data(const VSTREAM *stream)
{
    return stream->rbuf + stream->rpos;
}

/* vstream_write_out - write bytes with the low-level function, within the deadline */

static int vstream_write_out(VSTREAM *stream, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n =
            stream->write_fn(stream->fd, data, len, vstream_time_left(stream), stream->context);

        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            vstream_io_failed(stream);
            return -1;
        }
        data += n;
        len -= n;
    }
    return 0;
}

/* vstream_fflush - write out the buffer */

int vstream_fflush(VSTREAM *stream)
{
    int status;

    if (!(stream->flags & VSTREAM_FLAG_WRITE))
        msg_panic("%s: stream is not open for writing", __func__);
    if (stream->state & (VSTREAM_STATE_ERR | VSTREAM_STATE_TIMEOUT)) {
        stream->wlen = 0;
        return -1;
    }
    if (stream->wlen == 0)
        return 0;
    vstream_start_op(stream);
    status = vstream_write_out(stream, stream->wbuf, stream->wlen);
    stream->wlen = 0;
    return status;
}

/* vstream_write - buffer bytes, flushing as needed */

ssize_t vstream_write(VSTREAM *stream, const void *buf, size_t len)
{
    if (!(stream->flags & VSTREAM_FLAG_WRITE))
        msg_panic("%s: stream is not open for writing", __func__);
    if (stream->state & (VSTREAM_STATE_ERR | VSTREAM_STATE_TIMEOUT))
        return -1;
    if (stream->wlen + len > VSTREAM_BUFSIZE) {
        if (vstream_fflush(stream) < 0)
            return -1;
        if (len >= VSTREAM_BUFSIZE) { /* too big to buffer: write it now */
            vstream_start_op(stream);
            return vstream_write_out(stream, buf, len) < 0 ? -1 : (ssize_t)len;
        }
    }
    memcpy(stream->wbuf + stream->wlen, buf, len);
    stream->wlen += len;
    return len;
}

/* vstream_putc - buffer one byte */

int vstream_putc(VSTREAM *stream, int ch)
{
    char c = (char)ch;

    return vstream_write(stream, &c, 1) == 1 ? ch : VSTREAM_EOF;
}

/* vstream_puts - buffer a string */

int vstream_puts(VSTREAM *stream, const char *str)
{
    return vstream_write(stream, str, strlen(str)) < 0 ? VSTREAM_EOF : 0;
}

/* vstream_vprintf - buffer formatted text */

int vstream_vprintf(VSTREAM *stream, const char *fmt, va_list ap)
{
    char small[1024];
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        msg_panic("%s: bad format \"%s\"", __func__, fmt);
    if ((size_t)n < sizeof(small))
        return vstream_write(stream, small, n) < 0 ? VSTREAM_EOF : n;
    else {
        VSTRING *big = vstring_alloc(n);
        int status;

        vstring_vsprintf_append(big, fmt, ap);
        status = vstream_write(stream, vstring_str(big), VSTRING_LEN(big)) < 0 ? VSTREAM_EOF : n;
        vstring_free(big);
        return status;
    }
}

/* vstream_printf - buffer formatted text */

int vstream_printf(VSTREAM *stream, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vstream_vprintf(stream, fmt, ap);
    va_end(ap);
    return n;
}

/* vstream_pending_output - unflushed bytes */

size_t vstream_pending_output(const VSTREAM *stream)
{
    return stream->wlen;
}

/* vstream_purge - discard buffered data */

void vstream_purge(VSTREAM *stream, int which)
{
    if (which & VSTREAM_PURGE_READ)
        stream->rpos = stream->rend = 0;
    if (which & VSTREAM_PURGE_WRITE)
        stream->wlen = 0;
}

/* vstream_ferror - an I/O error happened */

int vstream_ferror(const VSTREAM *stream)
{
    return (stream->state & VSTREAM_STATE_ERR) != 0;
}

/* vstream_feof - the input ended */

int vstream_feof(const VSTREAM *stream)
{
    return (stream->state & VSTREAM_STATE_EOF) != 0;
}

/* vstream_ftimeout - an operation ran out of time */

int vstream_ftimeout(const VSTREAM *stream)
{
    return (stream->state & VSTREAM_STATE_TIMEOUT) != 0;
}

/* vstream_clearerr - reset the error, timeout and end-of-file state */

void vstream_clearerr(VSTREAM *stream)
{
    stream->state = 0;
}
