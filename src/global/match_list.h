/*
 * match_list.h - pattern lists of mydestination, relay_domains, mynetworks
 *
 * A list such as "example.com, .example.net, !bad.example.org,
 * hash:/etc/postfix/relay, /etc/postfix/more_patterns, 192.0.2.0/24,
 * [2001:db8::]/32" is matched left to right; the first pattern that
 * matches decides ("!pattern" means: no match, stop). A table lookup
 * error stops the search with list->error set and a result of 0, so a
 * careless caller fails closed.
 */
#ifndef MATCH_LIST_H
#define MATCH_LIST_H

#include "vstring.h"

typedef struct MATCH_LIST MATCH_LIST;

#define MATCH_FLAG_NONE   0
#define MATCH_FLAG_PARENT (1 << 0) /* "example.com" also matches its subdomains */
#define MATCH_FLAG_STRING (1 << 1) /* whole strings (user names): no networks, no domains */

extern MATCH_LIST *match_list_create(const char *title, const char *patterns, int flags,
                                     VSTRING *why);
extern int match_list_domain(MATCH_LIST *list, const char *domain);
extern int match_list_addr(MATCH_LIST *list, const char *addr);
extern int match_list_namadr(MATCH_LIST *list, const char *name, const char *addr);
extern int match_list_error(const MATCH_LIST *list);
extern MATCH_LIST *match_list_free(MATCH_LIST *list);
extern int match_list_parent_flag(const char *param, const char *parents);

#endif
