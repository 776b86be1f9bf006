/*++
 * NAME
 *	milter_reply - parse the packets that a milter sends
 * SYNOPSIS
 *	#include "milter_reply.h"
 *
 *	int	milter_reply_parse(int cmd, const char *data, size_t len,
 *				MILTER_REPLY *out, VSTRING *why);
 *	int	milter_reply_optneg(const char *data, size_t len,
 *				MILTER_OPTNEG *out, VSTRING *why);
 *	int	milter_reply_code_ok(const char *text, VSTRING *why);
 * DESCRIPTION
 *	milter_reply_parse() checks the data of one reply packet whose
 *	command byte is cmd and fills in *out: strings must be terminated
 *	by a null byte inside the data and nothing may follow the last one;
 *	header names must be non-empty printable ASCII without a colon or
 *	white space; indices are four bytes in network byte order. The
 *	strings of *out point into data (which must be null-terminated one
 *	byte past len, as a VSTRING is). It returns 0, or -1 with the reason
 *	in why for a malformed packet or an unknown command byte.
 *
 *	milter_reply_optneg() reads a negotiation answer: version, actions
 *	and protocol steps (four bytes each), then optional SETSYMLIST
 *	pairs (a four-byte stage, a null-terminated macro list). It returns
 *	0, or -1 with a reason.
 *
 *	milter_reply_code_ok() checks an SMTP reply that a milter wants sent
 *	(REPLYCODE): one or more lines separated by CR LF, each a 4xx or 5xx
 *	code (the same on every line), '-' after the code on all lines but
 *	the last and ' ' (or nothing) on the last, then text without control
 *	characters; an enhanced status code, when present, must have the
 *	class of the reply code. It returns 0, or -1 with a reason.
 *--*/

#include <stdbool.h>
#include <string.h>

#include "vstring.h"

#include "milter_reply.h"

/* milter_reply_u32 - a four-byte number in network byte order */

static unsigned long milter_reply_u32(const char *data)
{
    const unsigned char *p = (const unsigned char *)data;

    return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) | ((unsigned long)p[2] << 8) |
           p[3];
}

/* milter_reply_strings - split data into exactly count null-terminated strings */

static int milter_reply_strings(const char *data, size_t len, const char **out, int min, int max,
                                VSTRING *why)
{
    int n = 0;
    size_t pos = 0;

    while (pos < len) {
        const char *end = memchr(data + pos, 0, len - pos);

        if (end == NULL) {
            vstring_strcpy(why, "string without terminator");
            return -1;
        }
        if (n == max) {
            vstring_strcpy(why, "extra data after the last string");
            return -1;
        }
        out[n++] = data + pos;
        pos = (size_t)(end - data) + 1;
    }
    if (n < min) {
        vstring_strcpy(why, "missing string");
        return -1;
    }
    for (int i = n; i < max; i++)
        out[i] = NULL;
    return n;
}

/* milter_reply_name_ok - a header field name */

static int milter_reply_name_ok(const char *name, VSTRING *why)
{
    if (*name == 0) {
        vstring_strcpy(why, "empty header name");
        return -1;
    }
    for (const unsigned char *cp = (const unsigned char *)name; *cp; cp++) {
        if (*cp <= ' ' || *cp >= 0x7f || *cp == ':') {
            vstring_strcpy(why, "bad header name");
            return -1;
        }
    }
    return 0;
}

/* milter_reply_value_ok - a header value: no NUL (given), no bare CR */

static int milter_reply_value_ok(const char *value, VSTRING *why)
{
    for (const char *cp = value; *cp; cp++) {
        if (*cp == '\r' && cp[1] != '\n') {
            vstring_strcpy(why, "bare CR in header value");
            return -1;
        }
    }
    return 0;
}

/* milter_reply_header - name and value, with an index first when indexed */

static int milter_reply_header(const char *data, size_t len, bool indexed, MILTER_REPLY *out,
                               VSTRING *why)
{
    const char *strings[2];

    if (indexed) {
        if (len < 4) {
            vstring_strcpy(why, "short packet");
            return -1;
        }
        out->index = (long)milter_reply_u32(data);
        data += 4;
        len -= 4;
    }
    if (milter_reply_strings(data, len, strings, 2, 2, why) < 0)
        return -1;
    out->name = strings[0];
    out->value = strings[1];
    if (milter_reply_name_ok(out->name, why) < 0 || milter_reply_value_ok(out->value, why) < 0)
        return -1;
    return 0;
}

/* milter_reply_address - an address with optional ESMTP arguments */

static int milter_reply_address(const char *data, size_t len, int max, MILTER_REPLY *out,
                                VSTRING *why)
{
    const char *strings[2];

    if (milter_reply_strings(data, len, strings, 1, max, why) < 0)
        return -1;
    out->addr = strings[0];
    out->args = max > 1 ? strings[1] : NULL;
    if (*out->addr == 0) {
        vstring_strcpy(why, "empty address");
        return -1;
    }
    for (const unsigned char *cp = (const unsigned char *)out->addr; *cp; cp++) {
        if (*cp < ' ' || *cp == 0x7f) {
            vstring_strcpy(why, "control character in address");
            return -1;
        }
    }
    return 0;
}

/* milter_reply_line_ok - one line of a REPLYCODE reply */

static int milter_reply_line_ok(const char *line, size_t len, bool last, const char *code,
                                VSTRING *why)
{
    size_t i;

    if (len < 3 || (line[0] != '4' && line[0] != '5') || line[1] < '0' || line[1] > '9' ||
        line[2] < '0' || line[2] > '9' || strncmp(line, code, 3) != 0) {
        vstring_strcpy(why, "bad reply code");
        return -1;
    }
    if (len > 3 && line[3] != (last ? ' ' : '-')) {
        vstring_strcpy(why, "bad reply code separator");
        return -1;
    }
    if (!last && len == 3) {
        vstring_strcpy(why, "bad reply code separator");
        return -1;
    }
    for (i = 4; i < len; i++) {
        if ((unsigned char)line[i] < ' ' && line[i] != '\t') {
            vstring_strcpy(why, "control character in reply text");
            return -1;
        }
    }
    /* An enhanced status code has the reply's class. */
    if (len > 5 && line[4] >= '2' && line[4] <= '5' && line[5] == '.' && line[4] != line[0]) {
        vstring_strcpy(why, "enhanced status code does not match the reply code");
        return -1;
    }
    return 0;
}

/* milter_reply_code_ok - an SMTP reply that a milter wants sent */

int milter_reply_code_ok(const char *text, VSTRING *why)
{
    const char *line = text;

    if (*text == 0) {
        vstring_strcpy(why, "empty reply");
        return -1;
    }
    for (;;) {
        const char *end = strstr(line, "\r\n");
        bool last = end == NULL || end[2] == 0;
        size_t len = end ? (size_t)(end - line) : strlen(line);

        if (milter_reply_line_ok(line, len, last, text, why) < 0)
            return -1;
        if (last)
            return 0;
        line = end + 2;
    }
}

/* milter_reply_parse - one reply packet */

int milter_reply_parse(int cmd, const char *data, size_t len, MILTER_REPLY *out, VSTRING *why)
{
    const char *strings[1];

    memset(out, 0, sizeof(*out));
    out->cmd = cmd;
    switch (cmd) {
    case MILTER_REPLY_ACCEPT:
    case MILTER_REPLY_CONTINUE:
    case MILTER_REPLY_DISCARD:
    case MILTER_REPLY_REJECT:
    case MILTER_REPLY_TEMPFAIL:
    case MILTER_REPLY_SKIP:
    case MILTER_REPLY_PROGRESS:
    case MILTER_REPLY_SHUTDOWN:
    case MILTER_REPLY_CONN_FAIL:
        /* Data is ignored, as libmilter sends none. */
        return 0;
    case MILTER_REPLY_ADDHEADER:
        return milter_reply_header(data, len, false, out, why);
    case MILTER_REPLY_INSHEADER:
    case MILTER_REPLY_CHGHEADER:
        return milter_reply_header(data, len, true, out, why);
    case MILTER_REPLY_ADDRCPT:
    case MILTER_REPLY_DELRCPT:
        return milter_reply_address(data, len, 1, out, why);
    case MILTER_REPLY_ADDRCPT_PAR:
    case MILTER_REPLY_CHGFROM:
        return milter_reply_address(data, len, 2, out, why);
    case MILTER_REPLY_REPLBODY:
        out->data = data;
        out->len = len;
        return 0;
    case MILTER_REPLY_QUARANTINE:
        if (milter_reply_strings(data, len, strings, 1, 1, why) < 0)
            return -1;
        out->text = strings[0];
        return 0;
    case MILTER_REPLY_REPLYCODE:
        if (milter_reply_strings(data, len, strings, 1, 1, why) < 0)
            return -1;
        out->text = strings[0];
        return milter_reply_code_ok(out->text, why);
    default:
        vstring_sprintf(why, "unknown reply 0x%02x", (unsigned)cmd & 0xff);
        return -1;
    }
}

/* milter_reply_optneg - the negotiation answer */

int milter_reply_optneg(const char *data, size_t len, MILTER_OPTNEG *out, VSTRING *why)
{
    size_t pos = 12;

    memset(out, 0, sizeof(*out));
    if (len < 12) {
        vstring_strcpy(why, "short negotiation reply");
        return -1;
    }
    out->version = (unsigned)milter_reply_u32(data);
    out->actions = (unsigned)milter_reply_u32(data + 4);
    out->proto = (unsigned)milter_reply_u32(data + 8);
    while (pos < len) {
        unsigned long stage;
        const char *end;

        if (len - pos < 5) {
            vstring_strcpy(why, "short macro list");
            return -1;
        }
        stage = milter_reply_u32(data + pos);
        pos += 4;
        if ((end = memchr(data + pos, 0, len - pos)) == NULL) {
            vstring_strcpy(why, "macro list without terminator");
            return -1;
        }
        if (stage >= MILTER_MACRO_STAGE_UNKNOWN) {
            vstring_sprintf(why, "bad macro stage %lu", stage);
            return -1;
        }
        out->macros[stage] = data + pos;
        pos = (size_t)(end - data) + 1;
    }
    return 0;
}
