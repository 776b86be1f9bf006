/*++
 * NAME
 *	local - the local delivery agent
 * SYNOPSIS
 *	local [generic daemon options]
 * DESCRIPTION
 *	local takes delivery requests from the queue manager
 *	(deliver_request(3)) for recipients in local domains. Each
 *	recipient's local part is looked up in alias_maps (local_alias.c);
 *	what is not an alias is delivered to the mailbox of the local
 *	account of that name (local_mailbox.c): an mbox file in
 *	mail_spool_directory, or under the home directory as home_mailbox
 *	says (a Maildir when it ends in "/"). Each delivery runs with the
 *	recipient's user and group ids; the agent itself runs as root, with
 *	the effective ids of mail_owner while it works on queue files and
 *	status logs.
 *
 *	The log line says "relay=local" and "delivered to mailbox",
 *	"delivered to maildir", "delivered to alias NAME"; unknown accounts
 *	bounce with 5.1.1 unknown user: "name".
 * CONFIGURATION PARAMETERS
 *	alias_maps, home_mailbox, mail_spool_directory, mydestination,
 *	myhostname, recipient_delimiter, propagate_unmatched_extensions
 *	(alias), deliver_lock_attempts,
 *	deliver_lock_delay, stale_lock_time.
 * SEE ALSO
 *	local(8), aliases(5), qmgr(8)
 *--*/

/* System library. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "ext_prop.h"
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"

/* Application-specific. */
#include "local.h"

LOCAL_CONFIG local_config;

/* Table parameters, bound by main() and opened by local_post_jail(). */
static struct LOCAL_TABLES {
    const char *alias_maps;    /* alias_maps */
    const char *mydestination; /* mydestination */
    const char *propagate;     /* propagate_unmatched_extensions */
} local_tables;

/* local_result_set - fill in an outcome */

void local_result_set(LOCAL_RESULT *result, int outcome, const char *dsn, const char *fmt, ...)
{
    va_list ap;

    result->outcome = outcome;
    snprintf(result->dsn, sizeof(result->dsn), "%s", dsn);
    VSTRING_RESET(result->reason);
    va_start(ap, fmt);
    vstring_vsprintf_append(result->reason, fmt, ap);
    va_end(ap);
}

/* local_result_rank - deferral beats bounce beats delivery */

static int local_result_rank(int outcome)
{
    return outcome == DELIVER_OUTCOME_DEFERRED ? 3 : outcome == DELIVER_OUTCOME_BOUNCED ? 2 : 1;
}

/* local_result_merge - keep the worse outcome */

void local_result_merge(LOCAL_RESULT *into, const LOCAL_RESULT *from)
{
    if (local_result_rank(from->outcome) > local_result_rank(into->outcome))
        local_result_set(into, from->outcome, from->dsn, "%s", vstring_str(from->reason));
}

/* local_priv_root - effective root, for mailbox work */

void local_priv_root(void)
{
    if (local_config.privileged && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("%s: cannot regain root privileges: %m", __func__);
}

/* local_priv_owner - effective mail_owner, for queue files and status logs */

void local_priv_owner(void)
{
    if (local_config.privileged &&
        (setegid(local_config.owner_gid) < 0 || seteuid(local_config.owner_uid) < 0))
        msg_fatal("%s: cannot become mail_owner: %m", __func__);
}

/* local_service - one delivery request */

static void local_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    LOCAL_RESULT result = {.reason = vstring_alloc(100)};

    for (size_t i = 0; request && i < request->rcpt_count; i++) {
        const DELIVER_RCPT *rcpt = request->rcpts + i;
        DELIVER_STATUS status = {.relay = "local"};

        if (!deliver_rcpt_pending(request, i))
            continue;
        result.outcome = DELIVER_OUTCOME_NONE;
        local_address(request, rcpt->address, rcpt->address, 0, &result);
        status.dsn = result.dsn;
        status.reason = vstring_str(result.reason);
        deliver_outcome(request, i, result.outcome, &status);
    }
    if (request)
        deliver_request_finish(request);
    vstring_free(result.reason);
    vstring_free(why);
}

/* local_post_jail - tables */

static void local_post_jail(MAIL_SERVER *server)
{
    VSTRING *why = vstring_alloc(100);

    local_config.privileged = geteuid() == 0;
    if (local_config.privileged) {
        MAIL_OWNER owner;

        if (mail_owner_lookup(server->config, &owner, why) < 0)
            msg_fatal("%s", vstring_str(why));
        local_config.owner_uid = owner.uid;
        local_config.owner_gid = owner.gid;
        local_priv_owner();
    }
    local_config.propagate_alias = (ext_prop_mask(local_tables.propagate) & EXT_PROP_ALIAS) != 0;
    if (*local_tables.alias_maps)
        local_config.alias_maps =
            maps_create(VAR_ALIAS_MAPS, local_tables.alias_maps, DICT_FLAG_LOCK);
    if ((local_config.mydestination = match_list_create(
             VAR_MYDESTINATION, local_tables.mydestination, MATCH_FLAG_NONE, why)) == NULL)
        msg_fatal("parameter %s: %s", VAR_MYDESTINATION, vstring_str(why));
    if (!local_config.privileged)
        msg_info("running without root privileges: delivering only to the mailbox of uid %ld",
                 (long)geteuid());
    vstring_free(why);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_ALIAS_MAPS, &local_tables.alias_maps),
        CONFIG_BIND_STR(VAR_MYDESTINATION, &local_tables.mydestination),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &local_config.myhostname),
        CONFIG_BIND_STR(VAR_HOME_MAILBOX, &local_config.home_mailbox),
        CONFIG_BIND_STR(VAR_MAIL_SPOOL_DIRECTORY, &local_config.spool_directory),
        CONFIG_BIND_STR(VAR_RECIPIENT_DELIMITER, &local_config.recipient_delimiter),
        CONFIG_BIND_STR(VAR_PROPAGATE_UNMATCHED_EXTENSIONS, &local_tables.propagate),
        CONFIG_BIND_INT(VAR_DELIVER_LOCK_ATTEMPTS, &local_config.lock_attempts),
        CONFIG_BIND_TIME(VAR_DELIVER_LOCK_DELAY, &local_config.lock_delay),
        CONFIG_BIND_TIME(VAR_STALE_LOCK_TIME, &local_config.stale_lock_time),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, local_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = local_post_jail,
                       });
}
