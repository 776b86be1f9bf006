/*++
 * NAME
 *	sasl_dovecot_server - the dovecot SASL server back end
 * SYNOPSIS
 *	#include <sasl_server.h>
 *
 *	SASL_SERVER_IMPL *sasl_dovecot_server_init(const SASL_SERVER_SETTINGS *settings);
 * DESCRIPTION
 *	Not available in this build: sasl_dovecot_server_init() logs a warning
 *	and returns NULL, so that smtpd offers no AUTH.
 *--*/

#include "msg.h"

#include "sasl_server.h"

/* sasl_dovecot_server_init - not available */

SASL_SERVER_IMPL *sasl_dovecot_server_init(const SASL_SERVER_SETTINGS *settings)
{
    msg_warn("SASL server type %s is not available in this build", settings->type);
    return NULL;
}
