/*++
 * NAME
 *	cleanup_checks - header_checks, mime_header_checks, nested_header_checks, body_checks
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	void	cleanup_checks_open(CLEANUP_CONFIG *config);
 *	bool	cleanup_checks_wanted(const CLEANUP_CONFIG *config);
 *	void	cleanup_checks_start(CLEANUP_STATE *state);
 *	void	cleanup_checks_line(CLEANUP_STATE *state, const char *data,
 *				size_t len, int partial);
 *	void	cleanup_checks_finish(CLEANUP_STATE *state);
 *	MILTER_HEADER_VERDICT cleanup_checks_milter(void *context,
 *				const char *field, VSTRING *replacement);
 * DESCRIPTION
 *	Postfix's built-in content inspection (header_checks(5)), for every
 *	message that cleanup writes, whatever its source (smtpd, pickup).
 *
 *	cleanup_checks_open() opens the tables that the configuration names
 *	(once per process). cleanup_checks_wanted() tells whether any is
 *	set; without tables the content does not go through here at all.
 *
 *	cleanup_checks_start() starts a message: the content is walked as
 *	MIME structure (mime_walk(3)) unless disable_mime_input_processing
 *	is set. cleanup_checks_line() takes a content line (or piece) and
 *	passes what remains of it on to the header fixer; cleanup_checks_finish()
 *	ends the content.
 *
 *	Which table sees what, as in Postfix: Content-* and MIME-Version
 *	headers, at any level, and every header of a multipart body part go
 *	to mime_header_checks; the message's other headers to header_checks;
 *	the other headers of an attached message/rfc822 message to
 *	nested_header_checks; every other line (boundaries included) to
 *	body_checks, up to body_checks_size_limit bytes per body part. A
 *	header is looked up as one string, its lines joined by newlines.
 *
 *	Actions (header_action(3)): REJECT [text] refuses the message with
 *	"5.7.1 text" (default "message content rejected"; a text that
 *	starts with an enhanced status code keeps it), which smtpd sends as
 *	its 550 reply; WARN and INFO log; DISCARD accepts and drops the
 *	message (and ends the inspection); HOLD puts it on hold; FILTER
 *	transport:destination and REDIRECT user@domain replace the route or
 *	the recipients of the whole message (the last one wins); BCC
 *	user@domain adds a recipient; IGNORE deletes the line; REPLACE text
 *	replaces it; PREPEND text puts a line (for headers: a header) before
 *	it; DUNNO and OK do nothing. After a REJECT or DISCARD no more lines
 *	are inspected. Each action but IGNORE, PREPEND and BCC is logged as
 *	Postfix logs it:
 *
 *	ID: reject: header Subject: hi from host[addr]; from=<s> to=<r>
 *	    proto=ESMTP helo=<name>: 5.7.1 text
 *
 *	("from local" and no proto= or helo= for local submissions; control
 *	characters in the logged line become '?').
 *
 *	cleanup_checks_milter() applies milter_header_checks to a header
 *	field that one of non_smtpd_milters adds, inserts or changes (the
 *	MILTER_HEADER_FN of milters_header_checks(), context is the
 *	CLEANUP_STATE), with the same actions and log lines, except PREPEND,
 *	which is not supported there (a warning; the field is kept). REJECT
 *	and a failed lookup refuse the message (the state's error and the
 *	reply "550 reason" or "451 4.3.0 ..."), IGNORE leaves the field out,
 *	REPLACE puts the new field in replacement. With CLEANUP_FLAG_NO_CHECKS
 *	(receive_override_options = no_header_body_checks) it keeps every
 *	field.
 * DIAGNOSTICS
 *	Warnings: an action without a usable argument, an unknown action
 *	(the line is kept), a table lookup failure (the message is refused
 *	with a temporary error, as Postfix does).
 * SEE ALSO
 *	header_checks(5), mime_walk(3), header_action(3)
 *--*/

/* System library. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "cleanup_client.h"
#include "header_action.h"
#include "header_scan.h"
#include "maps.h"
#include "milter_header_lookup.h"
#include "mime_walk.h"
#include "rec_type.h"

/* Application-specific. */
#include "cleanup.h"

#define CLEANUP_CHECKS_LOG_LIMIT 200 /* bytes of the inspected line that are logged */

/* What to do with the inspected line. */
typedef enum CLEANUP_CHECKS_KEEP {
    CLEANUP_CHECKS_KEEP_LINE, /* write it as it was */
    CLEANUP_CHECKS_DROP_LINE, /* write nothing (IGNORE) */
    CLEANUP_CHECKS_NEW_LINE,  /* write the replacement (REPLACE) */
} CLEANUP_CHECKS_KEEP;

/* cleanup_checks_maps - open one table list, or NULL */

static MAPS *cleanup_checks_maps(const char *param, const char *value)
{
    return value && *value ? maps_create(param, value, DICT_FLAG_LOCK) : NULL;
}

/* cleanup_checks_open - the tables of the configuration */

void cleanup_checks_open(CLEANUP_CONFIG *config)
{
    config->header_maps = cleanup_checks_maps("header_checks", config->header_checks);
    config->mime_header_maps =
        cleanup_checks_maps("mime_header_checks", config->mime_header_checks);
    config->nested_header_maps =
        cleanup_checks_maps("nested_header_checks", config->nested_header_checks);
    config->body_maps = cleanup_checks_maps("body_checks", config->body_checks);
    config->milter_header_maps =
        cleanup_checks_maps("milter_header_checks", config->milter_header_checks);
}

/* cleanup_checks_wanted - is any table set? */

bool cleanup_checks_wanted(const CLEANUP_CONFIG *config)
{
    return config->header_maps || config->mime_header_maps || config->nested_header_maps ||
           config->body_maps;
}

/* cleanup_checks_out - one line or piece on to the header fixer */

static void cleanup_checks_out(CLEANUP_STATE *state, const char *data, size_t len, int partial)
{
    header_fix_line(state->fix, data, len, partial);
}

/* cleanup_checks_out_lines - text with embedded newlines, as lines */

static void cleanup_checks_out_lines(CLEANUP_STATE *state, const char *text, size_t len)
{
    const char *end = text + len, *nl;

    for (;;) {
        nl = memchr(text, '\n', (size_t)(end - text));
        cleanup_checks_out(state, text, nl ? (size_t)(nl - text) : (size_t)(end - text), 0);
        if (nl == NULL)
            break;
        text = nl + 1;
    }
}

/* cleanup_checks_log - Postfix's log line of a content action */

static void cleanup_checks_log(CLEANUP_STATE *state, const char *action, const char *class,
                               const char *content, size_t len, const char *text)
{
    VSTRING *buf = vstring_alloc(200);
    size_t shown = len < CLEANUP_CHECKS_LOG_LIMIT ? len : CLEANUP_CHECKS_LOG_LIMIT;

    vstring_sprintf(buf, "%s: %s: %s ", state->queue_id, action, class);
    for (size_t i = 0; i < shown; i++)
        vstring_addch(buf, iscntrl((unsigned char)content[i]) ? '?' : content[i]);
    vstring_sprintf_append(buf, " from %s;", cleanup_origin(state));
    vstring_sprintf_append(buf, " from=<%s>", vstring_str(state->sender));
    if (state->last_rcpt)
        vstring_sprintf_append(buf, " to=<%s>", state->last_rcpt);
    if (state->log_proto)
        vstring_sprintf_append(buf, " proto=%s", state->log_proto);
    if (state->log_helo)
        vstring_sprintf_append(buf, " helo=<%s>", state->log_helo);
    if (text && *text)
        vstring_sprintf_append(buf, ": %s", text);
    msg_info("%s", vstring_str(buf));
    vstring_free(buf);
}

/* cleanup_checks_dsn_ok - does the text start with an enhanced status code? */

static bool cleanup_checks_dsn_ok(const char *text)
{
    size_t len = strspn(text, "0123456789.");

    return len >= 5 && (text[0] == '4' || text[0] == '5') && text[1] == '.' &&
           (text[len] == ' ' || text[len] == 0);
}

/* cleanup_checks_reject - REJECT: refuse the message */

static void cleanup_checks_reject(CLEANUP_STATE *state, const char *class, const char *content,
                                  size_t len, const char *text)
{
    VSTRING *reason = vstring_alloc(100);

    if (*text == 0)
        text = cleanup_strerror(CLEANUP_STAT_CONT);
    if (cleanup_checks_dsn_ok(text))
        vstring_strcpy(reason, text);
    else
        vstring_sprintf(reason, "5.7.1 %s", text);
    cleanup_checks_log(state, "reject", class, content, len, vstring_str(reason));
    cleanup_error(state, CLEANUP_STAT_CONT, "%s", vstring_str(reason));
    state->checks_stopped = true;
    vstring_free(reason);
}

/* cleanup_checks_arg_ok - an argument that the action needs */

static bool cleanup_checks_arg_ok(const HEADER_ACTION_RESULT *res, const char *map_name,
                                  const char *need)
{
    if (*res->text != 0 && strstr(res->text, need) != NULL)
        return true;
    msg_warn("bad %s argument \"%s\" in %s map -- need \"%s\"", res->keyword, res->text, map_name,
             *need == ':' ? "transport:destination" : "user@domain");
    return false;
}

/* cleanup_checks_replace - REPLACE and PREPEND text must be a header in a header map */

static bool cleanup_checks_text_ok(const HEADER_ACTION_RESULT *res, const char *map_name,
                                   bool header)
{
    if (*res->text == 0) {
        msg_warn("%s action without text in %s map", res->keyword, map_name);
        return false;
    }
    if (header && header_name_len(res->text, strlen(res->text)) == 0) {
        msg_warn("bad %s header text \"%s\" in %s map -- need \"headername: headervalue\"",
                 res->keyword, res->text, map_name);
        return false;
    }
    return true;
}

/* cleanup_checks_replace_slot - FILTER and REDIRECT: the last one wins */

static void cleanup_checks_replace_slot(char **slot, const char *value)
{
    myfree(*slot);
    *slot = mystrdup(value);
}

/* cleanup_checks_act - act on a table value; what to do with the line */

static CLEANUP_CHECKS_KEEP cleanup_checks_act(CLEANUP_STATE *state, const char *map_name,
                                              bool header, const char *content, size_t len,
                                              const char *value, VSTRING *replacement)
{
    const char *class = header ? "header" : "body";
    HEADER_ACTION_RESULT res;

    switch (header_action_parse(value, &res)) {
    case HEADER_ACTION_REJECT:
        cleanup_checks_reject(state, class, content, len, res.text);
        break;
    case HEADER_ACTION_WARN:
        cleanup_checks_log(state, "warning", class, content, len, res.text);
        break;
    case HEADER_ACTION_INFO:
        cleanup_checks_log(state, "info", class, content, len, res.text);
        break;
    case HEADER_ACTION_DISCARD:
        cleanup_checks_log(state, "discard", class, content, len, res.text);
        state->discard = true;
        state->checks_stopped = true;
        break;
    case HEADER_ACTION_HOLD:
        cleanup_checks_log(state, "hold", class, content, len, res.text);
        state->hold = true;
        break;
    case HEADER_ACTION_FILTER:
        if (cleanup_checks_arg_ok(&res, map_name, ":")) {
            cleanup_checks_log(state, "filter", class, content, len, res.text);
            cleanup_checks_replace_slot(&state->filter, res.text);
        }
        break;
    case HEADER_ACTION_REDIRECT:
        if (cleanup_checks_arg_ok(&res, map_name, "@")) {
            cleanup_checks_log(state, "redirect", class, content, len, res.text);
            cleanup_checks_replace_slot(&state->redirect, res.text);
        }
        break;
    case HEADER_ACTION_BCC:
        if (cleanup_checks_arg_ok(&res, map_name, "@")) {
            if (state->bcc == NULL)
                state->bcc = argv_alloc(2);
            argv_add(state->bcc, res.text);
        }
        break;
    case HEADER_ACTION_IGNORE:
        return CLEANUP_CHECKS_DROP_LINE;
    case HEADER_ACTION_REPLACE:
        if (!cleanup_checks_text_ok(&res, map_name, header))
            break;
        cleanup_checks_log(state, "replace", class, content, len, res.text);
        vstring_strcpy(replacement, res.text);
        return CLEANUP_CHECKS_NEW_LINE;
    case HEADER_ACTION_PREPEND:
        if (cleanup_checks_text_ok(&res, map_name, header))
            cleanup_checks_out_lines(state, res.text, strlen(res.text));
        break;
    case HEADER_ACTION_DUNNO:
        break;
    default:
        msg_warn("unknown command in %s map: %s", map_name, value);
        break;
    }
    return CLEANUP_CHECKS_KEEP_LINE;
}

/* cleanup_checks_lookup - look a line up and act; what to do with it */

static CLEANUP_CHECKS_KEEP cleanup_checks_lookup(CLEANUP_STATE *state, MAPS *maps, bool header,
                                                 const char *text, size_t len, VSTRING *replacement)
{
    char *key = mystrndup(text, len);
    const char *value = maps_find(maps, key, 0);
    CLEANUP_CHECKS_KEEP keep = CLEANUP_CHECKS_KEEP_LINE;

    if (value != NULL) {
        keep = cleanup_checks_act(state, maps->title, header, text, len, value, replacement);
    } else if (maps->error) {
        msg_warn("%s: %s map lookup problem -- message not accepted, try again later",
                 state->queue_id, maps->title);
        cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
        state->checks_stopped = true;
    }
    myfree(key);
    return keep;
}

/* cleanup_checks_header_maps - which table a header goes to */

static MAPS *cleanup_checks_header_maps(const CLEANUP_CONFIG *config, int header_class,
                                        const char *text, size_t len)
{
    if (mime_walk_mime_header(text, len) || header_class == MIME_WALK_MULTIPART)
        return config->mime_header_maps;
    if (header_class == MIME_WALK_NESTED)
        return config->nested_header_maps;
    return config->header_maps;
}

/* cleanup_checks_text - inspect one header or body line, then write what remains */

static void cleanup_checks_text(CLEANUP_STATE *state, MAPS *maps, bool header, const char *text,
                                size_t len, int partial)
{
    VSTRING *replacement;
    CLEANUP_CHECKS_KEEP keep = CLEANUP_CHECKS_KEEP_LINE;

    if (maps == NULL || state->checks_stopped || !cleanup_writing(state)) {
        if (header)
            cleanup_checks_out_lines(state, text, len);
        else
            cleanup_checks_out(state, text, len, partial);
        return;
    }
    replacement = vstring_alloc(100);
    keep = cleanup_checks_lookup(state, maps, header, text, len, replacement);
    if (keep == CLEANUP_CHECKS_NEW_LINE)
        cleanup_checks_out_lines(state, vstring_str(replacement), VSTRING_LEN(replacement));
    else if (keep == CLEANUP_CHECKS_KEEP_LINE && header)
        cleanup_checks_out_lines(state, text, len);
    else if (keep == CLEANUP_CHECKS_KEEP_LINE)
        cleanup_checks_out(state, text, len, partial);
    else if (!header && partial)
        /* An ignored piece still leaves the line open for the next one. */
        cleanup_checks_out(state, "", 0, partial);
    vstring_free(replacement);
}

/* cleanup_checks_walk_cb - mime_walk(3) callback */

static void cleanup_checks_walk_cb(void *context, int what, int header_class, const char *text,
                                   size_t len, int partial)
{
    CLEANUP_STATE *state = context;
    const CLEANUP_CONFIG *config = state->config;
    MAPS *body_maps = config->body_maps;

    switch (what) {
    case MIME_WALK_HEADER:
        cleanup_checks_text(state, cleanup_checks_header_maps(config, header_class, text, len),
                            true, text, len, 0);
        break;
    case MIME_WALK_HEADER_END:
        state->body_bytes = 0;
        break;
    default:
        if (config->body_checks_size_limit > 0 &&
            state->body_bytes >= config->body_checks_size_limit)
            body_maps = NULL;
        state->body_bytes += (long)len;
        cleanup_checks_text(state, body_maps, false, text, len, partial);
        break;
    }
}

/* cleanup_checks_start - start inspecting a message */

void cleanup_checks_start(CLEANUP_STATE *state)
{
    const CLEANUP_CONFIG *config = state->config;
    MIME_WALK_PROPS props = {
        .header_limit = (size_t)config->header_size_limit,
        .nesting_limit = config->disable_mime_input ? -1 : config->mime_nesting_limit,
        .boundary_limit = (size_t)config->mime_boundary_length_limit,
    };

    state->walk = mime_walk_create(&props, cleanup_checks_walk_cb, state);
}

/* cleanup_checks_line - one content line or piece */

void cleanup_checks_line(CLEANUP_STATE *state, const char *data, size_t len, int partial)
{
    mime_walk_line(state->walk, data, len, partial);
}

/* cleanup_checks_finish - end of the content */

void cleanup_checks_finish(CLEANUP_STATE *state)
{
    mime_walk_finish(state->walk);
    state->walk = mime_walk_free(state->walk);
}

/* cleanup_checks_milter - milter_header_checks on a field that a milter makes */

MILTER_HEADER_VERDICT cleanup_checks_milter(void *context, const char *field, VSTRING *replacement)
{
    CLEANUP_STATE *state = context;
    MAPS *maps = state->config->milter_header_maps;
    int errs = state->errs;
    const char *value;

    if (maps == NULL || (state->flags & CLEANUP_FLAG_NO_CHECKS) || state->errs != 0)
        return MILTER_HEADER_KEEP;
    switch (milter_header_lookup(maps, state->queue_id, field, &value, replacement)) {
    case 0:
        return MILTER_HEADER_KEEP;
    case -1:
        cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
        return MILTER_HEADER_REJECT;
    default:
        break;
    }
    switch (
        cleanup_checks_act(state, maps->title, true, field, strlen(field), value, replacement)) {
    case CLEANUP_CHECKS_DROP_LINE:
        return MILTER_HEADER_DROP;
    case CLEANUP_CHECKS_NEW_LINE:
        return MILTER_HEADER_REPLACE;
    default:
        break;
    }
    if ((state->errs & CLEANUP_STAT_CONT) && !(errs & CLEANUP_STAT_CONT)) {
        vstring_sprintf(replacement, "550 %s", vstring_str(state->reason));
        return MILTER_HEADER_REJECT;
    }
    return MILTER_HEADER_KEEP;
}
