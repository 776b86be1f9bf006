/*++
 * NAME
 *	netstring - netstrings ("12:hello world!,"): encoding and parsing
 * SYNOPSIS
 *	#include <netstring.h>
 *
 *	void	netstring_put(VSTRING *buf, const char *data, size_t len);
 *	int	netstring_parse(const char *buf, size_t len, size_t max_len,
 *			const char **out_data, size_t *out_len,
 *			size_t *out_used);
 *	const char *netstring_strerror(int status);
 * DESCRIPTION
 *	A netstring is a decimal length, ':', that many bytes of data, and
 *	','. The socketmap protocol sends each request and each reply as one.
 *
 *	netstring_put() appends the netstring of len bytes at data to buf.
 *
 *	netstring_parse() looks at the len bytes at buf, which hold what has
 *	arrived so far from a peer, and returns:
 *	NETSTRING_OK: buf starts with a complete netstring; *out_data and
 *	*out_len give its data (inside buf, not null-terminated) and
 *	*out_used the bytes it takes up, terminator included.
 *	NETSTRING_MORE: what there is can start a valid netstring (also when
 *	len is 0); read more and call again with all of it.
 *	NETSTRING_BAD_LEN: the length is not one to nine decimal digits
 *	followed by ':', or has a leading zero (other than "0:").
 *	NETSTRING_TOO_LONG: the length is over max_len; this is known as soon
 *	as the length is read, before its data arrives.
 *	NETSTRING_BAD_END: the data is not followed by ','.
 *	The output arguments are set only with NETSTRING_OK. Peer input is
 *	never trusted: no byte past buf + len is read, and no length can
 *	overflow.
 *
 *	netstring_strerror() describes a negative result in words.
 *--*/

#include <string.h>

#include "netstring.h"
#include "vstring.h"

#define NETSTRING_MAX_DIGITS 9 /* up to 999999999 bytes: no overflow in size_t */

/* netstring_put - append one netstring */

void netstring_put(VSTRING *buf, const char *data, size_t len)
{
    vstring_sprintf_append(buf, "%zu:", len);
    vstring_memcat(buf, data, len);
    vstring_addch(buf, ',');
}

/* netstring_parse - the netstring at the start of peer input */

int netstring_parse(const char *buf, size_t len, size_t max_len, const char **out_data,
                    size_t *out_len, size_t *out_used)
{
    size_t data_len = 0, pos = 0;

    for (;;) {
        if (pos == len)
            return NETSTRING_MORE;
        if (buf[pos] == ':')
            break;
        if (buf[pos] < '0' || buf[pos] > '9' || pos == NETSTRING_MAX_DIGITS ||
            (pos == 1 && buf[0] == '0'))
            return NETSTRING_BAD_LEN;
        data_len = data_len * 10 + (size_t)(buf[pos] - '0');
        pos++;
    }
    if (pos == 0)
        return NETSTRING_BAD_LEN;
    if (data_len > max_len)
        return NETSTRING_TOO_LONG;
    pos++; /* the ':' */
    if (len - pos < data_len + 1)
        return NETSTRING_MORE;
    if (buf[pos + data_len] != ',')
        return NETSTRING_BAD_END;
    *out_data = buf + pos;
    *out_len = data_len;
    *out_used = pos + data_len + 1;
    return NETSTRING_OK;
}

/* netstring_strerror - a parse error in words */

const char *netstring_strerror(int status)
{
    switch (status) {
    case NETSTRING_OK:
        return "no error";
    case NETSTRING_MORE:
        return "incomplete netstring";
    case NETSTRING_BAD_LEN:
        return "malformed netstring length";
    case NETSTRING_TOO_LONG:
        return "netstring is too long";
    case NETSTRING_BAD_END:
        return "netstring is not terminated by ','";
    default:
        return "unknown netstring error";
    }
}
