/*++
 * NAME
 *	xtext - RFC 3461 xtext encoding
 * SYNOPSIS
 *	#include <xtext.h>
 *
 *	VSTRING	*xtext_quote_append(VSTRING *out, const char *data, size_t len);
 *	VSTRING	*xtext_quote(VSTRING *out, const char *data, size_t len);
 *	int	xtext_unquote(VSTRING *out, const char *text, size_t len);
 * DESCRIPTION
 *	xtext_quote_append() appends the xtext form of len data bytes to out:
 *	bytes from '!' to '~' other than '+' and '=' stay as they are, and
 *	every other byte (space, controls, null bytes, 8-bit bytes, '+' and
 *	'=') becomes '+' and two upper-case hex digits. It returns out.
 *	xtext_quote() replaces the content of out instead.
 *
 *	xtext_unquote() replaces out with the decoded form of len bytes of
 *	text (binary-safe; a null byte follows). It returns 0, or -1 when the
 *	text is not valid xtext (a character outside '!' to '~', '=', or a
 *	'+' not followed by two hex digits). Lower-case hex digits are
 *	accepted.
 * DIAGNOSTICS
 *	None: xtext_unquote() reports malformed input by its result.
 * SEE ALSO
 *	RFC 3461 section 4.
 *--*/

#include "vstring.h"

#include "xtext.h"

/* xtext_plain - may this byte appear as itself */

static int xtext_plain(int ch)
{
    return ch >= '!' && ch <= '~' && ch != '+' && ch != '=';
}

/* xtext_quote_append - append the xtext form of data */

VSTRING *xtext_quote_append(VSTRING *out, const char *data, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)data[i];

        if (xtext_plain(ch)) {
            vstring_addch(out, ch);
        } else {
            vstring_addch(out, '+');
            vstring_addch(out, hex[ch >> 4]);
            vstring_addch(out, hex[ch & 0xf]);
        }
    }
    return out;
}

/* xtext_quote - the xtext form of data */

VSTRING *xtext_quote(VSTRING *out, const char *data, size_t len)
{
    VSTRING_RESET(out);
    return xtext_quote_append(out, data, len);
}

/* xtext_hex - value of a hex digit, or -1 */

static int xtext_hex(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* xtext_unquote - decode xtext */

int xtext_unquote(VSTRING *out, const char *text, size_t len)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)text[i];

        if (ch == '+') {
            int high, low;

            if (len - i < 3)
                return -1;
            if ((high = xtext_hex((unsigned char)text[i + 1])) < 0 ||
                (low = xtext_hex((unsigned char)text[i + 2])) < 0)
                return -1;
            vstring_addch(out, high << 4 | low);
            i += 2;
        } else if (xtext_plain(ch)) {
            vstring_addch(out, ch);
        } else {
            return -1;
        }
    }
    return 0;
}
