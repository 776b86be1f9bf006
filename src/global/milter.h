/*
 * milter.h - the milter client: a list of milters and their events
 *
 * A MILTERS is the list that smtpd_milters or non_smtpd_milters names,
 * each element "inet:host:port", "unix:/path" (or a path) or a braced
 * "{ endpoint, name = value ... }" with per-milter settings. One MILTERS
 * serves one SMTP session: milters_connect() opens the connections, each
 * milters_*() event goes to every milter in turn, milters_message() runs
 * the content through them one after the other (each sees the changes
 * of the milters before it) and milters_quit() ends the session.
 *
 * An event's outcome is a MILTER_RESULT: go on, reject or defer (with
 * the SMTP reply to send), discard or hold the message, or end the
 * session (421). A milter that cannot be reached, is too slow or breaks
 * the protocol gets its default_action, and is logged with its name.
 */
#ifndef MILTER_H
#define MILTER_H

#include <stdbool.h>

#include "argv.h"
#include "config.h"
#include "mail_params.h"
#include "vstring.h"

#include "milter_msg.h"
#include "milter_proto.h"

typedef struct MILTERS MILTERS;

/* The milter_* parameters (strings owned by the CONFIG). */
typedef struct MILTER_SETTINGS {
    const char *protocol;                    /* milter_protocol: 2, 3, 4 or 6 */
    int connect_timeout;                     /* milter_connect_timeout, seconds */
    int command_timeout;                     /* milter_command_timeout, seconds */
    int content_timeout;                     /* milter_content_timeout, seconds */
    const char *default_action;              /* milter_default_action */
    const char *daemon_name;                 /* milter_macro_daemon_name */
    const char *macro_v;                     /* milter_macro_v */
    const char *macro_defaults;              /* milter_macro_defaults: name=value ... */
    const char *macros[MILTER_MACRO_STAGES]; /* milter_*_macros by MILTER_MACRO_STAGE_* */
} MILTER_SETTINGS;

#define MILTER_SETTINGS_BIND(P)                                                                    \
    CONFIG_BIND_STR(VAR_MILTER_PROTOCOL, &(P)->protocol),                                          \
        CONFIG_BIND_TIME(VAR_MILTER_CONNECT_TIMEOUT, &(P)->connect_timeout),                       \
        CONFIG_BIND_TIME(VAR_MILTER_COMMAND_TIMEOUT, &(P)->command_timeout),                       \
        CONFIG_BIND_TIME(VAR_MILTER_CONTENT_TIMEOUT, &(P)->content_timeout),                       \
        CONFIG_BIND_STR(VAR_MILTER_DEFAULT_ACTION, &(P)->default_action),                          \
        CONFIG_BIND_STR(VAR_MILTER_MACRO_DAEMON_NAME, &(P)->daemon_name),                          \
        CONFIG_BIND_STR(VAR_MILTER_MACRO_V, &(P)->macro_v),                                        \
        CONFIG_BIND_STR(VAR_MILTER_MACRO_DEFAULTS, &(P)->macro_defaults),                          \
        CONFIG_BIND_STR(VAR_MILTER_CONNECT_MACROS, &(P)->macros[MILTER_MACRO_STAGE_CONNECT]),      \
        CONFIG_BIND_STR(VAR_MILTER_HELO_MACROS, &(P)->macros[MILTER_MACRO_STAGE_HELO]),            \
        CONFIG_BIND_STR(VAR_MILTER_MAIL_MACROS, &(P)->macros[MILTER_MACRO_STAGE_MAIL]),            \
        CONFIG_BIND_STR(VAR_MILTER_RCPT_MACROS, &(P)->macros[MILTER_MACRO_STAGE_RCPT]),            \
        CONFIG_BIND_STR(VAR_MILTER_DATA_MACROS, &(P)->macros[MILTER_MACRO_STAGE_DATA]),            \
        CONFIG_BIND_STR(VAR_MILTER_END_OF_DATA_MACROS, &(P)->macros[MILTER_MACRO_STAGE_EOM]),      \
        CONFIG_BIND_STR(VAR_MILTER_END_OF_HEADER_MACROS, &(P)->macros[MILTER_MACRO_STAGE_EOH]),    \
        CONFIG_BIND_STR(VAR_MILTER_UNKNOWN_COMMAND_MACROS,                                         \
                        &(P)->macros[MILTER_MACRO_STAGE_UNKNOWN])

/* The value of a macro ("i", "{client_addr}", ...), or NULL when it has none. */
typedef const char *(*MILTER_MACRO_FN)(const char *name, void *context);

/* What an event asks the caller to do. */
typedef enum MILTER_VERDICT {
    MILTER_CONTINUE, /* go on */
    MILTER_REJECT,   /* send reply (5xx) */
    MILTER_TEMPFAIL, /* send reply (4xx) */
    MILTER_DISCARD,  /* accept the message, deliver nothing */
    MILTER_HOLD,     /* accept the message into the hold queue (reason says why) */
    MILTER_SHUTDOWN, /* send reply (421) and end the session */
} MILTER_VERDICT;

typedef struct MILTER_RESULT {
    MILTER_VERDICT verdict; /* what to do */
    const char *reply;  /* REJECT, TEMPFAIL, SHUTDOWN: lines joined by CR LF; owned by MILTERS */
    const char *reason; /* HOLD: the quarantine reason; owned by MILTERS */
    const char *milter; /* the milter that decided, owned by MILTERS, or NULL */
} MILTER_RESULT;

/*
 * milter_header_checks: the caller judges each header field that a milter
 * adds, inserts or changes ("Name: value", lines joined by newlines)
 * before it is applied. REPLACE puts "Name: value" into replacement,
 * REJECT an SMTP reply ("550 5.7.1 text"; 4xx: a temporary failure).
 */
typedef enum MILTER_HEADER_VERDICT {
    MILTER_HEADER_KEEP,    /* apply the field as the milter asked */
    MILTER_HEADER_DROP,    /* leave it out (a changed field is deleted) */
    MILTER_HEADER_REPLACE, /* apply the replacement instead */
    MILTER_HEADER_REJECT,  /* refuse the message with the reply in replacement */
} MILTER_HEADER_VERDICT;

typedef MILTER_HEADER_VERDICT (*MILTER_HEADER_FN)(void *context, const char *field,
                                                  VSTRING *replacement);

extern int milter_settings_check(const MILTER_SETTINGS *settings, VSTRING *why);
extern MILTERS *milters_create(const char *list, const MILTER_SETTINGS *settings,
                               MILTER_MACRO_FN macro_fn, void *context, VSTRING *why);
extern MILTERS *milters_free(MILTERS *milters);
extern const char *milters_macro(MILTERS *milters, const char *name);
extern void milters_header_checks(MILTERS *milters, MILTER_HEADER_FN fn, void *context);

extern MILTER_RESULT milters_connect(MILTERS *milters, const char *client_name,
                                     const char *client_addr, const char *client_port);
extern MILTER_RESULT milters_helo(MILTERS *milters, const char *helo);
extern MILTER_RESULT milters_mail(MILTERS *milters, const ARGV *args);
extern MILTER_RESULT milters_rcpt(MILTERS *milters, const ARGV *args);
extern void milters_rcpt_rejected(MILTERS *milters, const ARGV *args);
extern MILTER_RESULT milters_data(MILTERS *milters);
extern MILTER_RESULT milters_unknown(MILTERS *milters, const char *command);
extern MILTER_RESULT milters_message(MILTERS *milters, MILTER_MSG *msg);
extern void milters_abort(MILTERS *milters);
extern void milters_quit(MILTERS *milters);

#endif
