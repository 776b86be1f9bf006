/*
 * smtpd_limits.h - per-client connection and rate limits, and junk commands
 *
 * The smtpd_client_*_limit settings, enforced with the counts of the
 * anvil(8) service, which all smtpd processes share; and
 * smtpd_junk_command_limit, counted per session. smtpd_config.c has
 * smtpd_limits_config.c bind the settings into SMTPD_CONFIG.limits; the
 * session and the commands call the hooks of smtpd_limits.c at each
 * event.
 */
#ifndef SMTPD_LIMITS_H
#define SMTPD_LIMITS_H

#include <stdbool.h>

#include "config.h"
#include "match_list.h"

/* The settings (bound by smtpd_limits_config()). */
typedef struct SMTPD_LIMITS {
    bool enabled;               /* network server: anvil is asked */
    int connection_count_limit; /* smtpd_client_connection_count_limit, 0: none */
    int connection_rate_limit;  /* smtpd_client_connection_rate_limit */
    int message_rate_limit;     /* smtpd_client_message_rate_limit */
    int recipient_rate_limit;   /* smtpd_client_recipient_rate_limit */
    int newtls_rate_limit;      /* smtpd_client_new_tls_session_rate_limit */
    int auth_rate_limit;        /* smtpd_client_auth_rate_limit */
    int junk_command_limit;     /* smtpd_junk_command_limit */
    MATCH_LIST *exceptions;     /* smtpd_client_event_limit_exceptions; owned, or NULL */
} SMTPD_LIMITS;

/* Per session (SMTPD_STATE.limits). */
typedef struct SMTPD_LIMITS_STATE {
    bool exempt;       /* the client is in smtpd_client_event_limit_exceptions */
    bool registered;   /* anvil counted this connection: disconnect at the end */
    int junk_commands; /* HELO, EHLO, NOOP, RSET, VRFY since the last delivery */
    int connections;   /* the client's connections to this service (anvil), 0: unknown */
} SMTPD_LIMITS_STATE;

struct SMTPD_STATE;

/* smtpd_limits_config.c */
extern void smtpd_limits_config(SMTPD_LIMITS *limits, CONFIG *config, bool network);
extern void smtpd_limits_free(SMTPD_LIMITS *limits);

/* smtpd_limits.c */
extern int smtpd_limits_connect(struct SMTPD_STATE *state);
extern void smtpd_limits_disconnect(struct SMTPD_STATE *state);
extern int smtpd_limits_message(struct SMTPD_STATE *state);
extern int smtpd_limits_recipient(struct SMTPD_STATE *state);
extern int smtpd_limits_starttls(struct SMTPD_STATE *state);
extern int smtpd_limits_wrapper(struct SMTPD_STATE *state);
extern int smtpd_limits_newtls(struct SMTPD_STATE *state, bool reused);
extern int smtpd_limits_auth(struct SMTPD_STATE *state);
extern void smtpd_limits_junk(struct SMTPD_STATE *state);

#endif
