/*++
 * NAME
 *	receive_override - receive_override_options of the receiving daemons
 * SYNOPSIS
 *	#include "receive_override.h"
 *
 *	int	receive_override_parse(const char *value, int *out_options,
 *				VSTRING *why);
 *	int	receive_override_cleanup_flags(int options, int flags);
 * DESCRIPTION
 *	receive_override_parse() reads a receive_override_options value: a
 *	list (commas or white space) of no_unknown_recipient_checks,
 *	no_address_mappings, no_header_body_checks and no_milters, in any
 *	case. It sets *out_options to the RECEIVE_* bits and returns 0, or
 *	returns -1 with the unknown word in why.
 *
 *	receive_override_cleanup_flags() adjusts the CLEANUP_FLAG_* bits
 *	flags that a daemon would send to cleanup: no_address_mappings adds
 *	CLEANUP_FLAG_NO_MAPPINGS, no_header_body_checks CLEANUP_FLAG_NO_CHECKS,
 *	and no_milters removes CLEANUP_FLAG_MILTER.
 *--*/

#include <string.h>
#include <strings.h>

#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "cleanup_client.h"
#include "receive_override.h"

/* receive_override_parse - the list */

int receive_override_parse(const char *value, int *out_options, VSTRING *why)
{
    static const struct {
        const char *name;
        int bit;
    } table[] = {
        {"no_unknown_recipient_checks", RECEIVE_NO_UNKNOWN_RCPT},
        {"no_address_mappings", RECEIVE_NO_ADDRESS_MAPPINGS},
        {"no_header_body_checks", RECEIVE_NO_HEADER_BODY_CHECKS},
        {"no_milters", RECEIVE_NO_MILTERS},
    };
    char *copy = mystrdup(value ? value : "");
    char *cp = copy;
    char *word;
    int status = 0;

    *out_options = 0;
    while (status == 0 && (word = mystrtok(&cp, ", \t\r\n")) != NULL) {
        size_t i;

        for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
            if (strcasecmp(word, table[i].name) == 0)
                break;
        if (i < sizeof(table) / sizeof(table[0])) {
            *out_options |= table[i].bit;
        } else {
            vstring_sprintf(why, "unknown option \"%s\"", word);
            status = -1;
        }
    }
    myfree(copy);
    return status;
}

/* receive_override_cleanup_flags - what cleanup must know */

int receive_override_cleanup_flags(int options, int flags)
{
    if (options & RECEIVE_NO_ADDRESS_MAPPINGS)
        flags |= CLEANUP_FLAG_NO_MAPPINGS;
    if (options & RECEIVE_NO_HEADER_BODY_CHECKS)
        flags |= CLEANUP_FLAG_NO_CHECKS;
    if (options & RECEIVE_NO_MILTERS)
        flags &= ~CLEANUP_FLAG_MILTER;
    return flags;
}
