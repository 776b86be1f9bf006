/*++
 * NAME
 *	cleanup - write new messages into the queue
 * SYNOPSIS
 *	cleanup [generic daemon options]
 * DESCRIPTION
 *	cleanup receives one message per client connection from smtpd and
 *	pickup over the protocol of cleanup_client.h, writes it into the
 *	incoming queue, and answers only after the queue file has been
 *	made durable. It runs under master(8) as
 *
 *		cleanup unix n - n - 0 cleanup
 *
 *	The session: cleanup greets the client, reads its flags, creates
 *	the queue file under a temporary name (queue_file(3)) and sends the
 *	queue ID; then it reads the envelope (cleanup_envelope(3)) and the
 *	content (cleanup_message(3)) and, at the end of the message,
 *	commits and answers (cleanup_final(3)). A client that goes away
 *	before the end abandons the message: the temporary file is
 *	removed. After an error the rest of the message is read and
 *	discarded, so that the client always gets the verdict at the end.
 *
 *	header_checks, mime_header_checks, nested_header_checks and
 *	body_checks (header_checks(5), cleanup_checks(3)) inspect every
 *	message; their tables are opened at start-up.
 * DIAGNOSTICS
 *	"queue_id: message-id=<...>" for each queued message. Warnings:
 *	protocol errors, queue file errors, message_size_limit.
 * SEE ALSO
 *	cleanup(8), cleanup_client(3), queue_file(3), pickup(8), smtpd(8)
 *--*/

/* System library. */
#include <stdbool.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_params.h"
#include "mail_server.h"
#include "rec_type.h"
#include "record.h"

/* Application-specific. */
#include "cleanup.h"

/* Largest record a client may send: content lines come in pieces. */
#define CLEANUP_RECORD_LIMIT (1024 * 1024)

/* The parameters, bound by main(). */
static CLEANUP_CONFIG cleanup_config;

/* cleanup_records - read the message until its end, then answer */

static void cleanup_records(CLEANUP_STATE *state)
{
    VSTRING *buf = vstring_alloc(1000);
    const char *why = NULL;
    int type;

    while ((type = rec_get(state->client, buf, CLEANUP_RECORD_LIMIT, &why)) > 0) {
        if (type == REC_TYPE_END) {
            if (state->errs == 0 && (state->where != CLEANUP_WHERE_EXTRA || VSTRING_LEN(buf)))
                cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
            state->where = CLEANUP_WHERE_DONE;
            cleanup_final(state);
            break;
        }
        if (state->errs != 0)
            continue; /* read and discard until the end */
        if (state->milter_msg && cleanup_milter_record(state, type, buf))
            continue;
        if (state->where == CLEANUP_WHERE_ENVELOPE)
            cleanup_envelope(state, type, buf);
        else if (state->where == CLEANUP_WHERE_CONTENT && type == REC_TYPE_XTRA &&
                 VSTRING_LEN(buf) == 0)
            cleanup_message_end(state);
        else if (state->where == CLEANUP_WHERE_CONTENT)
            cleanup_message(state, type, buf);
        else
            cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
    }
    if (state->where != CLEANUP_WHERE_DONE)
        msg_info("%s: client went away before the end of the message (%s): message abandoned",
                 state->queue_id, why ? why : "end of file");
    vstring_free(buf);
}

/* cleanup_service - one client, one message */

static void cleanup_service(MAIL_SERVER *server, VSTREAM *client)
{
    CLEANUP_STATE *state;
    int flags = 0;

    vstream_set_timeout(client, cleanup_config.daemon_timeout);
    if (attr_hello_send(client, CLEANUP_PROTOCOL, CLEANUP_PROTOCOL_VERSION) < 0 ||
        attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(CLEANUP_ATTR_FLAGS, &flags),
                  ATTR_TYPE_END) != 1) {
        msg_warn("cleanup protocol error: no request from the client");
        return;
    }
    if ((flags & ~CLEANUP_FLAG_MASK) != 0) {
        msg_warn("cleanup protocol error: unknown flags 0x%x", flags);
        attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_BAD),
                   SEND_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, ""),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, cleanup_strerror(CLEANUP_STAT_BAD)),
                   ATTR_TYPE_END);
        return;
    }
    state = cleanup_state_alloc(&cleanup_config, client, flags);
    cleanup_milter_start(state);
    if (attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_STATUS, state->errs),
                   SEND_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, state->queue_id),
                   SEND_ATTR_STR(CLEANUP_ATTR_REASON, vstring_str(state->reason)),
                   ATTR_TYPE_END) == 0 &&
        state->errs == 0)
        cleanup_records(state);
    cleanup_state_free(state);
}

/* cleanup_pre_jail - open the content inspection tables */

static void cleanup_pre_jail(MAIL_SERVER *unused_server)
{
    cleanup_milter_check(&cleanup_config);
    cleanup_checks_open(&cleanup_config);
}

/* cleanup_post_jail - open the address rewriting tables */

static void cleanup_post_jail(MAIL_SERVER *unused_server)
{
    CLEANUP_ADDR_SETTINGS plain = cleanup_config.addr_settings;

    cleanup_config.addr = cleanup_addr_create(&cleanup_config.addr_settings);
    /* no_address_mappings: the same rewriting without the tables. */
    plain.canonical_maps = plain.sender_canonical_maps = plain.recipient_canonical_maps = "";
    plain.masquerade_domains = plain.virtual_alias_maps = "";
    plain.sender_bcc_maps = plain.recipient_bcc_maps = plain.always_bcc = "";
    cleanup_config.addr_plain = cleanup_addr_create(&plain);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &cleanup_config.message_size_limit),
        CONFIG_BIND_SIZE(VAR_HEADER_SIZE_LIMIT, &cleanup_config.header_size_limit),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &cleanup_config.myhostname),
        CLEANUP_ADDR_SETTINGS_BIND(&cleanup_config.addr_settings),
        CONFIG_BIND_BOOL(VAR_ALWAYS_ADD_MISSING_HEADERS,
                         &cleanup_config.always_add_missing_headers),
        CONFIG_BIND_BOOL(VAR_TLS_REQUIRED_ENABLE, &cleanup_config.tls_required_enable),
        CONFIG_BIND_STR(VAR_UNDISCLOSED_RECIPIENTS_HEADER,
                        &cleanup_config.undisclosed_recipients_header),
        CONFIG_BIND_STR(VAR_QUEUE_SERVICE_NAME, &cleanup_config.queue_service_name),
        CONFIG_BIND_TIME(VAR_DAEMON_TIMEOUT, &cleanup_config.daemon_timeout),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &cleanup_config.trigger_timeout),
        CONFIG_BIND_STR(VAR_HEADER_CHECKS, &cleanup_config.header_checks),
        CONFIG_BIND_STR(VAR_MIME_HEADER_CHECKS, &cleanup_config.mime_header_checks),
        CONFIG_BIND_STR(VAR_NESTED_HEADER_CHECKS, &cleanup_config.nested_header_checks),
        CONFIG_BIND_STR(VAR_MILTER_HEADER_CHECKS, &cleanup_config.milter_header_checks),
        CONFIG_BIND_STR(VAR_BODY_CHECKS, &cleanup_config.body_checks),
        CONFIG_BIND_SIZE(VAR_BODY_CHECKS_SIZE_LIMIT, &cleanup_config.body_checks_size_limit),
        CONFIG_BIND_INT(VAR_MIME_NESTING_LIMIT, &cleanup_config.mime_nesting_limit),
        CONFIG_BIND_INT(VAR_MIME_BOUNDARY_LENGTH_LIMIT, &cleanup_config.mime_boundary_length_limit),
        CONFIG_BIND_BOOL(VAR_DISABLE_MIME_INPUT_PROCESSING, &cleanup_config.disable_mime_input),
        CONFIG_BIND_STR(VAR_NON_SMTPD_MILTERS, &cleanup_config.non_smtpd_milters),
        MILTER_SETTINGS_BIND(&cleanup_config.milter_settings),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, cleanup_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = cleanup_post_jail,
                           .pre_jail = cleanup_pre_jail,
                       });
}
