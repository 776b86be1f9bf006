/*++
 * NAME
 *	local_token - deliver to the destinations of an alias, .forward or :include: file
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_items(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const ALIAS_LIST *list, LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_items() delivers to each destination of list, which came from
 *	a source of class level->class (alias, forward, include):
 *	.IP \(bu
 *	an address in a local domain (no domain, localhost, myhostname or
 *	mydestination): the address itself again (local_address(3)), except
 *	that a member that names level->self (the alias itself, or the user
 *	in that user's own .forward file) goes to that account directly,
 *	.forward included only for an alias. With level->extension (an
 *	unmatched address extension that propagates for this class) the
 *	extension is added to the member's local part;
 *	.IP \(bu
 *	other addresses: forwarded in one new message through cleanup, with
 *	the original sender and (when prepend_delivered_header names
 *	"forward", the default) a Delivered-To: header naming the recipient,
 *	so that the message, when it comes back, stops as a loop;
 *	.IP \(bu
 *	"|command": when allow_mail_to_commands names the class,
 *	local_command(3); else a bounce, 5.7.1 "mail to command is
 *	restricted";
 *	.IP \(bu
 *	/file/name: when allow_mail_to_files names the class,
 *	local_file(3); else 5.7.1 "mail to file is restricted";
 *	.IP \(bu
 *	:include:/file/name: local_include(3).
 *	.PP
 *	The outcomes are merged into result: the worst wins.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_params.h"
#include "rec_type.h"

/* Application-specific. */
#include "local.h"

#define LOCAL_CLEANUP_TIMEOUT 60 /* seconds per cleanup step */

/* local_domain_ok - is a member's domain one of ours? */

static bool local_domain_ok(const char *address)
{
    const char *at = strrchr(address, '@');

    if (at == NULL || at[1] == 0)
        return true;
    if (strcasecmp(at + 1, "localhost") == 0 || strcasecmp(at + 1, local_config.myhostname) == 0)
        return true;
    return local_config.mydestination && match_list_domain(local_config.mydestination, at + 1);
}

/* local_forward_content - copy the message content into cleanup */

static int local_forward_content(CLEANUP_CLIENT *cleanup, QUEUE_MSG *msg)
{
    VSTRING *buf = vstring_alloc(200);
    int type;

    if (queue_msg_content_rewind(msg) < 0) {
        vstring_free(buf);
        return -1;
    }
    while ((type = queue_msg_content_get(msg, buf)) > 0)
        if (cleanup_content_line(cleanup, vstring_str(buf), VSTRING_LEN(buf),
                                 type == REC_TYPE_CONT) < 0)
            type = -1;
    vstring_free(buf);
    return type;
}

/* local_forward - resubmit the message to remote members */

static void local_forward(LOCAL_STATE *state, const ARGV *addresses, LOCAL_RESULT *result)
{
    DELIVER_REQUEST *request = state->request;
    QUEUE_MSG *msg = request->msg;
    VSTRING *why = vstring_alloc(100), *line = vstring_alloc(100);
    CLEANUP_CLIENT *cleanup;
    int status = -1;

    if ((cleanup = cleanup_open(CLEANUP_ENDPOINT_DEFAULT, CLEANUP_FLAG_NONE, LOCAL_CLEANUP_TIMEOUT,
                                why)) != NULL) {
        vstring_sprintf(line, "Delivered-To: %s", state->rcpt->address);
        status =
            cleanup_sender(cleanup, queue_msg_sender(msg), request->dsn_envid, request->dsn_ret);
        for (size_t i = 0; status == 0 && i < addresses->argc; i++)
            status = cleanup_rcpt(cleanup, addresses->argv[i], state->rcpt->address, NULL, 0);
        if (status == 0 && (local_config.delivered_header & LOCAL_DELIVERED_FORWARD))
            status = cleanup_content_line(cleanup, vstring_str(line), VSTRING_LEN(line), 0);
        if (status == 0)
            status = local_forward_content(cleanup, msg);
        if (status == 0)
            status = cleanup_finish(cleanup, why) == CLEANUP_STAT_OK ? 0 : -1;
        else
            cleanup_abort(cleanup);
        if (status == 0)
            msg_info("%s: forwarded as %s", request->queue_id, cleanup_queue_id(cleanup));
        cleanup_close(cleanup);
    }
    if (status == 0)
        local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "forwarded as new message");
    else
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "cannot forward: %s",
                         VSTRING_LEN(why) ? vstring_str(why) : "cleanup service failure");
    vstring_free(why);
    vstring_free(line);
}

/* local_member - a member address, with the unmatched extension when it propagates */

static char *local_member(const char *address, const char *extension)
{
    const char *at = strrchr(address, '@');
    VSTRING *buf;

    if (extension == NULL)
        return mystrdup(address);
    buf = vstring_alloc(100);
    vstring_strncpy(buf, address, at ? (size_t)(at - address) : strlen(address));
    vstring_strcat(buf, extension);
    if (at)
        vstring_strcat(buf, at);
    return vstring_export(buf);
}

/* local_class_name - for messages */

static const char *local_class_name(int class)
{
    return class == LOCAL_CLASS_ALIAS     ? "alias"
           : class == LOCAL_CLASS_FORWARD ? "forward"
           : class == LOCAL_CLASS_INCLUDE ? "include"
                                          : "recipient";
}

/* local_item_address - one address: local again, or collected for forwarding */

static void local_item_address(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *value,
                               ARGV *remote, LOCAL_RESULT *result)
{
    char *address = local_member(value, level->extension);
    char *local = lowercase(mystrdup(address)), *at = strrchr(local, '@');

    if (!local_domain_ok(address)) {
        if (!local_seen(state, "forward-to %s", address))
            argv_add(remote, address);
        local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "queued");
    } else {
        if (at)
            *at = 0;
        if (level->self && strcmp(local, level->self) == 0)
            local_account(state, level, local, level->class == LOCAL_CLASS_ALIAS, result);
        else
            local_address(state, level, local, result);
    }
    myfree(local);
    myfree(address);
}

/* local_items - deliver to each destination of a list */

void local_items(LOCAL_STATE *state, const LOCAL_LEVEL *level, const ALIAS_LIST *list,
                 LOCAL_RESULT *result)
{
    LOCAL_RESULT member = {.reason = vstring_alloc(100)};
    ARGV *remote = argv_alloc(4);

    for (size_t i = 0; i < list->count; i++) {
        const ALIAS_ITEM *item = list->items + i;

        member.outcome = DELIVER_OUTCOME_NONE;
        switch (item->type) {
        case ALIAS_ITEM_ADDRESS:
            local_item_address(state, level, item->value, remote, &member);
            break;
        case ALIAS_ITEM_COMMAND:
            if ((local_config.allow_commands & level->class) == 0) {
                msg_warn("%s: %s: mail to command is restricted (%s in %s)",
                         state->request->queue_id, state->rcpt->address,
                         local_class_name(level->class), VAR_ALLOW_MAIL_TO_COMMANDS);
                local_result_set(&member, DELIVER_OUTCOME_BOUNCED, "5.7.1",
                                 "mail to command is restricted");
            } else {
                local_command(state, level, item->value, &member);
            }
            break;
        case ALIAS_ITEM_FILE:
            if ((local_config.allow_files & level->class) == 0) {
                msg_warn("%s: %s: mail to file is restricted (%s in %s)", state->request->queue_id,
                         state->rcpt->address, local_class_name(level->class),
                         VAR_ALLOW_MAIL_TO_FILES);
                local_result_set(&member, DELIVER_OUTCOME_BOUNCED, "5.7.1",
                                 "mail to file is restricted");
            } else {
                local_file(state, level, item->value, &member);
            }
            break;
        case ALIAS_ITEM_INCLUDE:
            local_include(state, level, item->value, &member);
            break;
        }
        local_result_merge(result, &member);
    }
    if (remote->argc > 0) {
        member.outcome = DELIVER_OUTCOME_NONE;
        local_forward(state, remote, &member);
        local_result_merge(result, &member);
    }
    argv_free(remote);
    vstring_free(member.reason);
}
