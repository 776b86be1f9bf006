/*++
 * NAME
 *	local_file - deliver to a file named in an alias, .forward or :include: file
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_file(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const char *path, LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_file() appends the message to the file path with the rights
 *	of the level (the user of a .forward file; the owner of an alias
 *	database or :include: file; default_privs for root), through
 *	mailbox_write(3) in a child process with those ids: a path ending
 *	in "/" is a Maildir; any other is an mbox file, created (mode 0600)
 *	when missing, locked with fcntl(2), with a "From " line, ">From "
 *	quoting, Return-Path: and Delivered-To: headers (the latter when
 *	prepend_delivered_header names "file", the default) and an empty line
 *	at the end, truncated back when the write fails. An existing file
 *	may belong to another user who lets these rights write it; an
 *	executable file is refused (5.7.1 "file is executable"). /dev/null
 *	takes the message without a write.
 *
 *	The log says "delivered to file: PATH"; a failure names the file
 *	("cannot append message to file PATH: ...") and defers, or bounces
 *	(5.2.2) when the file is too large or over a quota.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "mailbox_write.h"

/* Application-specific. */
#include "local.h"

/* local_file - append the message to a file */

void local_file(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *path,
                LOCAL_RESULT *result)
{
    size_t len = strlen(path);
    VSTRING *dir = vstring_alloc(100), *why = vstring_alloc(100);
    MAILBOX_TARGET target = {
        .msg = state->request->msg,
        .delivered_to =
            (local_config.delivered_header & LOCAL_DELIVERED_FILE) ? state->rcpt->address : NULL,
        .privileged = local_config.privileged,
        .lock_flags = MAILBOX_LOCK_FCNTL,
        .lock_attempts = local_config.lock_attempts,
        .lock_delay = local_config.lock_delay,
        .stale_lock_time = local_config.stale_lock_time,
        .myhostname = local_config.myhostname,
        .any_owner = true,
        .refuse_executable = true,
    };
    int status;

    if (local_seen(state, "file %ld %s", (long)level->rights.uid, path)) {
        /* One copy per file and rights. */
    } else if (!local_rights_choose(&level->rights, &target.uid, &target.gid, result)) {
        /* Deferred: these rights are out of reach. */
    } else if (strcmp(path, "/dev/null") == 0) {
        local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to file: %s", path);
    } else {
        target.maildir = len > 1 && path[len - 1] == '/';
        vstring_strncpy(dir, path, target.maildir ? len - 1 : len);
        target.path = vstring_str(dir);
        local_priv_root();
        status = mailbox_write(&target, why);
        local_priv_owner();
        if (status == MAILBOX_SENT)
            local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to file: %s", path);
        else if (status == MAILBOX_REFUSED)
            local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.7.1", "%s", vstring_str(why));
        else if (status == MAILBOX_BOUNCE)
            local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.2.2", "%s", vstring_str(why));
        else
            local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.2.0", "%s",
                             VSTRING_LEN(why) ? vstring_str(why) : "file delivery failed");
    }
    vstring_free(dir);
    vstring_free(why);
}
