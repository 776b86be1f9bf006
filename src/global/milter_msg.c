/*++
 * NAME
 *	milter_msg - a message held back while milters look at it
 * SYNOPSIS
 *	#include "milter_msg.h"
 *
 *	MILTER_MSG *milter_msg_create(void);
 *	MILTER_MSG *milter_msg_free(MILTER_MSG *msg);
 *
 *	void	milter_msg_sender(MILTER_MSG *msg, const char *sender,
 *				const char *dsn_envid, int dsn_ret);
 *	void	milter_msg_rcpt(MILTER_MSG *msg, const char *rcpt,
 *				const char *dsn_orcpt, int dsn_notify);
 *	void	milter_msg_line(MILTER_MSG *msg, const char *data, size_t len,
 *				bool partial);
 *
 *	const char *milter_msg_get_sender(const MILTER_MSG *msg);
 *	size_t	milter_msg_rcpt_count(const MILTER_MSG *msg);
 *	const char *milter_msg_get_rcpt(const MILTER_MSG *msg, size_t i);
 *	size_t	milter_msg_header_count(const MILTER_MSG *msg);
 *	const char *milter_msg_header(const MILTER_MSG *msg, size_t i);
 *	const char *milter_msg_body(const MILTER_MSG *msg, size_t *out_len);
 *
 *	void	milter_msg_add_header(MILTER_MSG *msg, const char *name,
 *				const char *value, bool leadspace);
 *	void	milter_msg_insert_header(MILTER_MSG *msg, long index,
 *				const char *name, const char *value,
 *				bool leadspace);
 *	void	milter_msg_change_header(MILTER_MSG *msg, long index,
 *				const char *name, const char *value,
 *				bool leadspace);
 *	void	milter_msg_add_rcpt(MILTER_MSG *msg, const char *rcpt);
 *	int	milter_msg_del_rcpt(MILTER_MSG *msg, const char *rcpt);
 *	void	milter_msg_change_sender(MILTER_MSG *msg, const char *sender);
 *	void	milter_msg_replace_body(MILTER_MSG *msg, const char *data,
 *				size_t len);
 *
 *	int	milter_msg_replay(const MILTER_MSG *msg,
 *				const MILTER_MSG_SINK *sink, void *context);
 * DESCRIPTION
 *	A MILTER_MSG holds one mail transaction in memory: the sender with
 *	its DSN ENVID and RET, the recipients with their DSN ORCPT and
 *	NOTIFY, the header fields (each one string, its lines joined by
 *	"\n") and the body (lines, each ended by "\n").
 *
 *	milter_msg_sender() and milter_msg_rcpt() record the envelope as
 *	the cleanup client would get it. milter_msg_line() takes one content
 *	line without its line ending (partial: the line continues in the
 *	next call): header fields come first, continuation lines join the
 *	field before them, and an empty line or a line that is not a header
 *	field starts the body.
 *
 *	The readers return the envelope, the i-th header field (0-based)
 *	and the body; the strings belong to msg and change with it.
 *
 *	The editors apply a milter's modification requests. Header values
 *	are stored as "Name:" followed by a space and the value, or by the
 *	value itself when leadspace is set (the milter negotiated
 *	HDR_LEADSPC); CR LF in a value becomes a line break.
 *	milter_msg_insert_header() inserts before the index-th field (0: at
 *	the top; past the end: at the end). milter_msg_change_header()
 *	replaces the index-th (1-based) field of that name, case
 *	insensitively, or deletes it when value is empty; with no such field
 *	a non-empty value is appended. Addresses may come with or without
 *	angle brackets. milter_msg_del_rcpt() removes every recipient with
 *	that address (case-insensitively) and returns how many it removed.
 *	milter_msg_replace_body() takes the new body with CR LF (or LF)
 *	line endings.
 *
 *	milter_msg_format_field() returns a new string (free it with
 *	myfree()) with the header field that these editors would store.
 *
 *	milter_msg_replay() sends the message through sink: the sender, the
 *	recipients, then the content line by line (long lines in pieces).
 *	It returns 0, or -1 as soon as a sink function fails.
 *--*/

#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"

#include "milter_msg.h"

/* One recipient. */
typedef struct MILTER_MSG_RCPT {
    char *addr;      /* the address, owned */
    char *dsn_orcpt; /* DSN ORCPT, owned, or NULL */
    int dsn_notify;  /* DSN NOTIFY mask, or 0 */
} MILTER_MSG_RCPT;

struct MILTER_MSG {
    char *sender;           /* envelope sender, owned, or NULL */
    char *dsn_envid;        /* DSN ENVID, owned, or NULL */
    int dsn_ret;            /* DSN RET */
    MILTER_MSG_RCPT *rcpts; /* recipients, owned */
    size_t rcpt_count;      /* in use */
    size_t rcpt_size;       /* allocated */
    ARGV *headers;          /* header fields, owned */
    VSTRING *line;          /* the content line being assembled, owned */
    bool in_body;           /* the header section has ended */
    bool blank_line;        /* an empty line ended it */
    VSTRING *body;          /* body lines, each ended by "\n", owned */
};

/* Long lines are replayed in pieces of this size. */
#define MILTER_MSG_PIECE 4096

/* milter_msg_create - an empty message */

MILTER_MSG *milter_msg_create(void)
{
    MILTER_MSG *msg = mycalloc(1, sizeof(*msg));

    msg->headers = argv_alloc(20);
    msg->line = vstring_alloc(256);
    msg->body = vstring_alloc(4096);
    return msg;
}

/* milter_msg_free - release a message */

MILTER_MSG *milter_msg_free(MILTER_MSG *msg)
{
    myfree(msg->sender);
    myfree(msg->dsn_envid);
    for (size_t i = 0; i < msg->rcpt_count; i++) {
        myfree(msg->rcpts[i].addr);
        myfree(msg->rcpts[i].dsn_orcpt);
    }
    myfree(msg->rcpts);
    argv_free(msg->headers);
    vstring_free(msg->line);
    vstring_free(msg->body);
    myfree(msg);
    return NULL;
}

/* milter_msg_strip - an address without its angle brackets, in a new string */

static char *milter_msg_strip(const char *addr)
{
    size_t len = strlen(addr);

    if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>')
        return mystrndup(addr + 1, len - 2);
    return mystrdup(addr);
}

/* milter_msg_sender - the envelope sender */

void milter_msg_sender(MILTER_MSG *msg, const char *sender, const char *dsn_envid, int dsn_ret)
{
    myfree(msg->sender);
    myfree(msg->dsn_envid);
    msg->sender = mystrdup(sender);
    msg->dsn_envid = dsn_envid ? mystrdup(dsn_envid) : NULL;
    msg->dsn_ret = dsn_ret;
}

/* milter_msg_rcpt - one recipient */

void milter_msg_rcpt(MILTER_MSG *msg, const char *rcpt, const char *dsn_orcpt, int dsn_notify)
{
    if (msg->rcpt_count == msg->rcpt_size) {
        msg->rcpt_size = msg->rcpt_size ? msg->rcpt_size * 2 : 8;
        msg->rcpts = myrealloc(msg->rcpts, msg->rcpt_size * sizeof(*msg->rcpts));
    }
    msg->rcpts[msg->rcpt_count++] = (MILTER_MSG_RCPT){
        .addr = mystrdup(rcpt),
        .dsn_orcpt = dsn_orcpt ? mystrdup(dsn_orcpt) : NULL,
        .dsn_notify = dsn_notify,
    };
}

/* milter_msg_is_header - does a line start a header field? */

static bool milter_msg_is_header(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (unsigned char)line[i] > ' ' && (unsigned char)line[i] < 0x7f &&
           line[i] != ':')
        i++;
    /* Obsolete syntax allows blanks before the colon. */
    size_t name_len = i;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return name_len > 0 && i < len && line[i] == ':';
}

/* milter_msg_complete - one whole content line */

static void milter_msg_complete(MILTER_MSG *msg, const char *line, size_t len)
{
    if (!msg->in_body) {
        if (len == 0) {
            msg->in_body = true;
            msg->blank_line = true;
            return;
        }
        if ((line[0] == ' ' || line[0] == '\t') && msg->headers->argc > 0) {
            size_t last = msg->headers->argc - 1;
            VSTRING *joined = vstring_alloc(256);

            vstring_sprintf(joined, "%s\n", msg->headers->argv[last]);
            vstring_memcat(joined, line, len);
            myfree(msg->headers->argv[last]);
            msg->headers->argv[last] = vstring_export(joined);
            return;
        }
        if (milter_msg_is_header(line, len) && memchr(line, 0, len) == NULL) {
            argv_addn(msg->headers, line, len);
            return;
        }
        msg->in_body = true;
    }
    vstring_memcat(msg->body, line, len);
    vstring_addch(msg->body, '\n');
}

/* milter_msg_line - one content line or a piece of one */

void milter_msg_line(MILTER_MSG *msg, const char *data, size_t len, bool partial)
{
    vstring_memcat(msg->line, data, len);
    if (partial)
        return;
    milter_msg_complete(msg, vstring_str(msg->line), VSTRING_LEN(msg->line));
    vstring_truncate(msg->line, 0);
}

/* milter_msg_get_sender - the envelope sender, or "" */

const char *milter_msg_get_sender(const MILTER_MSG *msg)
{
    return msg->sender ? msg->sender : "";
}

/* milter_msg_rcpt_count - how many recipients */

size_t milter_msg_rcpt_count(const MILTER_MSG *msg)
{
    return msg->rcpt_count;
}

/* milter_msg_get_rcpt - one recipient's address */

const char *milter_msg_get_rcpt(const MILTER_MSG *msg, size_t i)
{
    return i < msg->rcpt_count ? msg->rcpts[i].addr : NULL;
}

/* milter_msg_header_count - how many header fields */

size_t milter_msg_header_count(const MILTER_MSG *msg)
{
    return msg->headers->argc;
}

/* milter_msg_header - one header field */

const char *milter_msg_header(const MILTER_MSG *msg, size_t i)
{
    return i < msg->headers->argc ? msg->headers->argv[i] : NULL;
}

/* milter_msg_body - the body, "\n" line endings */

const char *milter_msg_body(const MILTER_MSG *msg, size_t *out_len)
{
    *out_len = VSTRING_LEN(msg->body);
    return vstring_str(msg->body);
}

/* milter_msg_format_field - "Name: value" with CR LF as line breaks */

char *milter_msg_format_field(const char *name, const char *value, bool leadspace)
{
    VSTRING *field = vstring_alloc(256);

    vstring_sprintf(field, "%s:%s", name, leadspace ? "" : " ");
    for (const char *cp = value; *cp; cp++)
        if (!(cp[0] == '\r' && cp[1] == '\n'))
            vstring_addch(field, *cp);
    return vstring_export(field);
}

/* milter_msg_add_header - append a header field */

void milter_msg_add_header(MILTER_MSG *msg, const char *name, const char *value, bool leadspace)
{
    char *field = milter_msg_format_field(name, value, leadspace);

    argv_add(msg->headers, field);
    myfree(field);
}

/* milter_msg_insert_header - insert a header field before the index-th */

void milter_msg_insert_header(MILTER_MSG *msg, long index, const char *name, const char *value,
                              bool leadspace)
{
    char *field = milter_msg_format_field(name, value, leadspace);
    size_t where =
        index < 0 || (size_t)index > msg->headers->argc ? msg->headers->argc : (size_t)index;

    argv_insert(msg->headers, where, field);
    myfree(field);
}

/* milter_msg_name_match - does a field have this name? */

static bool milter_msg_name_match(const char *field, const char *name)
{
    size_t len = strlen(name);
    const char *cp;

    if (strncasecmp(field, name, len) != 0)
        return false;
    for (cp = field + len; *cp == ' ' || *cp == '\t'; cp++)
        ;
    return *cp == ':';
}

/* milter_msg_change_header - replace or delete the index-th field of a name */

void milter_msg_change_header(MILTER_MSG *msg, long index, const char *name, const char *value,
                              bool leadspace)
{
    long seen = 0;

    for (size_t i = 0; i < msg->headers->argc; i++) {
        if (!milter_msg_name_match(msg->headers->argv[i], name) || ++seen != index)
            continue;
        if (*value == 0) {
            argv_delete(msg->headers, i);
        } else {
            myfree(msg->headers->argv[i]);
            msg->headers->argv[i] = milter_msg_format_field(name, value, leadspace);
        }
        return;
    }
    if (*value)
        milter_msg_add_header(msg, name, value, leadspace);
}

/* milter_msg_add_rcpt - a new recipient */

void milter_msg_add_rcpt(MILTER_MSG *msg, const char *rcpt)
{
    char *addr = milter_msg_strip(rcpt);

    milter_msg_rcpt(msg, addr, NULL, 0);
    myfree(addr);
}

/* milter_msg_del_rcpt - remove recipients */

int milter_msg_del_rcpt(MILTER_MSG *msg, const char *rcpt)
{
    char *addr = milter_msg_strip(rcpt);
    size_t kept = 0;
    int removed = 0;

    for (size_t i = 0; i < msg->rcpt_count; i++) {
        if (strcasecmp(msg->rcpts[i].addr, addr) == 0) {
            myfree(msg->rcpts[i].addr);
            myfree(msg->rcpts[i].dsn_orcpt);
            removed++;
        } else {
            msg->rcpts[kept++] = msg->rcpts[i];
        }
    }
    msg->rcpt_count = kept;
    myfree(addr);
    return removed;
}

/* milter_msg_change_sender - a new envelope sender */

void milter_msg_change_sender(MILTER_MSG *msg, const char *sender)
{
    myfree(msg->sender);
    msg->sender = milter_msg_strip(sender);
}

/* milter_msg_replace_body - a new body */

void milter_msg_replace_body(MILTER_MSG *msg, const char *data, size_t len)
{
    vstring_truncate(msg->body, 0);
    for (size_t i = 0; i < len; i++)
        if (!(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
            vstring_addch(msg->body, data[i]);
    if (VSTRING_LEN(msg->body) > 0 && vstring_str(msg->body)[VSTRING_LEN(msg->body) - 1] != '\n')
        vstring_addch(msg->body, '\n');
    if (!msg->blank_line && VSTRING_LEN(msg->body) > 0)
        msg->blank_line = true;
}

/* milter_msg_replay_line - one line, in pieces when long */

static int milter_msg_replay_line(const MILTER_MSG_SINK *sink, void *context, const char *data,
                                  size_t len)
{
    while (len > MILTER_MSG_PIECE) {
        if (sink->line(context, data, MILTER_MSG_PIECE, true) < 0)
            return -1;
        data += MILTER_MSG_PIECE;
        len -= MILTER_MSG_PIECE;
    }
    return sink->line(context, data, len, false);
}

/* milter_msg_replay - send the message on */

int milter_msg_replay(const MILTER_MSG *msg, const MILTER_MSG_SINK *sink, void *context)
{
    const char *body = vstring_str(msg->body);
    size_t body_len = VSTRING_LEN(msg->body);

    if (sink->sender(context, milter_msg_get_sender(msg), msg->dsn_envid, msg->dsn_ret) < 0)
        return -1;
    for (size_t i = 0; i < msg->rcpt_count; i++)
        if (sink->rcpt(context, msg->rcpts[i].addr, msg->rcpts[i].dsn_orcpt,
                       msg->rcpts[i].dsn_notify) < 0)
            return -1;
    for (size_t i = 0; i < msg->headers->argc; i++) {
        const char *field = msg->headers->argv[i];
        const char *nl;

        while ((nl = strchr(field, '\n')) != NULL) {
            if (milter_msg_replay_line(sink, context, field, (size_t)(nl - field)) < 0)
                return -1;
            field = nl + 1;
        }
        if (milter_msg_replay_line(sink, context, field, strlen(field)) < 0)
            return -1;
    }
    if ((msg->blank_line || body_len > 0) && sink->line(context, "", 0, false) < 0)
        return -1;
    while (body_len > 0) {
        const char *nl = memchr(body, '\n', body_len);
        size_t len = nl ? (size_t)(nl - body) : body_len;

        if (milter_msg_replay_line(sink, context, body, len) < 0)
            return -1;
        len += nl ? 1 : 0;
        body += len;
        body_len -= len;
    }
    return 0;
}
