/*++
 * NAME
 *	attr_scan - receive one message of the attribute protocol
 * SYNOPSIS
 *	#include <attr.h>
 *
 *	int	attr_scan(VSTREAM *stream, int flags, ...);
 *	int	attr_scan_opts(VSTREAM *stream, int flags,
 *				const ATTR_OPTS *opts, ...);
 *	int	attr_scan_va(VSTREAM *stream, int flags,
 *				const ATTR_OPTS *opts, va_list *ap);
 *	int	attr_scan_table(VSTREAM *stream, int flags,
 *				const ATTR_OPTS *opts, HTABLE *table);
 *	HTABLE	*attr_table_free(HTABLE *table);
 *	const char *attr_table_str(const HTABLE *table, const char *name);
 *	int	attr_table_long(const HTABLE *table, const char *name,
 *				long *out_value);
 * DESCRIPTION
 *	attr_scan() reads one message (wire format in attr.h) into the
 *	places given by a list of RECV_ATTR_INT(name, int *),
 *	RECV_ATTR_LONG(name, long *), RECV_ATTR_STR(name, VSTRING *) and
 *	RECV_ATTR_DATA(name, VSTRING *) arguments, ended by ATTR_TYPE_END.
 *	It returns the number of listed attributes received, or -1.
 *
 *	By default attributes may come in any order, attributes not listed
 *	are read and ignored, and listed ones may be missing (compare the
 *	result with the number expected). Flags change this:
 *	.IP ATTR_FLAG_STRICT
 *	The message must hold exactly the listed attributes, in the listed
 *	order, with the listed types; anything else is an error.
 *	.IP ATTR_FLAG_MORE
 *	Return as soon as every listed attribute has arrived, leaving the
 *	rest of the message for another attr_scan() call (a server reads the
 *	"request" attribute first, then the arguments of that request).
 *	.PP
 *	attr_scan_opts() takes limits and the peer's name for warnings in
 *	opts (NULL for the defaults of attr.h). attr_scan_va() takes the
 *	argument list at *ap and leaves *ap just after its ATTR_TYPE_END.
 *
 *	attr_scan_table() reads the rest of one message into table, whose
 *	keys are the attribute names and whose values are VSTRING pointers
 *	(INT and LONG values as decimal text; STR and DATA values as sent,
 *	null bytes included). It returns the number of attributes added, or
 *	-1. attr_table_free() frees such a table with its values.
 *	attr_table_str() returns a value as a string, or NULL when absent.
 *	attr_table_long() converts a value to a number; it returns 0, or -1
 *	when the value is absent or not a number.
 *
 *	Limits: a name has 1..ATTR_NAME_MAX bytes of [A-Za-z0-9_.-]; one
 *	value at most opts->value_max bytes, the values of one message at
 *	most opts->message_max bytes together, and one message at most
 *	opts->count_max attributes. A declared length is checked against
 *	the limits before anything is read, and values are read in pieces,
 *	so memory grows with the bytes that actually arrive.
 *
 *	Deadline: when the stream has a timeout, one call to these
 *	functions must complete within it, however the peer spreads its
 *	bytes; the stream's timeout setting is unchanged afterwards.
 * DIAGNOSTICS
 *	-1 with a warning naming the peer for: an unknown type byte, a bad
 *	name, a length over a limit or wrong for the type, a null byte in a
 *	string, a missing, extra, duplicate, misnamed or mistyped attribute
 *	(as the flags define them), end of input or an I/O error inside a
 *	message, and the deadline. End of input (or a connection reset)
 *	before the first byte is a -1 without a warning: the peer hung up
 *	between messages. After -1 the stream is at an unknown place in the
 *	message: close it. Panic: an argument that is not a RECV_ATTR_* one.
 * SEE ALSO
 *	attr_print(3), htable(3)
 *--*/

/* System library. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "timed_io.h"

#define ATTR_SCAN_ARGS_MAX 256   /* listed attributes per call */
#define ATTR_SCAN_CHUNK    16384 /* bytes read into a value at a time */

/* The state of one call. */
typedef struct ATTR_SCAN {
    VSTREAM *stream;  /* input, not owned */
    char peer[128];   /* for warnings */
    size_t value_max; /* limits, defaults applied */
    size_t message_max;
    int count_max;
    size_t value_bytes; /* value bytes so far */
    int count;          /* attributes so far */
    int saved_timeout;  /* the stream's own timeout, restored at the end */
    int64_t deadline;   /* monotonic ms, when saved_timeout >= 0 */
    int consumed;       /* bytes read in this call */
} ATTR_SCAN;

/* One attribute header. */
typedef struct ATTR_HEAD {
    int type;                     /* ATTR_TYPE_* */
    char name[ATTR_NAME_MAX + 1]; /* null-terminated */
    uint32_t len;                 /* value length */
} ATTR_HEAD;

/* One listed attribute. */
typedef struct ATTR_WANT {
    int type;         /* ATTR_TYPE_* */
    const char *name; /* the caller's */
    void *out;        /* int *, long * or VSTRING * */
    int seen;         /* received in this call */
} ATTR_WANT;

static const char *attr_type_names[] = {"end", "int", "long", "string", "data"};

/* attr_scan_start - set up the state of one call */

static void attr_scan_start(ATTR_SCAN *scan, VSTREAM *stream, const ATTR_OPTS *opts)
{
    scan->stream = stream;
    if (opts && opts->peer)
        snprintf(scan->peer, sizeof(scan->peer), "%s", opts->peer);
    else
        snprintf(scan->peer, sizeof(scan->peer), "fd %d", vstream_fileno(stream));
    scan->value_max = opts && opts->value_max ? opts->value_max : ATTR_DEFAULT_VALUE_MAX;
    scan->message_max = opts && opts->message_max ? opts->message_max : ATTR_DEFAULT_MESSAGE_MAX;
    scan->count_max = opts && opts->count_max ? opts->count_max : ATTR_DEFAULT_COUNT_MAX;
    scan->value_bytes = 0;
    scan->count = 0;
    scan->consumed = 0;
    scan->saved_timeout = vstream_timeout_ms(stream);
    scan->deadline = monotonic_ms() + (scan->saved_timeout > 0 ? scan->saved_timeout : 0);
}

/* attr_scan_finish - restore the stream's timeout and pass a result on */

static int attr_scan_finish(ATTR_SCAN *scan, int result)
{
    vstream_set_timeout_ms(scan->stream, scan->saved_timeout);
    return result;
}

/* attr_scan_fail - warn about a protocol violation */

__attribute__((format(printf, 2, 3))) static int attr_scan_fail(ATTR_SCAN *scan, const char *fmt,
                                                                ...)
{
    int saved_errno = errno;
    VSTRING *text = vstring_alloc(100);
    va_list ap;

    errno = saved_errno;
    va_start(ap, fmt);
    vstring_vsprintf_append(text, fmt, ap);
    va_end(ap);
    msg_warn("attr_scan: %s: %s", scan->peer, vstring_str(text));
    vstring_free(text);
    return -1;
}

/* attr_scan_read - read exactly len bytes within the message deadline */

static int attr_scan_read(ATTR_SCAN *scan, void *buf, size_t len)
{
    ssize_t got;

    if (scan->saved_timeout >= 0) {
        int64_t left = scan->deadline - monotonic_ms();

        vstream_set_timeout_ms(scan->stream, left > 0 ? (int)left : 0);
    }
    got = vstream_read(scan->stream, buf, len);
    if (got == (ssize_t)len) {
        scan->consumed += len;
        return 0;
    }
    if (got <= 0 && scan->consumed == 0 && !vstream_ftimeout(scan->stream) &&
        (vstream_ferror(scan->stream) ? errno == ECONNRESET : vstream_feof(scan->stream)))
        return -1; /* the peer hung up between messages */
    if (vstream_ftimeout(scan->stream))
        return attr_scan_fail(scan, "timeout while receiving a message");
    if (vstream_ferror(scan->stream))
        return attr_scan_fail(scan, "read error while receiving a message: %m");
    return attr_scan_fail(scan, "premature end of input within a message");
}

/* attr_scan_name_ok - a valid attribute name */

static int attr_scan_name_ok(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-' ||
              name[i] == '.'))
            return 0;
    return 1;
}

/* attr_scan_head - read one attribute header: 1 attribute, 0 end, -1 error */

static int attr_scan_head(ATTR_SCAN *scan, ATTR_HEAD *head)
{
    unsigned char byte, len[4];
    size_t max;

    if (attr_scan_read(scan, &byte, 1) < 0)
        return -1;
    if ((head->type = byte) == ATTR_TYPE_END)
        return 0;
    if (head->type > ATTR_TYPE_DATA)
        return attr_scan_fail(scan, "unknown attribute type 0x%02x", byte);
    if (++scan->count > scan->count_max)
        return attr_scan_fail(scan, "more than %d attributes in one message", scan->count_max);
    if (attr_scan_read(scan, &byte, 1) < 0)
        return -1;
    if (byte == 0 || byte > ATTR_NAME_MAX)
        return attr_scan_fail(scan, "attribute name length %d is not in 1..%d", byte,
                              ATTR_NAME_MAX);
    if (attr_scan_read(scan, head->name, byte) < 0)
        return -1;
    head->name[byte] = 0;
    if (!attr_scan_name_ok(head->name, byte))
        return attr_scan_fail(scan, "malformed attribute name");
    if (attr_scan_read(scan, len, 4) < 0)
        return -1;
    head->len = (uint32_t)len[0] << 24 | (uint32_t)len[1] << 16 | (uint32_t)len[2] << 8 | len[3];
    if ((head->type == ATTR_TYPE_INT && head->len != 4) ||
        (head->type == ATTR_TYPE_LONG && head->len != 8))
        return attr_scan_fail(scan, "attribute \"%s\": length %u is wrong for type %s", head->name,
                              (unsigned)head->len, attr_type_names[head->type]);
    if (head->len > scan->value_max)
        return attr_scan_fail(scan, "attribute \"%s\": value of %u bytes exceeds the limit of %zu",
                              head->name, (unsigned)head->len, scan->value_max);
    max = scan->message_max - scan->value_bytes;
    if (head->len > max)
        return attr_scan_fail(scan, "message exceeds the limit of %zu value bytes",
                              scan->message_max);
    scan->value_bytes += head->len;
    return 1;
}

/* attr_scan_value - read a value into buf (NULL: discard it) */

static int attr_scan_value(ATTR_SCAN *scan, const ATTR_HEAD *head, VSTRING *buf)
{
    char chunk[ATTR_SCAN_CHUNK];
    size_t left = head->len;

    if (buf)
        VSTRING_RESET(buf);
    while (left > 0) {
        size_t take = left < sizeof(chunk) ? left : sizeof(chunk);

        if (attr_scan_read(scan, chunk, take) < 0)
            return -1;
        if (head->type == ATTR_TYPE_STR && memchr(chunk, 0, take) != NULL)
            return attr_scan_fail(scan, "attribute \"%s\": null byte in a string", head->name);
        if (buf)
            vstring_memcat(buf, chunk, take);
        left -= take;
    }
    return 0;
}

/* attr_scan_number - read an INT or LONG value */

static int attr_scan_number(ATTR_SCAN *scan, const ATTR_HEAD *head, int64_t *out)
{
    unsigned char bytes[8];
    uint64_t value = 0;

    if (attr_scan_read(scan, bytes, head->len) < 0)
        return -1;
    for (uint32_t i = 0; i < head->len; i++)
        value = value << 8 | bytes[i];
    if (head->type == ATTR_TYPE_INT)
        *out = (int32_t)(uint32_t)value;
    else
        *out = (int64_t)value;
    return 0;
}

/* attr_scan_store - read a listed attribute's value into its place */

static int attr_scan_store(ATTR_SCAN *scan, const ATTR_HEAD *head, ATTR_WANT *want)
{
    int64_t number;

    if (head->type != want->type)
        return attr_scan_fail(scan, "attribute \"%s\": type %s where %s was expected", head->name,
                              attr_type_names[head->type], attr_type_names[want->type]);
    if (want->seen)
        return attr_scan_fail(scan, "attribute \"%s\" appears twice", head->name);
    want->seen = 1;
    switch (head->type) {
    case ATTR_TYPE_INT:
        if (attr_scan_number(scan, head, &number) < 0)
            return -1;
        *(int *)want->out = (int)number;
        return 0;
    case ATTR_TYPE_LONG:
        if (attr_scan_number(scan, head, &number) < 0)
            return -1;
        *(long *)want->out = (long)number;
        return 0;
    default:
        return attr_scan_value(scan, head, want->out);
    }
}

/* attr_scan_collect - the listed attributes of a va_list */

static int attr_scan_collect(va_list *ap, ATTR_WANT *wants)
{
    int count = 0, tag;

    while ((tag = va_arg(*ap, int)) != ATTR_TYPE_END) {
        if ((tag & ~0xff) != ATTR_ARG_RECV || (tag & 0xff) < ATTR_TYPE_INT ||
            (tag & 0xff) > ATTR_TYPE_DATA)
            msg_panic("attr_scan: argument tag 0x%x is not a RECV_ATTR_* one", (unsigned)tag);
        if (count >= ATTR_SCAN_ARGS_MAX)
            msg_panic("attr_scan: more than %d attributes listed", ATTR_SCAN_ARGS_MAX);
        wants[count].type = tag & 0xff;
        wants[count].name = va_arg(*ap, const char *);
        wants[count].out = va_arg(*ap, void *);
        wants[count].seen = 0;
        count++;
    }
    return count;
}

/* attr_scan_match - the listed attribute that a header stands for, or NULL */

static ATTR_WANT *attr_scan_match(ATTR_SCAN *scan, int flags, const ATTR_HEAD *head,
                                  ATTR_WANT *wants, int nwant, int received, int *error)
{
    *error = 0;
    if (flags & ATTR_FLAG_STRICT) {
        if (received >= nwant) {
            *error = attr_scan_fail(scan, "unexpected attribute \"%s\"", head->name);
            return NULL;
        }
        if (strcmp(head->name, wants[received].name) != 0) {
            *error = attr_scan_fail(scan, "attribute \"%s\" where \"%s\" was expected", head->name,
                                    wants[received].name);
            return NULL;
        }
        return wants + received;
    }
    for (int i = 0; i < nwant; i++)
        if (strcmp(head->name, wants[i].name) == 0)
            return wants + i;
    return NULL;
}

/* attr_scan_va - read a message into a va_list's places */

int attr_scan_va(VSTREAM *stream, int flags, const ATTR_OPTS *opts, va_list *ap)
{
    ATTR_WANT wants[ATTR_SCAN_ARGS_MAX];
    int nwant = attr_scan_collect(ap, wants);
    int received = 0, status, error;
    ATTR_SCAN scan;
    ATTR_HEAD head;

    attr_scan_start(&scan, stream, opts);
    for (;;) {
        ATTR_WANT *want;

        if ((flags & ATTR_FLAG_MORE) && received == nwant)
            break;
        if ((status = attr_scan_head(&scan, &head)) < 0)
            return attr_scan_finish(&scan, -1);
        if (status == 0) {
            if ((flags & ATTR_FLAG_STRICT) && received < nwant)
                return attr_scan_finish(
                    &scan, attr_scan_fail(&scan, "message ends before attribute \"%s\"",
                                          wants[received].name));
            break;
        }
        want = attr_scan_match(&scan, flags, &head, wants, nwant, received, &error);
        if (error < 0)
            return attr_scan_finish(&scan, -1);
        if (want == NULL ? attr_scan_value(&scan, &head, NULL) < 0
                         : attr_scan_store(&scan, &head, want) < 0)
            return attr_scan_finish(&scan, -1);
        received += want != NULL;
    }
    return attr_scan_finish(&scan, received);
}

/* attr_scan - read a message */

int attr_scan(VSTREAM *stream, int flags, ...)
{
    va_list ap;
    int status;

    va_start(ap, flags);
    status = attr_scan_va(stream, flags, NULL, &ap);
    va_end(ap);
    return status;
}

/* attr_scan_opts - read a message, with limits */

int attr_scan_opts(VSTREAM *stream, int flags, const ATTR_OPTS *opts, ...)
{
    va_list ap;
    int status;

    va_start(ap, opts);
    status = attr_scan_va(stream, flags, opts, &ap);
    va_end(ap);
    return status;
}

/* attr_table_value_free - HTABLE_FREE_FN for VSTRING values */

static void attr_table_value_free(void *value)
{
    vstring_free(value);
}

/* attr_scan_table_one - add one attribute to a table */

static int attr_scan_table_one(ATTR_SCAN *scan, const ATTR_HEAD *head, HTABLE *table)
{
    VSTRING *value = vstring_alloc(head->len < 64 ? 64 : 256);
    int64_t number;

    if (htable_locate(table, head->name)) {
        vstring_free(value);
        return attr_scan_fail(scan, "attribute \"%s\" appears twice", head->name);
    }
    if (head->type == ATTR_TYPE_INT || head->type == ATTR_TYPE_LONG) {
        if (attr_scan_number(scan, head, &number) == 0)
            vstring_sprintf(value, "%lld", (long long)number);
        else
            value = vstring_free(value);
    } else if (attr_scan_value(scan, head, value) < 0) {
        value = vstring_free(value);
    }
    if (value == NULL)
        return -1;
    htable_enter(table, head->name, value);
    return 0;
}

/* attr_scan_table - read the rest of a message into a table */

int attr_scan_table(VSTREAM *stream, int unused_flags, const ATTR_OPTS *opts, HTABLE *table)
{
    ATTR_SCAN scan;
    ATTR_HEAD head;
    int added = 0, status;

    attr_scan_start(&scan, stream, opts);
    while ((status = attr_scan_head(&scan, &head)) > 0) {
        if (attr_scan_table_one(&scan, &head, table) < 0)
            return attr_scan_finish(&scan, -1);
        added++;
    }
    return attr_scan_finish(&scan, status < 0 ? -1 : added);
}

/* attr_table_free - free a table made by attr_scan_table() */

HTABLE *attr_table_free(HTABLE *table)
{
    return htable_free(table, attr_table_value_free);
}

/* attr_table_str - a table value as a string */

const char *attr_table_str(const HTABLE *table, const char *name)
{
    VSTRING *value = htable_find(table, name);

    return value ? vstring_str(value) : NULL;
}

/* attr_table_long - a table value as a number */

int attr_table_long(const HTABLE *table, const char *name, long *out_value)
{
    const char *text = attr_table_str(table, name);
    char *end;
    long value;

    if (text == NULL || *text == 0)
        return -1;
    errno = 0;
    value = strtol(text, &end, 10);
    if (*end != 0 || errno == ERANGE)
        return -1;
    *out_value = value;
    return 0;
}
