/*
 * tls_transport.h - where the TLS engine's ciphertext goes
 *
 * The engine (tls_bio.h) moves ciphertext between its BIO pair and a
 * transport. recv and send never block: they return -1 with errno EAGAIN
 * when they cannot move a byte now. wait blocks until the transport is
 * ready (POLLIN/POLLOUT) or the time is up; a transport without wait
 * (the in-memory pipe used by tests) makes the engine return WANT_READ or
 * WANT_WRITE to its caller instead of waiting.
 */
#ifndef TLS_TRANSPORT_H
#define TLS_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

typedef struct TLS_TRANSPORT {
    ssize_t (*recv)(void *context, void *buf, size_t len);       /* 0: end of input */
    ssize_t (*send)(void *context, const void *buf, size_t len); /* partial writes allowed */
    int (*wait)(void *context, int events, int timeout_ms);      /* 1 ready, 0 timeout, -1 error */
    void (*release)(void *context);                              /* at engine end, or NULL */
    void *context;                                               /* owned per release */
} TLS_TRANSPORT;

extern TLS_TRANSPORT tls_transport_socket(int fd);

/* In-memory duplex for tests: side 0 and side 1 are the two ends. */
typedef struct TLS_MEMPIPE TLS_MEMPIPE;

extern TLS_MEMPIPE *tls_mempipe_create(size_t capacity);
extern TLS_TRANSPORT tls_mempipe_end(TLS_MEMPIPE *pipe, int side);
extern void tls_mempipe_close(TLS_MEMPIPE *pipe, int side);
extern size_t tls_mempipe_queued(TLS_MEMPIPE *pipe, int from_side);
extern size_t tls_mempipe_sends(TLS_MEMPIPE *pipe, int from_side);
extern void tls_mempipe_free(TLS_MEMPIPE *pipe);

#endif
