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
 *	recipient of the group. "$$" is one "$"; another "$" that starts
 *	no macro stays as it is.
 *
 *	Conditional forms, as in main.cf: ${name?text} expands to text
 *	when the value of name is not empty, ${name:text} when it is empty;
 *	otherwise each expands to nothing. The text may be braced,
 *	${name?{text}} and ${name:{text}} (white space around the braces
 *	is ignored), and a braced text may be followed by the other case:
 *	${name?{text1}:{text2}} or ${name?{text1}:text2}. Unbraced, the
 *	text is the rest up to the macro's closing brace, ':' included.
 *	The texts are expanded in turn; an argument whose texts hold a
 *	per-recipient macro expands per recipient too.
 *
 *	The flags of the context change the values: PIPE_FLAG_FOLD_USER
 *	lower-cases the recipient localparts (and so ${user}, ${mailbox} and
 *	${extension}), PIPE_FLAG_FOLD_HOST the recipient domains, ${domain}
 *	and ${nexthop}; PIPE_FLAG_QUOTE quotes the localparts of ${sender},
 *	${recipient} and ${original_recipient} as RFC 5321 says.
 *
 *	pipe_expand_check() returns 0 when every macro of argv (after the
 *	command itself), in conditional texts too, is known and well-formed,
 *	else -1 with the problem in why.
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

/*
 * A macro reference, as pipe_macro_parse() finds it: $name, ${name} or
 * $(name), or a conditional ${name?text}, ${name:text}, ${name?{text}},
 * ${name:{text}} or ${name?{text1}:text2}. The texts point into the
 * argument and are expanded in turn.
 */
typedef struct PIPE_MACRO {
    const char *name;     /* the macro's name (not terminated) */
    size_t name_len;      /* its length */
    bool conditional;     /* ? or : */
    const char *if_set;   /* the text for a non-empty value, or NULL */
    size_t if_set_len;    /* its length */
    const char *if_empty; /* the text for an empty value, or NULL */
    size_t if_empty_len;  /* its length */
    size_t length;        /* the whole reference, "$" included */
} PIPE_MACRO;

#define PIPE_BLANKS " \t\r\n"

/* pipe_macro_operand - one text after ? or :, braced or to the end */

static bool pipe_macro_operand(const char **cpp, const char *end, const char **out_text,
                               size_t *out_len)
{
    const char *cp = *cpp + strspn(*cpp, PIPE_BLANKS);
    int depth = 1;

    if (cp >= end || *cp != '{') {
        /* Unbraced: the rest, as written. */
        *out_text = *cpp;
        *out_len = (size_t)(end - *cpp);
        *cpp = end;
        return true;
    }
    *out_text = ++cp;
    for (; cp < end; cp++) {
        if (*cp == '{')
            depth++;
        else if (*cp == '}' && --depth == 0)
            break;
    }
    if (cp >= end)
        return false;
    *out_len = (size_t)(cp - *out_text);
    cp++;
    /* The body ends at a '}' or ')', so the blanks stop before it. */
    *cpp = cp + strspn(cp, PIPE_BLANKS);
    return true;
}

/* pipe_macro_conditional - what follows the name of ${name...}, up to end */

static int pipe_macro_conditional(const char *rest, const char *end, PIPE_MACRO *out)
{
    out->conditional = true;
    if (*rest == ':') {
        rest++;
        if (!pipe_macro_operand(&rest, end, &out->if_empty, &out->if_empty_len))
            return -1;
        return rest == end ? 1 : -1;
    }
    if (*rest != '?')
        return -1;
    rest++;
    if (!pipe_macro_operand(&rest, end, &out->if_set, &out->if_set_len))
        return -1;
    if (rest == end)
        return 1;
    /* ${name?{text1}:text2}: a ':' can follow a braced text1 only. */
    if (*rest != ':')
        return -1;
    rest++;
    if (!pipe_macro_operand(&rest, end, &out->if_empty, &out->if_empty_len))
        return -1;
    return rest == end ? 1 : -1;
}

/*
 * pipe_macro_parse - the reference at cp ("$...") that ends before limit:
 * 1 with *out filled in, 0 when cp starts none (a lone "$"), -1 when it
 * is malformed.
 */
static int pipe_macro_parse(const char *cp, const char *limit, PIPE_MACRO *out)
{
    const char *body, *end, *rest;
    char open, close;
    int depth = 1;

    memset(out, 0, sizeof(*out));
    if (cp + 1 >= limit || cp[0] != '$')
        return 0;
    if (cp[1] != '{' && cp[1] != '(') {
        for (end = cp + 1; end < limit && (isalnum((unsigned char)*end) || *end == '_'); end++)
            /* void */;
        if (end == cp + 1)
            return 0;
        out->name = cp + 1;
        out->name_len = (size_t)(end - out->name);
        out->length = (size_t)(end - cp);
        return 1;
    }
    open = cp[1];
    close = open == '{' ? '}' : ')';
    body = cp + 2;
    for (end = body; end < limit; end++) {
        if (*end == open)
            depth++;
        else if (*end == close && --depth == 0)
            break;
    }
    if (end >= limit)
        return -1;
    out->length = (size_t)(end + 1 - cp);
    for (rest = body; rest < end && (isalnum((unsigned char)*rest) || *rest == '_'); rest++)
        /* void */;
    out->name = body;
    out->name_len = (size_t)(rest - body);
    if (out->name_len == 0)
        return -1;
    return rest == end ? 1 : pipe_macro_conditional(rest, end, out);
}

/*
 * pipe_text_check - are all macros of text (and of their conditional
 * texts) known and well-formed? The result is a bit mask, 1: a macro, 2:
 * a per-recipient macro; or -1 with the problem in why.
 */
static int pipe_text_check(const char *text, size_t len, const char *arg, VSTRING *why)
{
    const char *end = text + len;
    int found = 0, inner;
    PIPE_MACRO macro;

    for (const char *cp = text; cp < end; cp++) {
        if (*cp != '$')
            continue;
        if (cp + 1 < end && cp[1] == '$') {
            cp++;
            continue;
        }
        switch (pipe_macro_parse(cp, end, &macro)) {
        case -1:
            vstring_sprintf(why, "malformed macro in command argument \"%s\"", arg);
            return -1;
        case 0:
            continue;
        }
        if ((inner = pipe_macro_kind(macro.name, macro.name_len)) == 0) {
            vstring_sprintf(why, "unknown macro \"%.*s\" in command argument \"%s\"",
                            (int)macro.name_len, macro.name, arg);
            return -1;
        }
        found |= inner == 2 ? 3 : 1;
        if (macro.if_set) {
            if ((inner = pipe_text_check(macro.if_set, macro.if_set_len, arg, why)) < 0)
                return -1;
            found |= inner;
        }
        if (macro.if_empty) {
            if ((inner = pipe_text_check(macro.if_empty, macro.if_empty_len, arg, why)) < 0)
                return -1;
            found |= inner;
        }
        cp += macro.length - 1;
    }
    return found;
}

/* pipe_expand_check - are all macros known? */

int pipe_expand_check(const ARGV *argv, VSTRING *why)
{
    for (size_t i = 1; i < argv->argc; i++)
        if (pipe_text_check(argv->argv[i], strlen(argv->argv[i]), argv->argv[i], why) < 0)
            return -1;
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

/* pipe_expand_text - append the expansion of text, for one recipient (or none) */

static void pipe_expand_text(VSTRING *out, const char *text, size_t len,
                             const PIPE_MACRO_CONTEXT *context, size_t index)
{
    const char *end = text + len;
    VSTRING *value = vstring_alloc(100);
    PIPE_MACRO macro;
    int kind;

    for (const char *cp = text; cp < end;) {
        if (cp[0] == '$' && cp + 1 < end && cp[1] == '$') {
            vstring_addch(out, '$');
            cp += 2;
            continue;
        }
        if (pipe_macro_parse(cp, end, &macro) <= 0 ||
            (kind = pipe_macro_kind(macro.name, macro.name_len)) == 0) {
            vstring_addch(out, *cp);
            cp++;
            continue;
        }
        if (kind == 2)
            pipe_rcpt_value(value, macro.name, macro.name_len, context, index);
        else
            pipe_message_value(value, macro.name, macro.name_len, context);
        if (!macro.conditional)
            vstring_memcat(out, vstring_str(value), VSTRING_LEN(value));
        else if (VSTRING_LEN(value) > 0 && macro.if_set)
            pipe_expand_text(out, macro.if_set, macro.if_set_len, context, index);
        else if (VSTRING_LEN(value) == 0 && macro.if_empty)
            pipe_expand_text(out, macro.if_empty, macro.if_empty_len, context, index);
        cp += macro.length;
    }
    vstring_free(value);
}

/* pipe_has_rcpt_macro - does the argument expand per recipient? */

static bool pipe_has_rcpt_macro(const char *arg)
{
    VSTRING *why = vstring_alloc(10);
    int found = pipe_text_check(arg, strlen(arg), arg, why);

    vstring_free(why);
    return found > 0 && (found & 2);
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
                VSTRING_RESET(buf);
                pipe_expand_text(buf, argv->argv[i], strlen(argv->argv[i]), context,
                                 context->rcpts[r]);
                argv_add(result, vstring_str(buf));
            }
        } else {
            VSTRING_RESET(buf);
            pipe_expand_text(buf, argv->argv[i], strlen(argv->argv[i]), context, 0);
            argv_add(result, vstring_str(buf));
        }
    }
    vstring_free(buf);
    return result;
}
