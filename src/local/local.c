/*++
 * NAME
 *	local - the local delivery agent
 * SYNOPSIS
 *	local [generic daemon options]
 * DESCRIPTION
 *	local takes delivery requests from the queue manager
 *	(deliver_request(3)) for recipients in local domains. For each
 *	recipient, in Postfix's order: the local part (lower-cased; without
 *	its address extension when only the base is listed) is looked up in
 *	alias_maps (local_alias.c); what is no alias names a local account,
 *	whose .forward file (forward_path, local_forward.c) is used when it
 *	exists; then mailbox_command, or the mailbox (local_mailbox.c): an
 *	mbox file in mail_spool_directory, or under the home directory as
 *	home_mailbox says (a Maildir when it ends in "/"). An unknown
 *	account goes to luser_relay when that is set, else it bounces.
 *
 *	Alias values, .forward files and :include: files (local_include.c)
 *	list addresses, "|command" (local_command.c), /file/name
 *	(local_file.c) and more :include: files (local_token.c).
 *	allow_mail_to_commands and allow_mail_to_files say which of these
 *	sources may name commands and files. Commands and files of a
 *	.forward file run with the rights of its user; of a root-owned alias
 *	database or :include: file, with those of default_privs; of another
 *	:include: file in a root-owned alias, with those of its owner.
 *
 *	A recipient that a Delivered-To: header of the message names
 *	already bounces (5.4.6, "mail forwarding loop for ..."): mail that
 *	comes back after forwarding stops here.
 *
 *	The agent runs as root, with the effective ids of mail_owner while
 *	it works on queue files and status logs; each delivery to a
 *	mailbox, file or command runs in a child process with the ids it
 *	must have. Without root privileges it delivers only what the ids it
 *	runs with may, and defers the rest, saying why.
 *
 *	The log line says "relay=local" and "delivered to mailbox",
 *	"delivered to maildir", "delivered to alias NAME", "delivered to
 *	command: ...", "delivered to file: ...", "forwarded as new
 *	message"; unknown accounts bounce with 5.1.1 unknown user: "name".
 * CONFIGURATION PARAMETERS
 *	alias_maps, forward_path, forward_expansion_filter,
 *	allow_mail_to_commands, allow_mail_to_files, default_privs,
 *	command_expansion_filter, command_time_limit, local_command_shell,
 *	export_environment, mailbox_command, luser_relay,
 *	command_execution_directory, execution_directory_expansion_filter,
 *	prepend_delivered_header, home_mailbox,
 *	mail_spool_directory, mydestination, myhostname,
 *	recipient_delimiter, propagate_unmatched_extensions (alias, forward,
 *	include), deliver_lock_attempts, deliver_lock_delay,
 *	stale_lock_time.
 * SEE ALSO
 *	local(8), aliases(5), qmgr(8)
 *--*/

/* System library. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "user_lookup.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "export_env.h"
#include "ext_prop.h"
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"
#include "rec_type.h"

/* Application-specific. */
#include "local.h"

LOCAL_CONFIG local_config;

/* Parameters that main() binds and local_post_jail() turns into settings. */
static struct LOCAL_TABLES {
    const char *alias_maps;     /* alias_maps */
    const char *mydestination;  /* mydestination */
    const char *propagate;      /* propagate_unmatched_extensions */
    const char *allow_commands; /* allow_mail_to_commands */
    const char *allow_files;    /* allow_mail_to_files */
    const char *default_privs;  /* default_privs */
    const char *export_names;   /* export_environment */
    const char *delivered;      /* prepend_delivered_header */
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
    return outcome == DELIVER_OUTCOME_DEFERRED  ? 3
           : outcome == DELIVER_OUTCOME_BOUNCED ? 2
           : outcome == DELIVER_OUTCOME_SENT    ? 1
                                                : 0;
}

/* local_result_merge - keep the worse outcome (the first one of equals) */

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

/* local_seen - true when this key was seen before for this recipient; remember it */

bool local_seen(LOCAL_STATE *state, const char *fmt, ...)
{
    VSTRING *key = vstring_alloc(100);
    bool seen;
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf_append(key, fmt, ap);
    va_end(ap);
    if (!(seen = htable_find(state->seen, vstring_str(key)) != NULL))
        htable_enter(state->seen, vstring_str(key), (void *)1);
    vstring_free(key);
    return seen;
}

/* local_macro - the value of one $name of forward_path and the like (a MAC_EXPAND_LOOKUP_FN) */

const char *local_macro(const char *name, void *context)
{
    const LOCAL_MACROS *m = context;
    static const char empty[] = "";

    if (strcmp(name, "user") == 0)
        return m->user ? m->user : empty;
    if (strcmp(name, "home") == 0)
        return m->home ? m->home : empty;
    if (strcmp(name, "shell") == 0)
        return m->shell ? m->shell : empty;
    if (strcmp(name, "recipient") == 0)
        return m->recipient;
    if (strcmp(name, "extension") == 0)
        return m->extension ? m->extension : empty;
    if (strcmp(name, "domain") == 0)
        return m->domain;
    if (strcmp(name, "local") == 0)
        return m->local;
    if (strcmp(name, "recipient_delimiter") == 0)
        return local_config.recipient_delimiter;
    return NULL;
}

/* local_macros_init - the recipient's part of the macros; buf holds the local part */

void local_macros_init(LOCAL_MACROS *macros, const LOCAL_STATE *state, VSTRING *buf)
{
    const char *address = state->rcpt->address, *at = strrchr(address, '@');

    vstring_strncpy(buf, address, at ? (size_t)(at - address) : strlen(address));
    *macros = (LOCAL_MACROS){
        .recipient = address,
        .domain = at ? at + 1 : "",
        .local = vstring_str(buf),
    };
}

/* local_rights_choose - the ids of a file or command delivery; false with a deferral */

bool local_rights_choose(const LOCAL_RIGHTS *rights, uid_t *out_uid, gid_t *out_gid,
                         LOCAL_RESULT *result)
{
    *out_uid = rights->uid ? rights->uid : local_config.default_uid;
    *out_gid = rights->uid ? rights->gid : local_config.default_gid;
    if (!local_config.privileged && *out_uid != geteuid()) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0",
                         "cannot deliver as uid %ld: the local delivery agent runs without root "
                         "privileges, as uid %ld",
                         (long)*out_uid, (long)geteuid());
        return false;
    }
    return true;
}

/* local_loop_headers - the Delivered-To: values of the message's primary header */

static ARGV *local_loop_headers(DELIVER_REQUEST *request)
{
    static const char name[] = "delivered-to:";
    ARGV *values = argv_alloc(2);
    VSTRING *buf = vstring_alloc(200);
    bool line_start = true;
    int type;

    if (queue_msg_content_rewind(request->msg) < 0) {
        vstring_free(buf);
        return values;
    }
    while ((type = queue_msg_content_get(request->msg, buf)) > 0) {
        if (line_start && VSTRING_LEN(buf) == 0)
            break; /* end of the primary header */
        if (line_start && VSTRING_LEN(buf) > sizeof(name) - 1 &&
            strncasecmp(vstring_str(buf), name, sizeof(name) - 1) == 0) {
            char *value = lowercase(mystrdup(vstring_str(buf) + sizeof(name) - 1));

            argv_add(values, trim_blanks(value));
            myfree(value);
        }
        line_start = type == REC_TYPE_NORM;
    }
    vstring_free(buf);
    return values;
}

/* local_service - one delivery request */

static void local_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    LOCAL_RESULT result = {.reason = vstring_alloc(100)};
    ARGV *loop = request ? local_loop_headers(request) : NULL;

    for (size_t i = 0; request && i < request->rcpt_count; i++) {
        LOCAL_STATE state = {
            .request = request,
            .rcpt = request->rcpts + i,
            .loop = loop,
            .seen = htable_create(10),
        };
        DELIVER_STATUS status = {.relay = "local"};

        if (deliver_rcpt_pending(request, i)) {
            result.outcome = DELIVER_OUTCOME_NONE;
            local_address(&state, &(LOCAL_LEVEL){.class = LOCAL_CLASS_NONE}, state.rcpt->address,
                          &result);
            status.dsn = result.dsn;
            status.reason = vstring_str(result.reason);
            deliver_outcome(request, i, result.outcome, &status);
        }
        htable_free(state.seen, NULL);
    }
    if (request)
        deliver_request_finish(request);
    if (loop)
        argv_free(loop);
    vstring_free(result.reason);
    vstring_free(why);
}

/* local_class_mask - "alias, forward, include" as LOCAL_CLASS_* bits */

static int local_class_mask(const char *param, const char *value)
{
    static const struct {
        const char *name; /* keyword */
        int bit;          /* LOCAL_CLASS_* */
    } classes[] = {
        {"alias", LOCAL_CLASS_ALIAS},
        {"forward", LOCAL_CLASS_FORWARD},
        {"include", LOCAL_CLASS_INCLUDE},
    };
    ARGV *words = argv_split(value, ", \t\r\n");
    int mask = 0;

    for (size_t i = 0; i < words->argc; i++) {
        size_t k;

        for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
            if (strcasecmp(words->argv[i], classes[k].name) == 0)
                break;
        if (k == sizeof(classes) / sizeof(classes[0]))
            msg_fatal("parameter %s: unknown class \"%s\" (expected alias, forward, include)",
                      param, words->argv[i]);
        mask |= classes[k].bit;
    }
    argv_free(words);
    return mask;
}

/* local_delivered_mask - prepend_delivered_header as LOCAL_DELIVERED_* bits */

static int local_delivered_mask(const char *value)
{
    ARGV *words = argv_split(value, ", \t\r\n");
    int mask = 0;

    for (size_t i = 0; i < words->argc; i++) {
        if (strcasecmp(words->argv[i], "command") == 0)
            mask |= LOCAL_DELIVERED_COMMAND;
        else if (strcasecmp(words->argv[i], "file") == 0)
            mask |= LOCAL_DELIVERED_FILE;
        else if (strcasecmp(words->argv[i], "forward") == 0)
            mask |= LOCAL_DELIVERED_FORWARD;
        else
            msg_fatal("parameter %s: unknown value \"%s\" (expected command, file, forward)",
                      VAR_PREPEND_DELIVERED_HEADER, words->argv[i]);
    }
    argv_free(words);
    return mask;
}

/* local_propagate_mask - the local classes of propagate_unmatched_extensions */

static int local_propagate_mask(const char *value)
{
    int mask = ext_prop_mask(value);

    return ((mask & EXT_PROP_ALIAS) ? LOCAL_CLASS_ALIAS : 0) |
           ((mask & EXT_PROP_FORWARD) ? LOCAL_CLASS_FORWARD : 0) |
           ((mask & EXT_PROP_INCLUDE) ? LOCAL_CLASS_INCLUDE : 0);
}

/* local_post_jail - tables, classes and the accounts */

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
        if (user_lookup(local_tables.default_privs, &local_config.default_uid,
                        &local_config.default_gid, why) < 0)
            msg_fatal("parameter %s: %s", VAR_DEFAULT_PRIVS, vstring_str(why));
        if (local_config.default_uid == 0)
            msg_fatal("parameter %s: user %s has privileged user ID 0", VAR_DEFAULT_PRIVS,
                      local_tables.default_privs);
        local_priv_owner();
    } else {
        /* Unprivileged, the agent's own ids are the only rights it can give. */
        local_config.default_uid = geteuid();
        local_config.default_gid = getegid();
    }
    local_config.propagate = local_propagate_mask(local_tables.propagate);
    local_config.allow_commands =
        local_class_mask(VAR_ALLOW_MAIL_TO_COMMANDS, local_tables.allow_commands);
    local_config.allow_files = local_class_mask(VAR_ALLOW_MAIL_TO_FILES, local_tables.allow_files);
    local_config.command_env = export_env(local_tables.export_names);
    local_config.delivered_header = local_delivered_mask(local_tables.delivered);
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
        CONFIG_BIND_STR(VAR_FORWARD_PATH, &local_config.forward_path),
        CONFIG_BIND_STR(VAR_FORWARD_EXPANSION_FILTER, &local_config.forward_filter),
        CONFIG_BIND_STR(VAR_ALLOW_MAIL_TO_COMMANDS, &local_tables.allow_commands),
        CONFIG_BIND_STR(VAR_ALLOW_MAIL_TO_FILES, &local_tables.allow_files),
        CONFIG_BIND_STR(VAR_DEFAULT_PRIVS, &local_tables.default_privs),
        CONFIG_BIND_STR(VAR_COMMAND_EXPANSION_FILTER, &local_config.command_filter),
        CONFIG_BIND_STR(VAR_LOCAL_COMMAND_SHELL, &local_config.command_shell),
        CONFIG_BIND_TIME(VAR_COMMAND_TIME_LIMIT, &local_config.command_time_limit),
        CONFIG_BIND_STR(VAR_EXPORT_ENVIRONMENT, &local_tables.export_names),
        CONFIG_BIND_STR(VAR_MAILBOX_COMMAND, &local_config.mailbox_command),
        CONFIG_BIND_STR(VAR_LUSER_RELAY, &local_config.luser_relay),
        CONFIG_BIND_STR(VAR_COMMAND_EXECUTION_DIRECTORY, &local_config.exec_directory),
        CONFIG_BIND_STR(VAR_EXECUTION_DIRECTORY_EXPANSION_FILTER, &local_config.exec_filter),
        CONFIG_BIND_STR(VAR_PREPEND_DELIVERED_HEADER, &local_tables.delivered),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, local_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = local_post_jail,
                       });
}
