/*++
 * NAME
 *	local_alias - aliases, accounts and the unknown recipient
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_address(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const char *address, LOCAL_RESULT *result);
 *	void	local_account(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const char *localpart, bool forward_ok,
 *				LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_address() delivers to a local address. First the loop checks:
 *	an address (qualified with the recipient's domain when it has none)
 *	that a Delivered-To: header of the message names bounces with 5.4.6
 *	"mail forwarding loop for ADDRESS", and so does nesting deeper than
 *	LOCAL_DEPTH_MAX. Then the local part (lower-cased; without its
 *	address extension when only the base is listed) is looked up in
 *	alias_maps. An alias is expanded with local_items(3) (class alias);
 *	its files and commands get the rights of the owner of the alias
 *	database file, or default_privs when that is root. When the alias
 *	was found without the address extension ("user" for "user+foo") and
 *	propagate_unmatched_extensions names "alias", the extension is added
 *	to the local part of each member address. An alias that was expanded
 *	already for this recipient is not expanded again. An alias lookup
 *	that fails is a deferral. Without an alias, local_account() does
 *	the rest.
 *
 *	local_account() delivers to the account that a local part names
 *	(the whole local part when such an account exists, else the part
 *	before the recipient_delimiter): with forward_ok, its .forward file
 *	(local_dot_forward(3)) when one exists and lists something; else
 *	mailbox_command, run with the user's rights (default_privs for
 *	root), or the mailbox (local_mailbox(3)). An unknown account goes to
 *	luser_relay (with $user, $extension, $local, $domain, $recipient,
 *	$recipient_delimiter, $home and $shell expanded) when that is set,
 *	else it bounces: 5.1.1 unknown user: "name". A mailbox gets one copy
 *	per recipient however often the expansion names it.
 *
 *	The result is the worst of the outcomes: a deferral beats a bounce,
 *	which beats a delivery.
 *--*/

/* System library. */
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>

/* Utility library. */
#include "argv.h"
#include "mac_expand.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "alias_parse.h"
#include "mail_addr_find.h"
#include "mail_params.h"

/* Application-specific. */
#include "local.h"

#define LOCAL_DEPTH_MAX 20 /* nested aliases, .forward and :include: files */

/* What an alias lookup found. */
typedef struct LOCAL_ALIAS {
    char *value;           /* the alias value; owned */
    const char *extension; /* unmatched extension (in the looked-up local part), or NULL */
    uid_t owner;           /* owner of the table file that had it (0: root or no file) */
} LOCAL_ALIAS;

/* local_alias_owner - the owner of a table's file, 0 when it has none */

static uid_t local_alias_owner(const DICT *dict)
{
    struct stat st;

    return dict->watch_path && stat(dict->watch_path, &st) == 0 ? st.st_uid : 0;
}

/* local_alias_get - one key in the tables, in order; -1 on a lookup error */

static int local_alias_get(MAPS *maps, const char *key, LOCAL_ALIAS *found)
{
    for (size_t i = 0; i < maps->count; i++) {
        const char *value = dict_get(maps->dicts[i], key);

        if (value != NULL) {
            found->value = mystrdup(value); /* the table owns value until its next lookup */
            found->owner = local_alias_owner(maps->dicts[i]);
            return 1;
        }
        if (maps->dicts[i]->error) {
            vstring_sprintf(maps->reason, "%s:%s: %s", maps->dicts[i]->type, maps->dicts[i]->name,
                            dict_reason(maps->dicts[i]));
            return -1;
        }
    }
    return 0;
}

/* local_alias_find - the alias of a local part, with or without its extension */

static int local_alias_find(const char *localpart, LOCAL_ALIAS *found, LOCAL_RESULT *result)
{
    MAPS *maps = local_config.alias_maps;
    char *base, *delim;
    int status;

    *found = (LOCAL_ALIAS){0};
    if (maps == NULL)
        return 0;
    if ((status = local_alias_get(maps, localpart, found)) == 0 &&
        *local_config.recipient_delimiter) {
        base = mystrdup(localpart);
        if ((delim = mail_addr_split_extension(base, local_config.recipient_delimiter)) != NULL &&
            (status = local_alias_get(maps, base, found)) > 0)
            found->extension = localpart + (delim - 1 - base); /* the delimiter and the rest */
        myfree(base);
    }
    if (status < 0)
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "alias_maps lookup of %s: %s",
                         localpart, vstring_str(maps->reason));
    return status;
}

/* local_expand - deliver to each member of an alias */

static void local_expand(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *name,
                         const LOCAL_ALIAS *alias, LOCAL_RESULT *result)
{
    VSTRING *why = vstring_alloc(100);
    ALIAS_LIST *list = alias_parse_value(alias->value, why);
    LOCAL_RESULT members = {.reason = vstring_alloc(100)};
    const struct passwd *owner = alias->owner ? getpwuid(alias->owner) : NULL;
    LOCAL_LEVEL next = {
        .depth = level->depth + 1,
        .class = LOCAL_CLASS_ALIAS,
        .self = name,
        .user = name,
        .extension = (local_config.propagate & LOCAL_CLASS_ALIAS) ? alias->extension : NULL,
        .rights = owner ? (LOCAL_RIGHTS){.uid = owner->pw_uid,
                                         .gid = owner->pw_gid,
                                         .home = owner->pw_dir,
                                         .shell = owner->pw_shell}
                        : (LOCAL_RIGHTS){0},
    };

    local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to alias %s", name);
    if (list == NULL) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "alias %s: %s", name,
                         vstring_str(why));
    } else {
        members.outcome = DELIVER_OUTCOME_NONE;
        local_items(state, &next, list, &members);
        local_result_merge(result, &members);
        alias_list_free(list);
    }
    vstring_free(members.reason);
    vstring_free(why);
}

/* local_looping - does a Delivered-To: header name this address already? */

static bool local_looping(const LOCAL_STATE *state, const char *localpart, const char *domain)
{
    VSTRING *address = vstring_alloc(100);
    bool found = false;

    vstring_sprintf(address, "%s@%s", localpart, domain);
    lowercase(vstring_str(address));
    for (size_t i = 0; !found && i < state->loop->argc; i++)
        found = strcmp(state->loop->argv[i], vstring_str(address)) == 0;
    vstring_free(address);
    return found;
}

/* local_address - deliver to a local address: alias or account */

void local_address(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *address,
                   LOCAL_RESULT *result)
{
    char *localpart = lowercase(mystrdup(address)), *at = strrchr(localpart, '@');
    const char *rcpt_at = strrchr(state->rcpt->address, '@');
    const char *domain = at ? at + 1 : rcpt_at ? rcpt_at + 1 : local_config.myhostname;
    LOCAL_ALIAS alias;
    int status;

    if (at)
        *at = 0;
    if (local_looping(state, localpart, domain)) {
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.4.6", "mail forwarding loop for %s",
                         address);
    } else if (level->depth > LOCAL_DEPTH_MAX) {
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.4.6", "mail forwarding loop for %s",
                         address);
    } else if ((status = local_alias_find(localpart, &alias, result)) > 0) {
        if (!local_seen(state, "alias %s", localpart))
            local_expand(state, level, localpart, &alias, result);
        myfree(alias.value);
    } else if (status == 0) {
        local_account(state, level, localpart, true, result);
    }
    myfree(localpart);
}

/* local_luser - an unknown account: to luser_relay */

static void local_luser(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *localpart,
                        const char *base, const char *extension, LOCAL_RESULT *result)
{
    VSTRING *relay = vstring_alloc(100), *why = vstring_alloc(100), *buf = vstring_alloc(100);
    LOCAL_MACROS macros;

    local_macros_init(&macros, state, buf);
    macros.user = base;
    macros.extension = extension ? extension + 1 : NULL;
    if (mac_expand(relay, local_config.luser_relay, local_macro, &macros, NULL, why) < 0) {
        msg_warn("%s: %s", VAR_LUSER_RELAY, vstring_str(why));
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.5",
                         "mail system configuration error");
    } else {
        ALIAS_LIST list = {
            .items = &(ALIAS_ITEM){.type = ALIAS_ITEM_ADDRESS, .value = vstring_str(relay)},
            .count = 1,
        };
        LOCAL_LEVEL next = *level;

        next.depth++;
        next.class = LOCAL_CLASS_NONE;
        next.self = NULL;
        next.extension = NULL;
        local_items(state, &next, &list, result);
    }
    vstring_free(relay);
    vstring_free(why);
    vstring_free(buf);
}

/* local_account - the .forward file, mailbox_command or mailbox of an account */

void local_account(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *localpart,
                   bool forward_ok, LOCAL_RESULT *result)
{
    char *base = mystrdup(localpart), *delim = NULL;
    const char *extension = NULL;
    struct passwd *pw;

    if (*local_config.recipient_delimiter && getpwnam(base) == NULL &&
        (delim = mail_addr_split_extension(base, local_config.recipient_delimiter)) != NULL)
        extension = localpart + (delim - 1 - base); /* the delimiter and the rest */
    if ((pw = getpwnam(base)) == NULL) {
        if (*local_config.luser_relay)
            local_luser(state, level, localpart, base, extension, result);
        else
            local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.1.1", "unknown user: \"%s\"",
                             base);
    } else if (forward_ok && !local_seen(state, "forward %s", base) &&
               local_dot_forward(state, level, pw, extension, result)) {
        /* The .forward file said where the mail goes. */
    } else if (local_seen(state, "mailbox %s", base)) {
        /* One copy per mailbox. */
    } else if (*local_config.mailbox_command) {
        LOCAL_LEVEL user_level = {
            .depth = level->depth,
            .user = pw->pw_name,
            .rights = {.uid = pw->pw_uid,
                       .gid = pw->pw_gid,
                       .home = pw->pw_dir,
                       .shell = pw->pw_shell},
        };

        local_command(state, &user_level, local_config.mailbox_command, result);
    } else {
        local_mailbox(state, base, result);
    }
    myfree(base);
}
