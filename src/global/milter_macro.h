/*
 * milter_macro.h - the macro packets sent before each milter event
 */
#ifndef MILTER_MACRO_H
#define MILTER_MACRO_H

#include "vstring.h"

/* The value of a macro in braced form ("{client_addr}", "i"), or NULL. */
typedef const char *(*MILTER_MACRO_LOOKUP)(const char *name, void *context);

extern int milter_macro_stage_cmd(int stage);
extern size_t milter_macro_packet(VSTRING *out, int stage, const char *list,
                                  MILTER_MACRO_LOOKUP lookup, void *context);

#endif
