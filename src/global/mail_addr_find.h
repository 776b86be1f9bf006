/*
 * mail_addr_find.h - look up a mail address in the orders of virtual(5)
 * and access(5)
 *
 * For "user+ext@example.com" with recipient_delimiter "+", the keys are,
 * as the strategy asks:
 *
 *	MAIL_ADDR_FIND_FULL		user+ext@example.com, user@example.com
 *	MAIL_ADDR_FIND_DOMAIN		example.com, then parent domains
 *	MAIL_ADDR_FIND_LOCALPART	user+ext, user (only for a local domain)
 *	MAIL_ADDR_FIND_LOCALPART_AT	user+ext@, user@
 *	MAIL_ADDR_FIND_AT_DOMAIN	@example.com
 *
 * virtual(5), canonical(5): FULL | LOCALPART | AT_DOMAIN
 * (MAIL_ADDR_FIND_VIRTUAL). access(5) sender/recipient checks:
 * FULL | DOMAIN | LOCALPART_AT (MAIL_ADDR_FIND_ACCESS).
 */
#ifndef MAIL_ADDR_FIND_H
#define MAIL_ADDR_FIND_H

#include "maps.h"

#define MAIL_ADDR_FIND_FULL         (1 << 0)
#define MAIL_ADDR_FIND_DOMAIN       (1 << 1)
#define MAIL_ADDR_FIND_LOCALPART    (1 << 2)
#define MAIL_ADDR_FIND_LOCALPART_AT (1 << 3)
#define MAIL_ADDR_FIND_AT_DOMAIN    (1 << 4)

#define MAIL_ADDR_FIND_VIRTUAL                                                                     \
    (MAIL_ADDR_FIND_FULL | MAIL_ADDR_FIND_LOCALPART | MAIL_ADDR_FIND_AT_DOMAIN)
#define MAIL_ADDR_FIND_ACCESS                                                                      \
    (MAIL_ADDR_FIND_FULL | MAIL_ADDR_FIND_DOMAIN | MAIL_ADDR_FIND_LOCALPART_AT)

/* Is a domain one of ours? 1 yes, 0 no, -1 lookup error. */
typedef int (*MAIL_ADDR_LOCAL_FN)(const char *domain, void *context);

typedef struct MAIL_ADDR_FIND_OPTS {
    int strategy;                /* MAIL_ADDR_FIND_* */
    const char *delimiters;      /* recipient_delimiter characters, or NULL */
    int domain_flags;            /* DOMAIN_FIND_* for MAIL_ADDR_FIND_DOMAIN */
    MAIL_ADDR_LOCAL_FN is_local; /* for MAIL_ADDR_FIND_LOCALPART; NULL: none local */
    void *local_context;         /* passed to is_local */
} MAIL_ADDR_FIND_OPTS;

extern const char *mail_addr_find(MAPS *maps, const char *address, const MAIL_ADDR_FIND_OPTS *opts,
                                  char **out_extension);
extern char *mail_addr_split_extension(char *localpart, const char *delimiters);

#endif
