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
 * DIAGNOSTICS
 *	See dict_pattern(3): errors name the file and line, for example
 *	"regexp map /etc/postfix/x, line 3: unknown regexp option "q"".
 *--*/

#include <regex.h>
#include <string.h>

#include "dict.h"
#include "dict_pattern.h"
#include "mymalloc.h"
#include "vstring.h"

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
