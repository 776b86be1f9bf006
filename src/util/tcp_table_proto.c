/*++
 * NAME
 *	tcp_table_proto - the tcp_table(5) protocol: requests and replies
 * SYNOPSIS
 *	#include <tcp_table_proto.h>
 *
 *	void	tcp_table_request(VSTRING *buf, const char *key);
 *	long	tcp_table_reply_frame(const char *buf, size_t len,
 *			VSTRING *why);
 *	int	tcp_table_reply_parse(const char *line, size_t len,
 *			VSTRING *out_text);
 * DESCRIPTION
 *	A tcp: table client sends "get key" as one line and the server
 *	answers with one line: "200 value", "500 text" (not found) or
 *	"400 text" (try again later). In the key and the text, '%', white
 *	space and every non-printing byte travel as %XX (hexadecimal, any
 *	case).
 *
 *	tcp_table_request() replaces buf with the request line for key,
 *	encoded.
 *
 *	tcp_table_reply_frame() looks at the len bytes received so far: it
 *	returns 0 while no newline has come, the length of the first line
 *	(newline included) when one has, or -1 with a reason in why when
 *	TCP_TABLE_MAX_REPLY bytes have come without one (a dict_remote(3)
 *	parser).
 *
 *	tcp_table_reply_parse() classifies one reply line (len bytes at
 *	line, without the newline; a trailing carriage return is ignored) and
 *	puts its text, decoded, in out_text. A line that does not start with
 *	200, 400 or 500 and a space, or whose text has a malformed %XX or
 *	one that decodes to a null byte, is TCP_TABLE_BAD.
 *--*/

#include <ctype.h>
#include <string.h>

#include "dict_remote.h"
#include "tcp_table_proto.h"

/* tcp_table_request - "get key\n", encoded */

void tcp_table_request(VSTRING *buf, const char *key)
{
    vstring_strcpy(buf, "get ");
    for (const unsigned char *cp = (const unsigned char *)key; *cp; cp++) {
        if (*cp == '%' || isspace(*cp) || !isprint(*cp))
            vstring_sprintf_append(buf, "%%%02X", *cp);
        else
            vstring_addch(buf, *cp);
    }
    vstring_addch(buf, '\n');
}

/* tcp_table_reply_frame - is a whole reply line there yet? */

long tcp_table_reply_frame(const char *buf, size_t len, VSTRING *why)
{
    size_t look = len < TCP_TABLE_MAX_REPLY ? len : TCP_TABLE_MAX_REPLY;
    const char *nl = memchr(buf, '\n', look);

    if (nl != NULL)
        return (long)(nl - buf) + 1;
    if (len >= TCP_TABLE_MAX_REPLY) {
        vstring_sprintf(why, "reply line is longer than %d bytes", TCP_TABLE_MAX_REPLY);
        return DICT_REMOTE_BAD;
    }
    return DICT_REMOTE_MORE;
}

/* tcp_table_hex - the value of a hexadecimal digit, or -1 */

static int tcp_table_hex(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* tcp_table_decode - undo %XX encoding; 0, or -1 for malformed text */

static int tcp_table_decode(const char *text, size_t len, VSTRING *out)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)text[i];

        if (ch == '%') {
            int hi, lo;

            if (len - i < 3 || (hi = tcp_table_hex(text[i + 1])) < 0 ||
                (lo = tcp_table_hex(text[i + 2])) < 0)
                return -1;
            ch = hi * 16 + lo;
            i += 2;
        }
        if (ch == 0)
            return -1;
        vstring_addch(out, ch);
    }
    return 0;
}

/* tcp_table_reply_parse - the status and text of a reply line */

int tcp_table_reply_parse(const char *line, size_t len, VSTRING *out_text)
{
    int status;

    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len < 4 || line[3] != ' ')
        return TCP_TABLE_BAD;
    if (memcmp(line, "200", 3) == 0)
        status = TCP_TABLE_FOUND;
    else if (memcmp(line, "500", 3) == 0)
        status = TCP_TABLE_NOTFOUND;
    else if (memcmp(line, "400", 3) == 0)
        status = TCP_TABLE_RETRY;
    else
        return TCP_TABLE_BAD;
    if (tcp_table_decode(line + 4, len - 4, out_text) < 0)
        return TCP_TABLE_BAD;
    return status;
}
