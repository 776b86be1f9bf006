/*++
 * NAME
 *	dnsbl_sites - DNSBL and DNSWL site lists with reply filters and weights
 * SYNOPSIS
 *	#include <dnsbl_sites.h>
 *
 *	DNSBL_SITES *dnsbl_sites_parse(const ARGV *list, VSTRING *why);
 *	DNSBL_SITES *dnsbl_sites_free(DNSBL_SITES *sites);
 *	int	dnsbl_sites_score(const DNSBL_SITES *sites, const char *domain,
 *				const ARGV *addrs, const char **out_name,
 *				int *out_weight);
 *	bool	dnsbl_filter_match(const char *filter, const char *addr);
 *	const char *dnsbl_reverse(const char *addr, VSTRING *out);
 * DESCRIPTION
 *	dnsbl_sites_parse() reads entries "domain[=filter][*weight]"
 *	(postscreen_dnsbl_sites). The weight is a decimal integer, negative
 *	for an allowlist; the filter is checked for form here. It returns
 *	NULL with a reason in why for a malformed entry, or the list, which
 *	dnsbl_sites_free() releases (it returns NULL).
 *
 *	dnsbl_sites_score() returns the sum of the weights of the entries
 *	for domain whose filter matches at least one of the A records in
 *	addrs (each entry counts once), and, through out_name and
 *	out_weight when they are not NULL, the domain and weight of the
 *	heaviest entry among them (the first of equals; untouched when no
 *	entry matched).
 *
 *	dnsbl_filter_match() tells whether an IPv4 address text matches a
 *	filter: four dot-separated octets, each a number or a set
 *	"[a;b..c]" of numbers and ranges. A NULL filter matches any
 *	address; a malformed filter or address matches none.
 *
 *	dnsbl_reverse() writes the DNSBL query prefix of an address into
 *	out: the octets of IPv4 reversed, the nibbles of IPv6 reversed. It
 *	returns the text, or NULL for a text that is no address.
 * DIAGNOSTICS
 *	Returned only.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "dnsbl_sites.h"

/* dnsbl_octet_parse - one octet pattern; its end, or NULL when malformed */

static const char *dnsbl_octet_parse(const char *cp, int octet, bool *out_match)
{
    long lo, hi;
    char *end;

    *out_match = false;
    if (*cp != '[') {
        if (*cp < '0' || *cp > '9')
            return NULL;
        lo = strtol(cp, &end, 10);
        if (lo > 255)
            return NULL;
        *out_match = lo == octet;
        return end;
    }
    for (cp++;;) {
        if (*cp < '0' || *cp > '9')
            return NULL;
        lo = hi = strtol(cp, &end, 10);
        if (strncmp(end, "..", 2) == 0) {
            if (end[2] < '0' || end[2] > '9')
                return NULL;
            hi = strtol(end + 2, &end, 10);
        }
        if (lo > 255 || hi > 255 || lo > hi)
            return NULL;
        if (octet >= lo && octet <= hi)
            *out_match = true;
        if (*end == ']')
            return end + 1;
        if (*end != ';')
            return NULL;
        cp = end + 1;
    }
}

/* dnsbl_filter_check - match addr (bytes, or NULL to check the form only) */

static bool dnsbl_filter_check(const char *filter, const unsigned char *bytes)
{
    const char *cp = filter;
    bool match, all = true;

    for (int i = 0; i < 4; i++) {
        if ((cp = dnsbl_octet_parse(cp, bytes ? bytes[i] : -1, &match)) == NULL)
            return false;
        all = all && match;
        if (i < 3 && *cp++ != '.')
            return false;
    }
    return *cp == 0 && (bytes == NULL || all);
}

/* dnsbl_filter_match - an A record against a filter */

bool dnsbl_filter_match(const char *filter, const char *addr)
{
    unsigned char bytes[4];

    if (inet_pton(AF_INET, addr, bytes) != 1)
        return false;
    return filter == NULL || dnsbl_filter_check(filter, bytes);
}

/* dnsbl_sites_entry - parse one entry into site */

static int dnsbl_sites_entry(const char *text, DNSBL_SITE *site, VSTRING *why)
{
    char *copy = mystrdup(text);
    char *star = strrchr(copy, '*');
    char *equal, *end;
    long weight = 1;

    if (star) {
        *star++ = 0;
        errno = 0;
        weight = strtol(star, &end, 10);
        if (*star == 0 || *end != 0 || errno || weight < INT_MIN / 2 || weight > INT_MAX / 2) {
            vstring_sprintf(why, "bad weight in DNSBL site \"%s\"", text);
            myfree(copy);
            return -1;
        }
    }
    if ((equal = strchr(copy, '=')) != NULL) {
        *equal++ = 0;
        if (!dnsbl_filter_check(equal, NULL)) {
            vstring_sprintf(why, "bad reply filter in DNSBL site \"%s\"", text);
            myfree(copy);
            return -1;
        }
    }
    if (*copy == 0 || strspn(copy, ".") == strlen(copy)) {
        vstring_sprintf(why, "no domain in DNSBL site \"%s\"", text);
        myfree(copy);
        return -1;
    }
    site->domain = mystrdup(lowercase(copy));
    site->filter = equal ? mystrdup(equal) : NULL;
    site->weight = (int)weight;
    myfree(copy);
    return 0;
}

/* dnsbl_sites_parse - a site list */

DNSBL_SITES *dnsbl_sites_parse(const ARGV *list, VSTRING *why)
{
    DNSBL_SITES *sites = mycalloc(1, sizeof(*sites));
    size_t j;

    sites->site = mycalloc(list->argc + 1, sizeof(DNSBL_SITE));
    sites->domains = argv_alloc(list->argc + 1);
    for (size_t i = 0; i < list->argc; i++) {
        if (dnsbl_sites_entry(list->argv[i], &sites->site[sites->count], why) < 0)
            return dnsbl_sites_free(sites);
        for (j = 0; j < sites->domains->argc; j++)
            if (strcmp(sites->domains->argv[j], sites->site[sites->count].domain) == 0)
                break;
        if (j == sites->domains->argc)
            argv_add(sites->domains, sites->site[sites->count].domain);
        sites->count++;
    }
    return sites;
}

/* dnsbl_sites_free - release a site list */

DNSBL_SITES *dnsbl_sites_free(DNSBL_SITES *sites)
{
    for (size_t i = 0; i < sites->count; i++) {
        myfree(sites->site[i].domain);
        if (sites->site[i].filter)
            myfree(sites->site[i].filter);
    }
    myfree(sites->site);
    argv_free(sites->domains);
    myfree(sites);
    return NULL;
}

/* dnsbl_sites_score - the weight of one zone's answer */

int dnsbl_sites_score(const DNSBL_SITES *sites, const char *domain, const ARGV *addrs,
                      const char **out_name, int *out_weight)
{
    int score = 0;
    bool found = false;

    for (size_t i = 0; i < sites->count; i++) {
        const DNSBL_SITE *site = sites->site + i;
        size_t j;

        if (strcmp(site->domain, domain) != 0)
            continue;
        for (j = 0; j < addrs->argc; j++)
            if (dnsbl_filter_match(site->filter, addrs->argv[j]))
                break;
        if (j == addrs->argc)
            continue;
        score += site->weight;
        if (out_weight && (!found || site->weight > *out_weight)) {
            *out_weight = site->weight;
            if (out_name)
                *out_name = site->domain;
        }
        found = true;
    }
    return score;
}

/* dnsbl_reverse - the query prefix of an address */

const char *dnsbl_reverse(const char *addr, VSTRING *out)
{
    unsigned char bytes[16];

    VSTRING_RESET(out);
    if (inet_pton(AF_INET, addr, bytes) == 1) {
        vstring_sprintf(out, "%d.%d.%d.%d", bytes[3], bytes[2], bytes[1], bytes[0]);
    } else if (inet_pton(AF_INET6, addr, bytes) == 1) {
        for (int i = 15; i >= 0; i--)
            vstring_sprintf_append(out, "%x.%x%s", bytes[i] & 0xf, bytes[i] >> 4, i ? "." : "");
    } else {
        return NULL;
    }
    return vstring_str(out);
}
