/*++
 * NAME
 *	cleanup_state - per-message state and error bookkeeping of cleanup
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	CLEANUP_STATE *cleanup_state_alloc(const CLEANUP_CONFIG *config,
 *				VSTREAM *client, int flags);
 *	void	cleanup_state_free(CLEANUP_STATE *state);
 *	void	cleanup_error(CLEANUP_STATE *state, int status,
 *				const char *fmt, ...);
 *	bool	cleanup_writing(const CLEANUP_STATE *state);
 *	void	cleanup_count(CLEANUP_STATE *state, size_t len);
 *	void	cleanup_write_failed(CLEANUP_STATE *state);
 *	bool	cleanup_local(const CLEANUP_STATE *state);
 *	const char *cleanup_origin(CLEANUP_STATE *state);
 * DESCRIPTION
 *	cleanup_state_alloc() creates the state of one message for a client
 *	connection, with the client's CLEANUP_FLAG_* flags and the daemon's
 *	parameters (config, which must outlive the state), and creates the
 *	queue file in incoming. When the file cannot be created the state
 *	carries CLEANUP_STAT_WRITE and no queue file.
 *
 *	cleanup_state_free() removes an uncommitted queue file and releases
 *	everything.
 *
 *	cleanup_error() records a CLEANUP_STAT_* bit; the first error's
 *	text (printf-style) becomes the reason sent to the client.
 *	cleanup_writing() tells whether records should still be written
 *	(no error so far). After an error the rest of the message is read
 *	and discarded, so that the client gets the verdict when it ends the
 *	message.
 *
 *	cleanup_origin() is the client as log lines name it: "name[addr]"
 *	from the client_name and client_address attributes, or "local"
 *	for a submission without them. The text stays valid until the next
 *	call.
 *
 *	cleanup_count() adds the size of one record with len data bytes to
 *	the queue file size and records CLEANUP_STAT_SIZE when the size
 *	passes message_size_limit (0: no limit). The limit counts what
 *	the message occupies in the queue file, envelope included, as
 *	Postfix does.
 *
 *	cleanup_write_failed() records the failure of a queue file write:
 *	CLEANUP_STAT_SIZE for EFBIG, CLEANUP_STAT_WRITE otherwise.
 *
 *	cleanup_local() tells whether the message is a local submission
 *	(CLEANUP_FLAG_ADD_HEADERS).
 * DIAGNOSTICS
 *	Warnings: queue file errors and the size limit, with the queue ID.
 *--*/

/* System library. */
#include <errno.h>
#include <stdarg.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_queue.h"
#include "record.h"

/* Application-specific. */
#include "cleanup.h"

/* cleanup_state_alloc - start one message */

CLEANUP_STATE *cleanup_state_alloc(const CLEANUP_CONFIG *config, VSTREAM *client, int flags)
{
    CLEANUP_STATE *state = mycalloc(1, sizeof(*state));

    state->config = config;
    state->client = client;
    state->flags = flags;
    state->addr = (flags & CLEANUP_FLAG_NO_MAPPINGS) ? config->addr_plain : config->addr;
    state->reason = vstring_alloc(100);
    state->sender = vstring_alloc(100);
    state->full_name = vstring_alloc(50);
    state->message_id = vstring_alloc(60);
    state->dups = htable_create(10);
    state->origin = vstring_alloc(60);
    state->where = CLEANUP_WHERE_ENVELOPE;
    if ((state->qf = queue_file_create(MAIL_QUEUE_INCOMING)) == NULL) {
        state->queue_id = "";
        cleanup_error(state, CLEANUP_STAT_WRITE, "%s", cleanup_strerror(CLEANUP_STAT_WRITE));
    } else {
        state->queue_id = queue_file_id(state->qf);
    }
    return state;
}

/* cleanup_state_free - release one message */

void cleanup_state_free(CLEANUP_STATE *state)
{
    cleanup_milter_free(state);
    if (state->fix)
        header_fix_free(state->fix);
    if (state->qf)
        queue_file_close(state->qf);
    vstring_free(state->reason);
    vstring_free(state->sender);
    vstring_free(state->full_name);
    vstring_free(state->message_id);
    htable_free(state->dups, NULL);
    myfree(state->client_address);
    myfree(state->orig_rcpt);
    myfree(state->dsn_orcpt);
    myfree(state->filter);
    myfree(state->redirect);
    if (state->bcc)
        argv_free(state->bcc);
    if (state->walk)
        mime_walk_free(state->walk);
    myfree(state->last_rcpt);
    myfree(state->client_name);
    myfree(state->client_addr);
    myfree(state->log_proto);
    myfree(state->log_helo);
    vstring_free(state->origin);
    myfree(state);
}

/* cleanup_error - record an error and its reason */

void cleanup_error(CLEANUP_STATE *state, int status, const char *fmt, ...)
{
    va_list ap;

    if (state->errs == 0) {
        va_start(ap, fmt);
        VSTRING_RESET(state->reason);
        vstring_vsprintf_append(state->reason, fmt, ap);
        va_end(ap);
    }
    state->errs |= status;
}

/* cleanup_writing - no error so far */

bool cleanup_writing(const CLEANUP_STATE *state)
{
    return state->errs == 0;
}

/* cleanup_count - account for one record against message_size_limit */

void cleanup_count(CLEANUP_STATE *state, size_t len)
{
    state->size += rec_size(len);
    if (state->config->message_size_limit > 0 && state->size > state->config->message_size_limit &&
        !(state->errs & CLEANUP_STAT_SIZE)) {
        msg_warn("%s: queue file size limit exceeded", state->queue_id);
        cleanup_error(state, CLEANUP_STAT_SIZE, "%s", cleanup_strerror(CLEANUP_STAT_SIZE));
    }
}

/* cleanup_write_failed - a queue file write failed */

void cleanup_write_failed(CLEANUP_STATE *state)
{
    int status = errno == EFBIG ? CLEANUP_STAT_SIZE : CLEANUP_STAT_WRITE;

    cleanup_error(state, status, "%s", cleanup_strerror(status));
}

/* cleanup_origin - the client for log lines: "name[addr]", or "local" */

const char *cleanup_origin(CLEANUP_STATE *state)
{
    if (state->client_addr == NULL)
        return "local";
    vstring_sprintf(state->origin, "%s[%s]", state->client_name ? state->client_name : "unknown",
                    state->client_addr);
    return vstring_str(state->origin);
}

/* cleanup_local - a local submission */

bool cleanup_local(const CLEANUP_STATE *state)
{
    return (state->flags & CLEANUP_FLAG_ADD_HEADERS) != 0;
}
