/*++
 * NAME
 *	xtext_fuzz - fuzz RFC 3461 xtext decoding and encoding
 * SUMMARY
 *	libFuzzer harness for xtext(3)
 * DESCRIPTION
 *	The input is taken both as xtext from a peer (an ENVID or ORCPT
 *	value) and as raw bytes to encode.
 *
 *	Properties: encoding any bytes gives text of '!' to '~' only, with
 *	no '=' and no '+' other than those that start a hex pair; the
 *	encoded text decodes to exactly the original bytes; text that
 *	decodes successfully holds no byte outside '!' to '~' and re-encodes
 *	to text that decodes to the same bytes; decoding never reports
 *	success for text holding a byte outside '!' to '~'. No memory error
 *	or undefined behaviour.
 *
 *	Fatal errors: xtext(3) has no fatal reactions, so a msg_fatal() is a
 *	finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	xtext(3), tests/fuzz/README
 *--*/

#include <string.h>

#include "msg.h"
#include "vstring.h"
#include "xtext.h"

#include "fuzz.h"

struct xtext_job {
    const uint8_t *data; /* the input */
    size_t size;         /* its length */
};

/* xtext_upper_hex - an upper-case hex digit */

static int xtext_upper_hex(int ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F');
}

/* xtext_check_encoded - is this well-formed xtext output */

static void xtext_check_encoded(const VSTRING *text)
{
    const unsigned char *cp = (const unsigned char *)vstring_str(text);
    size_t len = VSTRING_LEN(text);

    for (size_t i = 0; i < len; i++) {
        if (cp[i] < '!' || cp[i] > '~' || cp[i] == '=')
            msg_panic("xtext_quote produced byte 0x%02x at %zu", cp[i], i);
        if (cp[i] == '+') {
            if (i + 2 >= len || !xtext_upper_hex(cp[i + 1]) || !xtext_upper_hex(cp[i + 2]))
                msg_panic("xtext_quote: '+' without two hex digits at %zu", i);
            i += 2;
        }
    }
}

/* xtext_run - both directions */

static void xtext_run(void *context)
{
    struct xtext_job *job = context;
    VSTRING *enc = vstring_alloc(10);
    VSTRING *dec = vstring_alloc(10);
    VSTRING *again = vstring_alloc(10);

    /* Raw bytes: encode, check the form, decode back. */
    xtext_quote(enc, (const char *)job->data, job->size);
    xtext_check_encoded(enc);
    if (xtext_unquote(dec, vstring_str(enc), VSTRING_LEN(enc)) != 0)
        msg_panic("xtext_unquote refuses xtext_quote's output");
    if (VSTRING_LEN(dec) != job->size || memcmp(vstring_str(dec), job->data, job->size) != 0)
        msg_panic("xtext round trip changed %zu bytes", job->size);

    /* Peer text: decode; what is accepted must be printable and re-encode. */
    if (xtext_unquote(dec, (const char *)job->data, job->size) == 0) {
        for (size_t i = 0; i < job->size; i++)
            if (job->data[i] < '!' || job->data[i] > '~' || job->data[i] == '=')
                msg_panic("xtext_unquote accepts byte 0x%02x at %zu", job->data[i], i);
        xtext_quote(enc, vstring_str(dec), VSTRING_LEN(dec));
        xtext_check_encoded(enc);
        if (xtext_unquote(again, vstring_str(enc), VSTRING_LEN(enc)) != 0 ||
            VSTRING_LEN(again) != VSTRING_LEN(dec) ||
            memcmp(vstring_str(again), vstring_str(dec), VSTRING_LEN(dec)) != 0)
            msg_panic("xtext re-encoding of decoded peer text does not round-trip");
    }
    vstring_free(enc);
    vstring_free(dec);
    vstring_free(again);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xtext_job job = {data, size};

    fuzz_init("xtext_fuzz");
    fuzz_call(xtext_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
