/*++
 * NAME
 *	postscreen_cache - the cache of passed tests
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	DICT	*psc_cache_open(const char *map);
 *	void	psc_cache_lookup(PSC_STATE *state);
 *	void	psc_cache_update(PSC_STATE *state);
 *	void	psc_cache_cleanup_start(void);
 * DESCRIPTION
 *	The cache (postscreen_cache_map, btree: by default) maps a client
 *	address to the expiry times of its passed tests, as decimal seconds
 *	"pregreet;dnsbl;pipelining;non_smtp_command;bare_newline" (0: not
 *	passed). Only one postscreen process may use a cache file: it
 *	holds an exclusive lock from open to exit. A memcache: cache may be
 *	shared by several postscreen processes (and hosts); its cleanup walks
 *	the memcache table's backup table. Without one the cache cannot be
 *	walked: there is no cleanup (with a warning, unless
 *	postscreen_cache_cleanup_interval is 0), and the memcached ttl ages
 *	the entries instead.
 *
 *	psc_cache_open() opens (and creates) the table, or returns NULL
 *	for an empty map name (no cache). A table that cannot be opened or
 *	locked is fatal.
 *
 *	psc_cache_lookup() fills state->stamp from the cache; a missing or
 *	malformed entry leaves every stamp 0.
 *
 *	psc_cache_update() records the tests that state passed in this
 *	session (expiry: now plus the test's TTL; the DNSBL TTL is the
 *	lowest TTL of the answers, within postscreen_dnsbl_min_ttl and
 *	postscreen_dnsbl_max_ttl), keeping the other stamps.
 *
 *	psc_cache_cleanup_start() sweeps the cache now and then every
 *	postscreen_cache_cleanup_interval (0: never; a table that cannot be
 *	walked: never, with a warning): an entry whose last
 *	stamp is older than postscreen_cache_retention_time is deleted.
 *	It logs "cache NAME full cleanup: retained=N dropped=N entries".
 * DIAGNOSTICS
 *	Fatal: the cache cannot be opened. Warnings: update errors.
 *--*/

/* System library. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "mail_params.h"

/* Application-specific. */
#include "postscreen.h"

/* psc_cache_open - open the cache table */

DICT *psc_cache_open(const char *map)
{
    DICT *dict;

    if (*map == 0)
        return NULL;
    dict = dict_open(map, O_RDWR | O_CREAT,
                     DICT_FLAG_DUP_REPLACE | DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE);
    if (!dict_open_ok(dict))
        msg_fatal("%s: %s", map, dict_reason(dict));
    if (dict->update == NULL || dict->delete == NULL)
        msg_fatal("%s = %s: table type %s cannot update and delete entries: use btree "
                  "or memcache",
                  VAR_POSTSCREEN_CACHE_MAP, map, dict->type);
    return dict;
}

/* psc_cache_parse - the stamps of a cache value; 0 when well-formed */

static int psc_cache_parse(const char *value, time_t *stamp)
{
    const char *cp = value;
    char *end;

    for (int i = 0; i < PSC_TEST_COUNT; i++) {
        if (*cp < '0' || *cp > '9')
            return -1;
        stamp[i] = (time_t)strtoll(cp, &end, 10);
        cp = end;
        if (i < PSC_TEST_COUNT - 1 && *cp++ != ';')
            return -1;
    }
    return *cp == 0 ? 0 : -1;
}

/* psc_cache_lookup - the stamps of a client */

void psc_cache_lookup(PSC_STATE *state)
{
    const char *value;
    time_t stamp[PSC_TEST_COUNT];

    if (psc.cache == NULL || (value = dict_get(psc.cache, state->client_addr)) == NULL)
        return;
    if (psc_cache_parse(value, stamp) == 0)
        for (int i = 0; i < PSC_TEST_COUNT; i++)
            state->stamp[i] = stamp[i];
}

/* psc_cache_ttl - how long a pass of a test is good */

static int psc_cache_ttl(const PSC_STATE *state, int test)
{
    int ttl;

    if (test != PSC_TEST_DNSBL)
        return psc.cfg.test_ttl[test];
    ttl = state->dnsbl_ttl > 0 ? state->dnsbl_ttl : psc.cfg.dnsbl_max_ttl;
    if (ttl < psc.cfg.dnsbl_min_ttl)
        ttl = psc.cfg.dnsbl_min_ttl;
    if (ttl > psc.cfg.dnsbl_max_ttl)
        ttl = psc.cfg.dnsbl_max_ttl;
    return ttl;
}

/* psc_cache_update - record the tests passed in this session */

void psc_cache_update(PSC_STATE *state)
{
    time_t now = time(NULL);
    char value[PSC_TEST_COUNT * 24];
    size_t len = 0;

    for (int i = 0; i < PSC_TEST_COUNT; i++)
        if (state->test[i] == PSC_PASS)
            state->stamp[i] = now + psc_cache_ttl(state, i);
    if (psc.cache == NULL)
        return;
    for (int i = 0; i < PSC_TEST_COUNT; i++)
        len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%" PRId64, i ? ";" : "",
                                (int64_t)state->stamp[i]);
    if (dict_put(psc.cache, state->client_addr, value) != DICT_STAT_SUCCESS)
        msg_warn("cache %s: update of %s failed: %s", psc.cfg.cache_map, state->client_addr,
                 dict_reason(psc.cache));
}

/* psc_cache_expired - may an entry go? */

static bool psc_cache_expired(const char *value, time_t now)
{
    time_t stamp[PSC_TEST_COUNT], last = 0;

    if (psc_cache_parse(value, stamp) < 0)
        return true;
    for (int i = 0; i < PSC_TEST_COUNT; i++)
        if (stamp[i] > last)
            last = stamp[i];
    return last + psc.cfg.cache_retention_time < now;
}

/* psc_cache_cleanup - one sweep */

static void psc_cache_cleanup(EVENT_LOOP *loop, void *unused_context)
{
    ARGV *expired = argv_alloc(10);
    const char *key, *value;
    time_t now = time(NULL);
    int retained = 0;
    int func = DICT_SEQ_FUN_FIRST;

    while (dict_seq(psc.cache, func, &key, &value) == DICT_STAT_SUCCESS) {
        func = DICT_SEQ_FUN_NEXT;
        if (psc_cache_expired(value, now))
            argv_add(expired, key);
        else
            retained++;
    }
    for (size_t i = 0; i < expired->argc; i++)
        if (dict_del(psc.cache, expired->argv[i]) == DICT_STAT_ERROR)
            msg_warn("cache %s: delete of %s failed: %s", psc.cfg.cache_map, expired->argv[i],
                     dict_reason(psc.cache));
    msg_info("cache %s full cleanup: retained=%d dropped=%zu entries", psc.cfg.cache_map, retained,
             expired->argc);
    argv_free(expired);
    if (psc.cfg.cache_cleanup_interval > 0)
        event_timer_add(loop, psc.cfg.cache_cleanup_interval * 1000, psc_cache_cleanup, NULL);
}

/* psc_cache_cleanup_start - sweep now and periodically */

void psc_cache_cleanup_start(void)
{
    if (psc.cache == NULL || psc.cfg.cache_cleanup_interval == 0)
        return;
    if (psc.cache->sequence == NULL) {
        msg_warn("cache %s cannot be walked (a memcache: table needs a backup table for that): "
                 "no cache cleanup; set %s = 0, and let the memcache ttl age the entries",
                 psc.cfg.cache_map, VAR_POSTSCREEN_CACHE_CLEANUP_INTERVAL);
        return;
    }
    psc_cache_cleanup(psc.loop, NULL);
}
