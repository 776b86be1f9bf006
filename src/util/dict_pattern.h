/*
 * dict_pattern.h - rule tables of regular expressions (regexp:, pcre:)
 *
 * The table syntax (rules, "!" negation, "if"/"endif", "$number"
 * substitution) is shared; an engine supplies compile and match.
 */
#ifndef DICT_PATTERN_H
#define DICT_PATTERN_H

#include <stddef.h>

#include "dict.h"
#include "vstring.h"

#define DICT_PATTERN_MAX_SUB 99 /* highest $number */

typedef struct DICT_PATTERN_ENGINE {
    const char *type; /* "regexp", "pcre" */

    /*
     * Compile pattern with flags (the letters after the closing delimiter).
     * Return a handle and the number of subexpressions, or NULL with the
     * reason in why.
     */
    void *(*compile)(const char *pattern, const char *flags, int *out_nsub, VSTRING *why);

    /*
     * Match key. Fill offsets[0..2*(nsub+1)) with start/end pairs (-1 for
     * an unset group). Return 1 (match), 0 (no match) or -1 with why set.
     */
    int (*match)(void *handle, const char *key, long *offsets, int nsub, VSTRING *why);
    void (*free)(void *handle);
} DICT_PATTERN_ENGINE;

extern DICT *dict_pattern_open(const DICT_PATTERN_ENGINE *engine, const char *path, int open_flags,
                               int dict_flags);

#endif
