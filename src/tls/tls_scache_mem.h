/*
 * tls_scache_mem.h - an in-memory session cache and ticket key store
 *
 * Implements TLS_CACHE_OPS in one process, for tests and tools that run
 * without tlsmgr. Ticket keys rotate like tlsmgr's: a key encrypts for
 * half the timeout and decrypts for the whole timeout; two keys are kept.
 */
#ifndef TLS_SCACHE_MEM_H
#define TLS_SCACHE_MEM_H

#include <time.h>

#include "tls.h"

typedef struct TLS_SCACHE_MEM TLS_SCACHE_MEM;

extern TLS_SCACHE_MEM *tls_scache_mem_create(int timeout);
extern TLS_CACHE_OPS tls_scache_mem_ops(TLS_SCACHE_MEM *cache);
extern int tls_scache_mem_count(const TLS_SCACHE_MEM *cache);
extern void tls_scache_mem_set_time(TLS_SCACHE_MEM *cache, time_t now);
extern void tls_scache_mem_free(TLS_SCACHE_MEM *cache);

#endif
