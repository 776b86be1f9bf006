/*++
 * NAME
 *	dict_regexp - POSIX regular expression tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_regexp_open(const char *path, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_regexp_open() loads a regexp_table(5) file: rules of POSIX
 *	extended regular expressions (regcomp(3)), with the syntax that
 *	dict_pattern(3) describes. Flags after a pattern toggle a default:
 *	i (case-insensitive matching, on by default), x (extended syntax,
 *	on by default) and m (multi-line mode: newline is special, off by
 *	default).
 *
 *	The C library compiles a bounded repetition by copying what it
 *	repeats ("x{1,100}" holds 100 copies of x, "x+" two), and its
 *	memory grows faster than the copies: "/.{0,10000}/" takes most of a
 *	gigabyte, a line of stacked "+" operators several. Before regcomp(3)
 *	sees a pattern, its size with every repetition written out is
 *	estimated, each atom, bracket expression and group counting one:
 *	x* and x? count x once, x+ twice, x{n} and x{n,m} n or m times,
 *	x{n,} n + 1 times, and repetitions of repetitions multiply. A
 *	pattern whose size is over DICT_REGEXP_MAX_SIZE (2000, some tens of
 *	megabytes at worst) is refused ("regular expression too complex"),
 *	which makes the table unusable with an error that names its file
 *	and line, as for any other syntax error.
 * DIAGNOSTICS
 *	See dict_pattern(3): errors name the file and line, for example
 *	"regexp map /etc/postfix/x, line 3: unknown regexp option "q"".
 *--*/

#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "dict_pattern.h"
#include "mymalloc.h"
#include "vstring.h"

#define DICT_REGEXP_MAX_SIZE  2000 /* expanded atoms, see above */
#define DICT_REGEXP_MAX_GROUP 100  /* deeper nesting counts as too complex */

/* One open group of the size estimate. */
typedef struct DICT_REGEXP_GROUP {
    long done; /* finished alternatives and atoms before the last */
    long last; /* the last atom or group, which a repetition applies to */
} DICT_REGEXP_GROUP;

/* dict_regexp_add - a saturating sum, so that no size overflows */

static long dict_regexp_add(long a, long b)
{
    return a + b > DICT_REGEXP_MAX_SIZE ? DICT_REGEXP_MAX_SIZE + 1 : a + b;
}

/* dict_regexp_times - a saturating product */

static long dict_regexp_times(long a, long b)
{
    return b != 0 && a > (DICT_REGEXP_MAX_SIZE + 1) / b ? DICT_REGEXP_MAX_SIZE + 1 : a * b;
}

/* dict_regexp_bound - the copies an interval {n}, {n,}, {,m}, {n,m} makes */

static long dict_regexp_bound(const char *cp, const char **end, bool basic)
{
    long low = 0, high = -1, copies;
    bool comma = false;

    while (isdigit((unsigned char)*cp))
        low = dict_regexp_add(dict_regexp_times(low, 10), *cp++ - '0');
    if (*cp == ',') {
        comma = true;
        cp++;
        if (isdigit((unsigned char)*cp))
            high = 0;
        while (isdigit((unsigned char)*cp))
            high = dict_regexp_add(dict_regexp_times(high, 10), *cp++ - '0');
    }
    if (basic && *cp == '\\')
        cp++;
    if (*cp != '}')
        return -1; /* not an interval: regcomp() decides */
    *end = cp + 1;
    copies = !comma ? low : high >= 0 ? high : dict_regexp_add(low, 1);
    return copies > 0 ? copies : 1;
}

/* dict_regexp_bracket - the end of a bracket expression */

static const char *dict_regexp_bracket(const char *cp)
{
    /* cp is just after the '['; a ']' first (after any '^') is a member. */
    if (*cp == '^')
        cp++;
    if (*cp == ']')
        cp++;
    while (*cp && *cp != ']') {
        if (*cp == '[' && (cp[1] == ':' || cp[1] == '.' || cp[1] == '=')) {
            const char *close = strchr(cp + 2, cp[1]);

            while (close && close[1] != ']')
                close = strchr(close + 1, cp[1]);
            if (close == NULL)
                return cp + strlen(cp);
            cp = close + 2;
        } else {
            cp++;
        }
    }
    return *cp ? cp + 1 : cp;
}

/* dict_regexp_size - the estimated size of a pattern with repetitions written out */

static long dict_regexp_size(const char *pattern, bool basic)
{
    DICT_REGEXP_GROUP stack[DICT_REGEXP_MAX_GROUP + 1] = {{0, 0}};
    DICT_REGEXP_GROUP *top = stack;
    const char *cp = pattern, *next;
    long copies, size;
    int op;

    while (*cp) {
        /* The operator this character (or escape) is, or 0 for an atom. */
        if (*cp == '\\' && cp[1] != 0) {
            op = basic && strchr("(){}|+?", cp[1]) ? cp[1] : 0;
            next = cp + 2;
        } else {
            op = *cp == '*' || (!basic && strchr("(){}|+?", *cp)) ? *cp : 0;
            next = cp + 1;
        }
        copies = 0;
        if (op == '(') {
            if (top == stack + DICT_REGEXP_MAX_GROUP)
                return DICT_REGEXP_MAX_SIZE + 1;
            top->done = dict_regexp_add(top->done, top->last);
            top->last = 0;
            *++top = (DICT_REGEXP_GROUP){0, 0};
        } else if (op == ')' && top > stack) {
            size = dict_regexp_add(dict_regexp_add(top->done, top->last), 1);
            (--top)->last = size;
        } else if (op == '|') {
            top->done = dict_regexp_add(top->done, top->last);
            top->last = 0;
        } else if (op == '*' || op == '?') {
            copies = 1;
        } else if (op == '+') {
            copies = 2;
        } else if (op == '{' && (copies = dict_regexp_bound(next, &next, basic)) > 0) {
            /* copies set */
        } else {
            top->done = dict_regexp_add(top->done, top->last);
            top->last = 1;
            if (*cp == '[')
                next = dict_regexp_bracket(cp + 1);
        }
        if (copies > 0)
            top->last = dict_regexp_times(top->last > 0 ? top->last : 1, copies);
        cp = next;
    }
    for (size = 0; top >= stack; top--)
        size = dict_regexp_add(size, dict_regexp_add(top->done, top->last));
    return size;
}

/* dict_regexp_compile - compile one pattern with its flags */

static void *dict_regexp_compile(const char *pattern, const char *flags, int *out_nsub,
                                 VSTRING *why)
{
    int cflags = REG_EXTENDED | REG_ICASE;
    regex_t *re;
    int status;

    for (const char *cp = flags; *cp; cp++) {
        switch (*cp) {
        case 'i':
            cflags ^= REG_ICASE;
            break;
        case 'x':
            cflags ^= REG_EXTENDED;
            break;
        case 'm':
            cflags ^= REG_NEWLINE;
            break;
        default:
            vstring_sprintf(why, "unknown regexp option \"%c\"", *cp);
            return NULL;
        }
    }
    if (dict_regexp_size(pattern, (cflags & REG_EXTENDED) == 0) > DICT_REGEXP_MAX_SIZE) {
        vstring_sprintf(why,
                        "regular expression too complex: more than %d parts once its "
                        "repetitions are written out",
                        DICT_REGEXP_MAX_SIZE);
        return NULL;
    }
    re = mymalloc(sizeof(*re));
    if ((status = regcomp(re, pattern, cflags)) != 0) {
        char text[256];

        regerror(status, re, text, sizeof(text));
        vstring_sprintf(why, "bad regular expression \"%s\": %s", pattern, text);
        myfree(re);
        return NULL;
    }
    *out_nsub = re->re_nsub > DICT_PATTERN_MAX_SUB ? DICT_PATTERN_MAX_SUB : (int)re->re_nsub;
    return re;
}

/* dict_regexp_match - match a key, reporting subexpression positions */

static int dict_regexp_match(void *handle, const char *key, long *offsets, int nsub, VSTRING *why)
{
    regmatch_t match[DICT_PATTERN_MAX_SUB + 1];
    int status = regexec(handle, key, nsub + 1, match, 0);

    if (status == REG_NOMATCH)
        return 0;
    if (status != 0) {
        char text[256];

        regerror(status, handle, text, sizeof(text));
        vstring_sprintf(why, "regexec: %s", text);
        return -1;
    }
    for (int i = 0; i <= nsub; i++) {
        offsets[2 * i] = match[i].rm_so;
        offsets[2 * i + 1] = match[i].rm_eo;
    }
    return 1;
}

/* dict_regexp_free - release a compiled pattern */

static void dict_regexp_free(void *handle)
{
    regfree(handle);
    myfree(handle);
}

static const DICT_PATTERN_ENGINE dict_regexp_engine = {
    .type = DICT_TYPE_REGEXP,
    .compile = dict_regexp_compile,
    .match = dict_regexp_match,
    .free = dict_regexp_free,
};

/* dict_regexp_open - load a regexp table */

DICT *dict_regexp_open(const char *path, int open_flags, int dict_flags)
{
    return dict_pattern_open(&dict_regexp_engine, path, open_flags, dict_flags);
}
