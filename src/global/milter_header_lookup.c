/*++
 * NAME
 *	milter_header_lookup - look a milter's header field up in milter_header_checks
 * SYNOPSIS
 *	#include <milter_header_lookup.h>
 *
 *	int	milter_header_lookup(MAPS *maps, const char *queue_id,
 *				const char *field, const char **value,
 *				VSTRING *reply);
 * DESCRIPTION
 *	milter_header_lookup() looks field (a whole header field that a
 *	milter adds, inserts or changes) up in maps (milter_header_checks).
 *	It returns 1 with the table's value in *value when there is an
 *	action to take; 0 when the field is kept as it is: no match, or a
 *	PREPEND action, which is not supported for these fields (a
 *	warning); and -1 when the lookup failed: a warning that names
 *	queue_id, and reply holds the temporary refusal of the message
 *	("451 4.3.0 Temporary lookup failure").
 * DIAGNOSTICS
 *	Warnings: a failed lookup; a PREPEND action.
 * SEE ALSO
 *	header_checks(5), header_action(3), smtpd_milter_checks(3),
 *	cleanup_checks(3)
 *--*/

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "header_action.h"
#include "maps.h"
#include "milter_header_lookup.h"

/* milter_header_lookup - the action for a field, if any */

int milter_header_lookup(MAPS *maps, const char *queue_id, const char *field, const char **value,
                         VSTRING *reply)
{
    HEADER_ACTION_RESULT res;

    if ((*value = maps_find(maps, field, 0)) == NULL) {
        if (maps->error == 0)
            return 0;
        msg_warn("%s: %s map lookup problem -- message not accepted, try again later", queue_id,
                 maps->title);
        vstring_strcpy(reply, "451 4.3.0 Temporary lookup failure");
        return -1;
    }
    if (header_action_parse(*value, &res) == HEADER_ACTION_PREPEND) {
        msg_warn("%s map: PREPEND is not supported for header fields that milters add; "
                 "ignoring \"%s\"",
                 maps->title, *value);
        return 0;
    }
    return 1;
}
