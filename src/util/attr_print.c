/*++
 * NAME
 *	attr_print - send one message of the attribute protocol
 * SYNOPSIS
 *	#include <attr.h>
 *
 *	int	attr_print(VSTREAM *stream, int flags, ...);
 *	int	attr_print_va(VSTREAM *stream, int flags, va_list *ap);
 * DESCRIPTION
 *	attr_print() writes the attributes given by a list of SEND_ATTR_INT(),
 *	SEND_ATTR_LONG(), SEND_ATTR_STR() and SEND_ATTR_DATA() arguments,
 *	ended by ATTR_TYPE_END, then the message terminator, and flushes the
 *	stream. With ATTR_FLAG_MORE it writes neither the terminator nor
 *	flushes, so that a later call can add attributes to the same message.
 *	The wire format is described in attr.h. The result is 0, or -1 when
 *	the stream failed (an I/O error or the stream's deadline).
 *
 *	attr_print_va() does the same with the arguments at *ap, and leaves
 *	*ap just after the ATTR_TYPE_END, where a caller may go on reading
 *	arguments of its own.
 * DIAGNOSTICS
 *	Panic (the caller's bug): an argument that is not a SEND_ATTR_* one,
 *	an empty, too long or malformed name, a null string, a value longer
 *	than the wire format can count.
 * SEE ALSO
 *	attr_scan(3), vstream(3)
 *--*/

/* System library. */
#include <stdint.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* attr_print_name_ok - a name the receiver will accept */

static int attr_print_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > ATTR_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-' ||
              name[i] == '.'))
            return 0;
    return 1;
}

/* attr_print_put_u32 - append a 32-bit count, most significant byte first */

static void attr_print_put_u32(unsigned char *out, uint32_t value)
{
    out[0] = value >> 24;
    out[1] = value >> 16;
    out[2] = value >> 8;
    out[3] = value;
}

/* attr_print_one - write one attribute */

static void attr_print_one(VSTREAM *stream, int type, const char *name, const void *value,
                           size_t len)
{
    unsigned char head[2 + ATTR_NAME_MAX + 4];
    size_t name_len = strlen(name);

    if (!attr_print_name_ok(name, name_len))
        msg_panic("attr_print: bad attribute name \"%.100s\"", name);
    if (len > UINT32_MAX)
        msg_panic("attr_print: attribute \"%s\": value of %zu bytes", name, len);
    head[0] = (unsigned char)type;
    head[1] = (unsigned char)name_len;
    memcpy(head + 2, name, name_len);
    attr_print_put_u32(head + 2 + name_len, (uint32_t)len);
    vstream_write(stream, head, 2 + name_len + 4);
    if (len > 0)
        vstream_write(stream, value, len);
}

/* attr_print_va - write a message from a va_list */

int attr_print_va(VSTREAM *stream, int flags, va_list *ap)
{
    unsigned char num[8];
    int tag;

    while ((tag = va_arg(*ap, int)) != ATTR_TYPE_END) {
        const char *name, *str;
        const void *data;
        uint64_t wide;
        size_t len;

        if ((tag & ~0xff) != ATTR_ARG_SEND)
            msg_panic("attr_print: argument tag 0x%x is not a SEND_ATTR_* one", (unsigned)tag);
        name = va_arg(*ap, const char *);
        switch (tag & 0xff) {
        case ATTR_TYPE_INT:
            attr_print_put_u32(num, (uint32_t)va_arg(*ap, int));
            attr_print_one(stream, ATTR_TYPE_INT, name, num, 4);
            break;
        case ATTR_TYPE_LONG:
            wide = (uint64_t)(int64_t)va_arg(*ap, long);
            attr_print_put_u32(num, (uint32_t)(wide >> 32));
            attr_print_put_u32(num + 4, (uint32_t)wide);
            attr_print_one(stream, ATTR_TYPE_LONG, name, num, 8);
            break;
        case ATTR_TYPE_STR:
            if ((str = va_arg(*ap, const char *)) == NULL)
                msg_panic("attr_print: attribute \"%s\": null string", name);
            attr_print_one(stream, ATTR_TYPE_STR, name, str, strlen(str));
            break;
        case ATTR_TYPE_DATA:
            len = va_arg(*ap, size_t);
            data = va_arg(*ap, const void *);
            if (data == NULL && len > 0)
                msg_panic("attr_print: attribute \"%s\": null data", name);
            attr_print_one(stream, ATTR_TYPE_DATA, name, data, len);
            break;
        default:
            msg_panic("attr_print: attribute \"%s\": unknown type %d", name, tag & 0xff);
        }
    }
    if (!(flags & ATTR_FLAG_MORE)) {
        vstream_putc(stream, ATTR_TYPE_END);
        if (vstream_fflush(stream) < 0)
            return -1;
    }
    return vstream_ferror(stream) || vstream_ftimeout(stream) ? -1 : 0;
}

/* attr_print - write a message */

int attr_print(VSTREAM *stream, int flags, ...)
{
    va_list ap;
    int status;

    va_start(ap, flags);
    status = attr_print_va(stream, flags, &ap);
    va_end(ap);
    return status;
}
