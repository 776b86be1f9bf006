/*++
 * NAME
 *	config_expand - $name expansion of parameter values
 * SYNOPSIS
 *	#include <config.h>
 *
 *	int	config_expand(CONFIG *config, const char *text, VSTRING *out,
 *					VSTRING *why);
 *
 *	#include "config_private.h"
 *
 *	const char *config_value_expanded(CONFIG *config, const char *name,
 *					VSTRING *why);
 * DESCRIPTION
 *	config_expand() replaces parameter references in text by their
 *	values and stores the result in out. It returns 0, or -1 with the
 *	reason in why. The forms are those of main.cf:
 * .IP "$name, ${name}, $(name)"
 *	the value of the parameter, itself expanded; empty when the name is
 *	not defined anywhere. Names are made of letters, digits and '_'.
 * .IP "${name?value}, ${name?{value}}"
 *	value when $name is not empty, else nothing.
 * .IP "${name:value}, ${name:{value}}"
 *	value when $name is empty, else nothing.
 * .IP "${name?{value1}:{value2}}"
 *	value1 when $name is not empty, else value2 (whose braces are
 *	optional).
 * .IP "${{text1} op {text2} ? {value1} : {value2}}"
 *	value1 when the comparison holds, else value2; either branch may be
 *	left out. The operators ==, !=, <, <=, > and >= compare numbers when
 *	both sides are all digits, otherwise text; the same operators
 *	followed by "level" (<level, >=level, ...) compare compatibility
 *	levels such as 2 or 3.10.1 part by part.
 * .IP $$
 *	a single '$'.
 * .PP
 *	Whitespace around each {value} is ignored, and only the branch that
 *	is chosen is expanded. A '$' followed by anything else stays as it is.
 *
 *	config_value_expanded() returns the expanded value of a parameter
 *	(an empty string when it is not defined), or NULL with the reason in
 *	why. The result is owned by the CONFIG and valid until config_free().
 *	Values of parameters flagged raw in the table are not expanded.
 * DIAGNOSTICS
 *	Errors: a parameter whose value refers back to itself, directly or
 *	through others ("parameter expansion loop: a -> b -> a"), also
 *	through a computed default that reads a parameter whose value refers
 *	to it ("parameter expansion loop: myhostname -> default of mydomain
 *	-> myhostname; setting mydomain explicitly breaks it"), a missing closing brace, an unknown operator, a
 *	malformed level.
 *--*/

/* System library. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "config_private.h"

#define CONFIG_NAME_CHAR(c) (isalnum((unsigned char)(c)) || (c) == '_')

static int config_expand_text(CONFIG *config, const char *text, VSTRING *out, VSTRING *why);

/* config_skip_blanks - advance past white space */

static const char *config_skip_blanks(const char *cp)
{
    return cp + strspn(cp, BLANKS);
}

/* config_match_close - end of a group that opened just before cp */

static const char *config_match_close(const char *cp, int open, int close)
{
    int depth = 1;

    for (; *cp; cp++) {
        if (*cp == open)
            depth++;
        else if (*cp == close && --depth == 0)
            return cp;
    }
    return NULL;
}

/* config_group - take "{text}" at *cpp into content; advance past it */

static int config_group(const char **cpp, VSTRING *content, VSTRING *why)
{
    const char *start = config_skip_blanks(*cpp);
    const char *end;

    if (*start != '{') {
        vstring_sprintf(why, "expected '{' at \"%s\"", start);
        return -1;
    }
    if ((end = config_match_close(start + 1, '{', '}')) == NULL) {
        vstring_sprintf(why, "missing '}' in \"%s\"", start);
        return -1;
    }
    *cpp = config_skip_blanks(end + 1);
    start = config_skip_blanks(start + 1); /* white space inside the braces goes too */
    while (end > start && strchr(BLANKS, end[-1]))
        end--;
    vstring_strncpy(content, start, end - start);
    return 0;
}

/* config_branch - "{value}" (must end the text) or plain text to the end */

static int config_branch(const char *cp, VSTRING *content, VSTRING *why)
{
    cp = config_skip_blanks(cp);
    if (*cp != '{') {
        vstring_strcpy(content, cp);
        return 0;
    }
    if (config_group(&cp, content, why) < 0)
        return -1;
    if (*cp) {
        vstring_sprintf(why, "unexpected text \"%s\" after '}'", cp);
        return -1;
    }
    return 0;
}

/* config_choices - "? {value1} : value2", "? value1" or ": value2" */

static int config_choices(const char *cp, VSTRING *if_true, VSTRING *if_false, VSTRING *why)
{
    VSTRING_RESET(if_true);
    VSTRING_RESET(if_false);
    cp = config_skip_blanks(cp);
    if (*cp == ':')
        return config_branch(cp + 1, if_false, why);
    if (*cp != '?') {
        vstring_sprintf(why, "expected '?' or ':' at \"%s\"", cp);
        return -1;
    }
    cp = config_skip_blanks(cp + 1);
    if (*cp != '{') /* ${name?text}: the rest is the value */
        return config_branch(cp, if_true, why);
    if (config_group(&cp, if_true, why) < 0)
        return -1;
    if (*cp == 0)
        return 0;
    if (*cp != ':') {
        vstring_sprintf(why, "expected ':' at \"%s\"", cp);
        return -1;
    }
    return config_branch(cp + 1, if_false, why);
}

/* config_parse_level - compatibility level "major[.minor[.patch]]" */

static int config_parse_level(const char *text, long parts[3])
{
    const char *cp = config_skip_blanks(text);

    parts[0] = parts[1] = parts[2] = 0;
    for (int i = 0; i < 3; i++) {
        char *end;

        if (!isdigit((unsigned char)*cp))
            return -1;
        parts[i] = strtol(cp, &end, 10);
        cp = end;
        if (*cp != '.')
            break;
        cp++;
    }
    return *config_skip_blanks(cp) == 0 ? 0 : -1;
}

/* config_compare - compare two expanded operands: <0, 0, >0, or error */

static int config_compare(const char *left, const char *right, int level, int *out_cmp,
                          VSTRING *why)
{
    if (level) {
        long lp[3], rp[3];

        if (config_parse_level(left, lp) < 0 || config_parse_level(right, rp) < 0) {
            vstring_sprintf(why, "bad compatibility level in comparison of \"%s\" and \"%s\"", left,
                            right);
            return -1;
        }
        *out_cmp = 0;
        for (int i = 0; i < 3 && *out_cmp == 0; i++)
            *out_cmp = (lp[i] > rp[i]) - (lp[i] < rp[i]);
    } else if (alldig(left) && alldig(right)) {
        unsigned long long l = strtoull(left, NULL, 10);
        unsigned long long r = strtoull(right, NULL, 10);

        *out_cmp = (l > r) - (l < r);
    } else {
        int cmp = strcmp(left, right);

        *out_cmp = (cmp > 0) - (cmp < 0);
    }
    return 0;
}

/* config_operator - read "==", "!=", "<", "<=", ">", ">=" and optional "level" */

static const char *config_operator(const char *cp, char op[3], int *out_level)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">", NULL};

    cp = config_skip_blanks(cp);
    for (int i = 0; ops[i]; i++) {
        size_t len = strlen(ops[i]);

        if (strncmp(cp, ops[i], len) == 0) {
            strcpy(op, ops[i]);
            cp += len;
            *out_level = strncmp(cp, "level", 5) == 0;
            return *out_level ? cp + 5 : cp;
        }
    }
    return NULL;
}

/* config_holds - does "cmp op 0" hold */

static int config_holds(const char *op, int cmp)
{
    if (strcmp(op, "==") == 0)
        return cmp == 0;
    if (strcmp(op, "!=") == 0)
        return cmp != 0;
    if (strcmp(op, "<") == 0)
        return cmp < 0;
    if (strcmp(op, "<=") == 0)
        return cmp <= 0;
    if (strcmp(op, ">") == 0)
        return cmp > 0;
    return cmp >= 0;
}

/* config_relational - "{text1} op {text2} ? {value1} : {value2}" */

static int config_relational(CONFIG *config, const char *cp, VSTRING *out, VSTRING *why)
{
    VSTRING *left_raw = vstring_alloc(50), *right_raw = vstring_alloc(50);
    VSTRING *left = vstring_alloc(50), *right = vstring_alloc(50);
    VSTRING *if_true = vstring_alloc(50), *if_false = vstring_alloc(50);
    char op[3];
    int level = 0, cmp = 0, status = -1;

    if (config_group(&cp, left_raw, why) < 0)
        goto done;
    if ((cp = config_operator(cp, op, &level)) == NULL) {
        vstring_sprintf(why, "expected a comparison operator after {%s}", vstring_str(left_raw));
        goto done;
    }
    if (config_group(&cp, right_raw, why) < 0 || config_choices(cp, if_true, if_false, why) < 0)
        goto done;
    if (config_expand_text(config, vstring_str(left_raw), left, why) < 0 ||
        config_expand_text(config, vstring_str(right_raw), right, why) < 0 ||
        config_compare(vstring_str(left), vstring_str(right), level, &cmp, why) < 0)
        goto done;
    status = config_expand_text(config, vstring_str(config_holds(op, cmp) ? if_true : if_false),
                                out, why);
done:
    vstring_free(left_raw);
    vstring_free(right_raw);
    vstring_free(left);
    vstring_free(right);
    vstring_free(if_true);
    vstring_free(if_false);
    return status;
}

/* config_conditional - "name", "name?value", "name:value", "name?{v1}:{v2}" */

static int config_conditional(CONFIG *config, const char *cp, VSTRING *out, VSTRING *why)
{
    const char *start = config_skip_blanks(cp);
    const char *end = start;
    VSTRING *name, *if_true, *if_false;
    const char *value;
    int status = -1;

    while (CONFIG_NAME_CHAR(*end))
        end++;
    if (end == start) {
        vstring_sprintf(why, "bad parameter name in \"${%s}\"", cp);
        return -1;
    }
    name = vstring_alloc(30);
    if_true = vstring_alloc(50);
    if_false = vstring_alloc(50);
    vstring_strncpy(name, start, end - start);
    if ((value = config_value_expanded(config, vstring_str(name), why)) == NULL)
        goto done;
    end = config_skip_blanks(end);
    if (*end == 0) {
        vstring_strcat(out, value);
        status = 0;
    } else if (config_choices(end, if_true, if_false, why) == 0) {
        status = config_expand_text(config, vstring_str(*value ? if_true : if_false), out, why);
    }
done:
    vstring_free(name);
    vstring_free(if_true);
    vstring_free(if_false);
    return status;
}

/* config_expand_group - "${...}" or "$(...)" starting at cp (after '$') */

static const char *config_expand_group(CONFIG *config, const char *cp, VSTRING *out, VSTRING *why)
{
    int open = *cp;
    int close = open == '{' ? '}' : ')';
    const char *end = config_match_close(cp + 1, open, close);
    char *inner;
    int status;

    if (end == NULL) {
        vstring_sprintf(why, "missing '%c' in \"$%s\"", close, cp);
        return NULL;
    }
    inner = mystrndup(cp + 1, end - cp - 1);
    if (*config_skip_blanks(inner) == '{')
        status = config_relational(config, config_skip_blanks(inner), out, why);
    else
        status = config_conditional(config, inner, out, why);
    myfree(inner);
    return status < 0 ? NULL : end + 1;
}

/* config_expand_text - expand into out (appending) */

static int config_expand_text(CONFIG *config, const char *text, VSTRING *out, VSTRING *why)
{
    const char *cp = text;

    while (*cp) {
        if (*cp != '$') {
            size_t len = strcspn(cp, "$");

            vstring_strncat(out, cp, len);
            cp += len;
        } else if (cp[1] == '$') {
            vstring_addch(out, '$');
            cp += 2;
        } else if (CONFIG_NAME_CHAR(cp[1])) {
            const char *start = cp + 1;
            const char *value;
            char *name;

            for (cp = start; CONFIG_NAME_CHAR(*cp); cp++)
                /* void */;
            name = mystrndup(start, cp - start);
            value = config_value_expanded(config, name, why);
            myfree(name);
            if (value == NULL)
                return -1;
            vstring_strcat(out, value);
        } else if (cp[1] == '{' || cp[1] == '(') {
            if ((cp = config_expand_group(config, cp + 1, out, why)) == NULL)
                return -1;
        } else {
            vstring_addch(out, *cp++);
        }
    }
    return 0;
}

/*
 * config_loop_text - "a -> b -> a" from the expansion stack; a name whose
 * default is being computed reads "default of b"
 */
static void config_loop_text(CONFIG *config, size_t from, const char *name, VSTRING *why)
{
    const char *computed = NULL;

    vstring_strcpy(why, "parameter expansion loop: ");
    for (size_t i = from; i < config->expanding->argc; i++) {
        const char *step = config->expanding->argv[i];

        if (config_in_argv(config->computing, step)) {
            vstring_sprintf_append(why, "default of %s -> ", step);
            if (computed == NULL)
                computed = step;
        } else {
            vstring_sprintf_append(why, "%s -> ", step);
        }
    }
    vstring_strcat(why, name);
    if (computed) /* the default reads the parameter after it in the loop */
        vstring_sprintf_append(why, "; setting %s explicitly breaks it", computed);
}

/* config_value_expanded - expanded value of a parameter, cached */

const char *config_value_expanded(CONFIG *config, const char *name, VSTRING *why)
{
    const CONFIG_ENTRY *ep = config_table_find(&config->cache, name);
    const PARAM_INFO *info;
    const char *raw;
    VSTRING *out;
    int status;

    if (ep != NULL)
        return ep->value;
    for (size_t i = 0; i < config->expanding->argc; i++) {
        if (strcmp(config->expanding->argv[i], name) == 0) {
            config_loop_text(config, i, name, why);
            return NULL;
        }
    }

    /*
     * The name goes on the stack before its raw value is looked up: a
     * computed default (mydomain) may read other parameters that refer
     * back to it. A default that cannot be computed is an error, not an
     * empty value.
     */
    argv_add(config->expanding, name);
    out = vstring_alloc(100);
    if ((raw = config_raw_value(config, name, &info, NULL, NULL, why)) == NULL && VSTRING_LEN(why))
        status = -1;
    else if (raw == NULL) /* defined nowhere: empty */
        status = (vstring_strcpy(out, ""), 0);
    else if (info != NULL && (info->flags & PARAM_FLAG_RAW))
        status = (vstring_strcpy(out, raw), 0);
    else
        status = config_expand_text(config, raw, out, why);
    argv_truncate(config->expanding, config->expanding->argc - 1);
    if (status == 0)
        ep = config_table_set(&config->cache, name, vstring_str(out), NULL, 0);
    vstring_free(out);
    return ep ? ep->value : NULL;
}

/* config_expand - expand arbitrary text */

int config_expand(CONFIG *config, const char *text, VSTRING *out, VSTRING *why)
{
    VSTRING_RESET(out);
    return config_expand_text(config, text, out, why);
}
