/*
 * dnsbl_sites.h - DNSBL and DNSWL site lists with reply filters and weights
 *
 * A site is "domain[=filter][*weight]" as in postscreen_dnsbl_sites: the
 * DNS zone, an optional filter on the A records of a listing
 * ("127.0.0.2", "127.0.0.[2..11]", "127.0.[0..255].[1;3]"), and a weight
 * (default 1; negative for an allowlist). The same zone may appear several
 * times with different filters; it is queried once.
 */
#ifndef DNSBL_SITES_H
#define DNSBL_SITES_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstring.h"

typedef struct DNSBL_SITE {
    char *domain; /* DNS zone, lower case; owned */
    char *filter; /* A record filter, or NULL for any; owned */
    int weight;   /* added to the score when the filter matches */
} DNSBL_SITE;

typedef struct DNSBL_SITES {
    DNSBL_SITE *site; /* the entries, in list order; owned */
    size_t count;     /* entries */
    ARGV *domains;    /* each zone once, in list order; owned */
} DNSBL_SITES;

extern DNSBL_SITES *dnsbl_sites_parse(const ARGV *list, VSTRING *why);
extern DNSBL_SITES *dnsbl_sites_free(DNSBL_SITES *sites);
extern int dnsbl_sites_score(const DNSBL_SITES *sites, const char *domain, const ARGV *addrs,
                             const char **out_name, int *out_weight);
extern bool dnsbl_filter_match(const char *filter, const char *addr);
extern const char *dnsbl_reverse(const char *addr, VSTRING *out);

#endif
