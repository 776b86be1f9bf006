/*++
 * NAME
 *	cleanup_message - take the content of a new message
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	void	cleanup_message_start(CLEANUP_STATE *state);
 *	void	cleanup_message(CLEANUP_STATE *state, int type, VSTRING *buf);
 *	void	cleanup_message_end(CLEANUP_STATE *state);
 * DESCRIPTION
 *	cleanup_message_start() ends the envelope: for a local submission it
 *	stores the attribute rewrite_context=local, then starts the content
 *	in the queue file and the header fixer (header_fix(3)), which adds
 *	missing Message-Id:, Date: and From: headers to local submissions,
 *	and to all mail when always_add_missing_headers is set, and
 *	rewrites the addresses of sender and recipient headers as
 *	cleanup_addr_header_context() decides (local submissions and
 *	local_header_rewrite_clients; remote_header_rewrite_domain).
 *
 *	cleanup_message() takes one content record: a line (N) or the first
 *	part of a longer line (L). Anything else is a protocol error.
 *	Lines go through the content inspection (cleanup_checks(3), when
 *	header or body checks are configured) and the header fixer into
 *	the queue file, and count against message_size_limit.
 *
 *	cleanup_message_end() takes the end of the content (X): it finishes
 *	the header block if the message ended inside it and remembers the
 *	Message-Id for the log.
 *
 *	With tls_required_enable, a primary header "TLS-Required: no" (RFC
 *	8689 section 5) is noted; cleanup_final(3) then stores the
 *	attribute tls_required=no for the smtp client.
 * DIAGNOSTICS
 *	Warnings: protocol errors, with the queue ID.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>
#include <time.h>

/* Utility library. */
#include "msg.h"

/* Global library. */
#include "cleanup_client.h"
#include "header_scan.h"
#include "rec_type.h"

/* Application-specific. */
#include "cleanup.h"

/* cleanup_out_cb - one content line or piece from the header fixer */

static void cleanup_out_cb(void *context, const char *data, size_t len, int partial)
{
    CLEANUP_STATE *state = context;
    int ret;

    cleanup_count(state, len);
    if (!cleanup_writing(state))
        return;
    ret =
        partial ? queue_file_partial(state->qf, data, len) : queue_file_line(state->qf, data, len);
    if (ret < 0)
        cleanup_write_failed(state);
}

/* cleanup_tls_required - note a "TLS-Required: no" header */

static void cleanup_tls_required(CLEANUP_STATE *state, const char *text, size_t len)
{
    const char *value;
    size_t value_len;

    if (!state->config->tls_required_enable || !header_name_is(text, len, "TLS-Required"))
        return;
    value = header_value(text, len, &value_len);
    while (value_len > 0 && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t' ||
                             value[value_len - 1] == '\r' || value[value_len - 1] == '\n'))
        value_len--;
    if (value_len == 2 && strncasecmp(value, "no", 2) == 0)
        state->tls_required_no = true;
}

/* cleanup_header_cb - the address rewriting of one header */

static bool cleanup_header_cb(void *context, const char *text, size_t len, VSTRING *out)
{
    CLEANUP_STATE *state = context;
    VSTRING *why = vstring_alloc(100);
    bool changed = cleanup_addr_header(state->addr, state->header_context, text, len, out, why);

    cleanup_tls_required(state, text, len);

    if (VSTRING_LEN(why) > 0 && cleanup_writing(state)) {
        msg_warn("%s: %s", state->queue_id, vstring_str(why));
        cleanup_error(state, CLEANUP_STAT_WRITE, "%s", cleanup_strerror(CLEANUP_STAT_WRITE));
    }
    vstring_free(why);
    return changed;
}

/* cleanup_message_start - end of the envelope, start of the content */

void cleanup_message_start(CLEANUP_STATE *state)
{
    bool local = cleanup_local(state);
    HEADER_FIX_PROPS props = {
        .queue_id = state->queue_id,
        .hostname = state->config->myhostname,
        .sender = vstring_str(state->sender),
        .full_name = vstring_str(state->full_name),
        .undisclosed = local ? state->config->undisclosed_recipients_header : NULL,
        .now = time(NULL),
        .add_missing = local || state->config->always_add_missing_headers,
        .header_limit = state->config->header_size_limit,
        .rewrite = cleanup_header_cb,
        .rewrite_context = state,
    };

    state->header_context = cleanup_addr_header_context(state->addr, local, state->client_address,
                                                        state->sasl_authenticated);
    if (local) {
        cleanup_count(state, sizeof(REC_ATTR_REWRITE_CONTEXT "=local") - 1);
        if (cleanup_writing(state) &&
            queue_file_attr(state->qf, REC_ATTR_REWRITE_CONTEXT, "local") < 0)
            cleanup_write_failed(state);
    }
    if (cleanup_writing(state)) {
        if (queue_file_content(state->qf) < 0)
            cleanup_write_failed(state);
        else
            state->content_started = true;
    }
    state->fix = header_fix_create(&props, cleanup_out_cb, state);
    if (cleanup_checks_wanted(state->config) && !(state->flags & CLEANUP_FLAG_NO_CHECKS))
        cleanup_checks_start(state);
    state->where = CLEANUP_WHERE_CONTENT;
}

/* cleanup_message - one content record */

void cleanup_message(CLEANUP_STATE *state, int type, VSTRING *buf)
{
    if (type != REC_TYPE_NORM && type != REC_TYPE_CONT) {
        msg_warn("%s: cleanup protocol error: unexpected record in the content", state->queue_id);
        cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
        return;
    }
    if (state->walk)
        cleanup_checks_line(state, vstring_str(buf), VSTRING_LEN(buf), type == REC_TYPE_CONT);
    else
        header_fix_line(state->fix, vstring_str(buf), VSTRING_LEN(buf), type == REC_TYPE_CONT);
}

/* cleanup_message_end - end of the content */

void cleanup_message_end(CLEANUP_STATE *state)
{
    if (state->walk)
        cleanup_checks_finish(state);
    header_fix_finish(state->fix);
    vstring_strcpy(state->message_id, header_fix_message_id(state->fix));
    state->fix = header_fix_free(state->fix);
    state->where = CLEANUP_WHERE_EXTRA;
}
