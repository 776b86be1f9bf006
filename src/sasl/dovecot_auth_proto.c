/*++
 * NAME
 *	dovecot_auth_proto - Dovecot's authentication protocol, client side, without I/O
 * SYNOPSIS
 *	#include <dovecot_auth_proto.h>
 *
 *	void	dovecot_auth_escape(VSTRING *out, const char *in);
 *	int	dovecot_auth_unescape(VSTRING *out, const char *in, size_t len);
 *	bool	dovecot_auth_base64_ok(const char *in, size_t len);
 *
 *	void	dovecot_auth_handshake_init(DOVECOT_AUTH_HANDSHAKE *hs);
 *	int	dovecot_auth_handshake_line(DOVECOT_AUTH_HANDSHAKE *hs,
 *				const char *line, size_t len, VSTRING *why);
 *	int	dovecot_auth_mech_flags(const char *word);
 *	bool	dovecot_auth_mech_allowed(int mech_flags, int secopts);
 *	const DOVECOT_AUTH_MECH *dovecot_auth_mech_find(
 *				const DOVECOT_AUTH_HANDSHAKE *hs, const char *name);
 *	void	dovecot_auth_mech_list(const DOVECOT_AUTH_HANDSHAKE *hs,
 *				int secopts, VSTRING *out);
 *
 *	DOVECOT_AUTH_REPLY *dovecot_auth_reply_alloc(void);
 *	void	dovecot_auth_reply_free(DOVECOT_AUTH_REPLY *reply);
 *	int	dovecot_auth_reply_parse(DOVECOT_AUTH_REPLY *reply,
 *				const char *line, size_t len, VSTRING *why);
 *
 *	void	dovecot_auth_format_hello(VSTRING *out, long pid);
 *	int	dovecot_auth_format_auth(VSTRING *out, unsigned id,
 *				const char *mechanism,
 *				const DOVECOT_AUTH_REQUEST *request,
 *				const char *response, VSTRING *why);
 *	int	dovecot_auth_format_cont(VSTRING *out, unsigned id,
 *				const char *response, VSTRING *why);
 * DESCRIPTION
 *	This module knows the protocol that Dovecot's auth service speaks
 *	to its clients, and does no I/O. A line is one command: a name and
 *	fields, separated by TAB and ended by LF. Within a field, \001 is
 *	an escape: \001 followed by 0, 1, t, r or n stands for NUL, \001,
 *	TAB, CR or LF, and followed by anything else for that character.
 *	The server's lines are given here without their LF; one longer than
 *	DOVECOT_AUTH_LINE_MAX, with more than DOVECOT_AUTH_FIELD_MAX fields,
 *	or with a control character other than TAB and \001 is refused.
 *
 *	dovecot_auth_escape() appends in to out, escaped as a field.
 *	dovecot_auth_unescape() replaces out with the len bytes at in,
 *	unescaped (binary-safe); it returns 0, or -1 for a \001 at the end.
 *	dovecot_auth_base64_ok() tells whether len bytes at in are base64
 *	(RFC 4648 alphabet and padding; empty is base64), the only form in
 *	which SASL data may travel in either direction.
 *
 *	The handshake: dovecot_auth_handshake_init() resets hs, and
 *	dovecot_auth_handshake_line() takes the server's lines one by one.
 *	The first must be VERSION with our major version; then come MECH
 *	lines (a mechanism name of RFC 4422 characters and its flags, at
 *	most DOVECOT_AUTH_MECH_MAX of them), SPID, CUID and COOKIE (which a
 *	client that authenticates others does not need), and DONE. Other
 *	commands are ignored, for newer servers, when their names look like
 *	commands; at most DOVECOT_AUTH_HANDSHAKE_MAX lines are taken. The
 *	result is DOVECOT_AUTH_HS_MORE, DOVECOT_AUTH_HS_DONE after DONE, or
 *	DOVECOT_AUTH_HS_ERROR with a reason in why.
 *
 *	dovecot_auth_mech_flags() maps one MECH flag word to its
 *	DOVECOT_MECH_* bit (0 for words it does not know).
 *	dovecot_auth_mech_allowed() applies the security options (a
 *	SASL_SECOPT_* mask, sasl_secopts(3)) to a mechanism's flags: noplaintext,
 *	noactive, nodictionary and noanonymous drop mechanisms with the
 *	matching flag; mutual_auth and forward_secrecy keep only mechanisms
 *	that have it; private mechanisms are never allowed.
 *	dovecot_auth_mech_find() looks a mechanism up by name, case
 *	insensitively (NULL when the server did not announce it);
 *	dovecot_auth_mech_list() replaces out with the space-separated names
 *	of the announced mechanisms that secopts allow, in announced order.
 *
 *	Replies: dovecot_auth_reply_parse() parses an OK, FAIL or CONT line
 *	into reply and returns 0, or -1 with a reason in why. A request id
 *	must be a decimal number from 1; the caller compares it with its
 *	own. CONT carries base64 data. OK must name the user (user=, printable
 *	and at most DOVECOT_AUTH_USER_MAX bytes). FAIL may carry reason=
 *	(its control characters masked, cut at DOVECOT_AUTH_REASON_MAX for
 *	the log) and temp or code=temp_fail for a temporary failure. Unknown
 *	optional fields are ignored, as the protocol asks.
 *
 *	Requests: dovecot_auth_format_hello() replaces out with the client's
 *	handshake (VERSION and CPID). dovecot_auth_format_auth() replaces
 *	out with an AUTH line: request id, mechanism, service=, nologin (we
 *	verify credentials, nobody logs in), lip=, rip=, lport=, rport=,
 *	secured when request->secured, and resp= with the initial response
 *	last (left out when response is NULL; "" is an empty initial
 *	response). dovecot_auth_format_cont() replaces out with a CONT line.
 *	Both return 0, or -1 with a reason in why when the mechanism name is
 *	not one or the response is not base64: client data never reaches
 *	the server unless it is base64, so it cannot add fields or lines.
 * DIAGNOSTICS
 *	Nothing is logged; problems are returned with a reason.
 * SEE ALSO
 *	sasl_dovecot_server(3), sasl_secopts(3), Dovecot's "Authentication
 *	Protocol" (doc.dovecot.org), RFC 4422 section 3.1 (mechanism names)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* SASL library. */
#include "dovecot_auth_proto.h"
#include "sasl_secopts.h"

/* The escape byte and what may follow it. */
#define DOVECOT_ESC '\001'

/* One field of a line, pointing into the line. */
typedef struct DOVECOT_FIELD {
    const char *ptr; /* first byte */
    size_t len;      /* length */
} DOVECOT_FIELD;

/* One server line cut into fields. */
typedef struct DOVECOT_LINE {
    size_t count;                                /* fields used */
    DOVECOT_FIELD field[DOVECOT_AUTH_FIELD_MAX]; /* the command is field[0] */
} DOVECOT_LINE;

/* MECH flag words. */
static const struct {
    const char *word;
    int flag;
} dovecot_mech_flag_table[] = {
    {"anonymous", DOVECOT_MECH_ANONYMOUS},
    {"plaintext", DOVECOT_MECH_PLAINTEXT},
    {"dictionary", DOVECOT_MECH_DICTIONARY},
    {"active", DOVECOT_MECH_ACTIVE},
    {"forward-secrecy", DOVECOT_MECH_FORWARD_SECRECY},
    {"mutual-auth", DOVECOT_MECH_MUTUAL_AUTH},
    {"private", DOVECOT_MECH_PRIVATE},
};

#define DOVECOT_MECH_FLAG_N (sizeof(dovecot_mech_flag_table) / sizeof(dovecot_mech_flag_table[0]))

/* dovecot_auth_escape - append one value, escaped */

void dovecot_auth_escape(VSTRING *out, const char *in)
{
    for (const char *cp = in; *cp; cp++) {
        switch (*cp) {
        case DOVECOT_ESC:
            vstring_strcat(out, "\0011");
            break;
        case '\t':
            vstring_strcat(out, "\001t");
            break;
        case '\r':
            vstring_strcat(out, "\001r");
            break;
        case '\n':
            vstring_strcat(out, "\001n");
            break;
        default:
            vstring_addch(out, *cp);
            break;
        }
    }
}

/* dovecot_auth_unescape - one field's value */

int dovecot_auth_unescape(VSTRING *out, const char *in, size_t len)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)in[i];

        if (ch == DOVECOT_ESC) {
            if (++i == len)
                return -1;
            switch (in[i]) {
            case '0':
                ch = 0;
                break;
            case '1':
                ch = DOVECOT_ESC;
                break;
            case 't':
                ch = '\t';
                break;
            case 'r':
                ch = '\r';
                break;
            case 'n':
                ch = '\n';
                break;
            default:
                ch = (unsigned char)in[i];
                break;
            }
        }
        vstring_addch(out, ch);
    }
    return 0;
}

/* dovecot_auth_base64_char - one character of the base64 alphabet? */

static bool dovecot_auth_base64_char(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

/* dovecot_auth_base64_ok - RFC 4648 base64, padded */

bool dovecot_auth_base64_ok(const char *in, size_t len)
{
    size_t pad = 0;

    if (len % 4 != 0)
        return false;
    if (len > 0 && in[len - 1] == '=')
        pad = (len > 1 && in[len - 2] == '=') ? 2 : 1;
    for (size_t i = 0; i < len - pad; i++)
        if (!dovecot_auth_base64_char((unsigned char)in[i]))
            return false;
    return true;
}

/* dovecot_auth_split - cut one server line into fields */

static int dovecot_auth_split(DOVECOT_LINE *line, const char *text, size_t len, VSTRING *why)
{
    size_t start = 0;

    if (len >= DOVECOT_AUTH_LINE_MAX) {
        vstring_sprintf(why, "line longer than %d bytes", DOVECOT_AUTH_LINE_MAX - 1);
        return -1;
    }
    line->count = 0;
    for (size_t i = 0; i <= len; i++) {
        int ch = i < len ? (unsigned char)text[i] : '\t';

        if (ch != '\t') {
            if (ch < 0x20 && ch != DOVECOT_ESC) {
                vstring_sprintf(why, "control character 0x%02x in line", ch);
                return -1;
            }
            continue;
        }
        if (line->count == DOVECOT_AUTH_FIELD_MAX) {
            vstring_sprintf(why, "more than %d fields in line", DOVECOT_AUTH_FIELD_MAX);
            return -1;
        }
        line->field[line->count++] = (DOVECOT_FIELD){text + start, i - start};
        start = i + 1;
    }
    return 0;
}

/* dovecot_field_is - does a field hold exactly this text? */

static bool dovecot_field_is(const DOVECOT_FIELD *field, const char *text)
{
    return field->len == strlen(text) && memcmp(field->ptr, text, field->len) == 0;
}

/* dovecot_field_number - a decimal number of 1 to 9 digits, or -1 */

static long dovecot_field_number(const DOVECOT_FIELD *field)
{
    long value = 0;

    if (field->len == 0 || field->len > 9)
        return -1;
    for (size_t i = 0; i < field->len; i++) {
        if (!isdigit((unsigned char)field->ptr[i]))
            return -1;
        value = value * 10 + (field->ptr[i] - '0');
    }
    return value;
}

/* dovecot_field_command_ok - does a field look like a command name? */

static bool dovecot_field_command_ok(const DOVECOT_FIELD *field)
{
    if (field->len == 0 || field->len > 32)
        return false;
    for (size_t i = 0; i < field->len; i++) {
        int ch = (unsigned char)field->ptr[i];

        if (!(ch >= 'A' && ch <= 'Z') && !isdigit(ch) && ch != '-' && ch != '_')
            return false;
    }
    return true;
}

/* dovecot_auth_mech_name_ok - RFC 4422 mechanism name characters, any case */

static bool dovecot_auth_mech_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > DOVECOT_AUTH_MECH_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)name[i];

        if (!isalnum(ch) && ch != '-' && ch != '_')
            return false;
    }
    return true;
}

/* dovecot_auth_handshake_init - before the first line */

void dovecot_auth_handshake_init(DOVECOT_AUTH_HANDSHAKE *hs)
{
    memset(hs, 0, sizeof(*hs));
}

/* dovecot_auth_mech_flags - one MECH flag word */

int dovecot_auth_mech_flags(const char *word)
{
    for (size_t i = 0; i < DOVECOT_MECH_FLAG_N; i++)
        if (strcmp(word, dovecot_mech_flag_table[i].word) == 0)
            return dovecot_mech_flag_table[i].flag;
    return 0;
}

/* dovecot_auth_handshake_version - the first line */

static int dovecot_auth_handshake_version(DOVECOT_AUTH_HANDSHAKE *hs, const DOVECOT_LINE *line,
                                          VSTRING *why)
{
    long major, minor;

    if (!dovecot_field_is(&line->field[0], "VERSION")) {
        vstring_sprintf(why, "handshake does not start with VERSION");
        return DOVECOT_AUTH_HS_ERROR;
    }
    if (line->count < 3 || (major = dovecot_field_number(&line->field[1])) < 0 ||
        (minor = dovecot_field_number(&line->field[2])) < 0) {
        vstring_sprintf(why, "malformed VERSION line");
        return DOVECOT_AUTH_HS_ERROR;
    }
    if (major != DOVECOT_AUTH_MAJOR) {
        vstring_sprintf(why, "unsupported protocol version %ld.%ld (need %d.x)", major, minor,
                        DOVECOT_AUTH_MAJOR);
        return DOVECOT_AUTH_HS_ERROR;
    }
    hs->major = (unsigned)major;
    hs->minor = (unsigned)minor;
    hs->have_version = true;
    return DOVECOT_AUTH_HS_MORE;
}

/* dovecot_auth_handshake_mech - one MECH line */

static int dovecot_auth_handshake_mech(DOVECOT_AUTH_HANDSHAKE *hs, const DOVECOT_LINE *line,
                                       VSTRING *why)
{
    VSTRING *word = vstring_alloc(32);
    DOVECOT_AUTH_MECH mech = {.flags = 0};
    int status = DOVECOT_AUTH_HS_MORE;

    if (line->count < 2 ||
        dovecot_auth_unescape(word, line->field[1].ptr, line->field[1].len) < 0 ||
        !dovecot_auth_mech_name_ok(vstring_str(word), VSTRING_LEN(word))) {
        vstring_sprintf(why, "malformed MECH line");
        status = DOVECOT_AUTH_HS_ERROR;
    } else {
        memcpy(mech.name, vstring_str(word), VSTRING_LEN(word) + 1);
        for (char *cp = mech.name; *cp; cp++)
            *cp = (char)toupper((unsigned char)*cp);
        for (size_t i = 2; i < line->count; i++) {
            if (dovecot_auth_unescape(word, line->field[i].ptr, line->field[i].len) < 0) {
                vstring_sprintf(why, "malformed MECH line");
                status = DOVECOT_AUTH_HS_ERROR;
                break;
            }
            mech.flags |= dovecot_auth_mech_flags(vstring_str(word));
        }
    }
    if (status == DOVECOT_AUTH_HS_MORE && dovecot_auth_mech_find(hs, mech.name) == NULL) {
        if (hs->mech_count == DOVECOT_AUTH_MECH_MAX) {
            vstring_sprintf(why, "more than %d mechanisms", DOVECOT_AUTH_MECH_MAX);
            status = DOVECOT_AUTH_HS_ERROR;
        } else {
            hs->mechs[hs->mech_count++] = mech;
        }
    }
    vstring_free(word);
    return status;
}

/* dovecot_auth_handshake_line - one line of the server's handshake */

int dovecot_auth_handshake_line(DOVECOT_AUTH_HANDSHAKE *hs, const char *text, size_t len,
                                VSTRING *why)
{
    DOVECOT_LINE line;
    const DOVECOT_FIELD *command = &line.field[0];

    if (hs->done) {
        vstring_sprintf(why, "line after DONE");
        return DOVECOT_AUTH_HS_ERROR;
    }
    if (++hs->lines > DOVECOT_AUTH_HANDSHAKE_MAX) {
        vstring_sprintf(why, "handshake longer than %d lines", DOVECOT_AUTH_HANDSHAKE_MAX);
        return DOVECOT_AUTH_HS_ERROR;
    }
    if (dovecot_auth_split(&line, text, len, why) < 0)
        return DOVECOT_AUTH_HS_ERROR;
    if (!hs->have_version)
        return dovecot_auth_handshake_version(hs, &line, why);
    if (dovecot_field_is(command, "MECH"))
        return dovecot_auth_handshake_mech(hs, &line, why);
    if (dovecot_field_is(command, "DONE")) {
        hs->done = true;
        return DOVECOT_AUTH_HS_DONE;
    }
    if (dovecot_field_is(command, "VERSION")) {
        vstring_sprintf(why, "VERSION sent twice");
        return DOVECOT_AUTH_HS_ERROR;
    }
    /* SPID, CUID, COOKIE, and commands of later versions: not needed here. */
    if (!dovecot_field_command_ok(command)) {
        vstring_sprintf(why, "malformed handshake line");
        return DOVECOT_AUTH_HS_ERROR;
    }
    return DOVECOT_AUTH_HS_MORE;
}

/* dovecot_auth_mech_allowed - apply the security options to one mechanism */

bool dovecot_auth_mech_allowed(int flags, int secopts)
{
    if (flags & DOVECOT_MECH_PRIVATE)
        return false;
    if ((secopts & SASL_SECOPT_NOPLAINTEXT) && (flags & DOVECOT_MECH_PLAINTEXT))
        return false;
    if ((secopts & SASL_SECOPT_NOACTIVE) && (flags & DOVECOT_MECH_ACTIVE))
        return false;
    if ((secopts & SASL_SECOPT_NODICTIONARY) && (flags & DOVECOT_MECH_DICTIONARY))
        return false;
    if ((secopts & SASL_SECOPT_NOANONYMOUS) && (flags & DOVECOT_MECH_ANONYMOUS))
        return false;
    if ((secopts & SASL_SECOPT_MUTUAL_AUTH) && !(flags & DOVECOT_MECH_MUTUAL_AUTH))
        return false;
    if ((secopts & SASL_SECOPT_FORWARD_SECRECY) && !(flags & DOVECOT_MECH_FORWARD_SECRECY))
        return false;
    return true;
}

/* dovecot_auth_mech_find - an announced mechanism by name */

const DOVECOT_AUTH_MECH *dovecot_auth_mech_find(const DOVECOT_AUTH_HANDSHAKE *hs, const char *name)
{
    for (size_t i = 0; i < hs->mech_count; i++)
        if (strcasecmp(hs->mechs[i].name, name) == 0)
            return &hs->mechs[i];
    return NULL;
}

/* dovecot_auth_mech_list - the names that the security options allow */

void dovecot_auth_mech_list(const DOVECOT_AUTH_HANDSHAKE *hs, int secopts, VSTRING *out)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < hs->mech_count; i++) {
        if (!dovecot_auth_mech_allowed(hs->mechs[i].flags, secopts))
            continue;
        if (!vstring_empty(out))
            vstring_addch(out, ' ');
        vstring_strcat(out, hs->mechs[i].name);
    }
}

/* dovecot_auth_reply_alloc - an empty reply */

DOVECOT_AUTH_REPLY *dovecot_auth_reply_alloc(void)
{
    DOVECOT_AUTH_REPLY *reply = mymalloc(sizeof(*reply));

    reply->type = DOVECOT_AUTH_REPLY_FAIL;
    reply->id = 0;
    reply->data = vstring_alloc(64);
    reply->user = vstring_alloc(32);
    reply->reason = vstring_alloc(32);
    reply->temp = false;
    return reply;
}

/* dovecot_auth_reply_free - free a reply */

void dovecot_auth_reply_free(DOVECOT_AUTH_REPLY *reply)
{
    vstring_free(reply->data);
    vstring_free(reply->user);
    vstring_free(reply->reason);
    myfree(reply);
}

/* dovecot_auth_printable - no control characters, no NUL */

static bool dovecot_auth_printable(const VSTRING *text)
{
    for (size_t i = 0; i < VSTRING_LEN(text); i++) {
        int ch = (unsigned char)vstring_str(text)[i];

        if (ch < 0x20 || ch == 0x7f)
            return false;
    }
    return true;
}

/* dovecot_auth_reply_params - the optional fields of OK and FAIL */

static int dovecot_auth_reply_params(DOVECOT_AUTH_REPLY *reply, const DOVECOT_LINE *line,
                                     VSTRING *why)
{
    VSTRING *value = vstring_alloc(64);
    int status = 0;

    for (size_t i = 2; i < line->count && status == 0; i++) {
        const DOVECOT_FIELD *field = &line->field[i];
        const char *eq = memchr(field->ptr, '=', field->len);
        size_t name_len = eq ? (size_t)(eq - field->ptr) : field->len;
        DOVECOT_FIELD name = {field->ptr, name_len};

        if (eq && dovecot_auth_unescape(value, eq + 1, field->len - name_len - 1) < 0) {
            vstring_sprintf(why, "malformed field in %s reply",
                            reply->type == DOVECOT_AUTH_REPLY_OK ? "OK" : "FAIL");
            status = -1;
        } else if (eq && dovecot_field_is(&name, "user")) {
            vstring_memcpy(reply->user, vstring_str(value), VSTRING_LEN(value));
        } else if (eq && dovecot_field_is(&name, "reason")) {
            size_t n = VSTRING_LEN(value) < DOVECOT_AUTH_REASON_MAX ? VSTRING_LEN(value)
                                                                    : DOVECOT_AUTH_REASON_MAX;

            VSTRING_RESET(reply->reason);
            for (size_t k = 0; k < n; k++) {
                int ch = (unsigned char)vstring_str(value)[k];

                vstring_addch(reply->reason, ch < 0x20 || ch == 0x7f ? '?' : ch);
            }
        } else if (!eq && dovecot_field_is(&name, "temp")) {
            reply->temp = true;
        } else if (eq && dovecot_field_is(&name, "code") &&
                   strcmp(vstring_str(value), "temp_fail") == 0) {
            reply->temp = true;
        }
    }
    vstring_free(value);
    return status;
}

/* dovecot_auth_reply_parse - one reply to AUTH or CONT */

int dovecot_auth_reply_parse(DOVECOT_AUTH_REPLY *reply, const char *text, size_t len, VSTRING *why)
{
    DOVECOT_LINE line;
    long id;

    VSTRING_RESET(reply->data);
    VSTRING_RESET(reply->user);
    VSTRING_RESET(reply->reason);
    reply->temp = false;
    reply->id = 0;
    if (dovecot_auth_split(&line, text, len, why) < 0)
        return -1;
    if (dovecot_field_is(&line.field[0], "OK")) {
        reply->type = DOVECOT_AUTH_REPLY_OK;
    } else if (dovecot_field_is(&line.field[0], "FAIL")) {
        reply->type = DOVECOT_AUTH_REPLY_FAIL;
    } else if (dovecot_field_is(&line.field[0], "CONT")) {
        reply->type = DOVECOT_AUTH_REPLY_CONT;
    } else {
        vstring_sprintf(why, "unexpected reply (not OK, FAIL or CONT)");
        return -1;
    }
    if (line.count < 2 || (id = dovecot_field_number(&line.field[1])) <= 0) {
        vstring_sprintf(why, "malformed request id in reply");
        return -1;
    }
    reply->id = (unsigned)id;
    if (reply->type == DOVECOT_AUTH_REPLY_CONT) {
        if (line.count > 2 &&
            (dovecot_auth_unescape(reply->data, line.field[2].ptr, line.field[2].len) < 0 ||
             !dovecot_auth_base64_ok(vstring_str(reply->data), VSTRING_LEN(reply->data)))) {
            vstring_sprintf(why, "malformed challenge in CONT reply");
            return -1;
        }
        return 0;
    }
    if (dovecot_auth_reply_params(reply, &line, why) < 0)
        return -1;
    if (!dovecot_auth_printable(reply->user) || VSTRING_LEN(reply->user) > DOVECOT_AUTH_USER_MAX) {
        if (reply->type == DOVECOT_AUTH_REPLY_OK) {
            vstring_sprintf(why, "malformed user name in OK reply");
            return -1;
        }
        VSTRING_RESET(reply->user);
    }
    if (reply->type == DOVECOT_AUTH_REPLY_OK && vstring_empty(reply->user)) {
        vstring_sprintf(why, "OK reply without a user name");
        return -1;
    }
    return 0;
}

/* dovecot_auth_format_hello - the client's handshake */

void dovecot_auth_format_hello(VSTRING *out, long pid)
{
    vstring_sprintf(out, "VERSION\t%d\t%d\nCPID\t%ld\n", DOVECOT_AUTH_MAJOR, DOVECOT_AUTH_MINOR,
                    pid);
}

/* dovecot_auth_format_param - append "\tname=value" when value is set */

static void dovecot_auth_format_param(VSTRING *out, const char *name, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    vstring_sprintf_append(out, "\t%s=", name);
    dovecot_auth_escape(out, value);
}

/* dovecot_auth_format_auth - an AUTH request */

int dovecot_auth_format_auth(VSTRING *out, unsigned id, const char *mechanism,
                             const DOVECOT_AUTH_REQUEST *request, const char *response,
                             VSTRING *why)
{
    if (!dovecot_auth_mech_name_ok(mechanism, strlen(mechanism))) {
        vstring_sprintf(why, "malformed mechanism name");
        return -1;
    }
    if (response != NULL && !dovecot_auth_base64_ok(response, strlen(response))) {
        vstring_sprintf(why, "malformed base64 in initial response");
        return -1;
    }
    vstring_sprintf(out, "AUTH\t%u\t%s", id, mechanism);
    dovecot_auth_format_param(out, "service", request->service);
    vstring_strcat(out, "\tnologin");
    dovecot_auth_format_param(out, "lip", request->local_addr);
    dovecot_auth_format_param(out, "rip", request->remote_addr);
    dovecot_auth_format_param(out, "lport", request->local_port);
    dovecot_auth_format_param(out, "rport", request->remote_port);
    if (request->secured)
        vstring_strcat(out, "\tsecured");
    /* resp= goes last, as the protocol asks. */
    if (response != NULL)
        vstring_sprintf_append(out, "\tresp=%s", response);
    vstring_addch(out, '\n');
    return 0;
}

/* dovecot_auth_format_cont - a CONT request */

int dovecot_auth_format_cont(VSTRING *out, unsigned id, const char *response, VSTRING *why)
{
    if (!dovecot_auth_base64_ok(response, strlen(response))) {
        vstring_sprintf(why, "malformed base64 in response");
        return -1;
    }
    vstring_sprintf(out, "CONT\t%u\t%s\n", id, response);
    return 0;
}
