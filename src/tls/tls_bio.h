/*
 * tls_bio.h - the TLS engine: an SSL object on a BIO pair, pumped to a
 * transport
 *
 * The SSL object reads and writes only an in-memory BIO pair. The engine
 * moves ciphertext between the network half of the pair and a transport
 * (tls_transport.h). tls_bio_step() makes as much progress as possible
 * without blocking and says what it waits for, so two engines can run
 * against each other in memory; the tls_bio_handshake/read/write/flush/
 * shutdown() functions loop over it and wait on the transport with one
 * deadline per operation.
 *
 * Output policy: ciphertext that a completed handshake leaves behind (the
 * server's TLS 1.3 NewSessionTicket, the client's last flight) is not sent
 * at once. It goes out with the next write, in the same send call as the
 * reply, or before any wait for input: the engine never waits for the
 * peer while it holds bytes the peer may need.
 */
#ifndef TLS_BIO_H
#define TLS_BIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tls.h"
#include "tls_transport.h"

/* Operations for tls_bio_step(). */
#define TLS_BIO_OP_HANDSHAKE 1
#define TLS_BIO_OP_READ      2
#define TLS_BIO_OP_WRITE     3
#define TLS_BIO_OP_FLUSH     4
#define TLS_BIO_OP_SHUTDOWN  5

/* tls_bio_step() results: DONE, EOF, ERROR, or WANT_* bits (both may be set). */
#define TLS_BIO_DONE       0
#define TLS_BIO_WANT_READ  (1 << 0)
#define TLS_BIO_WANT_WRITE (1 << 1)
#define TLS_BIO_EOF        (1 << 2)
#define TLS_BIO_ERROR      (-1)

extern int tls_bio_attach(TLS_SESS_STATE *state, const TLS_TRANSPORT *transport);
extern int tls_bio_step(TLS_SESS_STATE *state, int op, void *buf, size_t len, size_t *out_done);
extern int tls_bio_handshake(TLS_SESS_STATE *state, int timeout_ms);
extern ssize_t tls_bio_read(TLS_SESS_STATE *state, void *buf, size_t len, int timeout_ms);
extern ssize_t tls_bio_write(TLS_SESS_STATE *state, const void *buf, size_t len, int timeout_ms);
extern int tls_bio_flush(TLS_SESS_STATE *state, int timeout_ms);
extern int tls_bio_shutdown(TLS_SESS_STATE *state, int timeout_ms, bool fast);
extern bool tls_bio_input_pending(TLS_SESS_STATE *state);
extern size_t tls_bio_output_pending(TLS_SESS_STATE *state);
extern void tls_bio_free(TLS_SESS_STATE *state);

#endif
