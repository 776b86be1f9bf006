/*++
 * NAME
 *	smtpd_limits_config - the settings of the per-client limits
 * SYNOPSIS
 *	#include "smtpd_limits.h"
 *
 *	void	smtpd_limits_config(SMTPD_LIMITS *limits, CONFIG *config,
 *				bool network);
 *	void	smtpd_limits_free(SMTPD_LIMITS *limits);
 * DESCRIPTION
 *	smtpd_limits_config() binds smtpd_junk_command_limit and, for a
 *	network server, the smtpd_client_*_limit settings and
 *	smtpd_client_event_limit_exceptions into limits. limits->enabled
 *	says whether any counted limit is set, that is, whether smtpd asks
 *	anvil(8) at all. smtpd_limits_free() releases what it made.
 * DIAGNOSTICS
 *	Fatal: a malformed exceptions list.
 * SEE ALSO
 *	smtpd_limits(3)
 *--*/

#include "msg.h"
#include "vstring.h"

#include "mail_params.h"

#include "smtpd_limits.h"

/* smtpd_limits_config - bind the settings */

void smtpd_limits_config(SMTPD_LIMITS *limits, CONFIG *config, bool network)
{
    const char *exceptions = "";
    const CONFIG_BIND protocol[] = {
        CONFIG_BIND_INT(VAR_SMTPD_JUNK_COMMAND_LIMIT, &limits->junk_command_limit),
        CONFIG_BIND_END,
    };
    const CONFIG_BIND counted[] = {
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_CONNECTION_COUNT_LIMIT, &limits->connection_count_limit),
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_CONNECTION_RATE_LIMIT, &limits->connection_rate_limit),
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_MESSAGE_RATE_LIMIT, &limits->message_rate_limit),
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_RECIPIENT_RATE_LIMIT, &limits->recipient_rate_limit),
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_NEW_TLS_SESSION_RATE_LIMIT, &limits->newtls_rate_limit),
        CONFIG_BIND_INT(VAR_SMTPD_CLIENT_AUTH_RATE_LIMIT, &limits->auth_rate_limit),
        CONFIG_BIND_STR(VAR_SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS, &exceptions),
        CONFIG_BIND_END,
    };
    VSTRING *why;

    config_bind(config, protocol);
    if (!network)
        return;
    config_bind(config, counted);
    limits->enabled = limits->connection_count_limit > 0 || limits->connection_rate_limit > 0 ||
                      limits->message_rate_limit > 0 || limits->recipient_rate_limit > 0 ||
                      limits->newtls_rate_limit > 0 || limits->auth_rate_limit > 0;
    why = vstring_alloc(100);
    limits->exceptions = match_list_create(VAR_SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS, exceptions,
                                           MATCH_FLAG_NONE, why);
    if (limits->exceptions == NULL)
        msg_fatal("%s: %s", VAR_SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS, vstring_str(why));
    vstring_free(why);
}

/* smtpd_limits_free - release the settings */

void smtpd_limits_free(SMTPD_LIMITS *limits)
{
    if (limits->exceptions)
        limits->exceptions = match_list_free(limits->exceptions);
}
