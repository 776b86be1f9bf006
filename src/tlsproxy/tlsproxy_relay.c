/*++
 * NAME
 *	tlsproxy_relay - plaintext to and from a TLS session
 * SYNOPSIS
 *	#include "tlsproxy.h"
 *
 *	int	tlsproxy_relay(TLS_SESS_STATE *tls, int plain_fd,
 *				int peer_fd, int idle_ms, int io_ms);
 *	const char *tlsproxy_relay_str(int status);
 * DESCRIPTION
 *	tlsproxy_relay() moves data both ways after the handshake: what the
 *	TLS session tls (on the socket peer_fd) delivers is written to
 *	plain_fd, and what arrives on plain_fd is sent through the session.
 *	It waits on both descriptors at once, never on the peer while the
 *	engine already holds its input, and returns when one side ends or
 *	fails, or when nothing moved for idle_ms milliseconds; each write
 *	must complete within io_ms (tlsproxy_watchdog_timeout). The result
 *	is one of TLSPROXY_RELAY_*: after TLSPROXY_RELAY_PLAIN_EOF and
 *	TLSPROXY_RELAY_TLS_EOF the session ended in order (close_notify).
 *
 *	tlsproxy_relay_str() names a result for log lines.
 * DIAGNOSTICS
 *	Returned only.
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

/* Utility library. */
#include "timed_io.h"

/* TLS library. */
#include "tls_bio.h"

/* Application-specific. */
#include "tlsproxy.h"

#define TLSPROXY_RELAY_BUFSIZE 16384 /* one TLS record of plaintext */

/* tlsproxy_relay_plain_write - all of buf to the user within io_ms */

static int tlsproxy_relay_plain_write(int fd, const char *buf, size_t len, int io_ms)
{
    int64_t deadline = monotonic_ms() + io_ms;

    while (len > 0) {
        int64_t left = deadline - monotonic_ms();
        ssize_t n;

        if (left <= 0)
            return -1;
        if ((n = timed_write(fd, buf, len, (int)left, NULL)) <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* tlsproxy_relay_from_peer - TLS input to the user: TLSPROXY_RELAY_* or -1 to go on */

static int tlsproxy_relay_from_peer(TLS_SESS_STATE *tls, int plain_fd, int io_ms)
{
    char buf[TLSPROXY_RELAY_BUFSIZE];

    for (;;) {
        size_t done = 0;
        int status = tls_bio_step(tls, TLS_BIO_OP_READ, buf, sizeof(buf), &done);

        if (status == TLS_BIO_DONE) {
            if (done > 0 && tlsproxy_relay_plain_write(plain_fd, buf, done, io_ms) < 0)
                return TLSPROXY_RELAY_PLAIN_FAIL;
            continue;
        }
        if (status == TLS_BIO_EOF)
            return TLSPROXY_RELAY_TLS_EOF;
        if (status == TLS_BIO_ERROR)
            return TLSPROXY_RELAY_TLS_FAIL;
        return -1;
    }
}

/* tlsproxy_relay_to_peer - user input into the TLS session: TLSPROXY_RELAY_* or -1 to go on */

static int tlsproxy_relay_to_peer(TLS_SESS_STATE *tls, int plain_fd, int io_ms)
{
    char buf[TLSPROXY_RELAY_BUFSIZE];
    ssize_t got;

    do
        got = read(plain_fd, buf, sizeof(buf));
    while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return -1;
    if (got == 0)
        return TLSPROXY_RELAY_PLAIN_EOF;
    if (got < 0)
        return TLSPROXY_RELAY_PLAIN_FAIL;
    if (tls_bio_write(tls, buf, (size_t)got, io_ms) != got)
        return TLSPROXY_RELAY_TLS_FAIL;
    return -1;
}

/* tlsproxy_relay - both ways until one side ends */

int tlsproxy_relay(TLS_SESS_STATE *tls, int plain_fd, int peer_fd, int idle_ms, int io_ms)
{
    bool drained = false; /* the engine took all the input it could: wait on the socket */

    for (;;) {
        struct pollfd fds[2] = {{.fd = plain_fd, .events = POLLIN},
                                {.fd = peer_fd, .events = POLLIN}};
        bool pending = !drained && tls_bio_input_pending(tls);
        int ready, status;

        /* What the handshake or a read left behind (a final flight, a key update). */
        if (tls_bio_output_pending(tls) > 0 && tls_bio_flush(tls, io_ms) < 0)
            return TLSPROXY_RELAY_TLS_FAIL;
        do
            ready = poll(fds, 2, pending ? 0 : idle_ms);
        while (ready < 0 && errno == EINTR);
        if (ready < 0)
            return TLSPROXY_RELAY_PLAIN_FAIL;
        if (ready == 0 && !pending)
            return TLSPROXY_RELAY_IDLE;
        if (pending || fds[1].revents) {
            if ((status = tlsproxy_relay_from_peer(tls, plain_fd, io_ms)) >= 0)
                return status;
            drained = true;
        }
        if (fds[0].revents) {
            if ((status = tlsproxy_relay_to_peer(tls, plain_fd, io_ms)) >= 0)
                return status;
            /* Writing may have pulled peer input into the engine. */
            drained = false;
        }
    }
}

/* tlsproxy_relay_str - a relay result for log lines */

const char *tlsproxy_relay_str(int status)
{
    switch (status) {
    case TLSPROXY_RELAY_PLAIN_EOF:
        return "local end of session";
    case TLSPROXY_RELAY_TLS_EOF:
        return "remote end of session";
    case TLSPROXY_RELAY_IDLE:
        return "idle timeout";
    case TLSPROXY_RELAY_PLAIN_FAIL:
        return "plaintext stream error";
    default:
        return "ciphertext stream error";
    }
}
