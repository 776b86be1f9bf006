/*
 * cleanup.h - the cleanup daemon's per-message state
 *
 * cleanup.c serves the protocol of cleanup_client.h; cleanup_envelope.c
 * takes the envelope records, cleanup_message.c the content, and
 * cleanup_final.c commits the queue file and answers.
 */
#ifndef CLEANUP_H
#define CLEANUP_H

#include <stdbool.h>
#include <stddef.h>

#include "htable.h"
#include "vstream.h"
#include "vstring.h"
#include "argv.h"
#include "header_fix.h"
#include "maps.h"
#include "milter.h"
#include "milter_msg.h"
#include "mime_walk.h"
#include "queue_file.h"

#include "cleanup_addr.h"

/* Where the message is. */
enum cleanup_where {
    CLEANUP_WHERE_ENVELOPE, /* A, S, O, o, n, R records until M */
    CLEANUP_WHERE_CONTENT,  /* N and L records until X */
    CLEANUP_WHERE_EXTRA,    /* after X: only E */
    CLEANUP_WHERE_DONE,     /* E seen */
};

/* The parameters cleanup reads, bound once at start-up (cleanup.c). */
typedef struct CLEANUP_CONFIG {
    long message_size_limit;                   /* message_size_limit, 0: none */
    long header_size_limit;                    /* header_size_limit */
    const char *myhostname;                    /* myhostname, for added headers */
    bool always_add_missing_headers;           /* always_add_missing_headers */
    bool tls_required_enable;                  /* tls_required_enable: honour TLS-Required: no */
    const char *undisclosed_recipients_header; /* undisclosed_recipients_header */
    const char *queue_service_name;            /* queue_service_name, woken after a commit */
    int daemon_timeout;                        /* daemon_timeout, seconds */
    int trigger_timeout;                       /* trigger_timeout, seconds */
    CLEANUP_ADDR_SETTINGS addr_settings;       /* the address rewriting settings */
    CLEANUP_ADDR *addr;                        /* their tables, opened after start-up */
    CLEANUP_ADDR *addr_plain;                  /* the same without tables (no_address_mappings) */
    const char *header_checks;                 /* header_checks */
    const char *mime_header_checks;            /* mime_header_checks */
    const char *nested_header_checks;          /* nested_header_checks */
    const char *body_checks;                   /* body_checks */
    const char *milter_header_checks;          /* milter_header_checks */
    long body_checks_size_limit;               /* body_checks_size_limit, bytes per part */
    int mime_nesting_limit;                    /* mime_nesting_limit */
    int mime_boundary_length_limit;            /* mime_boundary_length_limit */
    bool disable_mime_input;                   /* disable_mime_input_processing */
    MAPS *header_maps;                         /* the tables, or NULL (cleanup_checks.c) */
    MAPS *mime_header_maps;
    MAPS *nested_header_maps;
    MAPS *body_maps;
    MAPS *milter_header_maps;        /* milter_header_checks, or NULL */
    const char *non_smtpd_milters;   /* non_smtpd_milters, checked */
    MILTER_SETTINGS milter_settings; /* the milter_* parameters */
} CLEANUP_CONFIG;

typedef struct CLEANUP_STATE {
    const CLEANUP_CONFIG *config; /* the parameters, owned by cleanup.c */
    CLEANUP_ADDR *addr;           /* config->addr, or addr_plain (CLEANUP_FLAG_NO_MAPPINGS) */
    VSTREAM *client;              /* the client connection, owned by the server loop */
    QUEUE_FILE *qf;               /* the queue file being written, owned */
    const char *queue_id;         /* owned by qf */
    int flags;                    /* CLEANUP_FLAG_* from the client */
    int errs;                     /* CLEANUP_STAT_* so far */
    VSTRING *reason;              /* text for the first error, owned */
    enum cleanup_where where;     /* what may come next */
    bool have_sender;             /* an S record was seen */
    bool content_started;         /* the queue file's content has begun */
    VSTRING *sender;              /* the sender as stored, owned */
    VSTRING *full_name;           /* CLEANUP_ATTR_FULL_NAME, owned */
    char *orig_rcpt;              /* pending O record, owned, or NULL */
    char *dsn_orcpt;              /* pending o record, owned, or NULL */
    int dsn_notify;               /* pending n record, 0 if none */
    int rcpt_count;               /* recipients written */
    HEADER_FIX *fix;              /* content filter, owned, during the content */
    long long size;               /* queue file bytes so far, for message_size_limit */
    VSTRING *message_id;          /* for the log line, owned */
    char *client_address;         /* the client_address attribute, owned, or NULL */
    bool sasl_authenticated;      /* a sasl_username attribute was seen */
    HTABLE *dups;                 /* recipients written, to drop duplicates; owned */
    int header_context;           /* CLEANUP_ADDR_HEADERS_* of this message */
    bool hold;                    /* HOLD: commit into the hold queue */
    bool discard;                 /* DISCARD: answer OK, commit nothing */
    char *filter;                 /* FILTER transport:destination, owned, or NULL */
    char *redirect;               /* REDIRECT address, owned, or NULL */
    ARGV *bcc;                    /* BCC addresses of header/body checks, owned, or NULL */
    MIME_WALK *walk;              /* content inspection, owned, or NULL (cleanup_checks.c) */
    bool checks_stopped;          /* REJECT or DISCARD: inspect no more */
    bool tls_required_no;         /* a "TLS-Required: no" header (RFC 8689 section 5) */
    long body_bytes;              /* body bytes inspected in this part */
    char *last_rcpt;              /* for log lines, owned, or NULL */
    char *client_name;            /* client_name attribute, for log lines, owned, or NULL */
    char *client_addr;            /* client_address attribute, likewise */
    char *log_proto;              /* protocol_name attribute, likewise */
    char *log_helo;               /* helo_name attribute, likewise */
    VSTRING *origin;              /* "name[addr]" or "local", for log lines, owned */
    MILTER_MSG *milter_msg;       /* held back for non_smtpd_milters, owned, or NULL */
    bool milter_content;          /* the held message's envelope has ended */
    char *milter_orcpt;           /* pending DSN ORCPT of a held recipient, owned, or NULL */
    int milter_notify;            /* pending DSN NOTIFY of a held recipient */
    char *milter_rcpt;            /* the recipient of the milters' RCPT event, owned, or NULL */
    char *milter_macro;           /* the last {mail,rcpt}_{mailer,host} value, owned, or NULL */
} CLEANUP_STATE;

/* cleanup_state.c */
extern CLEANUP_STATE *cleanup_state_alloc(const CLEANUP_CONFIG *config, VSTREAM *client, int flags);
extern void cleanup_state_free(CLEANUP_STATE *state);
extern void cleanup_error(CLEANUP_STATE *state, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern bool cleanup_writing(const CLEANUP_STATE *state);
extern void cleanup_count(CLEANUP_STATE *state, size_t len);
extern void cleanup_write_failed(CLEANUP_STATE *state);
extern bool cleanup_local(const CLEANUP_STATE *state);
extern const char *cleanup_origin(CLEANUP_STATE *state);

/* cleanup_envelope.c */
extern void cleanup_envelope(CLEANUP_STATE *state, int type, VSTRING *buf);

/* cleanup_message.c */
extern void cleanup_message_start(CLEANUP_STATE *state);
extern void cleanup_message(CLEANUP_STATE *state, int type, VSTRING *buf);
extern void cleanup_message_end(CLEANUP_STATE *state);

/* cleanup_checks.c */
extern void cleanup_checks_open(CLEANUP_CONFIG *config);
extern bool cleanup_checks_wanted(const CLEANUP_CONFIG *config);
extern void cleanup_checks_start(CLEANUP_STATE *state);
extern void cleanup_checks_line(CLEANUP_STATE *state, const char *data, size_t len, int partial);
extern void cleanup_checks_finish(CLEANUP_STATE *state);
extern MILTER_HEADER_VERDICT cleanup_checks_milter(void *context, const char *field,
                                                   VSTRING *replacement);

/* cleanup_bounce.c */
extern bool cleanup_bounce_wanted(const CLEANUP_STATE *state);
extern void cleanup_bounce(CLEANUP_STATE *state);

/* cleanup_milter.c */
extern void cleanup_milter_check(const CLEANUP_CONFIG *config);
extern void cleanup_milter_start(CLEANUP_STATE *state);
extern bool cleanup_milter_record(CLEANUP_STATE *state, int type, VSTRING *buf);
extern void cleanup_milter_free(CLEANUP_STATE *state);

/* cleanup_final.c */
extern void cleanup_final(CLEANUP_STATE *state);

#endif
