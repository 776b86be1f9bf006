/*++
 * NAME
 *	reply_footer - a footer under an SMTP reply
 * SYNOPSIS
 *	#include <reply_footer.h>
 *
 *	int	reply_footer(VSTRING *reply, const char *template,
 *				REPLY_FOOTER_LOOKUP_FN lookup, void *context,
 *				VSTRING *why);
 * DESCRIPTION
 *	reply_footer() appends the footer template to reply, a one-line or
 *	multi-line SMTP reply whose lines are separated by CRLF, without a
 *	final CRLF ("550 5.5.1 Protocol error"). Each footer line repeats
 *	the reply code and the enhanced status code of the reply's last line
 *	(when it has one), and every line but the last gets "-" after the
 *	code:
 *
 *	    550-5.5.1 Protocol error
 *	    550 5.5.1 footer text
 *
 *	In the template, the two characters "\n" start a new reply line; a
 *	template that starts with "\c" goes on on the reply's last line
 *	instead of starting a new one. $name and ${name} are replaced by
 *	lookup(name, context) ("$$" is one "$").
 *
 *	It returns 0, or -1 with the reason in why when the reply has no
 *	reply code or the template names an unknown macro or is malformed;
 *	reply is then unchanged.
 * DIAGNOSTICS
 *	Returned only.
 *--*/

/* System library. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "reply_footer.h"

/* reply_footer_expand - the template with its macros replaced; 0 or -1 */

static int reply_footer_expand(VSTRING *out, const char *template, REPLY_FOOTER_LOOKUP_FN lookup,
                               void *context, VSTRING *why)
{
    const char *cp = template;

    VSTRING_RESET(out);
    while (*cp) {
        const char *value;
        char *name;
        size_t len;

        if (*cp != '$') {
            vstring_addch(out, *cp++);
            continue;
        }
        if (cp[1] == '$') {
            vstring_addch(out, '$');
            cp += 2;
            continue;
        }
        if (cp[1] == '{') {
            if ((len = strcspn(cp + 2, "}")) == 0 || cp[2 + len] != '}') {
                vstring_sprintf(why, "malformed macro in \"%.100s\"", template);
                return -1;
            }
            name = mystrndup(cp + 2, len);
            cp += len + 3;
        } else {
            for (len = 1; isalnum((unsigned char)cp[len]) || cp[len] == '_'; len++)
                ;
            if (len == 1) {
                vstring_sprintf(why, "malformed macro in \"%.100s\"", template);
                return -1;
            }
            name = mystrndup(cp + 1, len - 1);
            cp += len;
        }
        value = lookup(name, context);
        if (value == NULL) {
            vstring_sprintf(why, "unknown macro name \"%s\" in \"%.100s\"", name, template);
            myfree(name);
            return -1;
        }
        myfree(name);
        vstring_strcat(out, value);
    }
    return 0;
}

/* reply_footer_prefix - "NNN" plus "X.Y.Z " of the last line, or 0 without a code */

static size_t reply_footer_prefix(const char *line, size_t *out_status_len)
{
    const char *cp;

    if (!isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
        !isdigit((unsigned char)line[2]) || (line[3] != ' ' && line[3] != '-' && line[3] != 0))
        return 0;
    /* An enhanced status code: digit "." 1-3 digits "." 1-3 digits, then a space. */
    *out_status_len = 0;
    cp = line + 4;
    if (line[3] && isdigit((unsigned char)cp[0]) && cp[1] == '.') {
        size_t a = strspn(cp + 2, "0123456789"), b;

        if (a >= 1 && a <= 3 && cp[2 + a] == '.') {
            b = strspn(cp + 3 + a, "0123456789");
            if (b >= 1 && b <= 3 && cp[3 + a + b] == ' ')
                *out_status_len = 4 + a + b;
        }
    }
    return 3;
}

/* reply_footer - append the footer */

int reply_footer(VSTRING *reply, const char *template, REPLY_FOOTER_LOOKUP_FN lookup, void *context,
                 VSTRING *why)
{
    VSTRING *text = vstring_alloc(100);
    VSTRING *prefix = vstring_alloc(20);
    char *last, *line, *next;
    size_t status_len = 0;
    bool join = strncmp(template, "\\c", 2) == 0;

    last = vstring_str(reply);
    for (char *cp; (cp = strstr(last, "\r\n")) != NULL;)
        last = cp + 2;
    if (reply_footer_prefix(last, &status_len) == 0) {
        vstring_sprintf(why, "no reply code in \"%.100s\"", vstring_str(reply));
        vstring_free(text);
        vstring_free(prefix);
        return -1;
    }
    if (reply_footer_expand(text, template + (join ? 2 : 0), lookup, context, why) < 0) {
        vstring_free(text);
        vstring_free(prefix);
        return -1;
    }
    vstring_strncpy(prefix, last, 3);
    vstring_strncat(prefix, last + 4, status_len);
    for (line = vstring_str(text); line != NULL; line = next) {
        if ((next = strstr(line, "\\n")) != NULL)
            *next = 0;
        if (join) {
            join = false;
        } else {
            /* The line before this one continues the reply. */
            size_t off;

            last = vstring_str(reply);
            for (char *cp; (cp = strstr(last, "\r\n")) != NULL;)
                last = cp + 2;
            off = (size_t)(last - vstring_str(reply));
            if (last[3] == 0)
                vstring_addch(reply, ' ');
            vstring_str(reply)[off + 3] = '-';
            vstring_sprintf_append(reply, "\r\n%.3s %s", vstring_str(prefix),
                                   vstring_str(prefix) + 3);
        }
        vstring_strcat(reply, line);
        if (next)
            next += 2;
    }
    vstring_free(text);
    vstring_free(prefix);
    return 0;
}
