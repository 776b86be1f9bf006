/*++
 * NAME
 *	header_action - what a header_checks(5) or body_checks table result means
 * SYNOPSIS
 *	#include <header_action.h>
 *
 *	HEADER_ACTION header_action_parse(const char *value,
 *				HEADER_ACTION_RESULT *out);
 * DESCRIPTION
 *	header_action_parse() classifies a table value and fills out (the
 *	pointers point into value). The keywords of header_checks(5), case-
 *	insensitive, alone or followed by white space and text: BCC, DISCARD,
 *	DUNNO, FILTER, HOLD, IGNORE, INFO, OK (an old name of DUNNO),
 *	PREPEND, REDIRECT, REPLACE, REJECT, STRIP and WARN. Anything else is
 *	HEADER_ACTION_UNKNOWN. Whether an action's text is usable (a header
 *	for PREPEND, transport:destination for FILTER, ...) is for the
 *	caller to judge. The result is out->action.
 * SEE ALSO
 *	header_checks(5), access_action(3)
 *--*/

/* System library. */
#include <stddef.h>

/* Global library. */
#include "access_action.h"
#include "header_action.h"

/* The keywords. */
static const struct {
    const char *keyword;  /* as Postfix spells it */
    HEADER_ACTION action; /* what it is */
} header_action_keywords[] = {
    {"BCC", HEADER_ACTION_BCC},         {"DISCARD", HEADER_ACTION_DISCARD},
    {"DUNNO", HEADER_ACTION_DUNNO},     {"FILTER", HEADER_ACTION_FILTER},
    {"HOLD", HEADER_ACTION_HOLD},       {"IGNORE", HEADER_ACTION_IGNORE},
    {"INFO", HEADER_ACTION_INFO},       {"OK", HEADER_ACTION_DUNNO},
    {"PREPEND", HEADER_ACTION_PREPEND}, {"REDIRECT", HEADER_ACTION_REDIRECT},
    {"REPLACE", HEADER_ACTION_REPLACE}, {"REJECT", HEADER_ACTION_REJECT},
    {"STRIP", HEADER_ACTION_STRIP},     {"WARN", HEADER_ACTION_WARN},
};

/* header_action_parse - classify a table value */

HEADER_ACTION header_action_parse(const char *value, HEADER_ACTION_RESULT *out)
{
    const char *text;

    *out = (HEADER_ACTION_RESULT){.action = HEADER_ACTION_UNKNOWN, .text = ""};
    for (size_t i = 0; i < sizeof(header_action_keywords) / sizeof(header_action_keywords[0]); i++)
        if ((text = access_action_word(value, header_action_keywords[i].keyword)) != NULL) {
            *out = (HEADER_ACTION_RESULT){.action = header_action_keywords[i].action,
                                          .keyword = header_action_keywords[i].keyword,
                                          .text = text};
            break;
        }
    return out->action;
}
