/*++
 * NAME
 *	sts_discover - which MTA-STS policy is in force for a domain
 * SYNOPSIS
 *	#include <sts_discover.h>
 *
 *	int	sts_discover(STS_CACHE *cache, const STS_SOURCE *source,
 *				const char *domain, time_t now,
 *				STS_ANSWER *answer);
 *	void	sts_answer_init(STS_ANSWER *answer);
 *	void	sts_answer_free(STS_ANSWER *answer);
 * DESCRIPTION
 *	sts_discover() decides which policy of domain is in force at time
 *	now, with the cache (sts_cache(3)) and the source of TXT records and
 *	policies, and returns answer->status:
 *
 *	- The _mta-sts TXT record has an id, and the cached policy has the
 *	  same id and has used less than half of its max_age: the cached
 *	  policy, no fetch.
 *
 *	- The id is new, there is no cached policy, or half of its max_age
 *	  has passed (the proactive refresh of RFC 8461 section 3.3, so that
 *	  a policy in use never lapses while its host is reachable): the
 *	  policy is fetched. A valid one is cached with the id and returned.
 *	  When the fetch fails or the policy is invalid, the cached policy
 *	  (if any) stays in force, untouched (section 3.3); otherwise there
 *	  is no policy, and answer->failure is the RFC 8460 result type
 *	  (STS_RESULT_FETCH_ERROR, STS_RESULT_INVALID, STS_RESULT_WEBPKI: the
 *	  policy host's certificate failed PKIX validation) with the reason in
 *	  answer->why.
 *
 *	- No TXT record, a malformed one, or a failed lookup: the cached
 *	  policy until it expires (section 5.1: the record's absence does not
 *	  withdraw a policy), else no policy.
 *
 *	After a failed fetch while a cached policy stays in force, the
 *	policy is not fetched again for STS_DISCOVER_RETRY seconds (the
 *	cached one answers), so that a policy host that is down does not
 *	slow every delivery to its domain; this memory is per process.
 *
 *	A policy whose mode is "none" is cached and returned like the others
 *	(it withdraws an earlier one); the caller treats it as no policy.
 *	answer->source says whether the policy was fetched or cached.
 *
 *	sts_answer_init() allocates the strings of an answer;
 *	sts_answer_free() releases them.
 * DIAGNOSTICS
 *	Information: each fetch and its outcome ("fetched", "fetch failed",
 *	"invalid policy", or "certificate verification failed for
 *	mta-sts.DOMAIN" when the policy host's certificate failed PKIX
 *	validation or the name check), with the reason. Warnings: the same
 *	failures while a cached policy stays in force.
 * SEE ALSO
 *	RFC 8461, sts_cache(3), sts_fetch(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "sts_discover.h"
#include "sts_fetch.h"

#define STS_DISCOVER_RETRY     300   /* seconds between fetches that fail */
#define STS_DISCOVER_FAILS_MAX 10000 /* domains remembered at most */

/* Domain -> time of its last failed fetch (a mymalloc'd time_t) while a cached policy answered. */
static HTABLE *sts_discover_fails;

/* sts_discover_failed - remember a failed fetch, or forget it (now 0) */

static void sts_discover_failed(const char *domain, time_t now)
{
    time_t *when;

    if (sts_discover_fails == NULL)
        sts_discover_fails = htable_create(10);
    if (now == 0) {
        htable_delete(sts_discover_fails, domain, myfree);
        return;
    }
    if (htable_used(sts_discover_fails) >= STS_DISCOVER_FAILS_MAX) {
        htable_free(sts_discover_fails, myfree);
        sts_discover_fails = htable_create(10);
    }
    if ((when = htable_find(sts_discover_fails, domain)) == NULL) {
        when = mymalloc(sizeof(*when));
        htable_enter(sts_discover_fails, domain, when);
    }
    *when = now;
}

/* sts_discover_backoff - did a fetch fail a moment ago? */

static bool sts_discover_backoff(const char *domain, time_t now)
{
    time_t *when = sts_discover_fails ? htable_find(sts_discover_fails, domain) : NULL;

    return when != NULL && now >= *when && now - *when < STS_DISCOVER_RETRY;
}

/* sts_answer_init - an empty answer */

void sts_answer_init(STS_ANSWER *answer)
{
    *answer = (STS_ANSWER){
        .id = vstring_alloc(32), .text = vstring_alloc(200), .why = vstring_alloc(100)};
}

/* sts_answer_free - release an answer */

void sts_answer_free(STS_ANSWER *answer)
{
    vstring_free(answer->id);
    vstring_free(answer->text);
    vstring_free(answer->why);
    *answer = (STS_ANSWER){0};
}

/* sts_discover_cached - answer with the cached policy */

static int sts_discover_cached(const STS_CACHE_ENTRY *entry, STS_ANSWER *answer)
{
    vstring_strcpy(answer->id, vstring_str(entry->id));
    vstring_strcpy(answer->text, vstring_str(entry->text));
    answer->source = "cached";
    return answer->status = STS_ANSWER_POLICY;
}

/* sts_discover_result - the RFC 8460 result type of a failed fetch */

static const char *sts_discover_result(int failure)
{
    return failure == STS_FETCH_INVALID  ? STS_RESULT_INVALID
           : failure == STS_FETCH_WEBPKI ? STS_RESULT_WEBPKI
                                         : STS_RESULT_FETCH_ERROR;
}

/* sts_discover_what - the failure of a fetch, for the log */

static const char *sts_discover_what(VSTRING *buf, const char *domain, int failure)
{
    if (failure == STS_FETCH_INVALID)
        return vstring_str(vstring_strcpy(buf, "invalid policy"));
    if (failure == STS_FETCH_WEBPKI)
        return vstring_str(
            vstring_sprintf(buf, "certificate verification failed for mta-sts.%s", domain));
    return vstring_str(vstring_strcpy(buf, "fetch failed"));
}

/* sts_discover_fetch - fetch, cache and answer; the cached policy when that fails */

static int sts_discover_fetch(STS_CACHE *cache, const STS_SOURCE *source, const char *domain,
                              time_t now, const char *id, const STS_CACHE_ENTRY *entry, bool have,
                              STS_ANSWER *answer)
{
    VSTRING *text = vstring_alloc(200), *why = vstring_alloc(100), *what = vstring_alloc(100);
    int failure = 0;
    STS_POLICY *policy = source->fetch(source->context, domain, text, &failure, why);

    if (policy != NULL) {
        sts_discover_failed(domain, 0);
        msg_info("MTA-STS policy of %s: fetched, id %s, mode %s, max_age %ld", domain, id,
                 sts_mode_name(policy->mode), policy->max_age);
        if (cache != NULL)
            (void)sts_cache_put(cache, domain, id, vstring_str(text), now);
        vstring_strcpy(answer->id, id);
        vstring_strcpy(answer->text, vstring_str(text));
        answer->source = "fetched";
        answer->status = STS_ANSWER_POLICY;
        sts_policy_free(policy);
    } else if (have) {
        sts_discover_failed(domain, now);
        msg_warn("MTA-STS policy of %s: %s (id %s): %s: the cached policy (id %s) stays in force",
                 domain, sts_discover_what(what, domain, failure), id, vstring_str(why),
                 vstring_str(entry->id));
        vstring_strcpy(answer->why, vstring_str(why));
        sts_discover_cached(entry, answer);
    } else {
        msg_info("MTA-STS policy of %s: %s (id %s): %s: no policy", domain,
                 sts_discover_what(what, domain, failure), id, vstring_str(why));
        answer->failure = sts_discover_result(failure);
        vstring_strcpy(answer->why, vstring_str(why));
        answer->status = STS_ANSWER_NONE;
    }
    vstring_free(text);
    vstring_free(why);
    vstring_free(what);
    return answer->status;
}

/* sts_discover - the policy in force */

int sts_discover(STS_CACHE *cache, const STS_SOURCE *source, const char *domain, time_t now,
                 STS_ANSWER *answer)
{
    STS_CACHE_ENTRY entry;
    VSTRING *id = vstring_alloc(32), *why = vstring_alloc(100);
    bool have;
    int txt;

    answer->status = STS_ANSWER_NONE;
    answer->source = NULL;
    answer->failure = NULL;
    vstring_strcpy(answer->why, "");
    sts_cache_entry_init(&entry);
    have = cache != NULL && sts_cache_get(cache, domain, now, &entry);
    txt = source->txt(source->context, domain, id, why);
    if (txt != STS_TXT_OK) {
        if (msg_verbose)
            msg_info("MTA-STS TXT record of %s: %s%s%s", domain,
                     txt == STS_TXT_NONE      ? "none"
                     : txt == STS_TXT_INVALID ? "invalid"
                                              : "lookup failed",
                     VSTRING_LEN(why) ? ": " : "", vstring_str(why));
        if (have)
            sts_discover_cached(&entry, answer);
    } else if (have && strcmp(vstring_str(entry.id), vstring_str(id)) == 0 &&
               now - entry.fetched < entry.policy->max_age / 2) {
        sts_discover_cached(&entry, answer);
    } else if (have && sts_discover_backoff(domain, now)) {
        if (msg_verbose)
            msg_info("MTA-STS policy of %s: a fetch failed less than %d seconds ago: using the "
                     "cached policy",
                     domain, STS_DISCOVER_RETRY);
        sts_discover_cached(&entry, answer);
    } else {
        sts_discover_fetch(cache, source, domain, now, vstring_str(id), &entry, have, answer);
    }
    sts_cache_entry_free(&entry);
    vstring_free(id);
    vstring_free(why);
    return answer->status;
}
