/*
 * smtpd.h - the SMTP server: per-session state shared by the command modules
 *
 * One SMTPD_STATE per client connection. smtpd.c owns the command table
 * and the loop; smtpd_helo.c, smtpd_mail.c, smtpd_rcpt.c, smtpd_data.c,
 * smtpd_starttls.c and smtpd_simple.c hold the commands, each split into
 * a check step (syntax and protocol state: may refuse) and a proceed
 * step (policy and action). smtpd_chat.c does replies and line input,
 * smtpd_state.c allocation and the resets that RFC 5321 and RFC 3207
 * require.
 */
#ifndef SMTPD_H
#define SMTPD_H

#include <stdbool.h>
#include <sys/time.h>

#include "argv.h"
#include "vstream.h"
#include "vstring.h"

#include "access_action.h"
#include "cleanup_client.h"
#include "mail_pass.h"

#include "smtpd_actions.h"
#include "smtpd_config.h"

typedef struct SMTPD_QUEUE SMTPD_QUEUE;             /* smtpd_queue.h */
typedef struct SMTPD_TLS_SESSION SMTPD_TLS_SESSION; /* smtpd_tls.h */
typedef struct SASL_SERVER SASL_SERVER;             /* sasl_server.h */
typedef struct MILTERS MILTERS;                     /* milter.h */

/* Why the session ends (SMTPD_STATE.end); SMTPD_END_NONE while it goes on. */
typedef enum SMTPD_END {
    SMTPD_END_NONE,    /* keep reading commands */
    SMTPD_END_QUIT,    /* QUIT was answered */
    SMTPD_END_EOF,     /* the client went away: "lost connection after ..." */
    SMTPD_END_TIMEOUT, /* smtpd_timeout or a handshake timeout */
    SMTPD_END_CLOSE,   /* we closed after a final 421/5xx reply (already logged) */
} SMTPD_END;

/* Most commands the table may hold (for the per-command counters). */
#define SMTPD_CMD_MAX 24

/* Arguments of the MAIL or RCPT command being processed (check -> proceed). */
typedef struct SMTPD_ARGS {
    char *address;    /* internal form, owned */
    long size;        /* MAIL SIZE=, or -1 */
    const char *body; /* MAIL BODY=: "7bit" or "8bitmime" (static), or NULL */
    int dsn_ret;      /* MAIL RET=: CLEANUP_DSN_RET_*, or 0 */
    char *dsn_envid;  /* MAIL ENVID= (xtext decoded), owned, or NULL */
    int dsn_notify;   /* RCPT NOTIFY=: REC_NOTIFY_* mask, or 0 */
    char *dsn_orcpt;  /* RCPT ORCPT= "type;xtext" as given, owned, or NULL */
    char *auth;       /* MAIL AUTH= (printable, not "<>"), owned, or NULL */
    bool auth_seen;   /* MAIL AUTH= was given (also as "<>") */
    bool requiretls;  /* MAIL REQUIRETLS (RFC 8689) */
    ARGV *params;     /* the ESMTP parameters as given, for milters; owned, or NULL */
} SMTPD_ARGS;

/* What XFORWARD said about the original client (smtpd_xforward.c); strings owned, or NULL. */
typedef struct SMTPD_XFORWARD {
    char *name;   /* NAME: the client's host name */
    char *addr;   /* ADDR: its address */
    char *port;   /* PORT */
    char *proto;  /* PROTO: SMTP, ESMTP, ... */
    char *helo;   /* HELO */
    char *ident;  /* IDENT: the queue ID upstream */
    char *source; /* SOURCE: LOCAL or REMOTE */
    char *login;  /* LOGIN: the SASL login upstream */
    bool seen;    /* an XFORWARD command was accepted */
} SMTPD_XFORWARD;

typedef struct SMTPD_STATE {
    const SMTPD_CONFIG *cfg;         /* process settings, not owned */
    VSTREAM *in;                     /* client input; owned by the caller */
    VSTREAM *out;                    /* client output (== in on a socket); owned by the caller */
    bool stand_alone;                /* sendmail -bs: no TLS, no policy, maildrop */
    const MAIL_PASS_PEER *pass_peer; /* passed connection: who the client is; owned by the
                                        server loop, or NULL: ask the socket */

    /* The client. */
    char *name;         /* verified host name, or "unknown"; owned */
    char *reverse_name; /* unverified PTR name, or "unknown"; owned */
    int name_status;    /* SMTPD_NAME_* (smtpd_check.h) of name */
    int reverse_status; /* SMTPD_NAME_* of reverse_name */
    char *addr;         /* printable address; owned */
    char *rfc_addr;     /* address as in Received: ("IPv6:..." for IPv6); owned */
    char *port;         /* client port, or "unknown"; owned */
    char *namaddr;      /* name[addr] (with :port if smtpd_client_port_logging); owned */
    char *local_addr;   /* our end of the connection, or ""; owned */
    char *local_port;   /* our port, or ""; owned */

    /* The session. */
    const char *where;            /* protocol stage for log lines: "CONNECT", "MAIL", ...; static */
    SMTPD_END end;                /* why the loop stops */
    int error_count;              /* errors without delivering mail */
    int cmd_ok[SMTPD_CMD_MAX];    /* per table entry: commands that succeeded */
    int cmd_total[SMTPD_CMD_MAX]; /* per table entry: commands seen */
    int unknown_total;            /* unrecognised commands */
    VSTRING *line;                /* command line buffer; owned */
    VSTRING *reply;               /* the last reply sent, for log lines; owned */
    VSTRING *scratch;             /* temporary text; owned */
    VSTRING *verdict;             /* reply of a rejecting restriction; owned */
    bool bare_lf_seen;            /* the last line read ended in a bare LF */
    bool bare_lf_strict;          /* this client gets the bare-LF defence (not excluded) */
    bool ill_pipelining;          /* commands came ahead where RFC 2920 forbids it */
    SMTPD_LIMITS_STATE limits;    /* counted limits and junk commands (smtpd_limits.c) */

    /* HELO/EHLO. */
    char *helo_name;      /* HELO/EHLO argument, owned, or NULL */
    const char *protocol; /* "SMTP", "ESMTP", "ESMTPS", ...; static */
    int ehlo_discard;     /* EHLO_MASK_* hidden from this client (ehlo_mask(3)) */

    /* Early policy results when smtpd_delay_reject = no. */
    char *client_reject; /* the connect-time rejection, owned, or NULL */
    char *helo_reject;   /* likewise for the HELO restrictions */

    /* The mail transaction. */
    char *sender;           /* MAIL FROM address, owned; non-NULL: in a transaction */
    const char *encoding;   /* "7bit" or "8bitmime" (static), or NULL */
    char *dsn_envid;        /* owned, or NULL */
    int dsn_ret;            /* CLEANUP_DSN_RET_*, or 0 */
    long declared_size;     /* MAIL SIZE=, or -1 */
    bool requiretls;        /* MAIL REQUIRETLS: stored with the message */
    int rcpt_count;         /* recipients accepted */
    char *recipient;        /* last accepted recipient, owned, or NULL */
    SMTPD_QUEUE *queue;     /* the open queue file, owned, or NULL */
    char *queue_id;         /* its queue ID, owned, or NULL */
    struct timeval arrival; /* when the transaction started */
    long data_size;         /* DATA bytes received so far */
    SMTPD_ARGS args;        /* the MAIL/RCPT command in progress */
    SMTPD_ACTIONS actions;  /* HOLD, DISCARD, ... of the restrictions (smtpd_actions.c) */

    /* TLS. */
    SMTPD_TLS_SESSION *tls; /* the active TLS session, owned, or NULL */

    /* SASL authentication (smtpd_sasl.c). */
    SASL_SERVER *sasl;   /* the back end's session object, owned, or NULL */
    char *sasl_username; /* who logged in (printable), owned, or NULL */
    char *sasl_method;   /* the mechanism, upper case, owned, or NULL */
    char *sasl_sender;   /* MAIL AUTH= of this transaction, owned, or NULL */

    /* XFORWARD (smtpd_xforward.c) and XCLIENT (smtpd_xclient.c). */
    SMTPD_XFORWARD xforward; /* the original client, until the end of the transaction */
    bool xforward_ok;        /* the real client is in smtpd_authorized_xforward_hosts */
    bool xclient_ok;         /* the real client is in smtpd_authorized_xclient_hosts */

    /* Milters (smtpd_milter.c). */
    MILTERS *milters;               /* the session's smtpd_milters, owned, or NULL */
    VSTRING *milter_macro_buf;      /* macro values made up on the fly, owned, or NULL */
    bool milter_in_transaction;     /* the milters saw MAIL and no end of message yet */
    const char *milter_rcpt_reject; /* the refusal of the recipient shown to milters; not owned */
} SMTPD_STATE;

#define SMTPD_IN_TRANSACTION(s) ((s)->sender != NULL)
#define SMTPD_TLS_ACTIVE(s)     ((s)->tls != NULL)
#define SMTPD_AUTHENTICATED(s)  ((s)->sasl_username != NULL)

/* smtpd_state.c */
extern SMTPD_STATE *smtpd_state_alloc(const SMTPD_CONFIG *cfg, VSTREAM *in, VSTREAM *out,
                                      bool stand_alone);
extern void smtpd_state_free(SMTPD_STATE *state);
extern void smtpd_helo_reset(SMTPD_STATE *state);
extern void smtpd_mail_reset(SMTPD_STATE *state);
extern void smtpd_args_reset(SMTPD_ARGS *args);
extern void smtpd_set_protocol(SMTPD_STATE *state);

/* smtpd_chat.c */
extern void smtpd_reply(SMTPD_STATE *state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern void smtpd_reply_lines(SMTPD_STATE *state, const ARGV *lines);
extern int smtpd_flush(SMTPD_STATE *state);
extern int smtpd_read_line(SMTPD_STATE *state, VSTRING *buf, int limit, bool *out_partial);
extern int smtpd_read_command(SMTPD_STATE *state);
extern void smtpd_log_reject(SMTPD_STATE *state, const char *action, const char *text,
                             const char *recipient);
extern void smtpd_close(SMTPD_STATE *state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* smtpd_actions.c */
extern void smtpd_actions_note(SMTPD_STATE *state, const ACCESS_RESULT *result,
                               const char *log_text);
extern void smtpd_actions_envelope(SMTPD_STATE *state);
extern void smtpd_actions_headers(SMTPD_STATE *state);
extern void smtpd_actions_reset(SMTPD_ACTIONS *actions);

/* smtpd_requiretls.c */
extern bool smtpd_requiretls_offered(const SMTPD_STATE *state);
extern int smtpd_requiretls_mail_opt(SMTPD_STATE *state);

/* smtpd_peer.c */
extern void smtpd_peer_init(SMTPD_STATE *state);
extern void smtpd_peer_namaddr(SMTPD_STATE *state);

/* smtpd_text.c */
extern VSTRING *smtpd_text_printable(VSTRING *out, const char *text, const char *neuter);
extern char *smtpd_text_helo(const char *name);

/* smtpd.c */
extern void smtpd_session(SMTPD_STATE *state);

#endif
