/*
 * reply_footer.h - a footer under an SMTP reply (*_reject_footer)
 *
 * The footer template may hold "\n" (a new reply line), a leading "\c"
 * (go on on the reply's last line) and $name or ${name} macros, which the
 * caller's lookup function expands.
 */
#ifndef REPLY_FOOTER_H
#define REPLY_FOOTER_H

#include "vstring.h"

/* The value of a macro, or NULL for a name that does not exist. */
typedef const char *(*REPLY_FOOTER_LOOKUP_FN)(const char *name, void *context);

extern int reply_footer(VSTRING *reply, const char *template, REPLY_FOOTER_LOOKUP_FN lookup,
                        void *context, VSTRING *why);

#endif
