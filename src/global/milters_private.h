/*
 * milters_private.h - what milters.c shares with milter_message.c
 */
#ifndef MILTERS_PRIVATE_H
#define MILTERS_PRIVATE_H

#include "milter.h"
#include "milter_conn.h"
#include "milter_reply.h"

struct MILTERS {
    MILTER **list;                   /* the milters, owned */
    size_t count;                    /* how many */
    const MILTER_SETTINGS *settings; /* not owned */
    MILTER_MACRO_FN macro_fn;        /* session macros */
    void *context;                   /* for macro_fn */
    ARGV *defaults;                  /* milter_macro_defaults as name, value, ...; owned */
    VSTRING *reply;                  /* reply text of the last result, owned */
    VSTRING *reason;                 /* quarantine reason of the last result, owned */
    VSTRING *why;                    /* error text, owned */
    VSTRING *macros;                 /* a macro packet, owned */
    VSTRING *data;                   /* an event packet, owned */
    VSTRING *body;                   /* REPLBODY data being collected, owned */
    bool connected;                  /* milters_connect() was called */
    MILTER_HEADER_FN header_fn;      /* milter_header_checks, or NULL */
    void *header_context;            /* for header_fn */
    VSTRING *header_out;             /* what header_fn answered, owned */
};

/* Default replies. */
#define MILTER_TEXT_REJECT   "550 5.7.1 Command rejected"
#define MILTER_TEXT_TEMPFAIL "451 4.7.1 Service unavailable - try again later"
#define MILTER_TEXT_SHUTDOWN "421 4.7.0 Server closing connection"
#define MILTER_TEXT_DEF_REJ  "550 5.5.0 Service unavailable"

/* What a stage's event looks like. */
typedef struct MILTER_EVENT {
    int stage;        /* MILTER_MACRO_STAGE_* */
    int cmd;          /* MILTER_CMD_* */
    unsigned skip;    /* MILTER_PROTO_NO* that skips it */
    unsigned noreply; /* MILTER_PROTO_NR_* that drops the reply, or 0 */
    unsigned version; /* lowest protocol version that has it */
    bool session;     /* ACCEPT skips the session, not just the message */
    unsigned need;    /* MILTER_PROTO_* that a milter must have negotiated, or 0 */
} MILTER_EVENT;

extern MILTER_RESULT milters_result(MILTERS *milters, MILTER_VERDICT verdict, const char *text,
                                    const MILTER *milter);
extern MILTER_RESULT milters_continue(void);
extern MILTER_RESULT milters_default(MILTERS *milters, MILTER *milter);
extern MILTER_RESULT milters_fail(MILTERS *milters, MILTER *milter, const char *what);
extern int milters_send_event(MILTERS *milters, MILTER *milter, int stage, int cmd,
                              const char *data, size_t len);
extern int milters_read_reply(MILTERS *milters, MILTER *milter, int timeout, MILTER_REPLY *out);
extern int milters_verdict(MILTERS *milters, MILTER *milter, const MILTER_REPLY *reply,
                           bool session, MILTER_RESULT *out);

#endif
