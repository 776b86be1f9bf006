/*++
 * NAME
 *	cidr_match - IPv4 and IPv6 network patterns
 * SYNOPSIS
 *	#include <cidr_match.h>
 *
 *	int	cidr_match_parse(CIDR_MATCH *out, const char *pattern, VSTRING *why);
 *	int	cidr_match_addr(const CIDR_MATCH *net, const char *addr);
 *	int	cidr_match_text_to_addr(const char *text,
 *			unsigned char *out_addr, int *out_family);
 * DESCRIPTION
 *	cidr_match_parse() parses "address/length" or a lone "address"
 *	(a /32 or /128 network), IPv4 or IPv6; the address may be enclosed
 *	in "[]" ("[2001:db8::]/32"). It returns 0, or -1 with the reason
 *	in why. A network whose host bits are not zero is refused, with a
 *	hint at the intended network.
 *
 *	cidr_match_addr() is true when the address text addr lies in the
 *	network. An IPv4-mapped IPv6 address (::ffff:192.0.2.1) matches
 *	IPv4 networks. Text that is no address never matches.
 *
 *	cidr_match_text_to_addr() converts an address text (brackets
 *	allowed) to network-order bytes; it returns the byte count (4 or
 *	16) or 0 for text that is no address.
 *--*/

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr_match.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* cidr_match_text_to_addr - address text to bytes */

int cidr_match_text_to_addr(const char *text, unsigned char *out_addr, int *out_family)
{
    char buf[64];
    size_t len = strlen(text);

    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        text++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof(buf))
        return 0;
    memcpy(buf, text, len);
    buf[len] = 0;
    if (strchr(buf, ':') == NULL) {
        if (inet_pton(AF_INET, buf, out_addr) != 1)
            return 0;
        *out_family = AF_INET;
        return 4;
    }
    if (inet_pton(AF_INET6, buf, out_addr) != 1)
        return 0;
    *out_family = AF_INET6;
    return 16;
}

/* cidr_match_parse - parse a network pattern */

int cidr_match_parse(CIDR_MATCH *out, const char *pattern, VSTRING *why)
{
    char *copy = mystrdup(pattern);
    char *slash = strrchr(copy, '/');
    int status = -1;

    memset(out, 0, sizeof(*out));
    if (slash)
        *slash++ = 0;
    if ((out->addr_len = cidr_match_text_to_addr(copy, out->net, &out->family)) == 0) {
        vstring_sprintf(why, "bad net/mask pattern: \"%s\"", pattern);
    } else if (slash && (!alldig(slash) || strlen(slash) > 3 || atoi(slash) > 8 * out->addr_len)) {
        vstring_sprintf(why, "bad net/mask pattern: \"%s\"", pattern);
    } else {
        out->mask_bits = slash ? atoi(slash) : 8 * out->addr_len;
        for (int i = 0; i < out->addr_len; i++) {
            int bits = out->mask_bits - 8 * i;

            out->mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
        }
        status = 0;
        for (int i = 0; i < out->addr_len; i++) {
            if (out->net[i] & ~out->mask[i]) {
                char text[INET6_ADDRSTRLEN];

                for (int j = 0; j < out->addr_len; j++)
                    out->net[j] &= out->mask[j];
                inet_ntop(out->family, out->net, text, sizeof(text));
                vstring_sprintf(why,
                                "non-null host address bits in \"%s\", perhaps you should use "
                                "\"%s/%d\" instead",
                                pattern, text, out->mask_bits);
                status = -1;
                break;
            }
        }
    }
    myfree(copy);
    return status;
}

/* cidr_match_addr - is an address in the network? */

int cidr_match_addr(const CIDR_MATCH *net, const char *addr)
{
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    unsigned char bytes[CIDR_MATCH_ADDR_MAX];
    const unsigned char *cp = bytes;
    int family;
    int len = cidr_match_text_to_addr(addr, bytes, &family);

    if (len == 16 && net->family == AF_INET && memcmp(bytes, v4mapped, 12) == 0) {
        cp = bytes + 12;
        len = 4;
        family = AF_INET;
    }
    if (len == 0 || family != net->family)
        return 0;
    for (int i = 0; i < len; i++)
        if ((cp[i] & net->mask[i]) != net->net[i])
            return 0;
    return 1;
}
