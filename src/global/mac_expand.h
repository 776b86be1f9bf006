/*
 * mac_expand.h - $name macros in a text, with values from a callback
 *
 * The forms of main.cf ($name, ${name}, $(name), ${name?text},
 * ${name:text}, ${name?{text1}:{text2}}, $$) over a caller's set of
 * names, as local(8) expands forward_path, luser_relay and the like.
 */
#ifndef MAC_EXPAND_H
#define MAC_EXPAND_H

#include "vstring.h"

/* The value of name ("" when empty), or NULL when there is no such name. */
typedef const char *(*MAC_EXPAND_LOOKUP_FN)(const char *name, void *context);

#define MAC_EXPAND_EMPTY 1 /* result: a plain macro had an empty value */

extern int mac_expand(VSTRING *out, const char *text, MAC_EXPAND_LOOKUP_FN lookup, void *context,
                      const char *filter, VSTRING *why);

#endif
