/*
 * dovecot_auth_proto.h - Dovecot's authentication protocol, client side, without I/O
 *
 * The vocabulary and limits of the line protocol that Dovecot's auth
 * service speaks to its clients (one command a line, fields separated by
 * TAB, values in Dovecot's \001 escaping): parsing the server's handshake
 * and replies, formatting the client's lines, and choosing mechanisms by
 * the SASL security options. sasl_dovecot_server.c does the I/O.
 */
#ifndef DOVECOT_AUTH_PROTO_H
#define DOVECOT_AUTH_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "vstring.h"

/* The protocol version we speak; a server with another major is refused. */
#define DOVECOT_AUTH_MAJOR 1
#define DOVECOT_AUTH_MINOR 1

/* Limits on what the server may send. */
#define DOVECOT_AUTH_LINE_MAX      16384 /* one line, newline included */
#define DOVECOT_AUTH_FIELD_MAX     64    /* fields in one line */
#define DOVECOT_AUTH_MECH_MAX      64    /* MECH lines in one handshake */
#define DOVECOT_AUTH_MECH_NAME_MAX 20    /* RFC 4422 mechanism name length */
#define DOVECOT_AUTH_HANDSHAKE_MAX 256   /* lines in one handshake */
#define DOVECOT_AUTH_USER_MAX      512   /* an authenticated name */
#define DOVECOT_AUTH_REASON_MAX    256   /* a failure reason, as logged */

/* Mechanism flags, as MECH lines announce them. */
#define DOVECOT_MECH_ANONYMOUS       (1 << 0) /* "anonymous": no identity */
#define DOVECOT_MECH_PLAINTEXT       (1 << 1) /* "plaintext": password as it is */
#define DOVECOT_MECH_DICTIONARY      (1 << 2) /* "dictionary": open to dictionary attack */
#define DOVECOT_MECH_ACTIVE          (1 << 3) /* "active": open to active attack */
#define DOVECOT_MECH_FORWARD_SECRECY (1 << 4) /* "forward-secrecy" */
#define DOVECOT_MECH_MUTUAL_AUTH     (1 << 5) /* "mutual-auth": the server proves itself */
#define DOVECOT_MECH_PRIVATE         (1 << 6) /* "private": never offered to clients */

/* Results of dovecot_auth_handshake_line(). */
#define DOVECOT_AUTH_HS_ERROR (-1) /* protocol violation: reason in why */
#define DOVECOT_AUTH_HS_MORE  0    /* line accepted, more to come */
#define DOVECOT_AUTH_HS_DONE  1    /* DONE received: the handshake is complete */

/* One announced mechanism. */
typedef struct DOVECOT_AUTH_MECH {
    char name[DOVECOT_AUTH_MECH_NAME_MAX + 1]; /* upper case, as announced */
    int flags;                                 /* DOVECOT_MECH_* */
} DOVECOT_AUTH_MECH;

/* What the server's handshake told, filled in line by line. */
typedef struct DOVECOT_AUTH_HANDSHAKE {
    int lines;                                      /* lines seen so far */
    bool have_version;                              /* VERSION seen (it comes first) */
    bool done;                                      /* DONE seen */
    unsigned major;                                 /* server's protocol version */
    unsigned minor;                                 /* (informational) */
    size_t mech_count;                              /* entries used in mechs */
    DOVECOT_AUTH_MECH mechs[DOVECOT_AUTH_MECH_MAX]; /* in announced order */
} DOVECOT_AUTH_HANDSHAKE;

/* Kinds of reply to AUTH and CONT. */
typedef enum DOVECOT_AUTH_REPLY_TYPE {
    DOVECOT_AUTH_REPLY_OK,   /* authenticated: user set */
    DOVECOT_AUTH_REPLY_FAIL, /* failed: reason, temp */
    DOVECOT_AUTH_REPLY_CONT, /* challenge: data (base64) */
} DOVECOT_AUTH_REPLY_TYPE;

/* One parsed reply; the strings belong to the reply. */
typedef struct DOVECOT_AUTH_REPLY {
    DOVECOT_AUTH_REPLY_TYPE type; /* OK, FAIL or CONT */
    unsigned id;                  /* request id the reply answers */
    VSTRING *data;                /* CONT: the challenge, base64, maybe empty */
    VSTRING *user;                /* OK: the name (printable); FAIL: maybe, else empty */
    VSTRING *reason;              /* FAIL: reason=, control characters masked, or empty */
    bool temp;                    /* FAIL: temporary (temp, or code=temp_fail) */
} DOVECOT_AUTH_REPLY;

/* What an AUTH request tells about the session; NULL or "" leaves a field out. */
typedef struct DOVECOT_AUTH_REQUEST {
    const char *service;     /* service= ("smtp") */
    const char *local_addr;  /* lip= */
    const char *local_port;  /* lport= */
    const char *remote_addr; /* rip= */
    const char *remote_port; /* rport= */
    bool secured;            /* TLS is active: "secured" */
} DOVECOT_AUTH_REQUEST;

extern void dovecot_auth_escape(VSTRING *out, const char *in);
extern int dovecot_auth_unescape(VSTRING *out, const char *in, size_t len);
extern bool dovecot_auth_base64_ok(const char *in, size_t len);

extern void dovecot_auth_handshake_init(DOVECOT_AUTH_HANDSHAKE *hs);
extern int dovecot_auth_handshake_line(DOVECOT_AUTH_HANDSHAKE *hs, const char *line, size_t len,
                                       VSTRING *why);
extern int dovecot_auth_mech_flags(const char *word);
extern bool dovecot_auth_mech_allowed(int mech_flags, int secopts);
extern const DOVECOT_AUTH_MECH *dovecot_auth_mech_find(const DOVECOT_AUTH_HANDSHAKE *hs,
                                                       const char *name);
extern void dovecot_auth_mech_list(const DOVECOT_AUTH_HANDSHAKE *hs, int secopts, VSTRING *out);

extern DOVECOT_AUTH_REPLY *dovecot_auth_reply_alloc(void);
extern void dovecot_auth_reply_free(DOVECOT_AUTH_REPLY *reply);
extern int dovecot_auth_reply_parse(DOVECOT_AUTH_REPLY *reply, const char *line, size_t len,
                                    VSTRING *why);

extern void dovecot_auth_format_hello(VSTRING *out, long pid);
extern int dovecot_auth_format_auth(VSTRING *out, unsigned id, const char *mechanism,
                                    const DOVECOT_AUTH_REQUEST *request, const char *response,
                                    VSTRING *why);
extern int dovecot_auth_format_cont(VSTRING *out, unsigned id, const char *response, VSTRING *why);

#endif
