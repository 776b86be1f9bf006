/*++
 * NAME
 *	pipe_expand - the ${name} macros of a pipe(8) command line
 * SYNOPSIS
 *	#include "pipe.h"
 *
 *	int	pipe_expand_check(const ARGV *argv, VSTRING *why);
 *	ARGV	*pipe_expand(const ARGV *argv,
 *				const PIPE_MACRO_CONTEXT *context);
 * DESCRIPTION
 *	A macro is written $name, ${name} or $(name). Per message:
 *	${sender} (the null sender as context->null_sender), ${nexthop},
 *	${size}, ${queue_id}, ${client_address}, ${client_helo},
 *	${client_hostname}, ${client_port}, ${client_protocol},
 *	${sasl_method}, ${sasl_sender}, ${sasl_username}. Per recipient:
 *	${recipient}, ${original_recipient}, ${mailbox} (the localpart),
 *	${user} (the localpart without its extension), ${extension} (what
 *	follows the first recipient_delimiter character) and ${domain}. An
 *	argument that holds a per-recipient macro becomes one argument per
 *	recipient of the group. A "$" that starts no macro stays as it is.
 *
 *	The flags of the context change the values: PIPE_FLAG_FOLD_USER
 *	lower-cases the recipient localparts (and so ${user}, ${mailbox} and
 *	${extension}), PIPE_FLAG_FOLD_HOST the recipient domains, ${domain}
 *	and ${nexthop}; PIPE_FLAG_QUOTE quotes the localparts of ${sender},
 *	${recipient} and ${original_recipient} as RFC 5321 says.
 *
 *	pipe_expand_check() returns 0 when every macro of argv (after the
 *	command itself) is known, else -1 with the name in why.
 *
 *	pipe_expand() returns the expanded command line (a new ARGV,
 *	released with argv_free()); the command itself is not expanded.
 * DIAGNOSTICS
 *	pipe_expand_check() returns the problem.
 *--*/

/* System library. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "addr_parse.h"
#include "mail_addr_find.h"
#include "queue_msg.h"
#include "rec_type.h"

/* Application-specific. */
#include "pipe.h"

/* The macros that take their value from the queue file's attributes. */
static const struct {
    const char *name;
    const char *attr;
} pipe_attr_macros[] = {
    {"client_address", REC_ATTR_CLIENT_ADDRESS}, {"client_helo", REC_ATTR_HELO_NAME},
    {"client_hostname", REC_ATTR_CLIENT_NAME},   {"client_port", REC_ATTR_CLIENT_PORT},
    {"client_protocol", REC_ATTR_PROTOCOL_NAME}, {"sasl_method", REC_ATTR_SASL_METHOD},
    {"sasl_sender", REC_ATTR_SASL_SENDER},       {"sasl_username", REC_ATTR_SASL_USERNAME},
};

static const char *const pipe_message_macros[] = {"sender", "nexthop", "size", "queue_id"};

static const char *const pipe_rcpt_macros[] = {"recipient", "original_recipient", "mailbox",
                                               "user",      "extension",          "domain"};

#define PIPE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* pipe_macro_kind - 2 per recipient, 1 per message, 0 unknown */

static int pipe_macro_kind(const char *name, size_t len)
{
    for (size_t i = 0; i < PIPE_COUNT(pipe_rcpt_macros); i++)
        if (strlen(pipe_rcpt_macros[i]) == len && strncmp(pipe_rcpt_macros[i], name, len) == 0)
            return 2;
    for (size_t i = 0; i < PIPE_COUNT(pipe_message_macros); i++)
        if (strlen(pipe_message_macros[i]) == len &&
            strncmp(pipe_message_macros[i], name, len) == 0)
            return 1;
    for (size_t i = 0; i < PIPE_COUNT(pipe_attr_macros); i++)
        if (strlen(pipe_attr_macros[i].name) == len &&
            strncmp(pipe_attr_macros[i].name, name, len) == 0)
            return 1;
    return 0;
}

/* pipe_macro_scan - the macro at cp ("$..."): name, its length, the text length; 0: none */

static size_t pipe_macro_scan(const char *cp, const char **out_name, size_t *out_len)
{
    const char *start, *end;
    char close = 0;

    if (cp[0] != '$')
        return 0;
    start = cp + 1;
    if (*start == '{' || *start == '(') {
        close = *start == '{' ? '}' : ')';
        start++;
    }
    for (end = start; isalnum((unsigned char)*end) || *end == '_'; end++)
        /* void */;
    if (end == start || (close && *end != close))
        return 0;
    *out_name = start;
    *out_len = (size_t)(end - start);
    return (size_t)(end - cp) + (close ? 1 : 0);
}

/* pipe_expand_check - are all macros known? */

int pipe_expand_check(const ARGV *argv, VSTRING *why)
{
    for (size_t i = 1; i < argv->argc; i++) {
        for (const char *cp = argv->argv[i]; *cp; cp++) {
            const char *name;
            size_t len, skip;

            if (*cp != '$')
                continue;
            if ((skip = pipe_macro_scan(cp, &name, &len)) == 0) {
                if (cp[1] == '{' || cp[1] == '(') {
                    vstring_sprintf(why, "malformed macro in command argument \"%s\"",
                                    argv->argv[i]);
                    return -1;
                }
                continue;
            }
            if (pipe_macro_kind(name, len) == 0) {
                vstring_sprintf(why, "unknown macro \"%.*s\" in command argument \"%s\"", (int)len,
                                name, argv->argv[i]);
                return -1;
            }
            cp += skip - 1;
        }
    }
    return 0;
}

/* pipe_address - an address with the flags' folding and quoting */

static void pipe_address(VSTRING *out, const char *address, int flags, bool quote)
{
    const char *at = strrchr(address, '@');
    size_t local_len = at ? (size_t)(at - address) : strlen(address);
    char *local = mystrndup(address, local_len);
    char *domain = mystrdup(at ? at + 1 : "");

    if (flags & PIPE_FLAG_FOLD_USER)
        lowercase(local);
    if (flags & PIPE_FLAG_FOLD_HOST)
        lowercase(domain);
    if (quote && (flags & PIPE_FLAG_QUOTE))
        addr_quote_local(out, local, strlen(local));
    else
        vstring_strcpy(out, local);
    if (at)
        vstring_sprintf_append(out, "@%s", domain);
    myfree(local);
    myfree(domain);
}

/* pipe_rcpt_value - a per-recipient macro */

static void pipe_rcpt_value(VSTRING *out, const char *name, size_t len,
                            const PIPE_MACRO_CONTEXT *context, size_t index)
{
    const DELIVER_RCPT *rcpt = context->request->rcpts + index;
    VSTRING *addr = vstring_alloc(100);
    char *local, *at, *extension;

#define PIPE_IS(s) (strlen(s) == len && strncmp(name, (s), len) == 0)

    if (PIPE_IS("original_recipient")) {
        pipe_address(out, rcpt->orig_rcpt && *rcpt->orig_rcpt ? rcpt->orig_rcpt : rcpt->address,
                     context->flags, true);
    } else if (PIPE_IS("recipient")) {
        pipe_address(out, rcpt->address, context->flags, true);
    } else {
        pipe_address(addr, rcpt->address, context->flags, false);
        local = mystrdup(vstring_str(addr));
        if ((at = strrchr(local, '@')) != NULL)
            *at++ = 0;
        if (PIPE_IS("domain")) {
            vstring_strcpy(out, at ? at : "");
        } else if (PIPE_IS("mailbox")) {
            vstring_strcpy(out, local);
        } else {
            extension =
                context->delimiters ? mail_addr_split_extension(local, context->delimiters) : NULL;
            vstring_strcpy(out, PIPE_IS("user") ? local : extension ? extension : "");
        }
        myfree(local);
    }
    vstring_free(addr);
}

/* pipe_message_value - a per-message macro */

static void pipe_message_value(VSTRING *out, const char *name, size_t len,
                               const PIPE_MACRO_CONTEXT *context)
{
    const DELIVER_REQUEST *request = context->request;
    const char *value;

    if (PIPE_IS("sender")) {
        if (*request->sender)
            pipe_address(out, request->sender, context->flags & PIPE_FLAG_QUOTE, true);
        else
            vstring_strcpy(out, context->null_sender);
    } else if (PIPE_IS("nexthop")) {
        vstring_strcpy(out, request->nexthop);
        if (context->flags & PIPE_FLAG_FOLD_HOST)
            lowercase(vstring_str(out));
    } else if (PIPE_IS("size")) {
        vstring_sprintf(out, "%lld", context->size);
    } else if (PIPE_IS("queue_id")) {
        vstring_strcpy(out, request->queue_id);
    } else {
        VSTRING_RESET(out);
        for (size_t i = 0; i < PIPE_COUNT(pipe_attr_macros); i++)
            if (PIPE_IS(pipe_attr_macros[i].name)) {
                value =
                    request->msg ? queue_msg_attr(request->msg, pipe_attr_macros[i].attr) : NULL;
                vstring_strcpy(out, value ? value : "");
            }
    }
}

/* pipe_expand_one - one argument, for one recipient (or none) */

static void pipe_expand_one(VSTRING *out, const char *arg, const PIPE_MACRO_CONTEXT *context,
                            size_t index)
{
    VSTRING *value = vstring_alloc(100);

    VSTRING_RESET(out);
    for (const char *cp = arg; *cp;) {
        const char *name;
        size_t len, skip = pipe_macro_scan(cp, &name, &len);
        int kind = skip ? pipe_macro_kind(name, len) : 0;

        if (kind == 0) {
            vstring_memcat(out, cp, 1);
            cp++;
            continue;
        }
        if (kind == 2)
            pipe_rcpt_value(value, name, len, context, index);
        else
            pipe_message_value(value, name, len, context);
        vstring_strcat(out, vstring_str(value));
        cp += skip;
    }
    vstring_free(value);
}

/* pipe_has_rcpt_macro - does the argument expand per recipient? */

static bool pipe_has_rcpt_macro(const char *arg)
{
    for (const char *cp = arg; *cp; cp++) {
        const char *name;
        size_t len, skip = pipe_macro_scan(cp, &name, &len);

        if (skip && pipe_macro_kind(name, len) == 2)
            return true;
    }
    return false;
}

/* pipe_expand - the command line for one group of recipients */

ARGV *pipe_expand(const ARGV *argv, const PIPE_MACRO_CONTEXT *context)
{
    ARGV *result = argv_alloc(argv->argc + context->rcpt_count);
    VSTRING *buf = vstring_alloc(100);

    argv_add(result, argv->argv[0]);
    for (size_t i = 1; i < argv->argc; i++) {
        if (pipe_has_rcpt_macro(argv->argv[i])) {
            for (size_t r = 0; r < context->rcpt_count; r++) {
                pipe_expand_one(buf, argv->argv[i], context, context->rcpts[r]);
                argv_add(result, vstring_str(buf));
            }
        } else {
            pipe_expand_one(buf, argv->argv[i], context, 0);
            argv_add(result, vstring_str(buf));
        }
    }
    vstring_free(buf);
    return result;
}
