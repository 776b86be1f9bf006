/*++
 * NAME
 *	tls_prng_src - read entropy from a device, an EGD socket or a file
 * SYNOPSIS
 *	#include <tls_prng.h>
 *
 *	TLS_PRNG_SRC *tls_prng_src_open(const char *spec, int timeout,
 *				VSTRING *why);
 *	ssize_t	tls_prng_src_read(TLS_PRNG_SRC *src, size_t len,
 *				VSTRING *why);
 *	int	tls_prng_src_type(const TLS_PRNG_SRC *src);
 *	const char *tls_prng_src_name(const TLS_PRNG_SRC *src);
 *	TLS_PRNG_SRC *tls_prng_src_close(TLS_PRNG_SRC *src);
 * DESCRIPTION
 *	tls_prng_src_open() opens the entropy source that spec (the value
 *	of tls_random_source) names: "dev:path" a device, "egd:path" the
 *	UNIX-domain socket of an EGD entropy daemon, anything else a
 *	regular file. timeout (seconds, > 0) bounds each later read. It
 *	returns NULL with a reason in why when the source cannot be opened.
 *	tlsmgr(8) opens the source before it drops privileges.
 *
 *	tls_prng_src_read() reads at most len bytes (at most
 *	TLS_PRNG_SRC_MAX) and feeds them to OpenSSL's generator with
 *	RAND_seed(). It returns the number of bytes read (0 at the end of a
 *	file), or -1 with a reason in why. An EGD daemon is asked with its
 *	non-blocking "read entropy" command (0x01) and may give fewer bytes.
 *
 *	tls_prng_src_type() returns TLS_PRNG_SRC_DEV, _EGD or _FILE;
 *	tls_prng_src_name() the path, for messages.
 *
 *	tls_prng_src_close() closes the source and returns NULL.
 * DIAGNOSTICS
 *	Returned: a reason that names the source.
 * SEE ALSO
 *	tls_prng_exch(3), tlsmgr(8)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* OpenSSL. */
#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"

/* TLS library. */
#include "tls_prng.h"

#define TLS_PRNG_EGD_READ 0x01 /* EGD: read entropy, do not block */

struct TLS_PRNG_SRC {
    int type;    /* TLS_PRNG_SRC_* */
    int fd;      /* open descriptor */
    char *name;  /* path, owned */
    int timeout; /* seconds per read */
};

/* tls_prng_src_fill - read exactly len bytes, or fail */

static ssize_t tls_prng_src_fill(TLS_PRNG_SRC *src, unsigned char *buf, size_t len,
                                 int64_t deadline)
{
    size_t got = 0;

    while (got < len) {
        int64_t left = deadline - monotonic_ms();
        ssize_t n;

        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if ((n = timed_read(src->fd, buf + got, len - got, (int)left, NULL)) < 0)
            return -1;
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

/* tls_prng_src_egd - one EGD exchange: ask for len bytes, get a count and the bytes */

static ssize_t tls_prng_src_egd(TLS_PRNG_SRC *src, unsigned char *buf, size_t len, VSTRING *why)
{
    unsigned char request[2] = {TLS_PRNG_EGD_READ, (unsigned char)len};
    int64_t deadline = monotonic_ms() + src->timeout * 1000LL;
    unsigned char count;
    ssize_t n;

    if (timed_write(src->fd, request, sizeof(request), src->timeout * 1000, NULL) !=
        (ssize_t)sizeof(request)) {
        vstring_sprintf(why, "write to EGD socket %s: %m", src->name);
        return -1;
    }
    if ((n = tls_prng_src_fill(src, &count, 1, deadline)) != 1) {
        vstring_sprintf(why, "read from EGD socket %s: %s", src->name,
                        n == 0 ? "unexpected end of input" : strerror(errno));
        return -1;
    }
    if (count > len) {
        vstring_sprintf(why, "EGD socket %s: %u bytes offered where %zu were asked for", src->name,
                        count, len);
        return -1;
    }
    if ((n = tls_prng_src_fill(src, buf, count, deadline)) != count) {
        vstring_sprintf(why, "read from EGD socket %s: %s", src->name,
                        n < 0 ? strerror(errno) : "unexpected end of input");
        return -1;
    }
    return n;
}

/* tls_prng_src_open - open a source by its tls_random_source value */

TLS_PRNG_SRC *tls_prng_src_open(const char *spec, int timeout, VSTRING *why)
{
    TLS_PRNG_SRC *src;
    const char *path = spec;
    int type = TLS_PRNG_SRC_FILE, fd;

    if (strncmp(spec, "dev:", 4) == 0) {
        type = TLS_PRNG_SRC_DEV;
        path = spec + 4;
    } else if (strncmp(spec, "egd:", 4) == 0) {
        type = TLS_PRNG_SRC_EGD;
        path = spec + 4;
    }
    if (*path == 0) {
        vstring_sprintf(why, "empty entropy source name in \"%s\"", spec);
        return NULL;
    }
    if (type == TLS_PRNG_SRC_EGD) {
        fd = unix_connect(path, timeout * 1000, why);
    } else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
        vstring_sprintf(why, "open %s: %m", path);
    }
    if (fd < 0)
        return NULL;
    src = mymalloc(sizeof(*src));
    src->type = type;
    src->fd = fd;
    src->name = mystrdup(path);
    src->timeout = timeout > 0 ? timeout : 1;
    return src;
}

/* tls_prng_src_read - read some entropy into OpenSSL's generator */

ssize_t tls_prng_src_read(TLS_PRNG_SRC *src, size_t len, VSTRING *why)
{
    unsigned char buf[TLS_PRNG_SRC_MAX];
    ssize_t n;

    if (len > sizeof(buf))
        len = sizeof(buf);
    if (src->type == TLS_PRNG_SRC_EGD) {
        n = tls_prng_src_egd(src, buf, len, why);
    } else if ((n = tls_prng_src_fill(src, buf, len, monotonic_ms() + src->timeout * 1000LL)) < 0) {
        vstring_sprintf(why, "read %s: %m", src->name);
    }
    if (n > 0)
        RAND_seed(buf, (int)n);
    OPENSSL_cleanse(buf, sizeof(buf));
    return n;
}

/* tls_prng_src_type - what kind of source */

int tls_prng_src_type(const TLS_PRNG_SRC *src)
{
    return src->type;
}

/* tls_prng_src_name - the path, for messages */

const char *tls_prng_src_name(const TLS_PRNG_SRC *src)
{
    return src->name;
}

/* tls_prng_src_close - close a source */

TLS_PRNG_SRC *tls_prng_src_close(TLS_PRNG_SRC *src)
{
    if (src) {
        if (close(src->fd) < 0)
            msg_warn("close entropy source %s: %m", src->name);
        myfree(src->name);
        myfree(src);
    }
    return NULL;
}
