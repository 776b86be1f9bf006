/*
 * base64_code.h - RFC 4648 base64 encoding and decoding into a VSTRING
 */
#ifndef BASE64_CODE_H
#define BASE64_CODE_H

#include <stddef.h>

#include "vstring.h"

extern VSTRING *base64_encode(VSTRING *out, const void *in, size_t len);
extern VSTRING *base64_encode_append(VSTRING *out, const void *in, size_t len);
extern VSTRING *base64_decode(VSTRING *out, const char *in, size_t len);

#endif
