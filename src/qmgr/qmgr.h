/*
 * qmgr.h - the queue manager's internal interfaces
 *
 * Messages (QMGR_MESSAGE) are taken from incoming and deferred into
 * active. Their recipients are resolved to transport:nexthop and grouped
 * into entries (QMGR_ENTRY, at most the transport's recipient limit
 * each) on the queue of that destination (QMGR_QUEUE). A queue runs at
 * most its concurrency limit of deliveries at once; each delivery is one
 * connection to private/<transport> (qmgr_deliver.c). When the last entry
 * of a message is finished, the message is removed (after its
 * notifications are sent) or rescheduled into deferred.
 */
#ifndef QMGR_H
#define QMGR_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "deliver_request.h"
#include "events.h"
#include "htable.h"
#include "maps.h"
#include "match_list.h"
#include "queue_msg.h"
#include "resolve_rcpt.h"
#include "vstream.h"

typedef struct QMGR_MESSAGE QMGR_MESSAGE;
typedef struct QMGR_ENTRY QMGR_ENTRY;
typedef struct QMGR_QUEUE QMGR_QUEUE;

/* Per-recipient state of a message in active. */
typedef struct QMGR_RCPT_STATE {
    int outcome;  /* DELIVER_OUTCOME_*; NONE while pending or in flight */
    char *dsn;    /* last deferral status, owned, or NULL */
    char *reason; /* last deferral reason, owned, or NULL */
} QMGR_RCPT_STATE;

/* A message in active. */
struct QMGR_MESSAGE {
    char *id;               /* queue ID, owned */
    QUEUE_MSG *msg;         /* open for update, shared lock, owned */
    long long active_time;  /* when qmgr took it, microseconds */
    QMGR_RCPT_STATE *rcpts; /* one per queue file recipient, owned */
    size_t rcpt_count;      /* entries in rcpts */
    int entries;            /* entries not yet finished */
    QMGR_MESSAGE *next;     /* list of messages in active */
    QMGR_MESSAGE *prev;
};

/* A group of recipients of one message for one destination. */
struct QMGR_ENTRY {
    QMGR_MESSAGE *message; /* not owned */
    QMGR_QUEUE *queue;     /* not owned */
    size_t *indexes;       /* recipient indexes in the message, owned */
    size_t count;          /* entries in indexes */
    QMGR_ENTRY *next;      /* the queue's to-do list */
};

/* One destination: transport:nexthop. */
struct QMGR_QUEUE {
    char *name;            /* "transport:nexthop", owned (the table key) */
    char *transport;       /* owned */
    char *nexthop;         /* owned */
    int busy;              /* deliveries in progress */
    int limit;             /* concurrency limit */
    int rcpt_limit;        /* recipients per delivery */
    QMGR_ENTRY *todo_head; /* entries waiting for a delivery slot */
    QMGR_ENTRY *todo_tail;
    char *dead_reason; /* suspended until the next queue run: why; owned, or NULL */
};

/* The queue manager's settings and state. */
typedef struct QMGR {
    EVENT_LOOP *loop;                         /* the server's event loop, not owned */
    RESOLVE_PROPS resolve;                    /* routing tables */
    int min_backoff;                          /* minimal_backoff_time */
    int max_backoff;                          /* maximal_backoff_time */
    int queue_run_delay;                      /* queue_run_delay */
    int max_lifetime;                         /* maximal_queue_lifetime */
    int bounce_lifetime;                      /* bounce_queue_lifetime */
    int ipc_timeout;                          /* qmgr_ipc_timeout */
    int daemon_timeout;                       /* qmgr_daemon_timeout */
    int active_limit;                         /* qmgr_message_active_limit */
    bool soft_bounce;                         /* soft_bounce */
    const char *bounce_service;               /* bounce_service_name */
    CONFIG_PER_TRANSPORT *concurrency_limits; /* <transport>_destination_concurrency_limit */
    CONFIG_PER_TRANSPORT *recipient_limits;   /* <transport>_destination_recipient_limit */
    HTABLE *queues;                           /* QMGR_QUEUE by name, owned */
    QMGR_MESSAGE *messages;                   /* messages in active */
    int message_count;                        /* entries in messages */
    bool scan_incoming_again;                 /* a busy file was skipped: scan again soon */
    const char *fast_flush_domains_text;      /* fast_flush_domains */
    const char *parent_domains;               /* parent_domain_matches_subdomains */
    const char *flush_service;                /* flush_service_name */
    MATCH_LIST *fast_flush_domains;           /* made by qmgr_flush_init(), or NULL: none */
} QMGR;

extern QMGR qmgr;

/* qmgr_scan.c */
extern void qmgr_recover_active(void);
extern void qmgr_scan_incoming(void);
extern void qmgr_scan_deferred(bool all);

/* qmgr_message.c */
extern int qmgr_message_load(const char *queue, const char *id);
extern void qmgr_message_rcpt_done(QMGR_MESSAGE *message, size_t index, int outcome,
                                   const char *dsn, const char *reason);
extern void qmgr_message_defer_rcpt(QMGR_MESSAGE *message, size_t index, const char *dsn,
                                    const char *reason, const char *relay);
extern void qmgr_entry_done(QMGR_ENTRY *entry);
extern const char *qmgr_message_address(const QMGR_MESSAGE *message, size_t index);

/* qmgr_queue.c */
extern QMGR_QUEUE *qmgr_queue_find(const char *transport, const char *nexthop);
extern void qmgr_queue_add(QMGR_QUEUE *queue, QMGR_ENTRY *entry);
extern void qmgr_queue_dispatch(QMGR_QUEUE *queue);
extern void qmgr_queue_suspend(QMGR_QUEUE *queue, const char *reason);
extern void qmgr_queue_revive_all(void);
extern void qmgr_queue_release(QMGR_QUEUE *queue);

/* qmgr_flush.c */
extern void qmgr_flush_init(void);
extern void qmgr_flush_deferred(const QMGR_MESSAGE *message);

/* qmgr_deliver.c */
extern void qmgr_deliver_start(QMGR_ENTRY *entry);

#endif
