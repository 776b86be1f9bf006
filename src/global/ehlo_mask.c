/*++
 * NAME
 *	ehlo_mask - EHLO keywords as bits
 * SYNOPSIS
 *	#include <ehlo_mask.h>
 *
 *	int	ehlo_mask(const char *list);
 *	int	ehlo_mask_keyword(const char *keyword);
 *	const char *ehlo_mask_str(VSTRING *buf, int mask);
 * DESCRIPTION
 *	ehlo_mask() returns the EHLO_MASK_* bits of the keywords in list
 *	(separated by white space or commas, in any case); a word that
 *	names no keyword is ignored, as is a null list.
 *
 *	ehlo_mask_keyword() returns the bit of one keyword of an EHLO reply
 *	(the first word of a reply line, in any case), or 0 for one that
 *	has none.
 *
 *	ehlo_mask_str() writes the names of the bits in mask into buf,
 *	upper case and separated by one space, in a fixed order (8BITMIME
 *	AUTH ETRN PIPELINING SIZE VERB VRFY XCLIENT XFORWARD STARTTLS
 *	ENHANCEDSTATUSCODES DSN SILENT-DISCARD SMTPUTF8 CHUNKING REQUIRETLS), and
 *	returns the text.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "ehlo_mask.h"

/* The keywords, in the order of the log line. */
static const struct {
    const char *name; /* as the log shows it */
    int mask;         /* EHLO_MASK_* */
} ehlo_mask_names[] = {
    {"8BITMIME", EHLO_MASK_8BITMIME},
    {"AUTH", EHLO_MASK_AUTH},
    {"ETRN", EHLO_MASK_ETRN},
    {"PIPELINING", EHLO_MASK_PIPELINING},
    {"SIZE", EHLO_MASK_SIZE},
    {"VERB", EHLO_MASK_VERB},
    {"VRFY", EHLO_MASK_VRFY},
    {"XCLIENT", EHLO_MASK_XCLIENT},
    {"XFORWARD", EHLO_MASK_XFORWARD},
    {"STARTTLS", EHLO_MASK_STARTTLS},
    {"ENHANCEDSTATUSCODES", EHLO_MASK_ENHANCEDSTATUSCODES},
    {"DSN", EHLO_MASK_DSN},
    {"SILENT-DISCARD", EHLO_MASK_SILENT},
    {"SMTPUTF8", EHLO_MASK_SMTPUTF8},
    {"CHUNKING", EHLO_MASK_CHUNKING},
    {"REQUIRETLS", EHLO_MASK_REQUIRETLS},
};

#define EHLO_MASK_COUNT (sizeof(ehlo_mask_names) / sizeof(ehlo_mask_names[0]))

/* ehlo_mask_keyword - the bit of one keyword */

int ehlo_mask_keyword(const char *keyword)
{
    for (size_t i = 0; i < EHLO_MASK_COUNT; i++)
        if (ehlo_mask_names[i].mask != EHLO_MASK_SILENT &&
            strcasecmp(keyword, ehlo_mask_names[i].name) == 0)
            return ehlo_mask_names[i].mask;
    return 0;
}

/* ehlo_mask - the bits of a keyword list */

int ehlo_mask(const char *list)
{
    char *copy, *cp, *word;
    int mask = 0;

    if (list == NULL)
        return 0;
    cp = copy = mystrdup(list);
    while ((word = mystrtok(&cp, " \t\r\n,")) != NULL)
        for (size_t i = 0; i < EHLO_MASK_COUNT; i++)
            if (strcasecmp(word, ehlo_mask_names[i].name) == 0)
                mask |= ehlo_mask_names[i].mask;
    myfree(copy);
    return mask;
}

/* ehlo_mask_str - the names of the bits */

const char *ehlo_mask_str(VSTRING *buf, int mask)
{
    VSTRING_RESET(buf);
    for (size_t i = 0; i < EHLO_MASK_COUNT; i++)
        if (mask & ehlo_mask_names[i].mask)
            vstring_sprintf_append(buf, "%s%s", VSTRING_LEN(buf) ? " " : "",
                                   ehlo_mask_names[i].name);
    return vstring_str(buf);
}
