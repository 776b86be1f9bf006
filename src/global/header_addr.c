/*++
 * NAME
 *	header_addr - rewrite the addresses in an address header, in place
 * SYNOPSIS
 *	#include <header_addr.h>
 *
 *	int	header_addr_class(const char *header, size_t len);
 *	bool	header_addr_rewrite(VSTRING *out, const char *header,
 *				size_t len, HEADER_ADDR_FN fn, void *context);
 * DESCRIPTION
 *	header_addr_class() tells whether a header (its name, in any case)
 *	holds sender addresses (HEADER_ADDR_SENDER: From:, Sender:,
 *	Reply-To:, Errors-To:, Return-Receipt-To: and the Resent- forms),
 *	recipient addresses (HEADER_ADDR_RECIPIENT: To:, Cc:, Bcc:,
 *	Apparently-To: and the Resent- forms) or none (HEADER_ADDR_NONE):
 *	the headers that cleanup's canonical and masquerading classes and
 *	the smtp client's generic mapping rewrite.
 *
 *	header_addr_rewrite() takes a whole header ("To: ...", with its
 *	folding newlines) and calls fn(context, address, buf) for each
 *	address of its value, in internal form (a quoted local part
 *	unquoted). When fn returns true, the text of that address is
 *	replaced by buf in external form (the local part quoted when it
 *	must be). The value is scanned as an RFC 5322 address list:
 *	comments, quoted strings, domain literals, display names with an
 *	angle address (a source route inside the brackets stays), groups,
 *	and bare addresses followed by a comment. The null address <> and
 *	empty elements are left alone.
 *
 *	It returns true with the new header in out when some address
 *	changed, false (out undefined) otherwise.
 * BUGS
 *	Obsolete forms with white space or comments inside a bare address
 *	("joe . smith@example.com") are taken up to the first white space.
 * SEE ALSO
 *	addr_parse(3), header_scan(3)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"

/* Global library. */
#include "addr_parse.h"
#include "header_addr.h"
#include "header_scan.h"

/* One address found in the value. */
typedef struct HEADER_ADDR_SPAN {
    size_t start; /* offset in the header */
    size_t end;   /* offset after it */
} HEADER_ADDR_SPAN;

/* The address headers and their class. */
static const struct {
    const char *name; /* header name */
    int class;        /* HEADER_ADDR_* */
} header_addr_names[] = {
    {"From", HEADER_ADDR_SENDER},
    {"Sender", HEADER_ADDR_SENDER},
    {"Reply-To", HEADER_ADDR_SENDER},
    {"Errors-To", HEADER_ADDR_SENDER},
    {"Return-Receipt-To", HEADER_ADDR_SENDER},
    {"Resent-From", HEADER_ADDR_SENDER},
    {"Resent-Sender", HEADER_ADDR_SENDER},
    {"Resent-Reply-To", HEADER_ADDR_SENDER},
    {"To", HEADER_ADDR_RECIPIENT},
    {"Cc", HEADER_ADDR_RECIPIENT},
    {"Bcc", HEADER_ADDR_RECIPIENT},
    {"Apparently-To", HEADER_ADDR_RECIPIENT},
    {"Resent-To", HEADER_ADDR_RECIPIENT},
    {"Resent-Cc", HEADER_ADDR_RECIPIENT},
    {"Resent-Bcc", HEADER_ADDR_RECIPIENT},
};

/* header_addr_class - does the header hold sender or recipient addresses? */

int header_addr_class(const char *header, size_t len)
{
    for (size_t i = 0; i < sizeof(header_addr_names) / sizeof(header_addr_names[0]); i++)
        if (header_name_is(header, len, header_addr_names[i].name))
            return header_addr_names[i].class;
    return HEADER_ADDR_NONE;
}

/* header_addr_skip - the position after a comment, quoted string or literal at pos */

static size_t header_addr_skip(const char *text, size_t len, size_t pos)
{
    char open = text[pos];
    char close = open == '(' ? ')' : open == '"' ? '"' : ']';
    int depth = 1;

    for (pos++; pos < len; pos++) {
        if (text[pos] == '\\' && pos + 1 < len)
            pos++;
        else if (open == '(' && text[pos] == '(')
            depth++;
        else if (text[pos] == close && --depth == 0)
            return pos + 1;
    }
    return len;
}

/* header_addr_element - the address span of one list element [start, end) */

static bool header_addr_element(const char *text, size_t start, size_t end, HEADER_ADDR_SPAN *span)
{
    size_t pos, open = 0, colon;
    bool angle = false;

    for (pos = start; pos < end;) {
        if (text[pos] == '(' || text[pos] == '"' || text[pos] == '[') {
            pos = header_addr_skip(text, end, pos);
        } else if (text[pos] == '<') {
            open = pos;
            angle = true;
            break;
        } else {
            pos++;
        }
    }
    if (angle) {
        for (pos = open + 1, colon = open; pos < end && text[pos] != '>';) {
            if (text[pos] == '"' || text[pos] == '[') {
                pos = header_addr_skip(text, end, pos);
            } else {
                if (text[pos] == ':')
                    colon = pos;
                pos++;
            }
        }
        span->start = colon + 1;
        span->end = pos;
    } else {
        for (pos = start; pos < end && (isspace((unsigned char)text[pos]) || text[pos] == '(');)
            pos = text[pos] == '(' ? header_addr_skip(text, end, pos) : pos + 1;
        span->start = pos;
        while (pos < end && !isspace((unsigned char)text[pos]) && text[pos] != '(') {
            if (text[pos] == '"' || text[pos] == '[')
                pos = header_addr_skip(text, end, pos);
            else
                pos++;
        }
        span->end = pos;
    }
    return span->end > span->start;
}

/* header_addr_internal - an address span in internal form */

static void header_addr_internal(VSTRING *out, const char *text, size_t len)
{
    const char *at;
    size_t local_len;

    VSTRING_RESET(out);
    if (len == 0 || text[0] != '"') {
        vstring_strncpy(out, text, len);
        return;
    }
    at = memrchr(text, '@', len);
    local_len = at ? (size_t)(at - text) : len;
    for (size_t i = 1; i < local_len; i++) {
        if (text[i] == '\\' && i + 1 < local_len)
            vstring_addch(out, text[++i]);
        else if (text[i] != '"')
            vstring_addch(out, text[i]);
    }
    if (at)
        vstring_strncat(out, at, len - local_len);
}

/* header_addr_external - quote the local part when it must be */

static void header_addr_external(VSTRING *out, const char *address)
{
    const char *at = strrchr(address, '@');
    size_t local_len = at ? (size_t)(at - address) : strlen(address);
    VSTRING *quoted = vstring_alloc(60);

    addr_quote_local(quoted, address, local_len);
    vstring_strcpy(out, vstring_str(quoted));
    if (at)
        vstring_strcat(out, at);
    vstring_free(quoted);
}

/* header_addr_rewrite - rewrite each address of the value */

bool header_addr_rewrite(VSTRING *out, const char *header, size_t len, HEADER_ADDR_FN fn,
                         void *context)
{
    HEADER_ADDR_SPAN span;
    VSTRING *address = vstring_alloc(100), *result = vstring_alloc(100);
    size_t value = header_name_len(header, len), pos, start, done = 0;
    bool angle = false, changed = false;

    if (value >= len || header[value] != ':')
        goto out;
    VSTRING_RESET(out);
    for (pos = start = value + 1; pos <= len;) {
        char ch = pos < len ? header[pos] : ',';

        if (pos < len && (ch == '(' || ch == '"' || ch == '[')) {
            pos = header_addr_skip(header, len, pos);
            continue;
        }
        if (ch == '<')
            angle = true;
        else if (ch == '>')
            angle = false;
        else if (ch == ':' && !angle)
            start = pos + 1; /* a group's display name */
        if ((ch == ',' || ch == ';') && !angle) {
            if (header_addr_element(header, start, pos, &span)) {
                header_addr_internal(address, header + span.start, span.end - span.start);
                if (fn(context, vstring_str(address), result)) {
                    vstring_strncat(out, header + done, span.start - done);
                    header_addr_external(address, vstring_str(result));
                    vstring_strcat(out, vstring_str(address));
                    done = span.end;
                    changed = true;
                }
            }
            start = pos + 1;
        }
        pos++;
    }
    if (changed)
        vstring_strncat(out, header + done, len - done);
out:
    vstring_free(address);
    vstring_free(result);
    return changed;
}
