/*++
 * NAME
 *	header_fix - add the headers a locally submitted message lacks
 * SYNOPSIS
 *	#include <header_fix.h>
 *
 *	HEADER_FIX *header_fix_create(const HEADER_FIX_PROPS *props,
 *				HEADER_FIX_OUT_FN out, void *context);
 *	void	header_fix_line(HEADER_FIX *fix, const char *data, size_t len,
 *				int partial);
 *	void	header_fix_finish(HEADER_FIX *fix);
 *	const char *header_fix_message_id(const HEADER_FIX *fix);
 *	bool	header_fix_overflow(const HEADER_FIX *fix);
 *	HEADER_FIX *header_fix_free(HEADER_FIX *fix);
 *
 *	const char *header_fix_from_value(VSTRING *buf, const char *sender,
 *				const char *full_name);
 * DESCRIPTION
 *	header_fix_create() starts one message. Every content line given to
 *	header_fix_line() (without its terminator; partial != 0 when the
 *	line continues in the next call) comes out through out(context,
 *	data, len, partial) unchanged and in order. The header block is
 *	parsed as RFC 5322 says (header_scan(3): continuation lines, field
 *	names without regard to case, the block ends at the first empty
 *	line or the first line that is not a header).
 *
 *	When props->add_missing is set, the headers that the block lacks
 *	are added at its end, before the empty line, in this order:
 * .IP Message-Id:
 *	<YYYYMMDDhhmmss.queue_id@hostname>, the time in UTC.
 * .IP Date:
 *	props->now in the form of RFC 5322 (mail_date(3)).
 * .IP From:
 *	the envelope sender, with the full name as a display name when
 *	there is one (header_fix_from_value()).
 * .IP To:
 *	props->undisclosed (such as "To: undisclosed-recipients:;") when it
 *	is not empty and the message has no To:, Cc: or Bcc: header (or
 *	Resent- variant).
 * .PP
 *	When props->rewrite is set, each header of the block goes through
 *	it first (cleanup's address rewriting); what it returns replaces
 *	the header, for the output and for the checks above.
 *
 *	header_fix_finish() ends the content; a message that ends inside
 *	its header block gets the missing headers at the end.
 *
 *	header_fix_message_id() returns the Message-Id of the message (the
 *	first one found, or the one added), with folding white space
 *	collapsed, or "" when there is none; it is meant for the log line
 *	"queue_id: message-id=...". header_fix_overflow() tells whether
 *	the header block exceeded props->header_limit, in which case the
 *	rest was treated as body. header_fix_free() releases the fixer and
 *	returns NULL.
 *
 *	header_fix_from_value() formats "Full Name <sender>" (the name as a
 *	quoted string when it holds characters that a phrase may not), or
 *	the sender alone when there is no name, into buf. The null sender
 *	becomes MAILER-DAEMON. Control characters in the name are dropped.
 * BUGS
 *	Resent- headers do not cause Resent-Message-Id:, Resent-Date: or
 *	Resent-From: to be added. A full name with 8-bit characters is not
 *	encoded as RFC 2047 says.
 * SEE ALSO
 *	header_scan(3), mail_date(3), cleanup(8)
 *--*/

/* System library. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

/* Utility library. */
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "header_fix.h"
#include "header_scan.h"
#include "mail_date.h"

/* Headers whose presence matters. */
#define HEADER_FIX_SEEN_MESSAGE_ID (1 << 0)
#define HEADER_FIX_SEEN_DATE       (1 << 1)
#define HEADER_FIX_SEEN_FROM       (1 << 2)
#define HEADER_FIX_SEEN_RCPT       (1 << 3) /* To, Cc, Bcc or a Resent- variant */

static const struct {
    const char *name; /* field name */
    int bit;          /* HEADER_FIX_SEEN_* */
} header_fix_table[] = {
    {"Message-Id", HEADER_FIX_SEEN_MESSAGE_ID},
    {"Date", HEADER_FIX_SEEN_DATE},
    {"From", HEADER_FIX_SEEN_FROM},
    {"To", HEADER_FIX_SEEN_RCPT},
    {"Cc", HEADER_FIX_SEEN_RCPT},
    {"Bcc", HEADER_FIX_SEEN_RCPT},
    {"Resent-To", HEADER_FIX_SEEN_RCPT},
    {"Resent-Cc", HEADER_FIX_SEEN_RCPT},
    {"Resent-Bcc", HEADER_FIX_SEEN_RCPT},
};

struct HEADER_FIX {
    HEADER_FIX_PROPS props; /* borrowed strings */
    HEADER_FIX_OUT_FN out;  /* the caller's output */
    void *context;          /* the caller's context */
    HEADER_SCAN *scan;      /* the header parser, owned */
    int seen;               /* HEADER_FIX_SEEN_* */
    VSTRING *message_id;    /* for logging, owned */
    VSTRING *rewritten;     /* a header after props->rewrite, owned */
};

/* header_fix_out_lines - output a header's physical lines */

static void header_fix_out_lines(HEADER_FIX *fix, const char *text, size_t len)
{
    const char *end = text + len;
    const char *nl;

    while ((nl = memchr(text, '\n', end - text)) != NULL) {
        fix->out(fix->context, text, nl - text, 0);
        text = nl + 1;
    }
    fix->out(fix->context, text, end - text, 0);
}

/* header_fix_set_message_id - remember a Message-Id, folding undone */

static void header_fix_set_message_id(HEADER_FIX *fix, const char *value, size_t len)
{
    VSTRING_RESET(fix->message_id);
    for (size_t i = 0; i < len; i++) {
        if (value[i] == '\n')
            continue;
        if ((value[i] == ' ' || value[i] == '\t') &&
            (VSTRING_LEN(fix->message_id) == 0 || vstring_end(fix->message_id)[-1] == ' '))
            continue;
        vstring_addch(fix->message_id, value[i] == '\t' ? ' ' : value[i]);
    }
    while (VSTRING_LEN(fix->message_id) > 0 && vstring_end(fix->message_id)[-1] == ' ')
        vstring_truncate(fix->message_id, VSTRING_LEN(fix->message_id) - 1);
}

/* header_fix_header - note one header and pass it on */

static void header_fix_header(HEADER_FIX *fix, const char *text, size_t len)
{
    if (fix->props.rewrite &&
        fix->props.rewrite(fix->props.rewrite_context, text, len, fix->rewritten)) {
        text = vstring_str(fix->rewritten);
        len = VSTRING_LEN(fix->rewritten);
    }
    for (size_t i = 0; i < sizeof(header_fix_table) / sizeof(header_fix_table[0]); i++) {
        if (header_name_is(text, len, header_fix_table[i].name)) {
            if (header_fix_table[i].bit == HEADER_FIX_SEEN_MESSAGE_ID &&
                !(fix->seen & HEADER_FIX_SEEN_MESSAGE_ID)) {
                size_t value_len;
                const char *value = header_value(text, len, &value_len);

                header_fix_set_message_id(fix, value, value_len);
            }
            fix->seen |= header_fix_table[i].bit;
            break;
        }
    }
    header_fix_out_lines(fix, text, len);
}

/* header_fix_add - output one added header */

static void header_fix_add(HEADER_FIX *fix, VSTRING *line)
{
    fix->out(fix->context, vstring_str(line), VSTRING_LEN(line), 0);
}

/* header_fix_missing - add what the header block lacks */

static void header_fix_missing(HEADER_FIX *fix)
{
    const HEADER_FIX_PROPS *props = &fix->props;
    VSTRING *line = vstring_alloc(100);
    VSTRING *text = vstring_alloc(100);
    struct tm utc;
    char stamp[32];

    if (!(fix->seen & HEADER_FIX_SEEN_MESSAGE_ID)) {
        gmtime_r(&props->now, &utc);
        strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &utc);
        vstring_sprintf(text, "<%s.%s@%s>", stamp, props->queue_id, props->hostname);
        vstring_sprintf(line, "Message-Id: %s", vstring_str(text));
        header_fix_add(fix, line);
        vstring_strcpy(fix->message_id, vstring_str(text));
    }
    if (!(fix->seen & HEADER_FIX_SEEN_DATE)) {
        vstring_sprintf(line, "Date: %s", mail_date(text, props->now));
        header_fix_add(fix, line);
    }
    if (!(fix->seen & HEADER_FIX_SEEN_FROM)) {
        vstring_sprintf(line, "From: %s",
                        header_fix_from_value(text, props->sender, props->full_name));
        header_fix_add(fix, line);
    }
    if (!(fix->seen & HEADER_FIX_SEEN_RCPT) && props->undisclosed && *props->undisclosed) {
        vstring_strcpy(line, props->undisclosed);
        header_fix_add(fix, line);
    }
    vstring_free(line);
    vstring_free(text);
}

/* header_fix_event_cb - what the header scanner found */

static void header_fix_event_cb(void *context, int what, const char *text, size_t len, int partial)
{
    HEADER_FIX *fix = context;

    switch (what) {
    case HEADER_SCAN_HEADER:
        header_fix_header(fix, text, len);
        break;
    case HEADER_SCAN_END:
        if (fix->props.add_missing)
            header_fix_missing(fix);
        break;
    default:
        fix->out(fix->context, text, len, partial);
        break;
    }
}

/* header_fix_create - start one message */

HEADER_FIX *header_fix_create(const HEADER_FIX_PROPS *props, HEADER_FIX_OUT_FN out, void *context)
{
    HEADER_FIX *fix = mycalloc(1, sizeof(*fix));

    fix->props = *props;
    fix->out = out;
    fix->context = context;
    fix->scan = header_scan_create(props->header_limit, header_fix_event_cb, fix);
    fix->message_id = vstring_alloc(60);
    fix->rewritten = vstring_alloc(100);
    return fix;
}

/* header_fix_line - one content line or piece */

void header_fix_line(HEADER_FIX *fix, const char *data, size_t len, int partial)
{
    header_scan_line(fix->scan, data, len, partial);
}

/* header_fix_finish - end of the content */

void header_fix_finish(HEADER_FIX *fix)
{
    header_scan_finish(fix->scan);
}

/* header_fix_message_id - the message's Message-Id, for logging */

const char *header_fix_message_id(const HEADER_FIX *fix)
{
    return vstring_str(fix->message_id);
}

/* header_fix_overflow - did the header block exceed the limit */

bool header_fix_overflow(const HEADER_FIX *fix)
{
    return header_scan_overflow(fix->scan);
}

/* header_fix_free - release the fixer */

HEADER_FIX *header_fix_free(HEADER_FIX *fix)
{
    header_scan_free(fix->scan);
    vstring_free(fix->message_id);
    vstring_free(fix->rewritten);
    myfree(fix);
    return NULL;
}

/* header_fix_phrase_ok - can the name go into a header without quotes */

static bool header_fix_phrase_ok(const char *name)
{
    /* atext (RFC 5322 section 3.2.3) and spaces between words. */
    static const char atext_specials[] = "!#$%&'*+-/=?^_`{|}~";

    for (const char *cp = name; *cp; cp++)
        if (!isalnum((unsigned char)*cp) && *cp != ' ' && strchr(atext_specials, *cp) == NULL &&
            !((unsigned char)*cp & 0x80))
            return false;
    return true;
}

/* header_fix_from_value - "Full Name <sender>" or "sender" */

const char *header_fix_from_value(VSTRING *buf, const char *sender, const char *full_name)
{
    VSTRING *name = vstring_alloc(60);
    const char *address = *sender ? sender : "MAILER-DAEMON";

    for (const char *cp = full_name ? full_name : ""; *cp; cp++)
        if (!iscntrl((unsigned char)*cp) && !(*cp == ' ' && VSTRING_LEN(name) == 0))
            vstring_addch(name, *cp);
    while (VSTRING_LEN(name) > 0 && vstring_end(name)[-1] == ' ')
        vstring_truncate(name, VSTRING_LEN(name) - 1);
    if (VSTRING_LEN(name) == 0) {
        vstring_strcpy(buf, address);
    } else if (header_fix_phrase_ok(vstring_str(name))) {
        vstring_sprintf(buf, "%s <%s>", vstring_str(name), address);
    } else {
        vstring_strcpy(buf, "\"");
        for (const char *cp = vstring_str(name); *cp; cp++) {
            if (*cp == '"' || *cp == '\\')
                vstring_addch(buf, '\\');
            vstring_addch(buf, *cp);
        }
        vstring_sprintf_append(buf, "\" <%s>", address);
    }
    vstring_free(name);
    return vstring_str(buf);
}
