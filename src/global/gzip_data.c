/*++
 * NAME
 *	gzip_data - gzip compression of a buffer
 * SYNOPSIS
 *	#include "gzip_data.h"
 *
 *	int	gzip_data(const void *data, size_t len, VSTRING *out,
 *				VSTRING *why);
 * DESCRIPTION
 *	gzip_data() compresses len bytes of data into out as one gzip
 *	member (RFC 1952: header, deflate data, CRC-32 and length), as
 *	gzip(1) would write a file. It returns 0, or -1 with the reason in
 *	why (out is then empty).
 * SEE ALSO
 *	RFC 1952, zlib(3)
 *--*/

/* System library. */
#include <limits.h>
#include <string.h>

/* Outside library. */
#include <zlib.h>

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "gzip_data.h"

#define GZIP_DATA_WBITS (15 + 16) /* the largest window, with a gzip wrapper */
#define GZIP_DATA_LEVEL 9         /* reports are small: the best compression */

/* gzip_data - compress into out */

int gzip_data(const void *data, size_t len, VSTRING *out, VSTRING *why)
{
    z_stream zs = {0};
    unsigned char chunk[16384];
    int ret;

    VSTRING_RESET(out);
    if (len > UINT_MAX) {
        vstring_sprintf(why, "zlib: %zu bytes are too many", len);
        return -1;
    }
    if (deflateInit2(&zs, GZIP_DATA_LEVEL, Z_DEFLATED, GZIP_DATA_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        vstring_sprintf(why, "zlib: %s", zs.msg ? zs.msg : "cannot initialise");
        return -1;
    }
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        ret = deflate(&zs, Z_FINISH);
        if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
            vstring_sprintf(why, "zlib: %s", zs.msg ? zs.msg : "deflate failed");
            deflateEnd(&zs);
            VSTRING_RESET(out);
            return -1;
        }
        vstring_memcat(out, chunk, sizeof(chunk) - zs.avail_out);
    } while (ret != Z_STREAM_END);
    deflateEnd(&zs);
    return 0;
}
