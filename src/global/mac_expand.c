/*++
 * NAME
 *	mac_expand - expand $name macros with values from a callback
 * SYNOPSIS
 *	#include <mac_expand.h>
 *
 *	int	mac_expand(VSTRING *out, const char *text,
 *				MAC_EXPAND_LOOKUP_FN lookup, void *context,
 *				const char *filter, VSTRING *why);
 * DESCRIPTION
 *	mac_expand() copies text to out (which it resets first), replacing
 *	macros by the values that lookup(name, context) gives:
 * .IP "$name, ${name}, $(name)"
 *	the value. Names are made of letters, digits and '_'.
 * .IP "${name?text}, ${name?{text}}"
 *	text, itself expanded, when the value is not empty; else nothing.
 * .IP "${name:text}, ${name:{text}}"
 *	text when the value is empty; else nothing.
 * .IP "${name?{text1}:{text2}}"
 *	text1 when the value is not empty, else text2.
 * .IP $$
 *	one '$'. A '$' that starts none of these stays as it is.
 * .PP
 *	Each character of a value that is not in filter becomes '_' (the
 *	forward_expansion_filter idea: a value from a message cannot put
 *	shell or path syntax into the result); a NULL filter keeps values
 *	as they are. Literal text is never filtered.
 *
 *	It returns 0; MAC_EXPAND_EMPTY when a plain $name or ${name} outside
 *	a conditional had an empty value (forward_path skips such a name,
 *	as Postfix does for an undefined one); or -1 with the reason in why:
 *	a name that lookup does not know (it returned NULL), a missing '}'
 *	or ')', or a malformed conditional.
 * SEE ALSO
 *	config_expand(3), the same forms over main.cf parameters
 *--*/

/* System library. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"

/* Global library. */
#include "mac_expand.h"

#define MAC_EXPAND_DEPTH_MAX 10 /* nested conditional texts */

/* What one expansion needs at every level. */
typedef struct MAC_EXPAND_STATE {
    VSTRING *out;                /* the result */
    MAC_EXPAND_LOOKUP_FN lookup; /* the caller's values */
    void *context;               /* the caller's context */
    const char *filter;          /* characters a value may keep, or NULL */
    int status;                  /* 0 or MAC_EXPAND_EMPTY */
    VSTRING *why;                /* the reason of a failure */
} MAC_EXPAND_STATE;

static int mac_expand_text(MAC_EXPAND_STATE *mx, const char *text, size_t len, int depth);

/* mac_expand_close - the brace or parenthesis that closes one opened before cp */

static const char *mac_expand_close(const char *cp, const char *end, int open, int close)
{
    int level = 1;

    for (; cp < end; cp++) {
        if (*cp == open)
            level++;
        else if (*cp == close && --level == 0)
            return cp;
    }
    return NULL;
}

/* mac_expand_trim - a text without white space around it and without enclosing braces */

static void mac_expand_trim(const char **start, const char **end)
{
    while (*start < *end && isspace((unsigned char)**start))
        (*start)++;
    while (*end > *start && isspace((unsigned char)(*end)[-1]))
        (*end)--;
    if (*end - *start >= 2 && **start == '{' && (*end)[-1] == '}') {
        (*start)++;
        (*end)--;
    }
}

/* mac_expand_value - a value, filtered */

static void mac_expand_value(MAC_EXPAND_STATE *mx, const char *value)
{
    if (*value == 0)
        mx->status = MAC_EXPAND_EMPTY;
    for (const char *cp = value; *cp; cp++)
        vstring_addch(mx->out, mx->filter == NULL || strchr(mx->filter, *cp) ? *cp : '_');
}

/* mac_expand_conditional - the "?text", ":text" or "?{t1}:{t2}" after a name */

static int mac_expand_conditional(MAC_EXPAND_STATE *mx, const char *cp, const char *end,
                                  bool defined, int depth)
{
    const char *yes = NULL, *yes_end = NULL, *no = NULL, *no_end = NULL;

    if (*cp == ':') {
        no = cp + 1, no_end = end;
    } else {
        const char *start = cp + 1;

        while (start < end && isspace((unsigned char)*start))
            start++;
        yes = cp + 1, yes_end = end;
        if (start < end && *start == '{') {
            const char *close = mac_expand_close(start + 1, end, '{', '}');
            const char *after = close ? close + 1 : NULL;

            while (after && after < end && isspace((unsigned char)*after))
                after++;
            if (close && after < end && *after == ':')
                yes_end = close + 1, no = after + 1, no_end = end;
        }
    }
    if (defined && yes) {
        mac_expand_trim(&yes, &yes_end);
        return mac_expand_text(mx, yes, yes_end - yes, depth + 1);
    }
    if (!defined && no) {
        mac_expand_trim(&no, &no_end);
        return mac_expand_text(mx, no, no_end - no, depth + 1);
    }
    return 0;
}

/* mac_expand_text - expand len bytes of text into out */

static int mac_expand_text(MAC_EXPAND_STATE *mx, const char *text, size_t len, int depth)
{
    VSTRING *out = mx->out, *why = mx->why;
    const char *cp = text, *end = text + len;

    if (depth > MAC_EXPAND_DEPTH_MAX) {
        vstring_sprintf(why, "macros nested too deeply in \"%.*s\"", (int)len, text);
        return -1;
    }
    while (cp < end) {
        const char *name, *name_end, *close = NULL, *value;
        char *key;
        int status = 0;

        if (*cp != '$' || cp + 1 >= end) {
            vstring_addch(out, *cp++);
            continue;
        }
        if (cp[1] == '$') {
            vstring_addch(out, '$');
            cp += 2;
            continue;
        }
        name = cp + 1;
        if (*name == '{' || *name == '(') {
            if ((close = mac_expand_close(name + 1, end, *name, *name == '{' ? '}' : ')')) ==
                NULL) {
                vstring_sprintf(why, "missing '%c' in \"%.*s\"", *name == '{' ? '}' : ')', (int)len,
                                text);
                return -1;
            }
            name++;
        }
        for (name_end = name;
             name_end < end && (isalnum((unsigned char)*name_end) || *name_end == '_'); name_end++)
            /* void */;
        if (name_end == name) { /* "$" that starts no macro */
            vstring_addch(out, *cp++);
            continue;
        }
        key = mystrndup(name, (size_t)(name_end - name));
        if ((value = mx->lookup(key, mx->context)) == NULL) {
            vstring_sprintf(why, "unknown macro name \"%s\" in \"%.*s\"", key, (int)len, text);
            myfree(key);
            return -1;
        }
        myfree(key);
        if (close == NULL) {
            mac_expand_value(mx, value);
            cp = name_end;
            continue;
        }
        if (name_end == close)
            mac_expand_value(mx, value);
        else if (*name_end == '?' || *name_end == ':')
            status = mac_expand_conditional(mx, name_end, close, *value != 0, depth);
        else {
            vstring_sprintf(why, "malformed macro in \"%.*s\"", (int)len, text);
            status = -1;
        }
        if (status < 0)
            return -1;
        cp = close + 1;
    }
    return 0;
}

/* mac_expand - expand the macros of text */

int mac_expand(VSTRING *out, const char *text, MAC_EXPAND_LOOKUP_FN lookup, void *context,
               const char *filter, VSTRING *why)
{
    MAC_EXPAND_STATE mx = {
        .out = out, .lookup = lookup, .context = context, .filter = filter, .why = why};

    VSTRING_RESET(out);
    if (mac_expand_text(&mx, text, strlen(text), 0) < 0)
        return -1;
    return mx.status;
}
