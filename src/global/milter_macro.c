/*++
 * NAME
 *	milter_macro - the macro packets sent before each milter event
 * SYNOPSIS
 *	#include "milter_macro.h"
 *
 *	int	milter_macro_stage_cmd(int stage);
 *	size_t	milter_macro_packet(VSTRING *out, int stage, const char *list,
 *				MILTER_MACRO_LOOKUP lookup, void *context);
 * DESCRIPTION
 *	milter_macro_stage_cmd() is the command byte of the event that
 *	follows the macros of a MILTER_MACRO_STAGE_*.
 *
 *	milter_macro_packet() writes into out the data of an SMFIC_MACRO
 *	packet for stage: the event's command byte, then a name and a value
 *	(each null-terminated) for each macro of list (names separated by
 *	white space or commas, multi-character names with or without
 *	braces) that lookup gives a value. Names go to lookup and to the
 *	milter in braced form when longer than one character. It returns the
 *	number of macros written.
 *--*/

#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

#include "milter_macro.h"
#include "milter_proto.h"

/* milter_macro_stage_cmd - the event that follows a stage's macros */

int milter_macro_stage_cmd(int stage)
{
    static const char cmds[MILTER_MACRO_STAGES] = {
        [MILTER_MACRO_STAGE_CONNECT] = MILTER_CMD_CONNECT,
        [MILTER_MACRO_STAGE_HELO] = MILTER_CMD_HELO,
        [MILTER_MACRO_STAGE_MAIL] = MILTER_CMD_MAIL,
        [MILTER_MACRO_STAGE_RCPT] = MILTER_CMD_RCPT,
        [MILTER_MACRO_STAGE_DATA] = MILTER_CMD_DATA,
        [MILTER_MACRO_STAGE_EOM] = MILTER_CMD_EOB,
        [MILTER_MACRO_STAGE_EOH] = MILTER_CMD_EOH,
        [MILTER_MACRO_STAGE_UNKNOWN] = MILTER_CMD_UNKNOWN,
    };

    return stage >= 0 && stage < MILTER_MACRO_STAGES ? cmds[stage] : 0;
}

/* milter_macro_packet - the macros of one stage */

size_t milter_macro_packet(VSTRING *out, int stage, const char *list, MILTER_MACRO_LOOKUP lookup,
                           void *context)
{
    VSTRING *name = vstring_alloc(32);
    const char *cp = list ? list : "";
    size_t count = 0;

    vstring_truncate(out, 0);
    vstring_addch(out, milter_macro_stage_cmd(stage));
    while (*cp) {
        size_t len;
        const char *value;

        cp += strspn(cp, " \t\r\n,");
        if ((len = strcspn(cp, " \t\r\n,")) == 0)
            break;
        if (len > 2 && cp[0] == '{' && cp[len - 1] == '}')
            vstring_strncpy(name, cp, len);
        else if (len == 1)
            vstring_strncpy(name, cp, 1);
        else
            vstring_sprintf(name, "{%.*s}", (int)len, cp);
        cp += len;
        if ((value = lookup(vstring_str(name), context)) == NULL)
            continue;
        vstring_memcat(out, vstring_str(name), VSTRING_LEN(name) + 1);
        vstring_memcat(out, value, strlen(value) + 1);
        count++;
    }
    vstring_free(name);
    return count;
}
