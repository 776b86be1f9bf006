/*
 * milter_conn.h - one milter: its settings, connection and negotiation
 *
 * Private to the milter client (milters.c, milter_event.c): the caller
 * of the library sees only milter.h.
 */
#ifndef MILTER_CONN_H
#define MILTER_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "vstring.h"

#include "milter_proto.h"

/* milter_default_action. */
typedef enum MILTER_DEFAULT {
    MILTER_DEFAULT_ACCEPT,     /* go on without this milter */
    MILTER_DEFAULT_REJECT,     /* 550 5.7.1 */
    MILTER_DEFAULT_TEMPFAIL,   /* 451 4.7.1 */
    MILTER_DEFAULT_QUARANTINE, /* accept into the hold queue */
} MILTER_DEFAULT;

/* Where a milter is in the session. */
typedef enum MILTER_STATE {
    MILTER_STATE_CLOSED,    /* not connected yet */
    MILTER_STATE_READY,     /* takes events */
    MILTER_STATE_SKIP_MSG,  /* accepted the message: no events until the next one */
    MILTER_STATE_SKIP_CONN, /* accepted the session: no more events */
    MILTER_STATE_ERROR,     /* failed: its default action stands for the session */
} MILTER_STATE;

typedef struct MILTER {
    char *name;                        /* the endpoint as configured, owned */
    int protocol;                      /* protocol version we offer */
    int connect_timeout;               /* seconds */
    int command_timeout;               /* seconds */
    int content_timeout;               /* seconds */
    MILTER_DEFAULT default_action;     /* on failure */
    MILTER_STATE state;                /* see above */
    int fd;                            /* the connection, or -1 */
    unsigned version;                  /* negotiated protocol version */
    unsigned actions;                  /* negotiated MILTER_ACT_* */
    unsigned proto;                    /* negotiated MILTER_PROTO_* */
    char *macros[MILTER_MACRO_STAGES]; /* the milter's own macro lists, owned, or NULL */
    VSTRING *packet;                   /* data of the last packet read, owned */
    VSTRING *out;                      /* the packet being sent, owned */
    int64_t deadline;                  /* monotonic ms of the current time limit */
} MILTER;

extern MILTER *milter_conn_create(const char *spec, const MILTER *defaults, VSTRING *why);
extern void milter_conn_free(MILTER *milter);
extern int milter_conn_parse_default(const char *value, MILTER_DEFAULT *out);
extern int milter_conn_parse_protocol(const char *value, int *out);
extern int milter_conn_open(MILTER *milter, VSTRING *why);
extern void milter_conn_close(MILTER *milter);
extern void milter_conn_deadline(MILTER *milter, int seconds);
extern int milter_conn_send(MILTER *milter, int cmd, const char *data, size_t len, VSTRING *why);
extern int milter_conn_recv(MILTER *milter, int *out_cmd, VSTRING *why);

#endif
