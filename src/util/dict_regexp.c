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
 *
 *	Its time is bounded too. A loop (*, +, {n,}) over a part that can
 *	match the empty string ("(a*)+", "a*+", "(b|)*", "(^)+") makes a cycle
 *	of empty transitions in the automaton that regcomp(3) builds, and the
 *	time spent on those grows exponentially: one stack of them,
 *	"h+*++++++++", runs for minutes, and about twenty "(x*)+" in a row
 *	for seconds. Such loops are counted, copies included (x+ holds the
 *	loops of x twice, so each "+" stacked on "a*+" doubles them), and a
 *	pattern with more than DICT_REGEXP_MAX_LOOPS (8, a few milliseconds
 *	at worst) is refused the same way. Loops are counted rather than
 *	stacked operators refused: a pattern never needs one (the part can
 *	be written without its empty match), but a table may hold a harmless
 *	one such as "(a|b*)+", and "x+?" (a PCRE habit, meaning "(x+)?"
 *	here) loops over nothing empty.
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
#define DICT_REGEXP_MAX_LOOPS 8    /* loops over what can match nothing, see above */
#define DICT_REGEXP_MAX_GROUP 100  /* deeper nesting counts as too complex */

/* What the estimate knows of a part of a pattern. */
typedef struct DICT_REGEXP_PART {
    long size;  /* atoms once repetitions are written out */
    long loops; /* loops over something that can match the empty string */
    bool empty; /* the part can match the empty string */
} DICT_REGEXP_PART;

/* One open group of the estimate. */
typedef struct DICT_REGEXP_GROUP {
    DICT_REGEXP_PART done; /* finished alternatives and atoms before the last;
                              empty: the alternative so far can match nothing */
    bool alt_empty;        /* a finished alternative can match nothing */
    DICT_REGEXP_PART last; /* the last atom or group, which a repetition applies to */
} DICT_REGEXP_GROUP;

/* One repetition operator. */
typedef struct DICT_REGEXP_REPEAT {
    long copies; /* how often the C library copies its operand */
    bool loop;   /* unbounded: *, +, {n,} */
    bool empty;  /* the result can match nothing: *, ?, {0,m} */
} DICT_REGEXP_REPEAT;

#define DICT_REGEXP_NONE ((DICT_REGEXP_PART){0, 0, true})

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

/* dict_regexp_bound - an interval {n}, {n,}, {,m}, {n,m}; false when it is none */

static bool dict_regexp_bound(const char *cp, const char **end, bool basic, DICT_REGEXP_REPEAT *rep)
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
        return false; /* not an interval: regcomp() decides */
    *end = cp + 1;
    copies = !comma ? low : high >= 0 ? high : dict_regexp_add(low, 1);
    rep->copies = copies > 0 ? copies : 1;
    rep->loop = comma && high < 0;
    rep->empty = low == 0;
    return true;
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

/* dict_regexp_fold - the last part joins the finished ones of its group */

static void dict_regexp_fold(DICT_REGEXP_GROUP *group)
{
    group->done.size = dict_regexp_add(group->done.size, group->last.size);
    group->done.loops = dict_regexp_add(group->done.loops, group->last.loops);
    group->done.empty = group->done.empty && group->last.empty;
    group->last = DICT_REGEXP_NONE;
}

/* dict_regexp_repeat - apply a repetition operator to a part */

static void dict_regexp_repeat(DICT_REGEXP_PART *part, const DICT_REGEXP_REPEAT *rep)
{
    if (part->size == 0) /* nothing to repeat: regcomp() decides */
        *part = (DICT_REGEXP_PART){1, 0, false};
    part->size = dict_regexp_times(part->size, rep->copies);
    part->loops =
        dict_regexp_add(dict_regexp_times(part->loops, rep->copies), rep->loop && part->empty);
    part->empty = part->empty || rep->empty;
}

/* dict_regexp_estimate - what a pattern costs once its repetitions are written out */

static DICT_REGEXP_PART dict_regexp_estimate(const char *pattern, bool basic)
{
    DICT_REGEXP_GROUP stack[DICT_REGEXP_MAX_GROUP + 1];
    DICT_REGEXP_GROUP *top = stack;
    DICT_REGEXP_REPEAT rep;
    DICT_REGEXP_PART total = {0, 0, true};
    const char *cp = pattern, *next;
    bool empty;
    int op;

    *top = (DICT_REGEXP_GROUP){DICT_REGEXP_NONE, false, DICT_REGEXP_NONE};
    while (*cp) {
        /* The operator this character (or escape) is, or 0 for an atom. */
        if (*cp == '\\' && cp[1] != 0) {
            op = basic && strchr("(){}|+?", cp[1]) ? cp[1] : 0;
            /* Anchors and back-references may match the empty string. */
            empty = strchr("bB<>`'123456789", cp[1]) != NULL;
            next = cp + 2;
        } else {
            op = *cp == '*' || (!basic && strchr("(){}|+?", *cp)) ? *cp : 0;
            empty = *cp == '^' || *cp == '$';
            next = cp + 1;
        }
        if (op == '(') {
            if (top == stack + DICT_REGEXP_MAX_GROUP)
                return (DICT_REGEXP_PART){DICT_REGEXP_MAX_SIZE + 1, 0, false};
            dict_regexp_fold(top);
            *++top = (DICT_REGEXP_GROUP){DICT_REGEXP_NONE, false, DICT_REGEXP_NONE};
        } else if (op == ')' && top > stack) {
            dict_regexp_fold(top);
            empty = top->alt_empty || top->done.empty;
            top[-1].last =
                (DICT_REGEXP_PART){dict_regexp_add(top->done.size, 1), top->done.loops, empty};
            top--;
        } else if (op == '|') {
            dict_regexp_fold(top);
            top->alt_empty = top->alt_empty || top->done.empty;
            top->done.empty = true;
        } else if (op == '*' || op == '?' || op == '+') {
            rep = (DICT_REGEXP_REPEAT){op == '+' ? 2 : 1, op != '?', op != '+'};
            dict_regexp_repeat(&top->last, &rep);
        } else if (op == '{' && dict_regexp_bound(next, &next, basic, &rep)) {
            dict_regexp_repeat(&top->last, &rep);
        } else {
            dict_regexp_fold(top);
            top->last = (DICT_REGEXP_PART){1, 0, empty};
            if (*cp == '[')
                next = dict_regexp_bracket(cp + 1);
        }
        cp = next;
    }
    for (; top >= stack; top--) {
        dict_regexp_fold(top);
        total.size = dict_regexp_add(total.size, top->done.size);
        total.loops = dict_regexp_add(total.loops, top->done.loops);
    }
    return total;
}

/* dict_regexp_compile - compile one pattern with its flags */

static void *dict_regexp_compile(const char *pattern, const char *flags, int *out_nsub,
                                 VSTRING *why)
{
    int cflags = REG_EXTENDED | REG_ICASE;
    DICT_REGEXP_PART cost;
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
    cost = dict_regexp_estimate(pattern, (cflags & REG_EXTENDED) == 0);
    if (cost.size > DICT_REGEXP_MAX_SIZE) {
        vstring_sprintf(why,
                        "regular expression too complex: more than %d parts once its "
                        "repetitions are written out",
                        DICT_REGEXP_MAX_SIZE);
        return NULL;
    }
    if (cost.loops > DICT_REGEXP_MAX_LOOPS) {
        vstring_sprintf(why,
                        "regular expression too complex: more than %d repetitions of a part "
                        "that can match the empty string (such as \"(a*)+\" or \"a*+\")",
                        DICT_REGEXP_MAX_LOOPS);
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
