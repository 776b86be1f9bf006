/*
 * tls_hello_test.h - what a ClientHello on the wire carries, read
 * independently of the library (for tls_hello_test and tls_pq_test)
 *
 *	wire_hello(sent, n, out)	the n-th (0-based) ClientHello in the
 *					bytes a client sent: its record size and
 *					the code points of its supported_groups
 *					and key_share entries; -1 when absent
 *
 * Only handshake records carrying one whole ClientHello are looked at
 * (what OpenSSL sends); other records are skipped by their length.
 */
#ifndef TLS_HELLO_TEST_H
#define TLS_HELLO_TEST_H

#include <stddef.h>

#include "vstring.h"

typedef struct WIRE_HELLO {
    size_t record_size; /* header and body */
    int groups[64];     /* supported_groups */
    int ngroups;
    int shares[16]; /* key_share groups */
    int nshares;
} WIRE_HELLO;

static inline unsigned wire_u(const unsigned char *p, int n)
{
    unsigned v = 0;

    while (n-- > 0)
        v = (v << 8) | *p++;
    return v;
}

/* wire_ext - fill out from one extension */
static inline void wire_ext(unsigned type, const unsigned char *p, size_t len, WIRE_HELLO *out)
{
    size_t off = 2;

    if (len < 2)
        return;
    if (type == 10)
        for (; off + 2 <= len && out->ngroups < 64; off += 2)
            out->groups[out->ngroups++] = (int)wire_u(p + off, 2);
    if (type == 51)
        while (off + 4 <= len && out->nshares < 16) {
            out->shares[out->nshares++] = (int)wire_u(p + off, 2);
            off += 4 + wire_u(p + off + 2, 2);
        }
}

static inline int wire_hello(const VSTRING *sent, int n, WIRE_HELLO *out)
{
    const unsigned char *buf = (const unsigned char *)vstring_str((VSTRING *)sent);
    size_t len = VSTRING_LEN(sent), pos = 0;

    memset(out, 0, sizeof(*out));
    while (pos + 5 <= len) {
        size_t rlen = wire_u(buf + pos + 3, 2);
        const unsigned char *h = buf + pos + 5;

        if (pos + 5 + rlen > len)
            return -1;
        if (buf[pos] == 22 && rlen > 4 && h[0] == 1 && n-- == 0) {
            /* type(1) len(3) version(2) random(32) sid ciphers compression exts */
            size_t off = 4 + 2 + 32;

            out->record_size = 5 + rlen;
            off += 1 + h[off];
            off += 2 + wire_u(h + off, 2);
            off += 1 + h[off];
            size_t end = off + 2 + wire_u(h + off, 2);

            for (off += 2; off + 4 <= end && end <= rlen;) {
                unsigned type = wire_u(h + off, 2), elen = wire_u(h + off + 2, 2);

                wire_ext(type, h + off + 4, elen, out);
                off += 4 + elen;
            }
            return 0;
        }
        pos += 5 + rlen;
    }
    return -1;
}

#endif
