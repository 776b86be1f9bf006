/*
 * sts_cache.h - the persistent MTA-STS policy cache
 *
 * One entry per policy domain in a lookup table that can update, delete
 * and walk (btree:, lmdb:, hash:): the TXT id that announced the policy,
 * when it was fetched, and the policy text as fetched. The table outlives
 * the process that owns it (mtasts(8)); entries are checked again when
 * read. See sts_cache.c.
 */
#ifndef STS_CACHE_H
#define STS_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "argv.h"
#include "vstring.h"
#include "sts_policy.h"

typedef struct STS_CACHE STS_CACHE;

/* One cached policy (sts_cache_get()); the caller owns it. */
typedef struct STS_CACHE_ENTRY {
    VSTRING *id;        /* TXT id of the policy */
    VSTRING *text;      /* the policy file as fetched */
    time_t fetched;     /* when it was fetched (or last confirmed) */
    STS_POLICY *policy; /* the text, parsed */
} STS_CACHE_ENTRY;

extern STS_CACHE *sts_cache_open(const char *dbname, VSTRING *why);
extern bool sts_cache_get(STS_CACHE *cache, const char *domain, time_t now,
                          STS_CACHE_ENTRY *out_entry);
extern bool sts_cache_put(STS_CACHE *cache, const char *domain, const char *id, const char *text,
                          time_t fetched);
extern bool sts_cache_delete(STS_CACHE *cache, const char *domain);
extern void sts_cache_domains(STS_CACHE *cache, ARGV *out_domains);
extern STS_CACHE *sts_cache_close(STS_CACHE *cache);
extern void sts_cache_entry_init(STS_CACHE_ENTRY *entry);
extern void sts_cache_entry_free(STS_CACHE_ENTRY *entry);
extern time_t sts_cache_expires(const STS_CACHE_ENTRY *entry);

#endif
