/*++
 * NAME
 *	local_mailbox - deliver to a local user's mbox file or Maildir
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_mailbox(DELIVER_REQUEST *request, const char *user,
 *				const char *delivered_to, LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_mailbox() delivers the message of request to the mailbox of
 *	the local account user, with "Return-Path:" and "Delivered-To:
 *	delivered_to" headers in front:
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
 *	An mbox file is locked with user.lock (dotlock) and with fcntl(2),
 *	gets a "From " line, ">From " quoting and an empty line at the end;
 *	a write that fails is undone by truncating the file back to its old
 *	size. The mailbox is written by a child process running as the
 *	user (when the agent runs as root). An agent that does not run as
 *	root can deliver only to the account it runs as, and defers other
 *	recipients saying so.
 *
 *	An unknown user is bounced: 5.1.1 unknown user: "user".
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "dot_lock.h"
#include "msg.h"
#include "mymalloc.h"
#include "safe_open.h"
#include "set_ugid.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_copy.h"
#include "maildir_name.h"

/* Application-specific. */
#include "local.h"

/* Exit codes of the delivery child. */
#define LOCAL_CHILD_SENT  0
#define LOCAL_CHILD_DEFER 75
#define LOCAL_CHILD_FAIL  76

/* What a delivery child works on. */
typedef struct LOCAL_TARGET {
    DELIVER_REQUEST *request; /* the message */
    const char *path;         /* mailbox file or Maildir directory */
    const char *delivered_to; /* Delivered-To: value */
    uid_t uid;                /* the user */
} LOCAL_TARGET;

typedef int (*LOCAL_CHILD_FN)(LOCAL_TARGET *target, VSTRING *why);

/* local_lock_fcntl - an fcntl write lock, with the configured patience */

static int local_lock_fcntl(int fd, VSTRING *why)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

    for (int i = 0; i < local_config.lock_attempts; i++) {
        if (fcntl(fd, F_SETLK, &lock) == 0)
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            break;
        sleep((unsigned)local_config.lock_delay);
    }
    vstring_sprintf(why, "unable to lock the mailbox for exclusive access: %m");
    return -1;
}

/* local_mbox_child - append to an mbox file, as the user */

static int local_mbox_child(LOCAL_TARGET *target, VSTRING *why)
{
    struct stat st;
    VSTREAM *stream;
    int fd, status;

    fd = safe_open(target->path, O_WRONLY | O_APPEND, 0600, &st, target->uid, SAFE_OPEN_ANY_GROUP,
                   why);
    if (fd < 0)
        return LOCAL_CHILD_DEFER;
    if (local_lock_fcntl(fd, why) < 0) {
        close(fd);
        return LOCAL_CHILD_DEFER;
    }
    if (fstat(fd, &st) < 0) {
        vstring_sprintf(why, "cannot stat %s: %m", target->path);
        close(fd);
        return LOCAL_CHILD_DEFER;
    }
    stream = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status = mail_copy(target->request->msg, stream,
                       MAIL_COPY_MBOX | MAIL_COPY_RETURN_PATH | MAIL_COPY_DELIVERED,
                       target->delivered_to, time(NULL), why);
    vstream_close(stream);
    if (status == 0 && fsync(fd) < 0) {
        vstring_sprintf(why, "fsync %s: %m", target->path);
        status = -1;
    }
    if (status < 0) {
        char *detail = mystrdup(vstring_str(why));

        vstring_sprintf(why, "cannot append message to file %s: %s", target->path, detail);
        myfree(detail);
        if (ftruncate(fd, st.st_size) < 0)
            msg_warn("truncate %s back to %lld bytes: %m", target->path, (long long)st.st_size);
    }
    close(fd);
    return status == 0 ? LOCAL_CHILD_SENT : LOCAL_CHILD_DEFER;
}

/* local_maildir_dirs - the Maildir and its three subdirectories */

static int local_maildir_dirs(const char *dir, VSTRING *why)
{
    static const char *const subdirs[] = {"", "/tmp", "/new", "/cur"};
    VSTRING *path = vstring_alloc(100);
    int status = 0;

    for (size_t i = 0; i < 4 && status == 0; i++) {
        vstring_sprintf(path, "%s%s", dir, subdirs[i]);
        if (mkdir(vstring_str(path), 0700) < 0 && errno != EEXIST) {
            vstring_sprintf(why, "create maildir directory %s: %m", vstring_str(path));
            status = -1;
        }
    }
    vstring_free(path);
    return status;
}

/* local_maildir_child - write tmp/NAME, publish as new/NAME, as the user */

static int local_maildir_child(LOCAL_TARGET *target, VSTRING *why)
{
    static unsigned long count;
    VSTRING *name = vstring_alloc(100), *tmp = vstring_alloc(100), *new = vstring_alloc(100);
    struct timeval tv;
    VSTREAM *stream;
    int fd, status = -1;

    if (local_maildir_dirs(target->path, why) < 0)
        goto done;
    gettimeofday(&tv, NULL);
    maildir_name(name, tv.tv_sec, tv.tv_usec, getpid(), ++count, local_config.myhostname);
    vstring_sprintf(tmp, "%s/tmp/%s", target->path, vstring_str(name));
    vstring_sprintf(new, "%s/new/%s", target->path, vstring_str(name));
    if ((fd = open(vstring_str(tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        vstring_sprintf(why, "create maildir file %s: %m", vstring_str(tmp));
        goto done;
    }
    stream = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status = mail_copy(target->request->msg, stream, MAIL_COPY_RETURN_PATH | MAIL_COPY_DELIVERED,
                       target->delivered_to, time(NULL), why);
    vstream_close(stream);
    if (status == 0 && fsync(fd) < 0) {
        vstring_sprintf(why, "fsync %s: %m", vstring_str(tmp));
        status = -1;
    }
    close(fd);
    if (status == 0 && link(vstring_str(tmp), vstring_str(new)) < 0) {
        vstring_sprintf(why, "link %s to %s: %m", vstring_str(tmp), vstring_str(new));
        status = -1;
    }
    (void)unlink(vstring_str(tmp));
    if (status == 0) {
        vstring_sprintf(tmp, "%s/new", target->path);
        if ((fd = open(vstring_str(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
done:
    vstring_free(name);
    vstring_free(tmp);
    vstring_free(new);
    return status == 0 ? LOCAL_CHILD_SENT : LOCAL_CHILD_DEFER;
}

/* local_run_as - run a delivery function in a child with the user's ids */

static int local_run_as(const struct passwd *pw, LOCAL_CHILD_FN fn, LOCAL_TARGET *target,
                        VSTRING *why)
{
    int pipefd[2], status;
    char buf[512];
    ssize_t len;
    pid_t pid;

    if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
        vstring_sprintf(why, "cannot start a delivery process: %m");
        return LOCAL_CHILD_DEFER;
    }
    if (pid == 0) {
        close(pipefd[0]);
        signal(SIGPIPE, SIG_DFL);
        if (local_config.privileged)
            set_ugid(pw->pw_uid, pw->pw_gid);
        status = fn(target, why);
        (void)write(pipefd[1], vstring_str(why), VSTRING_LEN(why));
        _exit(status);
    }
    close(pipefd[1]);
    VSTRING_RESET(why);
    while ((len = read(pipefd[0], buf, sizeof(buf))) > 0 || (len < 0 && errno == EINTR))
        if (len > 0)
            vstring_memcat(why, buf, (size_t)len);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            vstring_sprintf(why, "lost the delivery process: %m");
            return LOCAL_CHILD_DEFER;
        }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    vstring_sprintf(why, "delivery process killed by signal %d", WTERMSIG(status));
    return LOCAL_CHILD_DEFER;
}

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

/* local_mbox - dotlock, then append in a child */

static int local_mbox(LOCAL_TARGET *target, const struct passwd *pw, bool spool, VSTRING *why)
{
    bool locked = false;
    int status;

    if (spool && local_mbox_prepare(target->path, pw, why) < 0)
        return LOCAL_CHILD_DEFER;
    if (dot_lock(target->path, local_config.lock_attempts, local_config.lock_delay * 1000,
                 local_config.stale_lock_time, why) == 0)
        locked = true;
    else if (errno != EACCES && errno != EPERM)
        return LOCAL_CHILD_DEFER;
    status = local_run_as(pw, local_mbox_child, target, why);
    if (locked)
        dot_unlock(target->path);
    return status;
}

/* local_mailbox - deliver to a local account */

void local_mailbox(DELIVER_REQUEST *request, const char *user, const char *delivered_to,
                   LOCAL_RESULT *result)
{
    struct passwd *pw = getpwnam(user);
    VSTRING *path = vstring_alloc(100), *why = vstring_alloc(100);
    LOCAL_TARGET target = {.request = request, .delivered_to = delivered_to};
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
        target.uid = pw->pw_uid;
        local_priv_root();
        status = maildir ? local_run_as(pw, local_maildir_child, &target, why)
                         : local_mbox(&target, pw, len == 0, why);
        local_priv_owner();
        if (status == LOCAL_CHILD_SENT)
            local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to %s",
                             maildir ? "maildir" : "mailbox");
        else
            local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.2.0", "%s",
                             VSTRING_LEN(why) ? vstring_str(why) : "mailbox delivery failed");
    }
    vstring_free(path);
    vstring_free(why);
}
