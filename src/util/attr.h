/*
 * attr.h - the attribute protocol spoken between our processes
 *
 * A message is a list of typed, named attributes with explicit lengths,
 * then a terminator. Each attribute on the wire:
 *
 *	type	1 byte: ATTR_TYPE_INT, _LONG, _STR or _DATA (0 ends the message)
 *	namelen	1 byte: 1..ATTR_NAME_MAX
 *	name	namelen bytes of [A-Za-z0-9_.-]
 *	vallen	4 bytes, unsigned, most significant byte first
 *	value	vallen bytes: INT 4 bytes and LONG 8 bytes (two's complement,
 *		big-endian), STR text without null bytes, DATA anything
 *
 * Senders use attr_print() with SEND_ATTR_*() arguments, receivers
 * attr_scan() with RECV_ATTR_*() arguments; both lists end with
 * ATTR_TYPE_END. The macros check each argument's type at compile time.
 * A server greets each client with attr_hello_send() (protocol name and
 * version); the client checks it with attr_hello_expect(). ATTR_CLNT is a
 * reusable client that degrades to a -1 result when the server is absent.
 */
#ifndef ATTR_H
#define ATTR_H

#include <stdarg.h>
#include <stddef.h>

#include "htable.h"
#include "vstream.h"
#include "vstring.h"

/* Wire types. */
#define ATTR_TYPE_END  0 /* end of message (and of an argument list) */
#define ATTR_TYPE_INT  1 /* int, 4 bytes */
#define ATTR_TYPE_LONG 2 /* long, 8 bytes */
#define ATTR_TYPE_STR  3 /* text, no null bytes */
#define ATTR_TYPE_DATA 4 /* binary */

/* Limits. */
#define ATTR_NAME_MAX            64                /* bytes in a name */
#define ATTR_DEFAULT_VALUE_MAX   (1024 * 1024)     /* bytes in one value */
#define ATTR_DEFAULT_MESSAGE_MAX (4 * 1024 * 1024) /* value bytes in one message */
#define ATTR_DEFAULT_COUNT_MAX   1024              /* attributes in one message */

/* Flags. */
#define ATTR_FLAG_NONE   0
#define ATTR_FLAG_STRICT (1 << 0) /* scan: exactly the expected attributes, in order */
#define ATTR_FLAG_MORE   (1 << 1) /* print: no terminator, no flush; scan: stop early */

/* The handshake attributes. */
#define ATTR_HELLO_PROTOCOL "protocol"
#define ATTR_HELLO_VERSION  "version"

/* Per-call receive options; a zero member means the default. */
typedef struct ATTR_OPTS {
    const char *peer;   /* the other end, for warnings; NULL: "fd N" */
    size_t value_max;   /* largest value; 0: ATTR_DEFAULT_VALUE_MAX */
    size_t message_max; /* value bytes in one message; 0: ATTR_DEFAULT_MESSAGE_MAX */
    int count_max;      /* attributes in one message; 0: ATTR_DEFAULT_COUNT_MAX */
} ATTR_OPTS;

extern int attr_print(VSTREAM *stream, int flags, ...);
extern int attr_print_va(VSTREAM *stream, int flags, va_list *ap);

extern int attr_scan(VSTREAM *stream, int flags, ...);
extern int attr_scan_opts(VSTREAM *stream, int flags, const ATTR_OPTS *opts, ...);
extern int attr_scan_va(VSTREAM *stream, int flags, const ATTR_OPTS *opts, va_list *ap);
extern int attr_scan_table(VSTREAM *stream, int flags, const ATTR_OPTS *opts, HTABLE *table);
extern HTABLE *attr_table_free(HTABLE *table);
extern const char *attr_table_str(const HTABLE *table, const char *name);
extern int attr_table_long(const HTABLE *table, const char *name, long *out_value);

extern int attr_hello_send(VSTREAM *stream, const char *protocol, int version);
extern int attr_hello_expect(VSTREAM *stream, const char *protocol, int version,
                             const ATTR_OPTS *opts);

/* The reusable client (attr_clnt.c). */
typedef struct ATTR_CLNT ATTR_CLNT;

extern ATTR_CLNT *attr_clnt_create(const char *endpoint, int timeout, int max_idle, int max_ttl);
extern void attr_clnt_set_protocol(ATTR_CLNT *clnt, const char *protocol, int version);
extern void attr_clnt_set_opts(ATTR_CLNT *clnt, const ATTR_OPTS *opts);
extern int attr_clnt_request(ATTR_CLNT *clnt, int send_flags, ...);
extern int attr_clnt_request_va(ATTR_CLNT *clnt, int send_flags, va_list ap);
extern void attr_clnt_disconnect(ATTR_CLNT *clnt);
extern ATTR_CLNT *attr_clnt_free(ATTR_CLNT *clnt);

/*
 * Argument lists. Each macro expands to a tag, the name and the value or
 * result pointer, each passed through an identity function whose
 * prototype makes the compiler reject an argument of the wrong type. The
 * tags keep send and receive lists apart: passing one to the other
 * function is a panic at the first call.
 */
#define ATTR_ARG_SEND 0x100 /* tag bit of SEND_ATTR_* */
#define ATTR_ARG_RECV 0x200 /* tag bit of RECV_ATTR_* */

static inline const char *attr_arg_name(const char *name)
{
    return name;
}

static inline int attr_arg_int(int value)
{
    return value;
}

static inline long attr_arg_long(long value)
{
    return value;
}

static inline const char *attr_arg_str(const char *value)
{
    return value;
}

static inline size_t attr_arg_size(size_t len)
{
    return len;
}

static inline const void *attr_arg_data(const void *data)
{
    return data;
}

static inline int *attr_arg_int_ptr(int *ptr)
{
    return ptr;
}

static inline long *attr_arg_long_ptr(long *ptr)
{
    return ptr;
}

static inline VSTRING *attr_arg_vstring(VSTRING *buf)
{
    return buf;
}

#define SEND_ATTR_INT(name, value)                                                                 \
    (ATTR_ARG_SEND | ATTR_TYPE_INT), attr_arg_name(name), attr_arg_int(value)
#define SEND_ATTR_LONG(name, value)                                                                \
    (ATTR_ARG_SEND | ATTR_TYPE_LONG), attr_arg_name(name), attr_arg_long(value)
#define SEND_ATTR_STR(name, value)                                                                 \
    (ATTR_ARG_SEND | ATTR_TYPE_STR), attr_arg_name(name), attr_arg_str(value)
#define SEND_ATTR_DATA(name, len, data)                                                            \
    (ATTR_ARG_SEND | ATTR_TYPE_DATA), attr_arg_name(name), attr_arg_size(len), attr_arg_data(data)

#define RECV_ATTR_INT(name, ptr)                                                                   \
    (ATTR_ARG_RECV | ATTR_TYPE_INT), attr_arg_name(name), attr_arg_int_ptr(ptr)
#define RECV_ATTR_LONG(name, ptr)                                                                  \
    (ATTR_ARG_RECV | ATTR_TYPE_LONG), attr_arg_name(name), attr_arg_long_ptr(ptr)
#define RECV_ATTR_STR(name, buf)                                                                   \
    (ATTR_ARG_RECV | ATTR_TYPE_STR), attr_arg_name(name), attr_arg_vstring(buf)
#define RECV_ATTR_DATA(name, buf)                                                                  \
    (ATTR_ARG_RECV | ATTR_TYPE_DATA), attr_arg_name(name), attr_arg_vstring(buf)

#endif
