/*++
 * NAME
 *	base64_code - RFC 4648 base64 encoding and decoding
 * SYNOPSIS
 *	#include <base64_code.h>
 *
 *	VSTRING	*base64_encode(VSTRING *out, const void *in, size_t len);
 *	VSTRING	*base64_encode_append(VSTRING *out, const void *in, size_t len);
 *	VSTRING	*base64_decode(VSTRING *out, const char *in, size_t len);
 * DESCRIPTION
 *	base64_encode() replaces the content of out with the base64 form
 *	(standard alphabet, "=" padding, no line breaks) of len bytes at in;
 *	base64_encode_append() appends it. Both return out.
 *
 *	base64_decode() replaces the content of out with the bytes that the
 *	len characters at in encode. The result is binary-safe and also
 *	null-terminated.
 * DIAGNOSTICS
 *	base64_decode() returns NULL for input that is not base64 (a byte
 *	outside the alphabet, a bad length, or misplaced padding); out is
 *	then undefined.
 *--*/

#include <string.h>

#include "base64_code.h"
#include "vstring.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64_encode_append - append the base64 form of a buffer */

VSTRING *base64_encode_append(VSTRING *out, const void *in, size_t len)
{
    const unsigned char *cp = in;
    size_t i;

    vstring_space(out, (len + 2) / 3 * 4);
    for (i = 0; i + 3 <= len; i += 3) {
        unsigned long word = (cp[i] << 16) | (cp[i + 1] << 8) | cp[i + 2];

        vstring_addch(out, base64_alphabet[(word >> 18) & 63]);
        vstring_addch(out, base64_alphabet[(word >> 12) & 63]);
        vstring_addch(out, base64_alphabet[(word >> 6) & 63]);
        vstring_addch(out, base64_alphabet[word & 63]);
    }
    if (i < len) {
        unsigned long word = cp[i] << 16;

        if (i + 1 < len)
            word |= cp[i + 1] << 8;
        vstring_addch(out, base64_alphabet[(word >> 18) & 63]);
        vstring_addch(out, base64_alphabet[(word >> 12) & 63]);
        vstring_addch(out, i + 1 < len ? base64_alphabet[(word >> 6) & 63] : '=');
        vstring_addch(out, '=');
    }
    return out;
}

/* base64_encode - the base64 form of a buffer */

VSTRING *base64_encode(VSTRING *out, const void *in, size_t len)
{
    VSTRING_RESET(out);
    return base64_encode_append(out, in, len);
}

/* base64_value - the 6-bit value of one character, or -1 */

static int base64_value(unsigned char ch)
{
    const char *cp;

    if (ch == 0 || (cp = strchr(base64_alphabet, ch)) == NULL)
        return -1;
    return (int)(cp - base64_alphabet);
}

/* base64_decode - the bytes that a base64 text encodes */

VSTRING *base64_decode(VSTRING *out, const char *in, size_t len)
{
    VSTRING_RESET(out);
    if (len % 4 != 0)
        return NULL;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;

        for (int j = 0; j < 4; j++) {
            if (in[i + j] == '=' && i + 4 == len && j >= 2) {
                v[j] = 0;
                pad++;
            } else if (pad || (v[j] = base64_value(in[i + j])) < 0) {
                return NULL;
            }
        }
        vstring_addch(out, (v[0] << 2) | (v[1] >> 4));
        if (pad < 2)
            vstring_addch(out, ((v[1] & 15) << 4) | (v[2] >> 2));
        if (pad < 1)
            vstring_addch(out, ((v[2] & 3) << 6) | v[3]);
    }
    return out;
}
