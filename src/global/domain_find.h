/*
 * domain_find.h - look up a domain, then its parent domains
 *
 * For "mail.example.com" the keys are "mail.example.com", then, per
 * flag, "example.com" (DOMAIN_FIND_PARENT: access(5) when
 * parent_domain_matches_subdomains lists smtpd_access_maps) and/or
 * ".example.com" (DOMAIN_FIND_DOT_PARENT: access(5) otherwise, and
 * smtp_tls_policy_maps), then "com" / ".com".
 */
#ifndef DOMAIN_FIND_H
#define DOMAIN_FIND_H

#include "maps.h"

#define DOMAIN_FIND_EXACT      0        /* the name only */
#define DOMAIN_FIND_PARENT     (1 << 0) /* then parent domains: "example.com" */
#define DOMAIN_FIND_DOT_PARENT (1 << 1) /* then parent domains: ".example.com" */

extern const char *domain_find(MAPS *maps, const char *name, int flags, const char **out_matched);

#endif
