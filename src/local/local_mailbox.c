/*++
 * NAME
 *	local_mailbox - deliver to a local user's mbox file or Maildir
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_mailbox(LOCAL_STATE *state, const char *user,
 *				LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_mailbox() delivers the message of state->request to the
 *	mailbox of the local account user, with "Return-Path:" and
 *	"Delivered-To:" (the recipient of the request) headers in front:
 *	.IP \(bu
 *	home_mailbox ending in "/": a Maildir under the home directory
 *	(tmp/ then new/, unique names, fsync before the file is published);
 *	.IP \(bu
 *	other non-empty home_mailbox: an mbox file under the home directory;
 *	.IP \(bu
 *	empty home_mailbox, mail_spool_directory ending in "/": the Maildir
 *	mail_spool_directory/user/;
 *	.IP \(bu
 *	otherwise the mbox file mail_spool_directory/user.
 *	.PP
 *	The writing is mailbox_write(3)'s: an mbox file is locked with
 *	user.lock (dotlock) and with fcntl(2), gets a "From " line, ">From "
 *	quoting and an empty line at the end; a write that fails is undone
 *	by truncating the file back to its old size. The mailbox is written
 *	by a child process running as the user (when the agent runs as
 *	root). A missing spool mailbox is created by root and given to the
 *	user first. An agent that does not run as
 *	root can deliver only to the account it runs as, and defers other
 *	recipients saying so.
 *
 *	An unknown user is bounced: 5.1.1 unknown user: "user".
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "mailbox_write.h"

/* Application-specific. */
#include "local.h"

/* local_mbox_prepare - create a missing spool mailbox owned by the user */

static int local_mbox_prepare(const char *path, const struct passwd *pw, VSTRING *why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd < 0)
        return errno == EEXIST ? 0 : (vstring_sprintf(why, "create mailbox %s: %m", path), -1);
    if (local_config.privileged && fchown(fd, pw->pw_uid, pw->pw_gid) < 0) {
        vstring_sprintf(why, "change owner of mailbox %s: %m", path);
        close(fd);
        (void)unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

/* local_mailbox - deliver to a local account */

void local_mailbox(LOCAL_STATE *state, const char *user, LOCAL_RESULT *result)
{
    struct passwd *pw = getpwnam(user);
    VSTRING *path = vstring_alloc(100), *why = vstring_alloc(100);
    MAILBOX_TARGET target = {
        .msg = state->request->msg,
        .delivered_to = state->rcpt->address,
        .privileged = local_config.privileged,
        .lock_flags = MAILBOX_LOCK_FCNTL | MAILBOX_LOCK_DOTLOCK,
        .lock_attempts = local_config.lock_attempts,
        .lock_delay = local_config.lock_delay,
        .stale_lock_time = local_config.stale_lock_time,
        .myhostname = local_config.myhostname,
    };
    const char *home_mailbox = local_config.home_mailbox;
    const char *spool = local_config.spool_directory;
    size_t len = strlen(home_mailbox);
    size_t spool_len = strlen(spool);
    bool spool_maildir = len == 0 && spool_len > 0 && spool[spool_len - 1] == '/';
    bool maildir = (len > 0 && home_mailbox[len - 1] == '/') || spool_maildir;
    int status;

    if (pw == NULL) {
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.1.1", "unknown user: \"%s\"", user);
    } else if (!local_config.privileged && pw->pw_uid != geteuid()) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0",
                         "cannot deliver to user %s: the local delivery agent runs without root "
                         "privileges, as uid %ld",
                         user, (long)geteuid());
    } else {
        if (len > 0)
            vstring_sprintf(path, "%s/%.*s", pw->pw_dir, (int)(maildir ? len - 1 : len),
                            home_mailbox);
        else if (spool_maildir)
            vstring_sprintf(path, "%s%s", spool, user);
        else
            vstring_sprintf(path, "%s/%s", spool, user);
        target.path = vstring_str(path);
        target.maildir = maildir;
        target.uid = pw->pw_uid;
        target.gid = pw->pw_gid;
        local_priv_root();
        if (!maildir && len == 0 && local_mbox_prepare(target.path, pw, why) < 0)
            status = MAILBOX_DEFER;
        else
            status = mailbox_write(&target, why);
        local_priv_owner();
        if (status == MAILBOX_SENT)
            local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to %s",
                             maildir ? "maildir" : "mailbox");
        else if (status == MAILBOX_BOUNCE)
            local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.2.2", "%s", vstring_str(why));
        else
            local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.2.0", "%s",
                             VSTRING_LEN(why) ? vstring_str(why) : "mailbox delivery failed");
    }
    vstring_free(path);
    vstring_free(why);
}
