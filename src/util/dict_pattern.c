/*++
 * NAME
 *	dict_pattern - rule tables of regular expressions
 * SYNOPSIS
 *	#include <dict_pattern.h>
 *
 *	DICT	*dict_pattern_open(const DICT_PATTERN_ENGINE *engine,
 *			const char *path, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_pattern_open() reads the rule file path for a regular
 *	expression engine (regexp_table(5), pcre_table(5)). Each logical
 *	line is one of:
 *
 *	    /pattern/flags result		result when pattern matches
 *	    /pattern/flags!/pattern2/ result	...and pattern2 does not
 *	    !/pattern/flags result		result when pattern does not match
 *	    if /pattern/flags			rules up to the matching
 *	    if !/pattern/flags			"endif" apply only when the
 *	    endif				pattern does (not) match
 *
 *	The delimiter is the first character of the pattern (any character
 *	but white space, a letter, a digit or a backslash); inside the
 *	pattern a backslash protects it. The flags are the engine's.
 *	Rules are tried in file order and the first match wins. In a
 *	result, $1 ... $99 (also written ${1} or $(1)) insert what the
 *	pattern's subexpressions matched (nothing for a group that did not
 *	take part), and $$ inserts a "$".
 *
 *	The table has lookup only; keys are never case-folded (flags decide
 *	case sensitivity). It carries DICT_FLAG_PATTERN.
 * DIAGNOSTICS
 *	Any syntax error makes the whole table fail with DICT_ERR_CONFIG,
 *	whose reason reads "TYPE map PATH, line N: what is wrong": unknown
 *	flag, pattern that does not compile, missing result, $number
 *	beyond the pattern's subexpressions, $number in a negative rule,
 *	any $number with DICT_FLAG_NO_REGSUB, text after "if" or "endif",
 *	"endif" without "if", "if" without "endif". A table that does not
 *	load is safer than one that silently lacks a rule. A missing file
 *	fails the same way, naming the file. A match error at lookup time
 *	sets DICT_ERR_RETRY.
 *--*/

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "dict_pattern.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "vstring.h"

#define RULE_MATCH 1 /* pattern result */
#define RULE_IF    2 /* if pattern */
#define RULE_ENDIF 3 /* endif */

typedef struct {
    int op;       /* RULE_* */
    int lineno;   /* where it was written */
    void *re;     /* pattern, or NULL (endif) */
    int negate;   /* the rule applies when re does not match */
    int nsub;     /* subexpressions of re */
    void *re_not; /* "pattern!pattern2": pattern2, or NULL */
    char *result; /* result text, owned (RULE_MATCH) */
    size_t endif; /* RULE_IF: index of the matching endif */
} DICT_PATTERN_RULE;

typedef struct {
    DICT dict;                                    /* common part; must be first */
    const DICT_PATTERN_ENGINE *engine;            /* compile and match */
    DICT_PATTERN_RULE *rules;                     /* in file order */
    size_t count;                                 /* rules in use */
    size_t size;                                  /* rules allocated */
    VSTRING *result;                              /* expanded lookup result */
    VSTRING *why;                                 /* match error text */
    long offsets[2 * (DICT_PATTERN_MAX_SUB + 1)]; /* subexpression positions */
} DICT_PATTERN;

/* dict_pattern_get_re - parse "/pattern/flags", compile it */

static void *dict_pattern_get_re(DICT_PATTERN *dp, char **cpp, int *out_nsub, VSTRING *why)
{
    char *cp = *cpp;
    int delim = (unsigned char)*cp;
    char *start, *flags;
    void *re;
    char saved;

    if (delim == 0 || isspace(delim) || isalnum(delim) || delim == '\\') {
        vstring_sprintf(why, "expected a pattern such as /text/ instead of \"%.30s\"", cp);
        return NULL;
    }
    for (start = ++cp; *cp && *cp != delim; cp++)
        if (*cp == '\\' && cp[1])
            cp++;
    if (*cp != delim) {
        vstring_sprintf(why, "missing closing '%c' of pattern", delim);
        return NULL;
    }
    *cp++ = 0;
    for (flags = cp; isalpha((unsigned char)*cp); cp++)
        /* void */;
    saved = *cp;
    *cp = 0;
    re = dp->engine->compile(start, flags, out_nsub, why);
    *cp = saved;
    *cpp = cp;
    return re;
}

/* dict_pattern_scan_index - parse the $number after a '$'; -1 if bad */

static int dict_pattern_scan_index(const char **cpp, VSTRING *why)
{
    const char *cp = *cpp;
    int close = *cp == '{' ? '}' : *cp == '(' ? ')' : 0;
    int value = 0, digits = 0;

    if (close)
        cp++;
    for (; isdigit((unsigned char)*cp) && digits < 3; cp++, digits++)
        value = value * 10 + (*cp - '0');
    if (digits == 0 || (close && *cp++ != close)) {
        vstring_sprintf(why, "non-numeric replacement index in \"%s\"", *cpp - 1);
        return -1;
    }
    *cpp = cp;
    return value;
}

/* dict_pattern_check_result - validate the $number uses of a result */

static int dict_pattern_check_result(DICT_PATTERN *dp, const DICT_PATTERN_RULE *rule, VSTRING *why)
{
    for (const char *cp = rule->result; (cp = strchr(cp, '$')) != NULL;) {
        int index;

        if (*++cp == '$') {
            cp++;
            continue;
        }
        if ((index = dict_pattern_scan_index(&cp, why)) < 0)
            return -1;
        if (dp->dict.flags & DICT_FLAG_NO_REGSUB) {
            vstring_sprintf(why, "regular expression substitution is not allowed");
            return -1;
        }
        if (rule->negate) {
            vstring_sprintf(why, "$number found in negative match replacement text");
            return -1;
        }
        if (index == 0 || index > rule->nsub) {
            vstring_sprintf(why, "out of range replacement index \"%d\"", index);
            return -1;
        }
    }
    return 0;
}

/* dict_pattern_add_rule - append a rule */

static DICT_PATTERN_RULE *dict_pattern_add_rule(DICT_PATTERN *dp, int op, int lineno)
{
    DICT_PATTERN_RULE *rule;

    if (dp->count == dp->size) {
        dp->size = dp->size ? 2 * dp->size : 16;
        dp->rules = myrealloc(dp->rules, dp->size * sizeof(*dp->rules));
    }
    rule = dp->rules + dp->count++;
    memset(rule, 0, sizeof(*rule));
    rule->op = op;
    rule->lineno = lineno;
    return rule;
}

/* dict_pattern_parse_match - "[!]/re/flags[!/re2/flags] result" or "if ..." */

static int dict_pattern_parse_match(DICT_PATTERN *dp, char *cp, int op, int lineno, VSTRING *why)
{
    DICT_PATTERN_RULE *rule = dict_pattern_add_rule(dp, op, lineno);
    int unused_nsub;

    if (*cp == '!' && cp[1] && !isspace((unsigned char)cp[1])) {
        rule->negate = 1;
        cp++;
    }
    if ((rule->re = dict_pattern_get_re(dp, &cp, &rule->nsub, why)) == NULL)
        return -1;
    if (*cp == '!' && cp[1] && !isspace((unsigned char)cp[1]) && !rule->negate) {
        cp++;
        if ((rule->re_not = dict_pattern_get_re(dp, &cp, &unused_nsub, why)) == NULL)
            return -1;
    }
    if (*cp && !isspace((unsigned char)*cp)) {
        vstring_sprintf(why, "unexpected text after pattern: \"%.30s\"", cp);
        return -1;
    }
    while (isspace((unsigned char)*cp))
        cp++;
    if (op == RULE_IF) {
        if (*cp) {
            vstring_sprintf(why, "extra text after IF pattern: \"%.30s\"", cp);
            return -1;
        }
        return 0;
    }
    if (*cp == 0) {
        vstring_sprintf(why, "no replacement text: using empty string is not allowed");
        return -1;
    }
    rule->result = mystrdup(cp);
    return dict_pattern_check_result(dp, rule, why);
}

/* dict_pattern_keyword - does the line start with word and a separator? */

static int dict_pattern_keyword(const char *line, const char *word)
{
    size_t len = strlen(word);

    return strncasecmp(line, word, len) == 0 &&
           (line[len] == 0 || isspace((unsigned char)line[len]));
}

/* dict_pattern_parse_line - one logical line; 0, or -1 with why set */

static int dict_pattern_parse_line(DICT_PATTERN *dp, char *line, int lineno, size_t *if_stack,
                                   size_t *if_depth, VSTRING *why)
{
    if (dict_pattern_keyword(line, "endif")) {
        if (line[5] && line[5 + strspn(line + 5, " \t\r\n")]) {
            vstring_sprintf(why, "extra text after ENDIF");
            return -1;
        }
        if (*if_depth == 0) {
            vstring_sprintf(why, "ignoring ENDIF without matching IF");
            return -1;
        }
        dp->rules[if_stack[--*if_depth]].endif = dp->count;
        dict_pattern_add_rule(dp, RULE_ENDIF, lineno);
        return 0;
    }
    if (dict_pattern_keyword(line, "if")) {
        char *cp = line + 2 + strspn(line + 2, " \t\r\n");

        if (*if_depth >= 100) {
            vstring_sprintf(why, "IF nesting too deep");
            return -1;
        }
        if_stack[(*if_depth)++] = dp->count;
        return dict_pattern_parse_match(dp, cp, RULE_IF, lineno, why);
    }
    return dict_pattern_parse_match(dp, line, RULE_MATCH, lineno, why);
}

/* dict_pattern_load - read all rules; 0, or -1 with why set */

static int dict_pattern_load(DICT_PATTERN *dp, FILE *fp, const char *path, VSTRING *why)
{
    VSTRING *line = vstring_alloc(100);
    VSTRING *detail = vstring_alloc(100);
    size_t if_stack[100], if_depth = 0;
    int lineno = 0, first_line = 0, status = 0;

    while (status == 0 && readlline(line, fp, path, &lineno, &first_line)) {
        if ((status = dict_pattern_parse_line(dp, vstring_str(line), first_line, if_stack,
                                              &if_depth, detail)) < 0)
            vstring_sprintf(why, "%s map %s, line %d: %s", dp->engine->type, path, first_line,
                            vstring_str(detail));
    }
    if (status == 0 && if_depth > 0) {
        vstring_sprintf(why, "%s map %s, line %d: IF has no matching ENDIF", dp->engine->type, path,
                        dp->rules[if_stack[if_depth - 1]].lineno);
        status = -1;
    }
    vstring_free(line);
    vstring_free(detail);
    return status;
}

/* dict_pattern_expand - the result with $number substituted */

static const char *dict_pattern_expand(DICT_PATTERN *dp, const DICT_PATTERN_RULE *rule,
                                       const char *key)
{
    VSTRING *out = dp->result;

    VSTRING_RESET(out);
    for (const char *cp = rule->result; *cp;) {
        const char *dollar = strchr(cp, '$');
        int index;

        if (dollar == NULL) {
            vstring_strcat(out, cp);
            break;
        }
        vstring_strncat(out, cp, dollar - cp);
        cp = dollar + 1;
        if (*cp == '$') {
            vstring_addch(out, '$');
            cp++;
            continue;
        }
        index = dict_pattern_scan_index(&cp, dp->why); /* checked at load */
        if (index > 0 && index <= rule->nsub && dp->offsets[2 * index] >= 0)
            vstring_strncat(out, key + dp->offsets[2 * index],
                            dp->offsets[2 * index + 1] - dp->offsets[2 * index]);
    }
    return vstring_str(out);
}

/* dict_pattern_match - does a rule's pattern (pair) apply? 1, 0, or -1 */

static int dict_pattern_match(DICT_PATTERN *dp, const DICT_PATTERN_RULE *rule, const char *key)
{
    long unused[2];
    int status;

    if ((status = dp->engine->match(rule->re, key, dp->offsets, rule->nsub, dp->why)) < 0)
        return -1;
    if (rule->negate)
        return !status;
    if (status && rule->re_not) {
        if ((status = dp->engine->match(rule->re_not, key, unused, 0, dp->why)) < 0)
            return -1;
        return !status;
    }
    return status;
}

/* dict_pattern_lookup - first rule that applies */

static const char *dict_pattern_lookup(DICT *dict, const char *key)
{
    DICT_PATTERN *dp = (DICT_PATTERN *)dict;

    for (size_t i = 0; i < dp->count; i++) {
        const DICT_PATTERN_RULE *rule = dp->rules + i;
        int status;

        if (rule->op == RULE_ENDIF)
            continue;
        if ((status = dict_pattern_match(dp, rule, key)) < 0) {
            dict_set_error(dict, DICT_ERR_RETRY, "%s map %s, line %d: %s", dict->type, dict->name,
                           rule->lineno, vstring_str(dp->why));
            return NULL;
        }
        if (rule->op == RULE_IF) {
            if (!status)
                i = rule->endif; /* skip the block */
            continue;
        }
        if (status)
            return dict_pattern_expand(dp, rule, key);
    }
    return NULL;
}

/* dict_pattern_close - release the rules */

static void dict_pattern_close(DICT *dict)
{
    DICT_PATTERN *dp = (DICT_PATTERN *)dict;

    for (size_t i = 0; i < dp->count; i++) {
        if (dp->rules[i].re)
            dp->engine->free(dp->rules[i].re);
        if (dp->rules[i].re_not)
            dp->engine->free(dp->rules[i].re_not);
        myfree(dp->rules[i].result);
    }
    myfree(dp->rules);
    vstring_free(dp->result);
    vstring_free(dp->why);
    dict_free(dict);
}

/* dict_pattern_open - load a rule table */

DICT *dict_pattern_open(const DICT_PATTERN_ENGINE *engine, const char *path, int open_flags,
                        int dict_flags)
{
    DICT_PATTERN *dp;
    VSTRING *why;
    FILE *fp;

    if ((open_flags & O_ACCMODE) != O_RDONLY)
        return dict_surrogate(engine->type, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s map requires O_RDONLY access mode", engine->type, path);
    if ((fp = fopen(path, "r")) == NULL)
        return dict_surrogate(engine->type, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "open %s: %m", path);
    dp = (DICT_PATTERN *)dict_alloc(engine->type, path, sizeof(*dp), open_flags,
                                    dict_flags | DICT_FLAG_PATTERN);
    dp->engine = engine;
    dp->result = vstring_alloc(100);
    dp->why = vstring_alloc(100);
    dp->dict.lookup = dict_pattern_lookup;
    dp->dict.close = dict_pattern_close;
    why = vstring_alloc(100);
    if (dict_pattern_load(dp, fp, path, why) < 0) {
        DICT *sur = dict_surrogate(engine->type, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s", vstring_str(why));

        fclose(fp);
        vstring_free(why);
        dict_pattern_close(&dp->dict);
        return sur;
    }
    dict_watch(&dp->dict, path, fileno(fp));
    fclose(fp);
    vstring_free(why);
    return &dp->dict;
}
