/*++
 * NAME
 *	smtpd_addr - the address and parameters of MAIL FROM and RCPT TO
 * SYNOPSIS
 *	#include "smtpd_addr.h"
 *
 *	int	smtpd_addr_parse(const char *args, const char *keyword,
 *				bool strict, VSTRING *out_addr,
 *				ARGV *out_params);
 *	int	smtpd_addr_internal(VSTRING *out, const char *text,
 *				size_t len);
 *	const char *smtpd_addr_external(VSTRING *out, const char *internal);
 *	const char *smtpd_addr_token(VSTRING *out, const char *args,
 *				const char *keyword);
 * DESCRIPTION
 *	smtpd_addr_parse() reads the argument text of MAIL or RCPT: the
 *	keyword ("FROM:" or "TO:", any case), the address, and the ESMTP
 *	parameters that follow, each appended to out_params as written
 *	("SIZE=1000"). White space after the colon is tolerated, as Postfix
 *	does; without strict (strict_rfc821_envelopes = no) so is an
 *	address without angle brackets, as many clients send them. It returns SMTPD_ADDR_OK with
 *	the internal form of the address in out_addr ("" for the null
 *	address <>), SMTPD_ADDR_SYNTAX when the keyword or the address is
 *	missing, and SMTPD_ADDR_BAD when the address is malformed.
 *
 *	smtpd_addr_internal() converts the text between the angle brackets
 *	(len bytes) to internal form: an RFC 5321 source route
 *	("@a,@b:user@c") is dropped, the local part is unquoted ("a b"@c
 *	becomes a b@c), and what is left is checked: printable US-ASCII
 *	only (no SMTPUTF8 here), no white space outside quotes, and a
 *	domain of letters, digits, '-', '_' and '.', or an address literal
 *	in brackets. It returns 0, or -1 for a malformed address.
 *
 *	smtpd_addr_external() writes an internal address in RFC 5321 form
 *	into out, quoting the local part when it is not a dot-atom, and
 *	returns the text.
 *
 *	smtpd_addr_token() copies the address of MAIL or RCPT arguments as
 *	the client wrote it (what follows the keyword and any white space:
 *	"<...>" through its closing bracket, or else one word) into out,
 *	and returns the text; "" when there is none. It is for log lines
 *	("Illegal address syntax ... in RCPT command: <a@[mail]>").
 *--*/

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "vstring.h"

#include "smtpd_addr.h"

/* smtpd_addr_atext - may this byte appear unquoted in a local part? */

static bool smtpd_addr_atext(int ch)
{
    return isalnum(ch) || (ch && strchr("!#$%&'*+-/=?^_`{|}~.", ch) != NULL);
}

/* smtpd_addr_domain_ok - a domain name or an address literal */

static bool smtpd_addr_domain_ok(const char *domain, size_t len)
{
    if (len == 0)
        return false;
    if (domain[0] == '[') {
        if (len < 3 || domain[len - 1] != ']')
            return false;
        for (size_t i = 1; i < len - 1; i++)
            if (!isalnum((unsigned char)domain[i]) && !strchr(".:", domain[i]))
                return false;
        return true;
    }
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)domain[i]) && !strchr("-_.", domain[i]))
            return false;
    return true;
}

/* smtpd_addr_skip_route - drop "@a,@b:" in front of the mailbox */

static const char *smtpd_addr_skip_route(const char *text, size_t *len)
{
    const char *colon;

    if (*len == 0 || text[0] != '@')
        return text;
    if ((colon = memchr(text, ':', *len)) == NULL)
        return NULL;
    *len -= (size_t)(colon + 1 - text);
    return colon + 1;
}

/* smtpd_addr_last_at - the '@' that separates local part and domain */

static const char *smtpd_addr_last_at(const char *text, size_t len)
{
    const char *at = NULL;
    bool quoted = false;

    for (size_t i = 0; i < len; i++) {
        if (quoted && text[i] == '\\' && i + 1 < len)
            i++;
        else if (text[i] == '"')
            quoted = !quoted;
        else if (!quoted && text[i] == '@')
            at = text + i;
    }
    return quoted ? NULL : at;
}

/* smtpd_addr_unquote - append the unquoted local part; -1 when malformed */

static int smtpd_addr_unquote(VSTRING *out, const char *text, size_t len)
{
    bool quoted = false;

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];

        if (ch < 0x20 || ch >= 0x7f)
            return -1;
        if (ch == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && ch == '\\') {
            if (++i >= len || (unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
                return -1;
            ch = (unsigned char)text[i];
        } else if (!quoted && !smtpd_addr_atext(ch)) {
            return -1;
        }
        vstring_addch(out, ch);
    }
    return quoted ? -1 : 0;
}

/* smtpd_addr_internal - external address text to internal form */

int smtpd_addr_internal(VSTRING *out, const char *text, size_t len)
{
    const char *at;

    VSTRING_RESET(out);
    if (len == 0)
        return 0;
    if ((text = smtpd_addr_skip_route(text, &len)) == NULL || len == 0)
        return -1;
    if ((at = smtpd_addr_last_at(text, len)) == NULL) {
        if (memchr(text, '"', len) == NULL && memchr(text, '@', len) != NULL)
            return -1;
        return smtpd_addr_unquote(out, text, len) < 0 || VSTRING_LEN(out) == 0 ? -1 : 0;
    }
    if (at == text || smtpd_addr_unquote(out, text, (size_t)(at - text)) < 0)
        return -1;
    if (!smtpd_addr_domain_ok(at + 1, len - (size_t)(at + 1 - text)))
        return -1;
    vstring_strncat(out, at, len - (size_t)(at - text));
    return 0;
}

/* smtpd_addr_close - find the '>' that ends a bracketed address */

static const char *smtpd_addr_close(const char *text)
{
    bool quoted = false;

    for (const char *cp = text; *cp; cp++) {
        if (quoted && *cp == '\\' && cp[1])
            cp++;
        else if (*cp == '"')
            quoted = !quoted;
        else if (!quoted && *cp == '>')
            return cp;
    }
    return NULL;
}

/* smtpd_addr_parse - keyword, address, parameters */

int smtpd_addr_parse(const char *args, const char *keyword, bool strict, VSTRING *out_addr,
                     ARGV *out_params)
{
    size_t klen = strlen(keyword);
    const char *cp = args, *start, *end;

    while (*cp == ' ' || *cp == '\t')
        cp++;
    if (strncasecmp(cp, keyword, klen) != 0)
        return SMTPD_ADDR_SYNTAX;
    cp += klen;
    while (*cp == ' ' || *cp == '\t')
        cp++;
    if (*cp == 0 || *cp == ' ' || *cp == '\t')
        return SMTPD_ADDR_SYNTAX;
    if (*cp == '<') {
        start = cp + 1;
        if ((end = smtpd_addr_close(start)) == NULL)
            return SMTPD_ADDR_BAD;
        cp = end + 1;
        if (*cp != 0 && *cp != ' ' && *cp != '\t')
            return SMTPD_ADDR_BAD;
    } else {
        if (strict)
            return SMTPD_ADDR_BAD;
        start = cp;
        end = start + strcspn(start, " \t");
        cp = end;
    }
    if (smtpd_addr_internal(out_addr, start, (size_t)(end - start)) < 0)
        return SMTPD_ADDR_BAD;
    for (;;) {
        size_t n;

        while (*cp == ' ' || *cp == '\t')
            cp++;
        if ((n = strcspn(cp, " \t")) == 0)
            break;
        argv_addn(out_params, cp, n);
        cp += n;
    }
    return SMTPD_ADDR_OK;
}

/* smtpd_addr_external - internal address to RFC 5321 text */

const char *smtpd_addr_external(VSTRING *out, const char *internal)
{
    const char *at = strrchr(internal, '@');
    size_t local_len = at ? (size_t)(at - internal) : strlen(internal);
    bool atom = local_len > 0 && internal[0] != '.' && internal[local_len - 1] != '.';

    for (size_t i = 0; atom && i < local_len; i++)
        if (!smtpd_addr_atext((unsigned char)internal[i]) ||
            (internal[i] == '.' && internal[i + 1] == '.'))
            atom = false;
    VSTRING_RESET(out);
    if (atom || local_len == 0) {
        vstring_strcpy(out, internal);
        return vstring_str(out);
    }
    vstring_addch(out, '"');
    for (size_t i = 0; i < local_len; i++) {
        if (internal[i] == '"' || internal[i] == '\\')
            vstring_addch(out, '\\');
        vstring_addch(out, internal[i]);
    }
    vstring_addch(out, '"');
    if (at)
        vstring_strcat(out, at);
    return vstring_str(out);
}

/* smtpd_addr_token - the address as the client wrote it */

const char *smtpd_addr_token(VSTRING *out, const char *args, const char *keyword)
{
    size_t klen = strlen(keyword);
    const char *cp = args, *end;

    VSTRING_RESET(out);
    while (*cp == ' ' || *cp == '\t')
        cp++;
    if (strncasecmp(cp, keyword, klen) == 0)
        cp += klen;
    while (*cp == ' ' || *cp == '\t')
        cp++;
    if (*cp == '<' && (end = smtpd_addr_close(cp + 1)) != NULL)
        end += 1;
    else
        end = cp + strcspn(cp, " \t");
    vstring_strncat(out, cp, (size_t)(end - cp));
    return vstring_str(out);
}
