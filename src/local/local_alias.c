/*++
 * NAME
 *	local_alias - alias expansion and forwarding for the local agent
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_address(DELIVER_REQUEST *request, const char *address,
 *				const char *delivered_to, int depth,
 *				LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_address() delivers to a local address: the local part
 *	(lower-cased; without its address extension when only the base is
 *	listed) is looked up in alias_maps. An alias is expanded: members
 *	that are local (no domain, or a domain in mydestination) are
 *	delivered the same way, recursively (a member that names the alias
 *	itself goes to the account of that name); other addresses are
 *	forwarded in one new message through cleanup, with the original
 *	sender. Mail to commands ("|command"), files and :include: files
 *	is refused with a bounce (5.3.0): this agent does not run programs
 *	or write arbitrary files on behalf of alias entries. Without an
 *	alias the local part names a local account (local_mailbox()).
 *	When the alias was found without the address extension ("user" for
 *	"user+foo") and propagate_unmatched_extensions names "alias", the
 *	extension is added to the local part of each member address
 *	("user: joe, bob@example.com" delivers to joe+foo and forwards to
 *	bob+foo@example.com).
 *
 *	The result is the worst of the members' outcomes: a deferral beats
 *	a bounce, which beats a delivery. An alias lookup that fails is a
 *	deferral. depth limits nesting (loops end as a bounce, 5.4.6).
 *--*/

/* System library. */
#include <pwd.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "alias_parse.h"
#include "cleanup_client.h"
#include "mail_addr_find.h"
#include "rec_type.h"

/* Application-specific. */
#include "local.h"

#define LOCAL_ALIAS_DEPTH_MAX 20 /* nested aliases */
#define LOCAL_CLEANUP_TIMEOUT 60 /* seconds per cleanup step */

/* local_domain_ok - is an alias member's domain one of ours? */

static bool local_domain_ok(const char *address)
{
    const char *at = strrchr(address, '@');

    if (at == NULL || at[1] == 0)
        return true;
    if (strcasecmp(at + 1, "localhost") == 0 || strcasecmp(at + 1, local_config.myhostname) == 0)
        return true;
    return local_config.mydestination && match_list_domain(local_config.mydestination, at + 1);
}

/* local_alias_find - the alias value of a local part, or NULL; the unmatched extension */

static const char *local_alias_find(const char *localpart, LOCAL_RESULT *result,
                                    const char **out_extension)
{
    MAPS *maps = local_config.alias_maps;
    const char *value;
    char *base, *delim;

    *out_extension = NULL;
    if (maps == NULL)
        return NULL;
    if ((value = maps_find(maps, localpart, MAPS_FIND_ALL)) != NULL)
        return value;
    if (!maps->error && *local_config.recipient_delimiter) {
        base = mystrdup(localpart);
        if ((delim = mail_addr_split_extension(base, local_config.recipient_delimiter)) != NULL &&
            (value = maps_find(maps, base, MAPS_FIND_ALL)) != NULL)
            *out_extension = localpart + (delim - 1 - base); /* the delimiter and the rest */
        myfree(base);
    }
    if (value == NULL && maps->error)
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "alias_maps lookup of %s: %s",
                         localpart, maps_reason(maps));
    return value;
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

/* local_forward - resubmit the message to remote alias members */

static void local_forward(DELIVER_REQUEST *request, const ARGV *addresses, const char *alias,
                          const char *delivered_to, LOCAL_RESULT *result)
{
    QUEUE_MSG *msg = request->msg;
    VSTRING *why = vstring_alloc(100), *line = vstring_alloc(100);
    CLEANUP_CLIENT *cleanup;
    int status = -1;

    if ((cleanup = cleanup_open(CLEANUP_ENDPOINT_DEFAULT, CLEANUP_FLAG_NONE, LOCAL_CLEANUP_TIMEOUT,
                                why)) != NULL) {
        vstring_sprintf(line, "Delivered-To: %s", delivered_to);
        status =
            cleanup_sender(cleanup, queue_msg_sender(msg), request->dsn_envid, request->dsn_ret);
        for (size_t i = 0; status == 0 && i < addresses->argc; i++)
            status = cleanup_rcpt(cleanup, addresses->argv[i], alias, NULL, 0);
        if (status == 0)
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

/* local_account - deliver to the account that a local part names, with or without its extension */

static void local_account(DELIVER_REQUEST *request, const char *localpart, const char *delivered_to,
                          LOCAL_RESULT *result)
{
    char *base = mystrdup(localpart);

    if (*local_config.recipient_delimiter && getpwnam(base) == NULL)
        (void)mail_addr_split_extension(base, local_config.recipient_delimiter);
    local_mailbox(request, base, delivered_to, result);
    myfree(base);
}

/* local_member - an alias member address, with the unmatched extension when it propagates */

static char *local_member(const char *address, const char *extension)
{
    const char *at = strrchr(address, '@');
    VSTRING *buf;

    if (extension == NULL || !local_config.propagate_alias)
        return mystrdup(address);
    buf = vstring_alloc(100);
    vstring_strncpy(buf, address, at ? (size_t)(at - address) : strlen(address));
    vstring_strcat(buf, extension);
    if (at)
        vstring_strcat(buf, at);
    return vstring_export(buf);
}

/* local_expand - deliver to each member of an alias */

static void local_expand(DELIVER_REQUEST *request, const char *name, const char *value,
                         const char *extension, const char *delivered_to, int depth,
                         LOCAL_RESULT *result)
{
    VSTRING *why = vstring_alloc(100);
    ALIAS_LIST *list = alias_parse_value(value, why);
    LOCAL_RESULT member = {.reason = vstring_alloc(100)};
    ARGV *remote = argv_alloc(4);

    local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to alias %s", name);
    if (list == NULL) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "alias %s: %s", name,
                         vstring_str(why));
    } else {
        for (size_t i = 0; i < list->count; i++) {
            const ALIAS_ITEM *item = list->items + i;
            char *address = local_member(item->value, extension);
            char *local = mystrdup(address), *at = strrchr(local, '@');

            member.outcome = DELIVER_OUTCOME_NONE;

            if (item->type != ALIAS_ITEM_ADDRESS) {
                local_result_set(&member, DELIVER_OUTCOME_BOUNCED, "5.3.0",
                                 "alias %s: mail to %s is not supported", name,
                                 item->type == ALIAS_ITEM_COMMAND ? "commands" : "files");
            } else if (!local_domain_ok(address)) {
                argv_add(remote, address);
                local_result_set(&member, DELIVER_OUTCOME_SENT, "2.0.0", "queued");
            } else {
                if (at)
                    *at = 0;
                if (strcmp(lowercase(local), name) == 0)
                    local_account(request, local, delivered_to, &member);
                else
                    local_address(request, local, delivered_to, depth + 1, &member);
            }
            local_result_merge(result, &member);
            myfree(local);
            myfree(address);
        }
        if (remote->argc > 0) {
            local_forward(request, remote, name, delivered_to, &member);
            local_result_merge(result, &member);
        }
        alias_list_free(list);
    }
    argv_free(remote);
    vstring_free(member.reason);
    vstring_free(why);
}

/* local_address - deliver to a local address: alias or account */

void local_address(DELIVER_REQUEST *request, const char *address, const char *delivered_to,
                   int depth, LOCAL_RESULT *result)
{
    char *localpart = lowercase(mystrdup(address)), *at = strrchr(localpart, '@');
    const char *value, *extension;

    if (at)
        *at = 0;
    if (depth > LOCAL_ALIAS_DEPTH_MAX) {
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.4.6", "mail forwarding loop for %s",
                         address);
    } else if ((value = local_alias_find(localpart, result, &extension)) != NULL) {
        char *copy = mystrdup(value); /* the table owns value until its next lookup */

        local_expand(request, localpart, copy, extension, delivered_to, depth, result);
        myfree(copy);
    } else if (result->outcome != DELIVER_OUTCOME_DEFERRED) {
        local_account(request, localpart, delivered_to, result);
    }
    myfree(localpart);
}
