/*++
 * NAME
 *	access_action - what an access(5) table result means
 * SYNOPSIS
 *	#include <access_action.h>
 *
 *	ACCESS_ACTION access_action_parse(const char *value, ACCESS_RESULT *out);
 *	const char *access_action_word(const char *value, const char *word);
 * DESCRIPTION
 *	access_action_parse() classifies a table value and fills out (the
 *	pointers point into value). Keywords are case-insensitive and stand
 *	alone or are followed by white space and text:
 *	OK or a number permits; REJECT [text] and DEFER [text] refuse;
 *	"4NN text" and "5NN text" refuse with that code; DEFER_IF_PERMIT
 *	[text] and DEFER_IF_REJECT [text] defer if a later restriction
 *	permits or rejects; DUNNO decides nothing; WARN text and INFO text
 *	are logged and decide nothing; HOLD [text], DISCARD [text], FILTER
 *	transport:destination, REDIRECT address, BCC address and PREPEND
 *	header act on the whole message (out->keyword names them; their
 *	argument is out->text, which the caller checks); anything else is a
 *	restriction list, evaluated in place. The result is out->action.
 *
 *	access_action_word() returns the text after word when value is
 *	that keyword (case-insensitive) alone or followed by white space,
 *	otherwise NULL. header_checks(5) actions use it too.
 * SEE ALSO
 *	access(5), smtpd_check_access(3), postfix_check_lists(3)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "stringops.h"

/* Global library. */
#include "access_action.h"

/* Keyword actions on the whole message. */
static const struct {
    const char *keyword;  /* as Postfix spells it */
    ACCESS_ACTION action; /* what it is */
} access_action_keywords[] = {
    {"HOLD", ACCESS_ACTION_HOLD},     {"DISCARD", ACCESS_ACTION_DISCARD},
    {"FILTER", ACCESS_ACTION_FILTER}, {"REDIRECT", ACCESS_ACTION_REDIRECT},
    {"BCC", ACCESS_ACTION_BCC},       {"PREPEND", ACCESS_ACTION_PREPEND},
};

/* access_action_word - is the value this keyword, alone or with text? */

const char *access_action_word(const char *value, const char *word)
{
    size_t len = strlen(word);

    if (strncasecmp(value, word, len) != 0)
        return NULL;
    if (value[len] == 0)
        return "";
    if (value[len] != ' ' && value[len] != '\t')
        return NULL;
    return value + len + strspn(value + len, " \t");
}

/* access_action_code - "4NN text" or "5NN text": the code, or 0 */

static int access_action_code(const char *value, const char **out_text)
{
    if ((value[0] != '4' && value[0] != '5') || !isdigit((unsigned char)value[1]) ||
        !isdigit((unsigned char)value[2]) || (value[3] != ' ' && value[3] != '\t'))
        return 0;
    *out_text = value + 4 + strspn(value + 4, " \t");
    return (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
}

/* access_action_parse - classify a table value */

ACCESS_ACTION access_action_parse(const char *value, ACCESS_RESULT *out)
{
    const char *text;

    *out = (ACCESS_RESULT){.action = ACCESS_ACTION_RESTRICTIONS, .text = ""};
    if (strcasecmp(value, "OK") == 0 || alldig(value))
        out->action = ACCESS_ACTION_OK;
    else if ((text = access_action_word(value, "REJECT")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_REJECT, .text = text};
    else if ((text = access_action_word(value, "DEFER_IF_PERMIT")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_DEFER_IF_PERMIT, .text = text};
    else if ((text = access_action_word(value, "DEFER_IF_REJECT")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_DEFER_IF_REJECT, .text = text};
    else if ((text = access_action_word(value, "DEFER")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_DEFER, .text = text};
    else if ((out->code = access_action_code(value, &text)) != 0)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_CODE, .text = text, .code = out->code};
    else if ((text = access_action_word(value, "DUNNO")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_DUNNO, .text = text};
    else if ((text = access_action_word(value, "WARN")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_WARN, .text = text};
    else if ((text = access_action_word(value, "INFO")) != NULL)
        *out = (ACCESS_RESULT){.action = ACCESS_ACTION_INFO, .text = text};
    else
        for (size_t i = 0; i < sizeof(access_action_keywords) / sizeof(access_action_keywords[0]);
             i++)
            if ((text = access_action_word(value, access_action_keywords[i].keyword)) != NULL) {
                *out = (ACCESS_RESULT){.action = access_action_keywords[i].action,
                                       .text = text,
                                       .keyword = access_action_keywords[i].keyword};
                break;
            }
    return out->action;
}
