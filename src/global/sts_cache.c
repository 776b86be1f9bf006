/*++
 * NAME
 *	sts_cache - the persistent MTA-STS policy cache
 * SYNOPSIS
 *	#include <sts_cache.h>
 *
 *	STS_CACHE *sts_cache_open(const char *dbname, VSTRING *why);
 *	bool	sts_cache_get(STS_CACHE *cache, const char *domain,
 *				time_t now, STS_CACHE_ENTRY *out_entry);
 *	bool	sts_cache_put(STS_CACHE *cache, const char *domain,
 *				const char *id, const char *text,
 *				time_t fetched);
 *	bool	sts_cache_delete(STS_CACHE *cache, const char *domain);
 *	void	sts_cache_domains(STS_CACHE *cache, ARGV *out_domains);
 *	STS_CACHE *sts_cache_close(STS_CACHE *cache);
 *	void	sts_cache_entry_init(STS_CACHE_ENTRY *entry);
 *	void	sts_cache_entry_free(STS_CACHE_ENTRY *entry);
 *	time_t	sts_cache_expires(const STS_CACHE_ENTRY *entry);
 * DESCRIPTION
 *	RFC 8461 section 3.3 asks senders to cache a policy for its max_age
 *	and to keep using it when a later fetch fails; section 5.1 asks
 *	them to use it when the TXT record has gone. The cache keeps, per
 *	policy domain (lower case, the key), a value of the form
 *	"1 <fetched> <id> <base64 of the policy text>": a format version,
 *	the time of the fetch in seconds since the epoch, the TXT id, and
 *	the text as the server sent it. The text is parsed again at every
 *	read, so that nothing but a valid policy ever leaves the cache.
 *
 *	sts_cache_open() opens dbname ("btree:/var/lib/postfix/mta_sts")
 *	for update, creating it when needed and keeping its entries, locked
 *	for as long as it is open, every update flushed to disk. It returns
 *	NULL with a reason in why when the table cannot be opened or its
 *	type cannot update, delete and walk.
 *
 *	sts_cache_get() fills an entry (initialised with
 *	sts_cache_entry_init()) with the policy cached for domain and
 *	returns true; false when there is none, or the one there has
 *	expired (fetched + max_age <= now), was fetched in the future, or
 *	does not decode or parse: such an entry is deleted.
 *
 *	sts_cache_put() stores a policy text with its id; false (with a
 *	warning) when the table fails or the id or text is refused
 *	(sts_policy(3): a malformed text is never stored).
 *
 *	sts_cache_delete() removes the entry of a domain.
 *
 *	sts_cache_domains() appends the domains of every entry to
 *	out_domains (for a refresh pass).
 *
 *	sts_cache_expires() is the time at which an entry stops counting.
 *
 *	sts_cache_entry_free() releases what an entry holds and empties it.
 * DIAGNOSTICS
 *	Warnings: table errors, malformed entries (then deleted).
 * SEE ALSO
 *	RFC 8461, sts_policy(3), mtasts(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "base64_code.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "sts_cache.h"

#define STS_CACHE_VERSION "1" /* first field of a value */

struct STS_CACHE {
    DICT *dict;   /* the table, owned */
    VSTRING *key; /* lower-case domain, scratch */
    VSTRING *buf; /* value, scratch */
};

/* sts_cache_key - the table key of a domain */

static const char *sts_cache_key(STS_CACHE *cache, const char *domain)
{
    size_t len = strlen(domain);

    if (len > 0 && domain[len - 1] == '.')
        len--;
    vstring_strncpy(cache->key, domain, len);
    lowercase(vstring_str(cache->key));
    return vstring_str(cache->key);
}

/* sts_cache_open - open the table */

STS_CACHE *sts_cache_open(const char *dbname, VSTRING *why)
{
    STS_CACHE *cache;
    DICT *dict;

    if (strchr(dbname, ':') == NULL) {
        vstring_sprintf(why, "MTA-STS policy cache \"%s\": expected type:name", dbname);
        return NULL;
    }
    dict = dict_open(dbname, O_RDWR | O_CREAT,
                     DICT_FLAG_DUP_REPLACE | DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE);
    if (!dict_open_ok(dict)) {
        vstring_sprintf(why, "MTA-STS policy cache %s: %s", dbname, dict_reason(dict));
        dict_close(dict);
        return NULL;
    }
    if (dict->update == NULL || dict->delete == NULL || dict->sequence == NULL) {
        vstring_sprintf(why,
                        "MTA-STS policy cache %s: table type %s cannot update, delete and walk "
                        "entries: use btree or lmdb",
                        dbname, dict->type);
        dict_close(dict);
        return NULL;
    }
    cache = mycalloc(1, sizeof(*cache));
    cache->dict = dict;
    cache->key = vstring_alloc(100);
    cache->buf = vstring_alloc(1000);
    return cache;
}

/* sts_cache_entry_init - an empty entry */

void sts_cache_entry_init(STS_CACHE_ENTRY *entry)
{
    *entry = (STS_CACHE_ENTRY){.id = vstring_alloc(32), .text = vstring_alloc(200)};
}

/* sts_cache_entry_free - release an entry */

void sts_cache_entry_free(STS_CACHE_ENTRY *entry)
{
    if (entry->id)
        vstring_free(entry->id);
    if (entry->text)
        vstring_free(entry->text);
    sts_policy_free(entry->policy);
    *entry = (STS_CACHE_ENTRY){0};
}

/* sts_cache_expires - when an entry stops counting */

time_t sts_cache_expires(const STS_CACHE_ENTRY *entry)
{
    return entry->fetched + (entry->policy ? entry->policy->max_age : 0);
}

/* sts_cache_decode - a table value into an entry; NULL or what is wrong */

static const char *sts_cache_decode(const char *value, STS_CACHE_ENTRY *entry, VSTRING *why)
{
    char *copy = mystrdup(value), *cp = copy, *version, *fetched, *id, *text, *end;
    const char *problem = NULL;
    long long when;

    version = mystrtok(&cp, " ");
    fetched = mystrtok(&cp, " ");
    id = mystrtok(&cp, " ");
    text = mystrtok(&cp, " ");
    if (version == NULL || strcmp(version, STS_CACHE_VERSION) != 0)
        problem = "unknown format";
    else if (fetched == NULL || id == NULL || text == NULL || mystrtok(&cp, " ") != NULL)
        problem = "malformed entry";
    else if ((when = strtoll(fetched, &end, 10)) < 0 || *end != 0 ||
             !isdigit((unsigned char)*fetched))
        problem = "malformed time";
    else if (strlen(id) > STS_ID_MAX)
        problem = "malformed id";
    else if (base64_decode(entry->text, text, strlen(text)) == NULL)
        problem = "malformed policy encoding";
    else if ((entry->policy = sts_policy_parse(vstring_str(entry->text), VSTRING_LEN(entry->text),
                                               why)) == NULL)
        problem = vstring_str(why);
    else {
        vstring_strcpy(entry->id, id);
        entry->fetched = (time_t)when;
    }
    myfree(copy);
    return problem;
}

/* sts_cache_get - the unexpired policy of a domain */

bool sts_cache_get(STS_CACHE *cache, const char *domain, time_t now, STS_CACHE_ENTRY *out_entry)
{
    const char *key = sts_cache_key(cache, domain);
    const char *value = dict_get(cache->dict, key);
    VSTRING *why;
    const char *problem;

    if (value == NULL) {
        if (cache->dict->error)
            msg_warn("MTA-STS policy cache %s: lookup of %s: %s", cache->dict->name, key,
                     dict_reason(cache->dict));
        return false;
    }
    why = vstring_alloc(100);
    if ((problem = sts_cache_decode(value, out_entry, why)) != NULL) {
        msg_warn("MTA-STS policy cache %s: entry of %s: %s: deleting it", cache->dict->name, key,
                 problem);
    } else if (out_entry->fetched > now) {
        problem = "fetched in the future";
        msg_warn("MTA-STS policy cache %s: entry of %s: %s: deleting it", cache->dict->name, key,
                 problem);
    } else if (sts_cache_expires(out_entry) <= now) {
        problem = "expired";
        if (msg_verbose)
            msg_info("MTA-STS policy cache: the policy of %s has expired", key);
    }
    vstring_free(why);
    if (problem == NULL)
        return true;
    (void)dict_del(cache->dict, sts_cache_key(cache, domain));
    sts_policy_free(out_entry->policy);
    out_entry->policy = NULL;
    return false;
}

/* sts_cache_put - store a policy */

bool sts_cache_put(STS_CACHE *cache, const char *domain, const char *id, const char *text,
                   time_t fetched)
{
    const char *key = sts_cache_key(cache, domain);
    VSTRING *why = vstring_alloc(100);
    STS_POLICY *policy;

    if (*id == 0 || strlen(id) > STS_ID_MAX || strpbrk(id, " \t\r\n") != NULL) {
        msg_warn("MTA-STS policy cache: %s: refusing malformed id", key);
        vstring_free(why);
        return false;
    }
    if ((policy = sts_policy_parse(text, strlen(text), why)) == NULL) {
        msg_warn("MTA-STS policy cache: %s: refusing an invalid policy: %s", key, vstring_str(why));
        vstring_free(why);
        return false;
    }
    sts_policy_free(policy);
    vstring_free(why);
    vstring_sprintf(cache->buf, "%s %lld %s ", STS_CACHE_VERSION, (long long)fetched, id);
    base64_encode_append(cache->buf, text, strlen(text));
    if (dict_put(cache->dict, key, vstring_str(cache->buf)) != 0) {
        msg_warn("MTA-STS policy cache %s: update of %s: %s", cache->dict->name, key,
                 dict_reason(cache->dict));
        return false;
    }
    return true;
}

/* sts_cache_delete - forget a domain */

bool sts_cache_delete(STS_CACHE *cache, const char *domain)
{
    return dict_del(cache->dict, sts_cache_key(cache, domain)) == 0;
}

/* sts_cache_domains - every cached domain */

void sts_cache_domains(STS_CACHE *cache, ARGV *out_domains)
{
    const char *key, *value;

    for (int func = DICT_SEQ_FUN_FIRST; dict_seq(cache->dict, func, &key, &value) == 0;
         func = DICT_SEQ_FUN_NEXT)
        argv_add(out_domains, key);
}

/* sts_cache_close - close the table */

STS_CACHE *sts_cache_close(STS_CACHE *cache)
{
    if (cache == NULL)
        return NULL;
    dict_close(cache->dict);
    vstring_free(cache->key);
    vstring_free(cache->buf);
    myfree(cache);
    return NULL;
}
