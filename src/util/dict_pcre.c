/*++
 * NAME
 *	dict_pcre - Perl-compatible regular expression tables (pcre2)
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_pcre_open(const char *path, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_pcre_open() loads a pcre_table(5) file: rules of PCRE2
 *	patterns, with the syntax that dict_pattern(3) describes. Flags
 *	after a pattern: i toggles case-insensitive matching (on by
 *	default); m (multi-line), s (dot matches newline), x (extended),
 *	A (anchored), E (dollar matches only at the end) and U (ungreedy)
 *	turn the PCRE2 option on. X (PCRE's old "extra" option) does not
 *	exist in PCRE2 and is ignored.
 * DIAGNOSTICS
 *	See dict_pattern(3): errors name the file and line, for example
 *	"pcre map /etc/postfix/x, line 3: unknown pcre option "q"". A
 *	match failure other than "no match" (resource limits) is a
 *	DICT_ERR_RETRY lookup error.
 *--*/

#include <pcre2.h>
#include <string.h>

#include "dict.h"
#include "dict_pattern.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    pcre2_code *code;             /* compiled pattern */
    pcre2_match_data *match_data; /* room for its subexpressions */
} DICT_PCRE_RE;

/* dict_pcre_options - PCRE2 options for the flags; -1 for a bad flag */

static long dict_pcre_options(const char *flags, VSTRING *why)
{
    static const struct {
        char flag;
        uint32_t option;
    } table[] = {
        {'i', PCRE2_CASELESS}, {'m', PCRE2_MULTILINE},
        {'s', PCRE2_DOTALL},   {'x', PCRE2_EXTENDED},
        {'A', PCRE2_ANCHORED}, {'E', PCRE2_DOLLAR_ENDONLY},
        {'U', PCRE2_UNGREEDY}, {'X', 0},
    };
    uint32_t options = PCRE2_CASELESS;

    for (const char *cp = flags; *cp; cp++) {
        size_t i;

        for (i = 0; i < sizeof(table) / sizeof(table[0]) && table[i].flag != *cp; i++)
            /* void */;
        if (i == sizeof(table) / sizeof(table[0])) {
            vstring_sprintf(why, "unknown pcre option \"%c\"", *cp);
            return -1;
        }
        if (*cp == 'i')
            options ^= PCRE2_CASELESS;
        else
            options |= table[i].option;
    }
    return options;
}

/* dict_pcre_compile - compile one pattern with its flags */

static void *dict_pcre_compile(const char *pattern, const char *flags, int *out_nsub, VSTRING *why)
{
    long options = dict_pcre_options(flags, why);
    DICT_PCRE_RE *re;
    PCRE2_SIZE offset;
    uint32_t count;
    int error;

    if (options < 0)
        return NULL;
    re = mymalloc(sizeof(*re));
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, (uint32_t)options, &error,
                             &offset, NULL);
    if (re->code == NULL) {
        PCRE2_UCHAR text[256];

        pcre2_get_error_message(error, text, sizeof(text));
        vstring_sprintf(why, "error in regex at offset %zu: %s", (size_t)offset, (char *)text);
        myfree(re);
        return NULL;
    }
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &count);
    *out_nsub = count > DICT_PATTERN_MAX_SUB ? DICT_PATTERN_MAX_SUB : (int)count;
    re->match_data = pcre2_match_data_create_from_pattern(re->code, NULL);
    return re;
}

/* dict_pcre_match - match a key, reporting subexpression positions */

static int dict_pcre_match(void *handle, const char *key, long *offsets, int nsub, VSTRING *why)
{
    DICT_PCRE_RE *re = handle;
    PCRE2_SIZE *ovector;
    int status;

    status = pcre2_match(re->code, (PCRE2_SPTR)key, strlen(key), 0, 0, re->match_data, NULL);
    if (status == PCRE2_ERROR_NOMATCH)
        return 0;
    if (status < 0) {
        PCRE2_UCHAR text[256];

        pcre2_get_error_message(status, text, sizeof(text));
        vstring_sprintf(why, "pcre2_match: %s", (char *)text);
        return -1;
    }
    ovector = pcre2_get_ovector_pointer(re->match_data);
    for (int i = 0; i <= nsub; i++) {
        int set = i < status && ovector[2 * i] != PCRE2_UNSET;

        offsets[2 * i] = set ? (long)ovector[2 * i] : -1;
        offsets[2 * i + 1] = set ? (long)ovector[2 * i + 1] : -1;
    }
    return 1;
}

/* dict_pcre_free - release a compiled pattern */

static void dict_pcre_free(void *handle)
{
    DICT_PCRE_RE *re = handle;

    pcre2_match_data_free(re->match_data);
    pcre2_code_free(re->code);
    myfree(re);
}

static const DICT_PATTERN_ENGINE dict_pcre_engine = {
    .type = DICT_TYPE_PCRE,
    .compile = dict_pcre_compile,
    .match = dict_pcre_match,
    .free = dict_pcre_free,
};

/* dict_pcre_open - load a pcre table */

DICT *dict_pcre_open(const char *path, int open_flags, int dict_flags)
{
    return dict_pattern_open(&dict_pcre_engine, path, open_flags, dict_flags);
}
