/*++
 * NAME
 *	addr_parse - addresses in RFC 5322 address lists
 * SYNOPSIS
 *	#include <addr_parse.h>
 *
 *	int	addr_parse_list(const char *text, size_t len, ARGV *out,
 *				VSTRING *why);
 *	const char *addr_quote_local(VSTRING *buf, const char *local,
 *				size_t len);
 *	bool	addr_dot_atom_ok(const char *text, size_t len);
 *
 *	bool	addr_has_control(const char *text, size_t len);
 * DESCRIPTION
 *	addr_parse_list() parses the value of an address header (the text
 *	after the colon, possibly with folding newlines) as an RFC 5322
 *	address-list and appends each address to out. It understands:
 * .IP \(bu
 *	plain addresses (user@example.com), and local parts without a
 *	domain (user), which the caller may qualify;
 * .IP \(bu
 *	display names and angle addresses (Joe Q. Public <joe@example.com>,
 *	"Public, Joe" <joe@example.com>);
 * .IP \(bu
 *	comments, nested and with quoted pairs (joe@example.com (Joe));
 * .IP \(bu
 *	quoted local parts ("joe smith"@example.com) and domain literals
 *	(joe@[192.0.2.1]);
 * .IP \(bu
 *	groups (friends: a@example.com, b@example.com;), including empty
 *	ones (undisclosed-recipients:;), and the obsolete source routes
 *	(<@relay1,@relay2:joe@example.com>), whose route is dropped;
 * .IP \(bu
 *	empty list elements (a@b,,c@d), the null address (<>) and an empty
 *	local part without a domain (""), which yield nothing.
 * .PP
 *	Each address comes out in external form: comments and white space
 *	removed, the domain as written, and the local part unquoted when it
 *	is a dot-atom and quoted (with backslashes before '"' and '\\')
 *	when it is not. The result is the number of addresses appended.
 *	Parsing is lenient, as a mail system must be with headers: an
 *	unterminated quoted string, comment or literal ends at the end of
 *	the text, and an element that is not an address (such as a display
 *	name without an address) is skipped. Each such problem is described
 *	in why (when not null; it is left empty when there was none), so
 *	the caller may log it.
 *
 *	No address that comes out holds a control character (a byte below
 *	space, or DEL): line breaks inside quoted strings and domain
 *	literals are header folding and go, and an address with any other
 *	control character, quoted or not, is refused ("control character in
 *	address"), so that none reaches an envelope, a header or an SMTP
 *	command. A domain literal always comes out with its closing bracket
 *	and never holds '[', ']' or '\\' inside; one that would is refused
 *	("malformed domain literal").
 *
 *	addr_quote_local() writes a local part in external form into buf
 *	(as above) and returns its text. addr_dot_atom_ok() tells whether
 *	text is a dot-atom: atoms of atext separated by single dots.
 *	addr_has_control() tells whether text holds a control character (a
 *	byte below space, or DEL); callers use it on addresses that did not
 *	come through addr_parse_list().
 * SEE ALSO
 *	RFC 5322 section 3.4 (address specification) and 4.4 (obsolete
 *	addressing)
 *--*/

/* System library. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "addr_parse.h"

/* Token types; the specials are their own character. */
#define ADDR_TOK_ATOM    'a' /* atext run */
#define ADDR_TOK_QSTRING 'q' /* quoted string, value unescaped */
#define ADDR_TOK_DOMLIT  'd' /* domain literal, with its brackets */

typedef struct ADDR_TOKEN {
    int type;   /* ADDR_TOK_* or one of ()<>[]:;@\,." */
    char *text; /* owned; holds no null byte */
    int flags;  /* ADDR_TOK_FLAG_* */
} ADDR_TOKEN;

#define ADDR_TOK_FLAG_CTRL   (1 << 0) /* held a control character */
#define ADDR_TOK_FLAG_BADLIT (1 << 1) /* literal with [ ] or \ inside */

typedef struct ADDR_TOKENS {
    ADDR_TOKEN *tokens; /* owned */
    size_t count;       /* in use */
    size_t size;        /* allocated */
} ADDR_TOKENS;

#define ADDR_SPECIALS "()<>[]:;@\\,.\""

/* addr_atext - RFC 5322 atext (8-bit bytes allowed, as RFC 6532 does) */

static bool addr_atext(int ch)
{
    return isalnum(ch) || (ch & 0x80) || (ch != 0 && strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

/* addr_dot_atom_ok - atoms separated by single dots */

bool addr_dot_atom_ok(const char *text, size_t len)
{
    bool need_atext = true;

    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '.') {
            if (need_atext)
                return false;
            need_atext = true;
        } else if (addr_atext((unsigned char)text[i])) {
            need_atext = false;
        } else {
            return false;
        }
    }
    return !need_atext;
}

/* addr_control - a control character: below space, or DEL */

static bool addr_control(int ch)
{
    return (ch >= 0 && ch < ' ') || ch == 0x7f;
}

/* addr_has_control - text holds a control character */

bool addr_has_control(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (addr_control((unsigned char)text[i]))
            return true;
    return false;
}

/* addr_quote_local - a local part in external form */

const char *addr_quote_local(VSTRING *buf, const char *local, size_t len)
{
    if (addr_dot_atom_ok(local, len))
        return vstring_str(vstring_strncpy(buf, local, len));
    vstring_strcpy(buf, "\"");
    for (size_t i = 0; i < len; i++) {
        if (local[i] == '"' || local[i] == '\\')
            vstring_addch(buf, '\\');
        vstring_addch(buf, local[i]);
    }
    return vstring_str(vstring_addch(buf, '"'));
}

/* addr_tokens_add - append a token */

static void addr_tokens_add(ADDR_TOKENS *toks, int type, const char *text, size_t len, int flags)
{
    /* A null byte would cut the copy short: the token is refused instead. */
    if (addr_has_control(text, len))
        flags |= ADDR_TOK_FLAG_CTRL;
    if (toks->count == toks->size) {
        toks->size = toks->size ? toks->size * 2 : 16;
        toks->tokens = myrealloc(toks->tokens, toks->size * sizeof(*toks->tokens));
    }
    toks->tokens[toks->count].type = type;
    toks->tokens[toks->count].text = mystrndup(text, len);
    toks->tokens[toks->count].flags = flags;
    toks->count++;
}

/* addr_tokens_free - release the tokens */

static void addr_tokens_free(ADDR_TOKENS *toks)
{
    for (size_t i = 0; i < toks->count; i++)
        myfree(toks->tokens[i].text);
    myfree(toks->tokens);
}

/* addr_why - note a problem */

static void addr_why(VSTRING *why, const char *problem)
{
    if (why && VSTRING_LEN(why) == 0)
        vstring_strcpy(why, problem);
}

/* addr_skip_comment - skip a (nested) comment; returns the position after it */

static size_t addr_skip_comment(const char *text, size_t len, size_t pos, VSTRING *why)
{
    int depth = 0;

    for (; pos < len; pos++) {
        if (text[pos] == '\\' && pos + 1 < len)
            pos++;
        else if (text[pos] == '(')
            depth++;
        else if (text[pos] == ')' && --depth == 0)
            return pos + 1;
    }
    addr_why(why, "unterminated comment");
    return len;
}

/* addr_scan_quoted - a quoted string; returns the position after it */

static size_t addr_scan_quoted(const char *text, size_t len, size_t pos, VSTRING *value,
                               VSTRING *why)
{
    VSTRING_RESET(value);
    for (pos++; pos < len; pos++) {
        if (text[pos] == '\\' && pos + 1 < len)
            vstring_addch(value, text[++pos]);
        else if (text[pos] == '"')
            return pos + 1;
        else if (text[pos] != '\n' && text[pos] != '\r')
            vstring_addch(value, text[pos]);
    }
    addr_why(why, "unterminated quoted string");
    return len;
}

/* addr_scan_literal - a domain literal; returns the position after it */

static size_t addr_scan_literal(const char *text, size_t len, size_t pos, VSTRING *value,
                                int *flags, VSTRING *why)
{
    int ch;

    vstring_strcpy(value, "[");
    for (pos++; pos < len; pos++) {
        if (text[pos] == '\\') {
            /* An (obsolete) quoted pair; one that yields [ ] or \ is refused. */
            if (pos + 1 == len)
                continue;
            ch = (unsigned char)text[++pos];
            if (ch == '[' || ch == ']' || ch == '\\')
                *flags |= ADDR_TOK_FLAG_BADLIT;
            /* White space goes, quoted or not, so that the result parses the same. */
            if (!isspace(ch))
                vstring_addch(value, ch);
        } else if (text[pos] == '[') {
            *flags |= ADDR_TOK_FLAG_BADLIT;
            vstring_addch(value, text[pos]);
        } else if (text[pos] == ']') {
            vstring_addch(value, ']');
            return pos + 1;
        } else if (!isspace((unsigned char)text[pos])) {
            vstring_addch(value, text[pos]);
        }
    }
    addr_why(why, "unterminated domain literal");
    vstring_addch(value, ']');
    return len;
}

/* addr_tokenize - split the text into tokens; comments and white space go */

static void addr_tokenize(const char *text, size_t len, ADDR_TOKENS *toks, VSTRING *why)
{
    VSTRING *value = vstring_alloc(100);
    size_t pos = 0, start;
    int flags;

    while (pos < len) {
        unsigned char ch = text[pos];

        if (isspace(ch)) {
            pos++;
        } else if (ch == '(') {
            pos = addr_skip_comment(text, len, pos, why);
        } else if (ch == '"') {
            pos = addr_scan_quoted(text, len, pos, value, why);
            addr_tokens_add(toks, ADDR_TOK_QSTRING, vstring_str(value), VSTRING_LEN(value), 0);
        } else if (ch == '[') {
            flags = 0;
            pos = addr_scan_literal(text, len, pos, value, &flags, why);
            addr_tokens_add(toks, ADDR_TOK_DOMLIT, vstring_str(value), VSTRING_LEN(value), flags);
        } else if (ch != 0 && strchr(ADDR_SPECIALS, ch) != NULL) {
            addr_tokens_add(toks, ch, text + pos, 1, 0);
            pos++;
        } else {
            /* An atom; stray control characters mark it (addr_tokens_add). */
            for (start = pos; pos < len && !isspace((unsigned char)text[pos]) &&
                              (text[pos] == 0 || strchr(ADDR_SPECIALS, text[pos]) == NULL);
                 pos++)
                /* void */;
            addr_tokens_add(toks, ADDR_TOK_ATOM, text + start, pos - start, 0);
        }
    }
    vstring_free(value);
}

/* addr_spec_text - join the tokens of an addr-spec; false when they are not one */

static bool addr_spec_text(const ADDR_TOKEN *toks, size_t count, VSTRING *out)
{
    VSTRING *local = vstring_alloc(60);
    VSTRING *quoted = vstring_alloc(60);
    bool want_word = true, ok = true;
    size_t i;

    /* local-part: word *("." word); obsolete spaces between words are not allowed. */
    for (i = 0; i < count && toks[i].type != '@'; i++) {
        if (toks[i].type == '.' && !want_word) {
            vstring_addch(local, '.');
            want_word = true;
        } else if ((toks[i].type == ADDR_TOK_ATOM || toks[i].type == ADDR_TOK_QSTRING) &&
                   want_word) {
            vstring_strcat(local, toks[i].text);
            want_word = false;
        } else {
            ok = false;
        }
    }
    if (want_word)
        ok = false;
    addr_quote_local(quoted, vstring_str(local), VSTRING_LEN(local));
    vstring_strcpy(out, vstring_str(quoted));
    if (i < count) {
        /* domain: atoms and dots, or one literal alone. */
        vstring_addch(out, '@');
        if (++i == count)
            ok = false;
        else if (toks[i].type == ADDR_TOK_DOMLIT && i + 1 < count)
            ok = false;
        for (; i < count; i++) {
            if (toks[i].type == ADDR_TOK_ATOM || toks[i].type == '.' ||
                (toks[i].type == ADDR_TOK_DOMLIT && i + 1 == count && toks[i - 1].type == '@'))
                vstring_strcat(out, toks[i].text);
            else
                ok = false;
        }
    }
    vstring_free(local);
    vstring_free(quoted);
    return ok;
}

/* addr_spec_add - one addr-spec, unless it is empty or unsafe */

static int addr_spec_add(const ADDR_TOKEN *toks, size_t count, ARGV *out, VSTRING *why,
                         const char *malformed)
{
    VSTRING *addr;
    int found = 0;

    /* An empty local part without a domain ("") is no address. */
    if (count == 1 && toks[0].type == ADDR_TOK_QSTRING && toks[0].text[0] == 0) {
        addr_why(why, malformed);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (toks[i].flags & ADDR_TOK_FLAG_CTRL) {
            addr_why(why, "control character in address");
            return 0;
        }
        if (toks[i].flags & ADDR_TOK_FLAG_BADLIT) {
            addr_why(why, "malformed domain literal");
            return 0;
        }
    }
    addr = vstring_alloc(100);
    if (!addr_spec_text(toks, count, addr)) {
        addr_why(why, malformed);
    } else if (addr_has_control(vstring_str(addr), VSTRING_LEN(addr))) {
        addr_why(why, "control character in address");
    } else {
        argv_add(out, vstring_str(addr));
        found = 1;
    }
    vstring_free(addr);
    return found;
}

/* addr_mailbox - one list element: [phrase] <[route:]addr-spec> or addr-spec */

static int addr_mailbox(const ADDR_TOKEN *toks, size_t count, ARGV *out, VSTRING *why)
{
    size_t open, close, start;
    int found = 0;

    if (count == 0)
        return 0;
    for (open = 0; open < count && toks[open].type != '<'; open++)
        /* void */;
    if (open < count) {
        for (close = open + 1; close < count && toks[close].type != '>'; close++)
            /* void */;
        if (close == count)
            addr_why(why, "missing '>'");
        /* A source route ends at the last colon inside the brackets. */
        start = open + 1;
        for (size_t i = open + 1; i < close; i++)
            if (toks[i].type == ':')
                start = i + 1;
        if (start == close) {
            /* <> or <@route:>: the null address, nothing to deliver to. */
        } else {
            found = addr_spec_add(toks + start, close - start, out, why,
                                  "malformed address in angle brackets");
        }
    } else {
        found = addr_spec_add(toks, count, out, why, "list element without an address");
    }
    return found;
}

/* addr_parse_list - the addresses of an address-list */

int addr_parse_list(const char *text, size_t len, ARGV *out, VSTRING *why)
{
    ADDR_TOKENS toks = {0};
    size_t start = 0;
    bool in_angle = false;
    int found = 0;

    if (why)
        VSTRING_RESET(why);
    addr_tokenize(text, len, &toks, why);
    if (toks.count == 0)
        return 0;
    for (size_t i = 0; i <= toks.count; i++) {
        int type = i < toks.count ? toks.tokens[i].type : ',';

        if (type == '<') {
            in_angle = true;
        } else if (type == '>') {
            in_angle = false;
        } else if (in_angle && i < toks.count) {
            /* Commas and colons of a source route belong to the address. */
        } else if (type == ':') {
            /* A group's display name: what came before is no address. */
            start = i + 1;
        } else if (type == ',' || type == ';') {
            found += addr_mailbox(toks.tokens + start, i - start, out, why);
            start = i + 1;
            in_angle = false;
        }
    }
    addr_tokens_free(&toks);
    return found;
}
