/*++
 * NAME
 *	smtp_checks - smtp_header_checks and smtp_body_checks while sending
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_checks_open(SMTP_CHECKS_CONFIG *checks, bool lmtp);
 *	bool	smtp_checks_wanted(const SMTP_CHECKS_CONFIG *checks);
 *	SMTP_CHECKS *smtp_checks_start(const SMTP_CHECKS_CONFIG *checks,
 *				const char *queue_id,
 *				SMTP_CHECKS_OUT_FN out, void *context);
 *	void	smtp_checks_line(SMTP_CHECKS *checks, const char *data,
 *				size_t len, int partial);
 *	SMTP_CHECKS *smtp_checks_finish(SMTP_CHECKS *checks);
 * DESCRIPTION
 *	The smtp client's restricted header_checks(5): the content is
 *	inspected as it goes out, with smtp_header_checks (the message's
 *	own headers), smtp_mime_header_checks (MIME headers and the headers
 *	of body parts), smtp_nested_header_checks (the headers of attached
 *	messages) and smtp_body_checks (every other line), following the
 *	MIME structure as cleanup does (mime_walk(3)). The queue file is
 *	not changed: each delivery edits what it sends. Before the
 *	checks, smtp_generic_maps rewrites the addresses of the message's
 *	own address headers (smtp_generic(3)).
 *
 *	Actions that would change when or where the message goes are not
 *	available here. DUNNO and OK keep the line; IGNORE deletes it;
 *	REPLACE text sends text instead (a header for a header); PREPEND
 *	text sends text before it; STRIP [text] deletes it and logs; WARN
 *	and INFO log. Any other action is logged as a warning and the line
 *	is sent unchanged. Log lines: "queue_id: action: header line: text"
 *	("body" for body lines).
 *
 *	The LMTP client does the same with lmtp_header_checks,
 *	lmtp_mime_header_checks, lmtp_nested_header_checks and
 *	lmtp_body_checks.
 *
 *	smtp_checks_open() opens the tables (once per process; lmtp: under
 *	the lmtp_* names, for messages);
 *	smtp_checks_wanted() tells whether any is set. smtp_checks_start()
 *	starts one message: what the checks let through goes to
 *	out(context, data, len, partial). smtp_checks_line() takes a
 *	content line or piece, smtp_checks_finish() ends the content and
 *	returns NULL.
 * DIAGNOSTICS
 *	Warnings: unusable or unsupported actions; a table lookup failure
 *	(the line is sent unchanged).
 * SEE ALSO
 *	header_checks(5), mime_walk(3), header_action(3)
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "header_action.h"
#include "header_scan.h"
#include "mail_params.h"
#include "maps.h"
#include "mime_walk.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_CHECKS_LOG_LIMIT 200 /* bytes of the inspected line that are logged */

struct SMTP_CHECKS {
    const SMTP_CHECKS_CONFIG *config; /* the tables, not owned */
    const char *queue_id;             /* for log lines, not owned */
    SMTP_CHECKS_OUT_FN out;           /* where lines go */
    void *context;                    /* for out */
    MIME_WALK *walk;                  /* the structure, owned */
    VSTRING *rewritten;               /* a header after generic mapping, owned */
};

/* smtp_checks_maps - one table list, or NULL */

static MAPS *smtp_checks_maps(const char *param, const char *value)
{
    return value && *value ? maps_create(param, value, DICT_FLAG_LOCK) : NULL;
}

/* smtp_checks_open - the tables */

void smtp_checks_open(SMTP_CHECKS_CONFIG *checks, bool lmtp)
{
    checks->header_maps = smtp_checks_maps(lmtp ? VAR_LMTP_HEADER_CHECKS : VAR_SMTP_HEADER_CHECKS,
                                           checks->header_checks);
    checks->mime_header_maps =
        smtp_checks_maps(lmtp ? VAR_LMTP_MIME_HEADER_CHECKS : VAR_SMTP_MIME_HEADER_CHECKS,
                         checks->mime_header_checks);
    checks->nested_header_maps =
        smtp_checks_maps(lmtp ? VAR_LMTP_NESTED_HEADER_CHECKS : VAR_SMTP_NESTED_HEADER_CHECKS,
                         checks->nested_header_checks);
    checks->body_maps =
        smtp_checks_maps(lmtp ? VAR_LMTP_BODY_CHECKS : VAR_SMTP_BODY_CHECKS, checks->body_checks);
}

/* smtp_checks_wanted - is any table set? */

bool smtp_checks_wanted(const SMTP_CHECKS_CONFIG *checks)
{
    return checks->header_maps || checks->mime_header_maps || checks->nested_header_maps ||
           checks->body_maps || (checks->generic && checks->generic->maps);
}

/* smtp_checks_out_lines - text with embedded newlines, as lines */

static void smtp_checks_out_lines(SMTP_CHECKS *checks, const char *text, size_t len)
{
    const char *end = text + len, *nl;

    for (;;) {
        nl = memchr(text, '\n', (size_t)(end - text));
        checks->out(checks->context, text, nl ? (size_t)(nl - text) : (size_t)(end - text), 0);
        if (nl == NULL)
            break;
        text = nl + 1;
    }
}

/* smtp_checks_log - "queue_id: action: header line: text" */

static void smtp_checks_log(SMTP_CHECKS *checks, const char *action, bool header,
                            const char *content, size_t len, const char *text)
{
    VSTRING *buf = vstring_alloc(200);
    size_t shown = len < SMTP_CHECKS_LOG_LIMIT ? len : SMTP_CHECKS_LOG_LIMIT;

    vstring_sprintf(buf, "%s: %s: %s ", checks->queue_id, action, header ? "header" : "body");
    for (size_t i = 0; i < shown; i++)
        vstring_addch(buf, iscntrl((unsigned char)content[i]) ? '?' : content[i]);
    if (text && *text)
        vstring_sprintf_append(buf, ": %s", text);
    msg_info("%s", vstring_str(buf));
    vstring_free(buf);
}

/* smtp_checks_text_ok - REPLACE and PREPEND need text; a header in a header table */

static bool smtp_checks_text_ok(const HEADER_ACTION_RESULT *res, const char *map_name, bool header)
{
    if (*res->text != 0 && (!header || header_name_len(res->text, strlen(res->text)) > 0))
        return true;
    msg_warn("bad %s text \"%s\" in %s map%s", res->keyword, res->text, map_name,
             header ? " -- need \"headername: headervalue\"" : "");
    return false;
}

/* smtp_checks_text - inspect one header or body line, then send what remains */

static void smtp_checks_text(SMTP_CHECKS *checks, MAPS *maps, bool header, const char *text,
                             size_t len, int partial)
{
    HEADER_ACTION_RESULT res = {.action = HEADER_ACTION_DUNNO, .text = ""};
    const char *value = NULL;
    char *key;

    if (maps != NULL) {
        key = mystrndup(text, len);
        if ((value = maps_find(maps, key, 0)) == NULL && maps->error)
            msg_warn("%s: %s map lookup problem", checks->queue_id, maps->title);
        myfree(key);
    }
    switch (value ? header_action_parse(value, &res) : HEADER_ACTION_DUNNO) {
    case HEADER_ACTION_IGNORE:
        return;
    case HEADER_ACTION_STRIP:
        smtp_checks_log(checks, "strip", header, text, len, res.text);
        return;
    case HEADER_ACTION_REPLACE:
        if (!smtp_checks_text_ok(&res, maps->title, header))
            break;
        smtp_checks_log(checks, "replace", header, text, len, res.text);
        smtp_checks_out_lines(checks, res.text, strlen(res.text));
        return;
    case HEADER_ACTION_PREPEND:
        if (smtp_checks_text_ok(&res, maps->title, header))
            smtp_checks_out_lines(checks, res.text, strlen(res.text));
        break;
    case HEADER_ACTION_WARN:
        smtp_checks_log(checks, "warning", header, text, len, res.text);
        break;
    case HEADER_ACTION_INFO:
        smtp_checks_log(checks, "info", header, text, len, res.text);
        break;
    case HEADER_ACTION_DUNNO:
        break;
    default:
        msg_warn("unsupported action in %s map: %s", maps->title, value);
        break;
    }
    if (header)
        smtp_checks_out_lines(checks, text, len);
    else
        checks->out(checks->context, text, len, partial);
}

/* smtp_checks_walk_cb - mime_walk(3) callback */

static void smtp_checks_walk_cb(void *context, int what, int header_class, const char *text,
                                size_t len, int partial)
{
    SMTP_CHECKS *checks = context;
    const SMTP_CHECKS_CONFIG *config = checks->config;
    MAPS *maps;

    switch (what) {
    case MIME_WALK_HEADER:
        if (header_class == MIME_WALK_PRIMARY && config->generic &&
            smtp_generic_header(config->generic, text, len, checks->rewritten)) {
            text = vstring_str(checks->rewritten);
            len = VSTRING_LEN(checks->rewritten);
        }
        maps = mime_walk_mime_header(text, len) || header_class == MIME_WALK_MULTIPART
                   ? config->mime_header_maps
               : header_class == MIME_WALK_NESTED ? config->nested_header_maps
                                                  : config->header_maps;
        smtp_checks_text(checks, maps, true, text, len, 0);
        break;
    case MIME_WALK_BODY:
        smtp_checks_text(checks, config->body_maps, false, text, len, partial);
        break;
    default:
        break;
    }
}

/* smtp_checks_start - one message */

SMTP_CHECKS *smtp_checks_start(const SMTP_CHECKS_CONFIG *config, const char *queue_id,
                               SMTP_CHECKS_OUT_FN out, void *context)
{
    SMTP_CHECKS *checks = mycalloc(1, sizeof(*checks));

    checks->config = config;
    checks->queue_id = queue_id;
    checks->out = out;
    checks->context = context;
    checks->rewritten = vstring_alloc(100);
    checks->walk = mime_walk_create(&(MIME_WALK_PROPS){0}, smtp_checks_walk_cb, checks);
    return checks;
}

/* smtp_checks_line - one content line or piece */

void smtp_checks_line(SMTP_CHECKS *checks, const char *data, size_t len, int partial)
{
    mime_walk_line(checks->walk, data, len, partial);
}

/* smtp_checks_finish - end of the content */

SMTP_CHECKS *smtp_checks_finish(SMTP_CHECKS *checks)
{
    mime_walk_finish(checks->walk);
    mime_walk_free(checks->walk);
    vstring_free(checks->rewritten);
    myfree(checks);
    return NULL;
}
