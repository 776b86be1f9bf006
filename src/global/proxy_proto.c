/*++
 * NAME
 *	proxy_proto - the HAProxy PROXY protocol, versions 1 and 2
 * SYNOPSIS
 *	#include <proxy_proto.h>
 *
 *	int	proxy_proto_parse(const char *buf, size_t len,
 *				PROXY_PROTO_INFO *out, const char **out_why);
 * DESCRIPTION
 *	proxy_proto_parse() reads a PROXY header at the start of the len
 *	bytes at buf, which come from the peer. It returns the length of
 *	the header when it is complete and well-formed (out is then filled
 *	in), 0 when the bytes so far are the start of a header and more are
 *	needed, and -1 with a static reason in *out_why when they cannot be
 *	one.
 *
 *	Version 1: "PROXY TCP4 src dst sport dport\r\n" (TCP6 likewise), at
 *	most PROXY_PROTO_V1_MAX bytes; the addresses must be numeric and of
 *	the family named, the ports decimal 0..65535 without leading zeros.
 *	"PROXY UNKNOWN ...\r\n" says the proxy has no addresses to give:
 *	out->local is set.
 *
 *	Version 2: the 12-byte signature, version 2 with the command LOCAL
 *	(out->local: a health check of the proxy itself) or PROXY, the
 *	family TCP over IPv4 or IPv6 (UNSPEC and the others only with LOCAL,
 *	or counted as local as the specification allows), and a length of at
 *	most PROXY_PROTO_V2_MAX - 16 bytes, within which the addresses must
 *	fit; the TLVs after them are skipped. An IPv4-mapped IPv6 address is
 *	written as IPv4.
 * DIAGNOSTICS
 *	Returned only.
 * SEE ALSO
 *	https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Global library. */
#include "proxy_proto.h"

static const char proxy_v2_sig[12] = "\r\n\r\n\0\r\nQUIT\n";

#define PROXY_V1_PREFIX "PROXY "

/* proxy_v1_port - a decimal port without leading zeros */

static bool proxy_v1_port(const char *text, char *out, size_t size)
{
    size_t len = strlen(text);

    if (len == 0 || len > 5 || strspn(text, "0123456789") != len || (len > 1 && text[0] == '0') ||
        atol(text) > 65535 || len >= size)
        return false;
    memcpy(out, text, len + 1);
    return true;
}

/* proxy_v1_addr - a numeric address of the family, in canonical form */

static bool proxy_v1_addr(int family, const char *text, char *out, size_t size)
{
    unsigned char bin[16];

    return inet_pton(family, text, bin) == 1 && inet_ntop(family, bin, out, (socklen_t)size);
}

/* proxy_v1_parse - a complete version 1 line (CRLF removed) */

static int proxy_v1_parse(char *line, PROXY_PROTO_INFO *out, const char **out_why)
{
    char *field[6];
    int count = 0, family;
    char *cp = line + strlen(PROXY_V1_PREFIX);

    while (count < 6 && cp) {
        field[count++] = cp;
        if ((cp = strchr(cp, ' ')) != NULL)
            *cp++ = 0;
    }
    if (count >= 1 && strcmp(field[0], "UNKNOWN") == 0) {
        out->local = true;
        return 0;
    }
    if (count != 5 || cp != NULL) {
        *out_why = "bad number of fields in a version 1 header";
        return -1;
    }
    if (strcmp(field[0], "TCP4") == 0)
        family = AF_INET;
    else if (strcmp(field[0], "TCP6") == 0)
        family = AF_INET6;
    else {
        *out_why = "unknown protocol in a version 1 header";
        return -1;
    }
    if (!proxy_v1_addr(family, field[1], out->client_addr, sizeof(out->client_addr)) ||
        !proxy_v1_addr(family, field[2], out->server_addr, sizeof(out->server_addr))) {
        *out_why = "bad address in a version 1 header";
        return -1;
    }
    if (!proxy_v1_port(field[3], out->client_port, sizeof(out->client_port)) ||
        !proxy_v1_port(field[4], out->server_port, sizeof(out->server_port))) {
        *out_why = "bad port in a version 1 header";
        return -1;
    }
    return 0;
}

/* proxy_v1 - version 1 */

static int proxy_v1(const char *buf, size_t len, PROXY_PROTO_INFO *out, const char **out_why)
{
    char line[PROXY_PROTO_V1_MAX + 1];
    const char *end;
    size_t prefix = strlen(PROXY_V1_PREFIX);

    if (memcmp(buf, PROXY_V1_PREFIX, len < prefix ? len : prefix) != 0) {
        *out_why = "not a PROXY protocol header";
        return -1;
    }
    if ((end = memchr(buf, '\n', len < PROXY_PROTO_V1_MAX ? len : PROXY_PROTO_V1_MAX)) == NULL) {
        if (len >= PROXY_PROTO_V1_MAX) {
            *out_why = "version 1 header too long";
            return -1;
        }
        return 0;
    }
    if (end == buf || end[-1] != '\r' || (size_t)(end - buf) < prefix + 1) {
        *out_why = "version 1 header without CRLF";
        return -1;
    }
    memcpy(line, buf, (size_t)(end - buf - 1));
    line[end - buf - 1] = 0;
    if (strlen(line) != (size_t)(end - buf - 1)) {
        *out_why = "null byte in a version 1 header";
        return -1;
    }
    out->version = 1;
    if (proxy_v1_parse(line, out, out_why) < 0)
        return -1;
    return (int)(end - buf + 1);
}

/* proxy_v2_addr - one binary address as text */

static void proxy_v2_addr(int family, const unsigned char *bin, char *out, size_t size)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (family == AF_INET6 && memcmp(bin, mapped, sizeof(mapped)) == 0)
        inet_ntop(AF_INET, bin + 12, out, (socklen_t)size);
    else
        inet_ntop(family, bin, out, (socklen_t)size);
}

/* proxy_v2 - version 2 */

static int proxy_v2(const unsigned char *buf, size_t len, PROXY_PROTO_INFO *out,
                    const char **out_why)
{
    size_t body, addr_len;
    int family;
    unsigned cmd, fam;

    if (memcmp(buf, proxy_v2_sig, len < sizeof(proxy_v2_sig) ? len : sizeof(proxy_v2_sig)) != 0) {
        *out_why = "not a PROXY protocol header";
        return -1;
    }
    if (len < 16)
        return 0;
    if ((buf[12] & 0xf0) != 0x20) {
        *out_why = "unsupported version 2 header version";
        return -1;
    }
    cmd = buf[12] & 0x0f;
    fam = buf[13];
    body = (size_t)buf[14] << 8 | buf[15];
    if (cmd > 1) {
        *out_why = "unsupported version 2 command";
        return -1;
    }
    if (16 + body > PROXY_PROTO_V2_MAX) {
        *out_why = "version 2 header too long";
        return -1;
    }
    if (len < 16 + body)
        return 0;
    out->version = 2;
    if (cmd == 0 || (fam != 0x11 && fam != 0x21)) {
        /* LOCAL, or a family without addresses that we could use. */
        if (cmd == 1 && fam != 0x00 && fam != 0x12 && fam != 0x22 && fam != 0x31 && fam != 0x32) {
            *out_why = "unsupported version 2 address family";
            return -1;
        }
        out->local = true;
        return (int)(16 + body);
    }
    family = fam == 0x11 ? AF_INET : AF_INET6;
    addr_len = family == AF_INET ? 12 : 36;
    if (body < addr_len) {
        *out_why = "version 2 addresses do not fit";
        return -1;
    }
    buf += 16;
    proxy_v2_addr(family, buf, out->client_addr, sizeof(out->client_addr));
    proxy_v2_addr(family, buf + addr_len / 2 - 2, out->server_addr, sizeof(out->server_addr));
    snprintf(out->client_port, sizeof(out->client_port), "%u",
             (unsigned)(buf[addr_len - 4] << 8 | buf[addr_len - 3]));
    snprintf(out->server_port, sizeof(out->server_port), "%u",
             (unsigned)(buf[addr_len - 2] << 8 | buf[addr_len - 1]));
    return (int)(16 + body);
}

/* proxy_proto_parse - a PROXY header at the start of buf */

int proxy_proto_parse(const char *buf, size_t len, PROXY_PROTO_INFO *out, const char **out_why)
{
    memset(out, 0, sizeof(*out));
    *out_why = "";
    if (len == 0)
        return 0;
    if (buf[0] == proxy_v2_sig[0] && (len < 2 || buf[1] == proxy_v2_sig[1]))
        return proxy_v2((const unsigned char *)buf, len, out, out_why);
    return proxy_v1(buf, len, out, out_why);
}
