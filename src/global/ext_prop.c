/*++
 * NAME
 *	ext_prop - propagate_unmatched_extensions as bits
 * SYNOPSIS
 *	#include "ext_prop.h"
 *
 *	int	ext_prop_mask(const char *value);
 * DESCRIPTION
 *	ext_prop_mask() returns the EXT_PROP_* bits of a
 *	propagate_unmatched_extensions value: the words canonical, virtual,
 *	alias, forward, include and generic, in any case, separated by
 *	white space or commas.
 * DIAGNOSTICS
 *	Fatal: a word that names no class (a configuration error).
 * SEE ALSO
 *	postconf(5)
 *--*/

/* System library. */
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "ext_prop.h"
#include "mail_params.h"

/* The class names. */
static const struct {
    const char *name; /* as in main.cf */
    int mask;         /* EXT_PROP_* */
} ext_prop_names[] = {
    {"canonical", EXT_PROP_CANONICAL}, {"virtual", EXT_PROP_VIRTUAL}, {"alias", EXT_PROP_ALIAS},
    {"forward", EXT_PROP_FORWARD},     {"include", EXT_PROP_INCLUDE}, {"generic", EXT_PROP_GENERIC},
};

/* ext_prop_mask - the bits of a class list */

int ext_prop_mask(const char *value)
{
    char *copy = mystrdup(value ? value : ""), *cp = copy, *word;
    int mask = 0;

    while ((word = mystrtok(&cp, ", \t\r\n")) != NULL) {
        size_t i;

        for (i = 0; i < sizeof(ext_prop_names) / sizeof(ext_prop_names[0]); i++)
            if (strcasecmp(word, ext_prop_names[i].name) == 0)
                break;
        if (i == sizeof(ext_prop_names) / sizeof(ext_prop_names[0]))
            msg_fatal("unknown %s value \"%s\" in \"%s\"", VAR_PROPAGATE_UNMATCHED_EXTENSIONS, word,
                      value);
        mask |= ext_prop_names[i].mask;
    }
    myfree(copy);
    return mask;
}
