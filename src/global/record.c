/*++
 * NAME
 *	record - typed, length-counted records on a VSTREAM
 * SYNOPSIS
 *	#include <record.h>
 *
 *	int	rec_put(VSTREAM *stream, int type, const char *data, size_t len);
 *	int	rec_fputs(VSTREAM *stream, int type, const char *str);
 *	int	rec_fprintf(VSTREAM *stream, int type, const char *fmt, ...);
 *	int	rec_get(VSTREAM *stream, VSTRING *buf, size_t limit,
 *			const char **out_why);
 *	size_t	rec_size(size_t len);
 *
 *	const char *rec_fields_format(VSTRING *buf, int count,
 *				const long long *values);
 *	int	rec_fields_parse(const char *data, size_t len, int count,
 *				long long *out_values);
 *	size_t	rec_fields_len(int count);
 *	const char *rec_type_name(int type);
 *	int	rec_type_ok(int type);
 * DESCRIPTION
 *	A record is one type byte, the data length as a base-128 number
 *	(least significant 7-bit group first; the high bit marks that more
 *	length bytes follow), and the data bytes. Data is binary-safe.
 *
 *	rec_put() appends one record with len data bytes to a buffered
 *	stream. It returns the type, or REC_TYPE_ERROR when the stream is in
 *	error (buffered writes report errors only when flushed, so callers
 *	check vstream_fflush() too). rec_fputs() writes a null-terminated
 *	string; rec_fprintf() formats the data.
 *
 *	rec_get() reads the next record into buf (replacing its content;
 *	a null byte follows the data) and returns its type. It returns
 *	REC_TYPE_EOF when the input ends cleanly before a record starts, and
 *	REC_TYPE_ERROR when the record is truncated, has an unknown type, a
 *	malformed or non-minimal length, a length above limit, or when the
 *	stream fails. With out_why not null, an error also sets *out_why to
 *	a static text saying what was wrong.
 *
 *	rec_size() returns the number of bytes that a record with len data
 *	bytes occupies in a file, so that readers can keep track of offsets.
 *
 *	Fixed-width records hold count non-negative numbers, each right-aligned
 *	in REC_FIELD_WIDTH columns and separated by one space, so that a new
 *	value can overwrite an old one without changing the record length.
 *	rec_fields_format() writes them into buf and returns its text.
 *	rec_fields_parse() reads them back and returns 0, or -1 when the data
 *	has the wrong length or a field is not a padded number.
 *	rec_fields_len() returns the data length for count fields.
 *
 *	rec_type_name() returns a readable name for a record type (for
 *	logging); rec_type_ok() tells whether a byte is a known record type.
 * DIAGNOSTICS
 *	Panic: a negative value or one too wide for a fixed-width field.
 *	Otherwise none: callers decide how to report errors.
 * SEE ALSO
 *	rec_type.h, the record types; README_FILES/QUEUE_README.
 *--*/

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "record.h"

/* The record types, with names for logging. */
static const struct rec_type_info {
    int type;         /* REC_TYPE_* */
    const char *name; /* for logging */
} rec_type_table[] = {
    {REC_TYPE_SIZE, "size"},           {REC_TYPE_SCHED, "schedule"},
    {REC_TYPE_TIME, "time"},           {REC_TYPE_ATTR, "attribute"},
    {REC_TYPE_FROM, "sender"},         {REC_TYPE_ORCP, "original recipient"},
    {REC_TYPE_DSN_ORCPT, "dsn orcpt"}, {REC_TYPE_DSN_NOTIFY, "dsn notify"},
    {REC_TYPE_RCPT, "recipient"},      {REC_TYPE_DONE, "done recipient"},
    {REC_TYPE_MESG, "content start"},  {REC_TYPE_NORM, "line"},
    {REC_TYPE_CONT, "partial line"},   {REC_TYPE_XTRA, "content end"},
    {REC_TYPE_END, "message end"},
};

/* rec_type_info - look up a record type */

static const struct rec_type_info *rec_type_info(int type)
{
    for (size_t i = 0; i < sizeof(rec_type_table) / sizeof(rec_type_table[0]); i++)
        if (rec_type_table[i].type == type)
            return &rec_type_table[i];
    return NULL;
}

/* rec_type_name - readable record type */

const char *rec_type_name(int type)
{
    const struct rec_type_info *info;

    if (type == REC_TYPE_EOF)
        return "end of file";
    if (type == REC_TYPE_ERROR)
        return "error";
    info = rec_type_info(type);
    return info ? info->name : "unknown";
}

/* rec_type_ok - is this a known record type */

int rec_type_ok(int type)
{
    return rec_type_info(type) != NULL;
}

/* rec_size - bytes that a record with len data bytes occupies */

size_t rec_size(size_t len)
{
    size_t size = 1 + 1 + len;

    while (len >>= 7)
        size++;
    return size;
}

/* rec_put - append one record */

int rec_put(VSTREAM *stream, int type, const char *data, size_t len)
{
    unsigned char header[1 + REC_MAX_LEN_BYTES];
    size_t hlen = 0;
    size_t left = len;

    header[hlen++] = (unsigned char)type;
    do {
        unsigned char group = left & 0x7f;

        left >>= 7;
        header[hlen++] = left ? (group | 0x80) : group;
    } while (left && hlen < sizeof(header));
    if (left)
        return REC_TYPE_ERROR;
    if (vstream_write(stream, header, hlen) != (ssize_t)hlen ||
        (len > 0 && vstream_write(stream, data, len) != (ssize_t)len) || vstream_ferror(stream))
        return REC_TYPE_ERROR;
    return type;
}

/* rec_fputs - append a record holding a string */

int rec_fputs(VSTREAM *stream, int type, const char *str)
{
    return rec_put(stream, type, str, strlen(str));
}

/* rec_fprintf - append a record with formatted data */

int rec_fprintf(VSTREAM *stream, int type, const char *fmt, ...)
{
    VSTRING *buf = vstring_alloc(100);
    va_list ap;
    int ret;

    va_start(ap, fmt);
    vstring_vsprintf_append(buf, fmt, ap);
    va_end(ap);
    ret = rec_put(stream, type, vstring_str(buf), VSTRING_LEN(buf));
    vstring_free(buf);
    return ret;
}

/* rec_get_fail - record why rec_get() failed */

static int rec_get_fail(const char **out_why, const char *why)
{
    if (out_why)
        *out_why = why;
    return REC_TYPE_ERROR;
}

/* rec_get_len - read and check the length bytes */

static int rec_get_len(VSTREAM *stream, size_t *out_len, const char **out_why)
{
    size_t len = 0;
    int ch;

    for (int i = 0; i < REC_MAX_LEN_BYTES; i++) {
        if ((ch = vstream_getc(stream)) == VSTREAM_EOF)
            return rec_get_fail(out_why, vstream_ferror(stream) || vstream_ftimeout(stream)
                                             ? "read error"
                                             : "truncated record length");
        len |= (size_t)(ch & 0x7f) << (7 * i);
        if ((ch & 0x80) == 0) {
            if (ch == 0 && i > 0)
                return rec_get_fail(out_why, "non-minimal record length");
            *out_len = len;
            return 0;
        }
    }
    return rec_get_fail(out_why, "record length too long");
}

/* rec_get - read the next record */

int rec_get(VSTREAM *stream, VSTRING *buf, size_t limit, const char **out_why)
{
    size_t len;
    int type;

    VSTRING_RESET(buf);
    if ((type = vstream_getc(stream)) == VSTREAM_EOF) {
        if (vstream_ferror(stream) || vstream_ftimeout(stream))
            return rec_get_fail(out_why, "read error");
        return REC_TYPE_EOF;
    }
    if (!rec_type_ok(type))
        return rec_get_fail(out_why, "unknown record type");
    if (rec_get_len(stream, &len, out_why) < 0)
        return REC_TYPE_ERROR;
    if (len > limit)
        return rec_get_fail(out_why, "record longer than the limit");
    vstring_space(buf, len);
    if (len > 0 && vstream_read(stream, vstring_str(buf), len) != (ssize_t)len)
        return rec_get_fail(out_why, vstream_ferror(stream) || vstream_ftimeout(stream)
                                         ? "read error"
                                         : "truncated record data");
    buf->len = len;
    vstring_str(buf)[len] = 0;
    return type;
}

/* rec_fields_len - data length of count fixed-width fields */

size_t rec_fields_len(int count)
{
    return count > 0 ? (size_t)count * (REC_FIELD_WIDTH + 1) - 1 : 0;
}

/* rec_fields_format - format fixed-width numeric fields */

const char *rec_fields_format(VSTRING *buf, int count, const long long *values)
{
    VSTRING_RESET(buf);
    for (int i = 0; i < count; i++) {
        if (values[i] < 0 || values[i] > 999999999999999LL)
            msg_panic("%s: value out of range: %lld", __func__, values[i]);
        vstring_sprintf_append(buf, "%s%*lld", i ? " " : "", REC_FIELD_WIDTH, values[i]);
    }
    return vstring_str(buf);
}

/* rec_fields_parse - parse fixed-width numeric fields */

int rec_fields_parse(const char *data, size_t len, int count, long long *out_values)
{
    if (count <= 0 || len != rec_fields_len(count))
        return -1;
    for (int i = 0; i < count; i++) {
        const char *field = data + (size_t)i * (REC_FIELD_WIDTH + 1);
        long long value = 0;
        int digits = 0;

        if (i > 0 && field[-1] != ' ')
            return -1;
        for (int j = 0; j < REC_FIELD_WIDTH; j++) {
            int ch = (unsigned char)field[j];

            if (ch == ' ' && digits == 0)
                continue;
            if (ch < '0' || ch > '9')
                return -1;
            value = value * 10 + (ch - '0');
            digits++;
        }
        if (digits == 0)
            return -1;
        out_values[i] = value;
    }
    return 0;
}
