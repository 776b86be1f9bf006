/*++
 * NAME
 *	sasl_cyrus_flags - security options as Cyrus SASL flags
 * SYNOPSIS
 *	#include <sasl_cyrus_flags.h>
 *
 *	unsigned sasl_cyrus_flags(int mask);
 * DESCRIPTION
 *	sasl_cyrus_flags() turns a mask of SASL_SECOPT_* bits
 *	(sasl_secopts(3)) into the Cyrus library's SASL_SEC_* security
 *	flags, whose values differ. Both Cyrus back ends use it.
 *--*/

#include <sasl/sasl.h>

#include "sasl_cyrus_flags.h"
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
