/*++
 * NAME
 *	sasl_cyrus_common - what both Cyrus SASL back ends share
 * SYNOPSIS
 *	#include <sasl_cyrus_common.h>
 *
 *	unsigned sasl_cyrus_flags(int mask);
 *
 *	int	sasl_cyrus_log(void *context, int level, const char *message);
 * DESCRIPTION
 *	sasl_cyrus_flags() turns a mask of SASL_SECOPT_* bits
 *	(sasl_secopts(3)) into the Cyrus library's SASL_SEC_* security
 *	flags, whose values differ.
 *
 *	sasl_cyrus_log() is the SASL_CB_LOG callback of the client and
 *	the server: errors and warnings are logged, notes only with -v,
 *	and the debug, trace and "pass" levels never, because they may
 *	show passwords or exchanges that carry them.
 *--*/

#include <sasl/sasl.h>

#include "msg.h"

#include "sasl_cyrus_common.h"
#include "sasl_secopts.h"

/* sasl_cyrus_flags - our mask, the library's flags */

unsigned sasl_cyrus_flags(int mask)
{
    static const struct {
        int option;    /* SASL_SECOPT_* */
        unsigned flag; /* Cyrus SASL_SEC_* */
    } map[] = {
        {SASL_SECOPT_NOPLAINTEXT, SASL_SEC_NOPLAINTEXT},
        {SASL_SECOPT_NOACTIVE, SASL_SEC_NOACTIVE},
        {SASL_SECOPT_NODICTIONARY, SASL_SEC_NODICTIONARY},
        {SASL_SECOPT_NOANONYMOUS, SASL_SEC_NOANONYMOUS},
        {SASL_SECOPT_MUTUAL_AUTH, SASL_SEC_MUTUAL_AUTH},
        {SASL_SECOPT_FORWARD_SECRECY, SASL_SEC_FORWARD_SECRECY},
    };
    unsigned flags = 0;

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (mask & map[i].option)
            flags |= map[i].flag;
    return flags;
}

/* sasl_cyrus_log - the library's messages into our log, secrets never */

int sasl_cyrus_log(void *unused_context, int level, const char *message)
{
    switch (level) {
    case SASL_LOG_ERR:
    case SASL_LOG_FAIL:
        msg_warn("SASL authentication failure: %s", message);
        break;
    case SASL_LOG_WARN:
        msg_warn("SASL authentication problem: %s", message);
        break;
    case SASL_LOG_NOTE:
        if (msg_verbose)
            msg_info("SASL authentication info: %s", message);
        break;
    default:
        break;
    }
    return SASL_OK;
}
