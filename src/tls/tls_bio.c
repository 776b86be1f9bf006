/*++
 * NAME
 *	tls_bio - the TLS engine: an SSL object on a BIO pair, pumped to a
 *	transport
 * SYNOPSIS
 *	#include <tls_bio.h>
 *
 *	int	tls_bio_attach(TLS_SESS_STATE *state,
 *				const TLS_TRANSPORT *transport);
 *	int	tls_bio_step(TLS_SESS_STATE *state, int op, void *buf,
 *				size_t len, size_t *out_done);
 *
 *	int	tls_bio_handshake(TLS_SESS_STATE *state, int timeout_ms);
 *	ssize_t	tls_bio_read(TLS_SESS_STATE *state, void *buf, size_t len,
 *				int timeout_ms);
 *	ssize_t	tls_bio_write(TLS_SESS_STATE *state, const void *buf,
 *				size_t len, int timeout_ms);
 *	int	tls_bio_flush(TLS_SESS_STATE *state, int timeout_ms);
 *	int	tls_bio_shutdown(TLS_SESS_STATE *state, int timeout_ms,
 *				bool fast);
 *	bool	tls_bio_input_pending(TLS_SESS_STATE *state);
 *	size_t	tls_bio_output_pending(TLS_SESS_STATE *state);
 *	void	tls_bio_free(TLS_SESS_STATE *state);
 * DESCRIPTION
 *	tls_bio_attach() connects state->ssl to a new BIO pair and the
 *	engine to the transport, which it takes over (its release function
 *	runs in tls_bio_free()). It returns 0 or -1.
 *
 *	tls_bio_step() runs one operation (TLS_BIO_OP_HANDSHAKE, _READ,
 *	_WRITE, _FLUSH, _SHUTDOWN) as far as it gets without blocking,
 *	moving ciphertext both ways. It returns TLS_BIO_DONE (for READ and
 *	WRITE with the byte count in *out_done, which may be NULL),
 *	TLS_BIO_EOF (READ: the peer ended the session), TLS_BIO_ERROR, or
 *	TLS_BIO_WANT_READ and/or TLS_BIO_WANT_WRITE: call again with the
 *	same arguments once the transport can move data. A WRITE that
 *	returns DONE may leave ciphertext behind; FLUSH pushes it out.
 *	SHUTDOWN sends close_notify and, unless the last tls_bio_shutdown()
 *	asked for a full shutdown, does not wait for the peer's.
 *
 *	tls_bio_handshake(), tls_bio_read(), tls_bio_write(), tls_bio_flush()
 *	and tls_bio_shutdown() loop over tls_bio_step() and wait on the
 *	transport, all within timeout_ms (negative: no limit) for the whole
 *	operation. tls_bio_read() returns the byte count, 0 at the end of the
 *	session, or -1; tls_bio_write() writes all of buf and flushes it,
 *	returning len or -1; the others return 0 or -1. On failure errno is
 *	ETIMEDOUT (time is up), EPIPE/ECONNRESET (the transport failed or
 *	ended), EPROTO (TLS protocol error; the OpenSSL error queue has the
 *	details), or EAGAIN (the transport cannot wait and the engine must
 *	be stepped again). tls_bio_shutdown() with fast set does not wait
 *	for the peer's close_notify.
 *
 *	tls_bio_input_pending() tells whether input is buffered in the
 *	engine (plaintext in the SSL object or ciphertext in the pair), so
 *	a caller never waits on the socket while data is already here.
 *	tls_bio_output_pending() counts ciphertext not yet sent.
 *
 *	tls_bio_free() releases the engine and the transport; the SSL
 *	object (which owns its half of the pair) is freed by the caller.
 * DIAGNOSTICS
 *	An end of input without close_notify is logged when the session
 *	logs summaries; it ends the session like a close_notify.
 *--*/

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "msg.h"
#include "mymalloc.h"
#include "timed_io.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_hello.h"
#include "tls_log.h"

/* Room in each direction of the BIO pair: more than one full TLS record. */
#define TLS_BIO_BUFSIZE (32 * 1024)

/* Bound on SSL calls in one step: each moves data, so only a bug reaches it. */
#define TLS_BIO_SPIN_LIMIT 1000000

struct TLS_ENGINE {
    BIO *net_bio;                         /* network half of the pair, owned */
    TLS_TRANSPORT transport;              /* ciphertext goes here */
    unsigned char stage[TLS_BIO_BUFSIZE]; /* ciphertext on its way out */
    size_t stage_len;                     /* bytes in stage */
    size_t stage_pos;                     /* bytes of stage already sent */
    bool input_eof;                       /* the transport input ended */
    bool failed;                          /* fatal error: no shutdown */
    bool eof_logged;                      /* the missing close_notify was logged */
    bool fast_shutdown;                   /* do not wait for the peer's close_notify */
    int error;                            /* errno of a transport failure */
};

/* tls_bio_info_cb - note close_notify from the peer, trace the handshake */

static void tls_bio_info_cb(const SSL *ssl, int where, int ret)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);

    if (state == NULL)
        return;
    if ((where & SSL_CB_READ_ALERT) && (ret & 0xff) == SSL_AD_CLOSE_NOTIFY)
        state->peer_close_notify = true;
    if (state->log_mask & TLS_LOG_DEBUG)
        tls_log_info(state, where, ret);
}

/* tls_bio_msg_cb - follow the hellos, dump protocol messages */

static void tls_bio_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *arg)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);

    if (state == NULL)
        return;
    tls_hello_note(state, ssl, write_p, content_type, buf, len);
    if (state->log_mask & TLS_LOG_TLSPKTS)
        tls_log_packet(write_p, version, content_type, buf, len, ssl, arg);
}

/* tls_bio_attach - put the SSL object on a BIO pair and the pair on a transport */

int tls_bio_attach(TLS_SESS_STATE *state, const TLS_TRANSPORT *transport)
{
    TLS_ENGINE *engine;
    BIO *ssl_bio, *net_bio;

    if (state->ssl == NULL || state->engine != NULL)
        msg_panic("%s: bad engine state", __func__);
    if (BIO_new_bio_pair(&ssl_bio, TLS_BIO_BUFSIZE, &net_bio, TLS_BIO_BUFSIZE) != 1) {
        tls_print_errors();
        return -1;
    }
    engine = mycalloc(1, sizeof(*engine));
    engine->net_bio = net_bio;
    engine->transport = *transport;
    engine->fast_shutdown = true;
    SSL_set_bio(state->ssl, ssl_bio, ssl_bio);
    SSL_set_app_data(state->ssl, state);
    SSL_set_info_callback(state->ssl, tls_bio_info_cb);
    SSL_set_msg_callback(state->ssl, tls_bio_msg_cb);
    state->engine = engine;
    return 0;
}

/* tls_bio_push - send staged and pending ciphertext: 1 all sent, 0 blocked, -1 error */

static int tls_bio_push(TLS_ENGINE *e)
{
    for (;;) {
        ssize_t n;

        if (e->stage_pos == e->stage_len) {
            int got;

            e->stage_pos = e->stage_len = 0;
            if (BIO_ctrl_pending(e->net_bio) == 0)
                return 1;
            /* Take everything pending, so that it leaves in one send. */
            if ((got = BIO_read(e->net_bio, e->stage, sizeof(e->stage))) <= 0)
                return 1;
            e->stage_len = got;
        }
        n = e->transport.send(e->transport.context, e->stage + e->stage_pos,
                              e->stage_len - e->stage_pos);
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n <= 0) {
            e->error = n < 0 ? errno : EPIPE;
            return -1;
        }
        e->stage_pos += n;
    }
}

/* tls_bio_pull - receive ciphertext into the pair: >0 bytes, 0 end, -1 nothing now, -2 error */

static int tls_bio_pull(TLS_ENGINE *e)
{
    char *ptr;
    int room;
    ssize_t n;

    if (e->input_eof)
        return 0;
    if ((room = BIO_nwrite0(e->net_bio, &ptr)) <= 0)
        return -1;
    n = e->transport.recv(e->transport.context, ptr, room);
    if (n > 0) {
        BIO_nwrite(e->net_bio, &ptr, (int)n);
        return (int)n;
    }
    if (n == 0) {
        e->input_eof = true;
        BIO_shutdown_wr(e->net_bio);
        return 0;
    }
    if (errno == EAGAIN)
        return -1;
    e->error = errno;
    return -2;
}

/* tls_bio_call - run the SSL side of an operation once */

static int tls_bio_call(TLS_SESS_STATE *state, int op, void *buf, size_t len, size_t *n)
{
    SSL *ssl = state->ssl;
    int ret;

    *n = 0;
    switch (op) {
    case TLS_BIO_OP_HANDSHAKE:
        return SSL_do_handshake(ssl);
    case TLS_BIO_OP_READ:
        return SSL_read_ex(ssl, buf, len, n);
    case TLS_BIO_OP_WRITE:
        return SSL_write_ex(ssl, buf, len, n);
    case TLS_BIO_OP_FLUSH:
        return 1;
    case TLS_BIO_OP_SHUTDOWN:
        if (state->engine->failed || !SSL_is_init_finished(ssl))
            return 1;
        ret = SSL_shutdown(ssl);
        if (ret == 0 && (state->engine->fast_shutdown || state->engine->input_eof))
            ret = 1;
        else if (ret == 0)
            ret = SSL_shutdown(ssl);
        return ret;
    default:
        msg_panic("%s: bad operation %d", __func__, op);
    }
}

/* tls_bio_want_read - the SSL object needs input: 1 retry, 0 report wants, -1 error */

static int tls_bio_want_read(TLS_ENGINE *e, int op, int *wants)
{
    int pushed = 1, pulled;

    /* A reader first looks for input, so a reply can carry pending output. */
    if (op != TLS_BIO_OP_READ && (pushed = tls_bio_push(e)) < 0)
        return -1;
    if ((pulled = tls_bio_pull(e)) >= 0)
        return 1;
    if (pulled == -2)
        return -1;
    if (op == TLS_BIO_OP_READ && (pushed = tls_bio_push(e)) < 0)
        return -1;
    *wants = TLS_BIO_WANT_READ | (pushed ? 0 : TLS_BIO_WANT_WRITE);
    return 0;
}

/* tls_bio_end - an end of input or a failure as a step result */

static int tls_bio_end(TLS_SESS_STATE *state, int op, int err)
{
    TLS_ENGINE *e = state->engine;

    if (e->input_eof && (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL)) {
        if (op == TLS_BIO_OP_READ || op == TLS_BIO_OP_SHUTDOWN)
            return op == TLS_BIO_OP_READ ? TLS_BIO_EOF : TLS_BIO_DONE;
        e->error = ECONNRESET;
    } else if (err == SSL_ERROR_ZERO_RETURN) {
        if (op == TLS_BIO_OP_READ || op == TLS_BIO_OP_SHUTDOWN)
            return op == TLS_BIO_OP_READ ? TLS_BIO_EOF : TLS_BIO_DONE;
        e->error = ECONNRESET;
    } else if (e->error == 0) {
        e->error = EPROTO;
    }
    e->failed = true;
    return TLS_BIO_ERROR;
}

/* tls_bio_step - make progress on one operation without blocking */

int tls_bio_step(TLS_SESS_STATE *state, int op, void *buf, size_t len, size_t *out_done)
{
    TLS_ENGINE *e = state->engine;
    size_t done = 0;

    if (out_done)
        *out_done = 0;
    if (e->failed)
        return TLS_BIO_ERROR;
    for (int spin = 0; spin < TLS_BIO_SPIN_LIMIT; spin++) {
        int ret, err, wants = 0, retry;

        /* Readers and writers push later, so that output leaves in one piece. */
        if (op != TLS_BIO_OP_READ && op != TLS_BIO_OP_WRITE && tls_bio_push(e) < 0)
            return tls_bio_end(state, op, SSL_ERROR_SYSCALL);
        ERR_clear_error();
        ret = tls_bio_call(state, op, buf, len, &done);
        err = ret == 1 ? SSL_ERROR_NONE : SSL_get_error(state->ssl, ret);
        switch (err) {
        case SSL_ERROR_NONE:
            if (out_done)
                *out_done = done;
            if (op == TLS_BIO_OP_WRITE || op == TLS_BIO_OP_FLUSH || op == TLS_BIO_OP_SHUTDOWN) {
                int pushed = tls_bio_push(e);

                if (pushed < 0)
                    return tls_bio_end(state, op, SSL_ERROR_SYSCALL);
                if (pushed == 0 && op != TLS_BIO_OP_WRITE)
                    return TLS_BIO_WANT_WRITE;
            }
            return TLS_BIO_DONE;
        case SSL_ERROR_WANT_WRITE:
            if ((retry = tls_bio_push(e)) < 0)
                return tls_bio_end(state, op, SSL_ERROR_SYSCALL);
            if (retry == 0)
                return TLS_BIO_WANT_WRITE;
            continue;
        case SSL_ERROR_WANT_READ:
            if ((retry = tls_bio_want_read(e, op, &wants)) < 0)
                return tls_bio_end(state, op, SSL_ERROR_SYSCALL);
            if (retry == 0)
                return wants;
            continue;
        default:
            return tls_bio_end(state, op, err);
        }
    }
    msg_warn("%s: TLS engine made no progress after %d attempts", state->namaddr,
             TLS_BIO_SPIN_LIMIT);
    e->failed = true;
    e->error = EPROTO;
    return TLS_BIO_ERROR;
}

/* tls_bio_run - step an operation, waiting on the transport until a deadline */

static int tls_bio_run(TLS_SESS_STATE *state, int op, void *buf, size_t len, int64_t deadline,
                       size_t *out_done)
{
    TLS_ENGINE *e = state->engine;

    for (;;) {
        int status = tls_bio_step(state, op, buf, len, out_done);
        int left, ready;

        if (status == TLS_BIO_DONE || status == TLS_BIO_EOF)
            return status;
        if (status == TLS_BIO_ERROR) {
            errno = e->error ? e->error : EPROTO;
            return status;
        }
        if (e->transport.wait == NULL) {
            errno = EAGAIN;
            return TLS_BIO_ERROR;
        }
        left = deadline < 0 ? -1 : (int)(deadline - monotonic_ms());
        if (deadline >= 0 && left <= 0) {
            errno = ETIMEDOUT;
            return TLS_BIO_ERROR;
        }
        ready = e->transport.wait(e->transport.context,
                                  ((status & TLS_BIO_WANT_READ) ? POLLIN : 0) |
                                      ((status & TLS_BIO_WANT_WRITE) ? POLLOUT : 0),
                                  left);
        if (ready <= 0) {
            if (ready == 0)
                errno = ETIMEDOUT;
            return TLS_BIO_ERROR;
        }
    }
}

/* tls_bio_deadline - absolute deadline for a relative limit, -1 for none */

static int64_t tls_bio_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
}

/* tls_bio_handshake - complete the handshake */

int tls_bio_handshake(TLS_SESS_STATE *state, int timeout_ms)
{
    int status =
        tls_bio_run(state, TLS_BIO_OP_HANDSHAKE, NULL, 0, tls_bio_deadline(timeout_ms), NULL);

    return status == TLS_BIO_DONE ? 0 : -1;
}

/* tls_bio_read - read plaintext */

ssize_t tls_bio_read(TLS_SESS_STATE *state, void *buf, size_t len, int timeout_ms)
{
    size_t done = 0;
    int status;

    status = tls_bio_run(state, TLS_BIO_OP_READ, buf, len, tls_bio_deadline(timeout_ms), &done);
    if (status == TLS_BIO_DONE)
        return (ssize_t)done;
    if (status == TLS_BIO_EOF) {
        if (!state->peer_close_notify && !state->engine->eof_logged &&
            (state->log_mask & TLS_LOG_SUMMARY)) {
            msg_info("%s: TLS peer closed the connection without close_notify", state->namaddr);
            state->engine->eof_logged = true;
        }
        state->peer_eof = true;
        return 0;
    }
    return -1;
}

/* tls_bio_write - write and flush plaintext */

ssize_t tls_bio_write(TLS_SESS_STATE *state, const void *buf, size_t len, int timeout_ms)
{
    int64_t deadline = tls_bio_deadline(timeout_ms);
    size_t done = 0;

    if (tls_bio_run(state, TLS_BIO_OP_WRITE, (void *)buf, len, deadline, &done) != TLS_BIO_DONE)
        return -1;
    if (tls_bio_run(state, TLS_BIO_OP_FLUSH, NULL, 0, deadline, NULL) != TLS_BIO_DONE)
        return -1;
    return (ssize_t)done;
}

/* tls_bio_flush - send pending ciphertext */

int tls_bio_flush(TLS_SESS_STATE *state, int timeout_ms)
{
    return tls_bio_run(state, TLS_BIO_OP_FLUSH, NULL, 0, tls_bio_deadline(timeout_ms), NULL) ==
                   TLS_BIO_DONE
               ? 0
               : -1;
}

/* tls_bio_shutdown - send close_notify, and maybe wait for the peer's */

int tls_bio_shutdown(TLS_SESS_STATE *state, int timeout_ms, bool fast)
{
    state->engine->fast_shutdown = fast;
    return tls_bio_run(state, TLS_BIO_OP_SHUTDOWN, NULL, 0, tls_bio_deadline(timeout_ms), NULL) ==
                   TLS_BIO_DONE
               ? 0
               : -1;
}

/* tls_bio_input_pending - is input already buffered */

bool tls_bio_input_pending(TLS_SESS_STATE *state)
{
    BIO *rbio = SSL_get_rbio(state->ssl);

    return SSL_has_pending(state->ssl) || (rbio && BIO_ctrl_pending(rbio) > 0);
}

/* tls_bio_output_pending - ciphertext not yet sent */

size_t tls_bio_output_pending(TLS_SESS_STATE *state)
{
    TLS_ENGINE *e = state->engine;

    return e ? (e->stage_len - e->stage_pos) + BIO_ctrl_pending(e->net_bio) : 0;
}

/* tls_bio_free - release the engine and its transport */

void tls_bio_free(TLS_SESS_STATE *state)
{
    TLS_ENGINE *e = state->engine;

    if (e == NULL)
        return;
    BIO_free(e->net_bio);
    if (e->transport.release)
        e->transport.release(e->transport.context);
    OPENSSL_cleanse(e->stage, sizeof(e->stage));
    myfree(e);
    state->engine = NULL;
}
