/*++
 * NAME
 *	postqueue - the queue control command for users
 * SYNOPSIS
 *	postqueue [-v] [-c config_dir] -p
 *	postqueue [-v] [-c config_dir] -f | -i queue_id | -s site
 * DESCRIPTION
 *	main() parses the command line, loads main.cf, changes to
 *	queue_directory and runs the request: -p lists the queue in the
 *	format of Postfix's mailq (postqueue_show(3)), reading the queue
 *	directly. -f asks the queue manager to deliver all queued mail now;
 *	-s site asks the fast flush service (flush(8)) to deliver the
 *	deferred mail of one site in fast_flush_domains (a domain, or an
 *	address literal in []), and -i queue_id one deferred message
 *	(mail_flush(3)).
 *
 *	Before that the real user must be on authorized_mailq_users (-p)
 *	or authorized_flush_users (-f, -s, -i), user_acl(3); root and
 *	mail_owner always may.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log. The exit status
 *	is 0 on success, otherwise a sysexits(3) value.
 * SEE ALSO
 *	postqueue(1), sendmail(1)
 *--*/

/* System library. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "valid_hostname.h"
#include "vstream.h"

/* Global library. */
#include "config.h"
#include "mail_flush.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "maillog.h"
#include "user_acl.h"

/* Application-specific. */
#include "postqueue.h"

/* What the command was asked to do. */
enum postqueue_mode {
    POSTQUEUE_MODE_NONE,  /* no request given */
    POSTQUEUE_MODE_LIST,  /* -p */
    POSTQUEUE_MODE_FLUSH, /* -f */
    POSTQUEUE_MODE_SITE,  /* -s site */
    POSTQUEUE_MODE_FILE,  /* -i queue_id */
};

/* The access lists and the account they do not apply to, bound by main(). */
static struct POSTQUEUE_ACL {
    const char *mailq_users; /* authorized_mailq_users */
    const char *flush_users; /* authorized_flush_users */
    const char *mail_owner;  /* mail_owner */
} postqueue_acl;

/* postqueue_acl_check - may the real user list (or flush) the queue? */

static void postqueue_acl_check(const char *param, const char *acl, const char *what)
{
    const struct passwd *owner;
    uid_t uid = getuid();

    /* As in Postfix, root and mail_owner may always do both. */
    if (uid == 0 || ((owner = getpwnam(postqueue_acl.mail_owner)) != NULL && owner->pw_uid == uid))
        return;
    user_acl_require(param, acl, what);
}

/* postqueue_flush_site - postqueue -s: one site's deferred mail */

static int postqueue_flush_site(const MAIL_FLUSH_PROPS *flush, const char *site)
{
    if (!valid_hostname(site) && !valid_hostliteral(site))
        msg_fatal_status(EX_UNAVAILABLE,
                         "Cannot flush mail queue - invalid destination: \"%.100s%s\"", site,
                         strlen(site) > 100 ? "..." : "");
    switch (mail_flush_site(flush, site)) {
    case MAIL_FLUSH_STAT_OK:
        return 0;
    case MAIL_FLUSH_STAT_DENY:
        msg_fatal_status(EX_UNAVAILABLE, "Flush service is not configured for destination \"%s\"",
                         site);
    case MAIL_FLUSH_STAT_BAD:
        msg_fatal_status(EX_USAGE, "Invalid request: \"%s\"", site);
    default:
        msg_fatal_status(EX_UNAVAILABLE, "Cannot flush mail queue - mail system is down");
    }
}

/* postqueue_flush_file - postqueue -i: one deferred message */

static int postqueue_flush_file(const MAIL_FLUSH_PROPS *flush, const char *queue_id)
{
    if (!mail_queue_id_ok(queue_id))
        msg_fatal_status(EX_UNAVAILABLE, "Cannot flush queue ID - invalid name: \"%.100s%s\"",
                         queue_id, strlen(queue_id) > 100 ? "..." : "");
    switch (mail_flush_file(flush, queue_id)) {
    case MAIL_FLUSH_STAT_OK:
        return 0;
    case MAIL_FLUSH_STAT_BAD:
        msg_fatal_status(EX_USAGE, "Invalid request: \"%s\"", queue_id);
    default:
        msg_fatal_status(EX_UNAVAILABLE, "Cannot flush mail queue - mail system is down");
    }
}

/* postqueue_usage - complain about the command line */

static _Noreturn void postqueue_usage(void)
{
    msg_fatal_status(EX_USAGE, "usage: postqueue [-v] [-c config_dir] -p | -f | -i queue_id | "
                               "-s site");
}

int main(int argc, char **argv)
{
    enum postqueue_mode mode = POSTQUEUE_MODE_NONE;
    const char *config_dir = NULL;
    static MAIL_FLUSH_PROPS flush;
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &flush.queue_directory),
        CONFIG_BIND_STR(VAR_QUEUE_SERVICE_NAME, &flush.queue_service),
        CONFIG_BIND_STR(VAR_FLUSH_SERVICE_NAME, &flush.flush_service),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &flush.timeout),
        CONFIG_BIND_STR(VAR_AUTHORIZED_MAILQ_USERS, &postqueue_acl.mailq_users),
        CONFIG_BIND_STR(VAR_AUTHORIZED_FLUSH_USERS, &postqueue_acl.flush_users),
        CONFIG_BIND_STR(VAR_MAIL_OWNER, &postqueue_acl.mail_owner),
        CONFIG_BIND_END,
    };
    const char *queue_dir, *target = NULL;
    VSTRING *why = vstring_alloc(100);
    VSTREAM *out;
    CONFIG *config;
    int ch, status;

    msg_init("postqueue");
    opterr = 0;
    while ((ch = getopt(argc, argv, "c:fi:ps:v")) != -1) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'f':
            mode = POSTQUEUE_MODE_FLUSH;
            break;
        case 'i':
            mode = POSTQUEUE_MODE_FILE;
            target = optarg;
            break;
        case 's':
            mode = POSTQUEUE_MODE_SITE;
            target = optarg;
            break;
        case 'p':
            mode = POSTQUEUE_MODE_LIST;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            postqueue_usage();
        }
    }
    if (mode == POSTQUEUE_MODE_NONE || optind != argc)
        postqueue_usage();
    config = config_startup(config_dir, NULL, "postqueue");
    maillog_init(config, "postqueue", why);
    config_bind(config, parameters);
    if (mode == POSTQUEUE_MODE_LIST)
        postqueue_acl_check(VAR_AUTHORIZED_MAILQ_USERS, postqueue_acl.mailq_users,
                            "view the mail queue");
    else
        postqueue_acl_check(VAR_AUTHORIZED_FLUSH_USERS, postqueue_acl.flush_users,
                            "flush the mail queue");
    if (mode == POSTQUEUE_MODE_FLUSH) {
        if (mail_flush_deferred(&flush, why) < 0)
            msg_fatal_status(EX_UNAVAILABLE, "cannot flush the mail queue: %s", vstring_str(why));
        return 0;
    }
    if (mode == POSTQUEUE_MODE_SITE)
        return postqueue_flush_site(&flush, target);
    if (mode == POSTQUEUE_MODE_FILE)
        return postqueue_flush_file(&flush, target);
    queue_dir = flush.queue_directory;
    if (chdir(queue_dir) < 0)
        msg_fatal_status(EX_UNAVAILABLE, "chdir %s: %m", queue_dir);
    out = vstream_fdopen(STDOUT_FILENO, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status = postqueue_show(out);
    vstream_close(out);
    vstring_free(why);
    if (status < 0)
        msg_fatal_status(EX_NOPERM,
                         "the queue listing is incomplete: postqueue reads %s "
                         "directly; run it as root or as the mail_owner",
                         queue_dir);
    return 0;
}
