/*
 * local.h - the local delivery agent's internal interfaces
 */
#ifndef LOCAL_H
#define LOCAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "deliver_request.h"
#include "maps.h"
#include "match_list.h"
#include "vstring.h"

/* Settings. */
typedef struct LOCAL_CONFIG {
    MAPS *alias_maps;                /* aliases(5), or NULL */
    MATCH_LIST *mydestination;       /* local domains, for alias members */
    const char *home_mailbox;        /* "" (spool), "Mailbox", "Maildir/" */
    const char *spool_directory;     /* mail_spool_directory */
    const char *myhostname;          /* Maildir file names */
    const char *recipient_delimiter; /* address extensions */
    bool propagate_alias;            /* "alias" in propagate_unmatched_extensions */
    int lock_attempts;               /* deliver_lock_attempts */
    int lock_delay;                  /* deliver_lock_delay, seconds */
    int stale_lock_time;             /* stale_lock_time, seconds */
    bool privileged;                 /* running as root */
    uid_t owner_uid;                 /* mail_owner: the effective ids outside deliveries */
    gid_t owner_gid;
} LOCAL_CONFIG;

extern LOCAL_CONFIG local_config;

/* The outcome of one delivery (of a recipient, or of one alias member). */
typedef struct LOCAL_RESULT {
    int outcome;     /* DELIVER_OUTCOME_SENT, _BOUNCED or _DEFERRED */
    char dsn[16];    /* RFC 3463 status */
    VSTRING *reason; /* text for the log and the DSN */
} LOCAL_RESULT;

extern void local_result_set(LOCAL_RESULT *result, int outcome, const char *dsn, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));
extern void local_result_merge(LOCAL_RESULT *into, const LOCAL_RESULT *from);

/* local.c */
extern void local_priv_root(void);
extern void local_priv_owner(void);

/* local_mailbox.c */
extern void local_mailbox(DELIVER_REQUEST *request, const char *user, const char *delivered_to,
                          LOCAL_RESULT *result);

/* local_alias.c */
extern void local_address(DELIVER_REQUEST *request, const char *address, const char *delivered_to,
                          int depth, LOCAL_RESULT *result);

#endif
