/*
 * tls_prng.h - entropy sources and the PRNG exchange file (for tlsmgr)
 *
 * tls_random_source names where tlsmgr(8) gets fresh entropy for
 * OpenSSL's generator: "dev:/dev/urandom" (a device, read each time),
 * "egd:/path" (an EGD entropy daemon's socket) or a path (a regular file,
 * read once). tls_random_exchange_name is a 1024-byte file of generator
 * state that survives restarts: each update locks it, mixes its old
 * content into the generator and writes fresh output back.
 */
#ifndef TLS_PRNG_H
#define TLS_PRNG_H

#include <stddef.h>
#include <sys/types.h>

#include "vstring.h"

/* Entropy sources (tls_prng_src.c). */
typedef struct TLS_PRNG_SRC TLS_PRNG_SRC;

#define TLS_PRNG_SRC_DEV  1 /* dev:/path, a device */
#define TLS_PRNG_SRC_EGD  2 /* egd:/path, an EGD socket */
#define TLS_PRNG_SRC_FILE 3 /* a regular file, read once */

#define TLS_PRNG_SRC_MAX 255 /* most bytes one read asks for */

extern TLS_PRNG_SRC *tls_prng_src_open(const char *spec, int timeout, VSTRING *why);
extern ssize_t tls_prng_src_read(TLS_PRNG_SRC *src, size_t len, VSTRING *why);
extern int tls_prng_src_type(const TLS_PRNG_SRC *src);
extern const char *tls_prng_src_name(const TLS_PRNG_SRC *src);
extern TLS_PRNG_SRC *tls_prng_src_close(TLS_PRNG_SRC *src);

/* The exchange file (tls_prng_exch.c). */
typedef struct TLS_PRNG_EXCH TLS_PRNG_EXCH;

#define TLS_PRNG_EXCH_SIZE 1024 /* bytes of state in the file */

extern TLS_PRNG_EXCH *tls_prng_exch_open(const char *path, VSTRING *why);
extern int tls_prng_exch_update(TLS_PRNG_EXCH *exch, VSTRING *why);
extern int tls_prng_exch_removed(const TLS_PRNG_EXCH *exch);
extern const char *tls_prng_exch_name(const TLS_PRNG_EXCH *exch);
extern TLS_PRNG_EXCH *tls_prng_exch_close(TLS_PRNG_EXCH *exch);

#endif
