/*++
 * NAME
 *	xtext - RFC 3461 xtext encoding
 * SYNOPSIS
 *	#include <xtext.h>
 *
 *	VSTRING	*xtext_quote_append(VSTRING *out, const char *data, size_t len);
 *	VSTRING	*xtext_quote(VSTRING *out, const char *data, size_t len);
 *	int	xtext_unquote(VSTRING *out, const char *text, size_t len);
 *
 *	const char *xtext_envid_check(const char *text, size_t len);
 *	const char *xtext_orcpt_check(const char *text, size_t len);
 *	VSTRING	*xtext_requote(VSTRING *out, const char *text, size_t len);
 *	VSTRING	*xtext_orcpt_requote(VSTRING *out, const char *orcpt);
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
 *
 *	xtext_envid_check() checks a DSN ENVID value (RFC 3461 section
 *	4.4) as it travels and is stored: len bytes of xtext, 1 to
 *	XTEXT_ENVID_MAX long, whose decoded form is printable US-ASCII
 *	(space to '~'). xtext_orcpt_check() checks a DSN ORCPT value
 *	(section 4.2): "addr-type;xtext" at most XTEXT_ORCPT_MAX long,
 *	addr-type an atom, the xtext not empty and printable US-ASCII once
 *	decoded. Both return NULL for a valid value, else a short reason
 *	for a log line or an error message (it never quotes the value).
 *
 *	xtext_requote() writes into out the xtext that goes on an SMTP
 *	command line for a stored value: when text is valid xtext it is
 *	decoded and encoded again (canonical upper-case hex); any other
 *	text is taken as it is and encoded byte for byte. Either way the
 *	result holds only '!' to '~', so no stored value can end the command
 *	or add a parameter. xtext_orcpt_requote() does the same for a
 *	stored ORCPT: the addr-type stays when it is an atom (else
 *	"rfc822", with the whole value as the address), the address part
 *	is requoted. Both return out.
 * DIAGNOSTICS
 *	None: the functions report malformed input by their result.
 * SEE ALSO
 *	RFC 3461 section 4.
 *--*/

#include <stdbool.h>
#include <string.h>

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

/* xtext_decoded_check - valid xtext that decodes to printable US-ASCII */

static const char *xtext_decoded_check(const char *text, size_t len)
{
    VSTRING *decoded = vstring_alloc(len + 1);
    const char *why = NULL;

    if (xtext_unquote(decoded, text, len) < 0) {
        why = "malformed xtext";
    } else if (VSTRING_LEN(decoded) == 0) {
        why = "empty value";
    } else {
        for (size_t i = 0; why == NULL && i < VSTRING_LEN(decoded); i++) {
            int ch = (unsigned char)vstring_str(decoded)[i];

            if (ch < ' ' || ch > '~')
                why = "non-printable character in the decoded value";
        }
    }
    vstring_free(decoded);
    return why;
}

/* xtext_envid_check - is this a valid DSN ENVID */

const char *xtext_envid_check(const char *text, size_t len)
{
    if (len > XTEXT_ENVID_MAX)
        return "value too long";
    if (memchr(text, 0, len) != NULL)
        return "null byte in the value";
    return xtext_decoded_check(text, len);
}

/* xtext_atom_ok - RFC 5322 atext characters, at least one */

static bool xtext_atom_ok(const char *text, size_t len)
{
    static const char specials[] = "()<>[]:;@\\,.\"";

    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)text[i];

        if (ch <= ' ' || ch > '~' || strchr(specials, ch) != NULL)
            return false;
    }
    return true;
}

/* xtext_orcpt_check - is this a valid DSN ORCPT */

const char *xtext_orcpt_check(const char *text, size_t len)
{
    const char *semi;

    if (len > XTEXT_ORCPT_MAX)
        return "value too long";
    if (memchr(text, 0, len) != NULL)
        return "null byte in the value";
    if ((semi = memchr(text, ';', len)) == NULL || !xtext_atom_ok(text, semi - text))
        return "malformed address type";
    return xtext_decoded_check(semi + 1, len - (semi + 1 - text));
}

/* xtext_requote - the canonical xtext of a stored value */

VSTRING *xtext_requote(VSTRING *out, const char *text, size_t len)
{
    VSTRING *decoded = vstring_alloc(len + 1);

    if (xtext_unquote(decoded, text, len) == 0)
        xtext_quote(out, vstring_str(decoded), VSTRING_LEN(decoded));
    else
        xtext_quote(out, text, len);
    vstring_free(decoded);
    return out;
}

/* xtext_orcpt_requote - the canonical form of a stored ORCPT */

VSTRING *xtext_orcpt_requote(VSTRING *out, const char *orcpt)
{
    const char *semi = strchr(orcpt, ';');
    VSTRING *addr = vstring_alloc(100);

    if (semi != NULL && xtext_atom_ok(orcpt, semi - orcpt)) {
        xtext_requote(addr, semi + 1, strlen(semi + 1));
        vstring_strncpy(out, orcpt, semi - orcpt);
    } else {
        xtext_requote(addr, orcpt, strlen(orcpt));
        vstring_strcpy(out, "rfc822");
    }
    vstring_addch(out, ';');
    vstring_strcat(out, vstring_str(addr));
    vstring_free(addr);
    return out;
}
