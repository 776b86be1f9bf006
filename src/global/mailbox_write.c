/*++
 * NAME
 *	mailbox_write - deliver a queued message into an mbox file or a Maildir
 * SYNOPSIS
 *	#include <mailbox_write.h>
 *
 *	int	mailbox_write(const MAILBOX_TARGET *target, VSTRING *why);
 *	int	mailbox_lock_parse(const char *value, int *out_flags,
 *				VSTRING *why);
 * DESCRIPTION
 *	mailbox_write() writes target->msg with "Return-Path:" and
 *	"Delivered-To: delivered_to" headers in front into the mailbox at
 *	target->path. The writing is done by a child process which, when
 *	target->privileged, first takes the owner's uid and gid (and no
 *	supplementary groups); the caller's ids do not change.
 *	.IP \(bu
 *	An mbox file is created when missing (mode 0600, by the owner), and
 *	locked as target->lock_flags say: MAILBOX_LOCK_DOTLOCK with
 *	path.lock, made by the caller before the child starts (so that a
 *	root caller can lock in a directory that the owner cannot write);
 *	MAILBOX_LOCK_FCNTL and MAILBOX_LOCK_FLOCK by the child, each tried
 *	lock_attempts times lock_delay seconds apart. The message gets a
 *	"From " line, ">From " quoting and an empty line at the end; a
 *	write that fails is undone by truncating the file to its old size.
 *	.IP \(bu
 *	A Maildir gets tmp/, new/ and cur/ when missing; the message is
 *	written to tmp/ under a unique name, synced, linked into new/ and
 *	the directory synced.
 *	.PP
 *	With target->any_owner an existing mbox file may belong to another
 *	user (who lets the owner write it); with target->refuse_executable
 *	a file with an execute bit is not written (MAILBOX_REFUSED, "file is
 *	executable"). local(8) sets both for /file/name destinations.
 *
 *	With target->make_dirs, missing parent directories of the path are
 *	made (mode 0700) by the child. With target->size_limit, no mbox file
 *	or Maildir file may grow beyond that many bytes (RLIMIT_FSIZE).
 *
 *	It returns MAILBOX_SENT, MAILBOX_BOUNCE when the mailbox is too
 *	large or the owner over a disk quota (EFBIG, EDQUOT: the DSN is
 *	5.2.2), MAILBOX_REFUSED, or MAILBOX_DEFER; all but the first with
 *	a reason in why.
 *
 *	mailbox_lock_parse() turns a lock list ("fcntl, dotlock": names
 *	separated by commas or white space; fcntl, flock, dotlock) into
 *	MAILBOX_LOCK_* bits. It returns 0, or -1 with a reason in why for an
 *	unknown name.
 * DIAGNOSTICS
 *	Returned, with the reason in why.
 * SEE ALSO
 *	mail_copy(3), dot_lock(3), safe_open(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/resource.h>
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
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_copy.h"
#include "mailbox_write.h"
#include "maildir_name.h"

/* mailbox_write_status - the result for a failed write */

static int mailbox_write_status(int err)
{
    return err == EFBIG || err == EDQUOT ? MAILBOX_BOUNCE : MAILBOX_DEFER;
}

/* mailbox_lock_child - the fcntl and flock locks, with the configured patience */

static int mailbox_lock_child(const MAILBOX_TARGET *target, int fd, VSTRING *why)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    static const int kinds[] = {MAILBOX_LOCK_FCNTL, MAILBOX_LOCK_FLOCK};

    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        int i, attempts = target->lock_attempts > 0 ? target->lock_attempts : 1;

        if ((target->lock_flags & kinds[k]) == 0)
            continue;
        for (i = 0; i < attempts; i++) {
            int status = kinds[k] == MAILBOX_LOCK_FCNTL ? fcntl(fd, F_SETLK, &lock)
                                                        : flock(fd, LOCK_EX | LOCK_NB);

            if (status == 0)
                break;
            if (errno != EAGAIN && errno != EACCES && errno != EWOULDBLOCK)
                i = attempts - 1;
            else if (i + 1 < attempts)
                sleep((unsigned)target->lock_delay);
        }
        if (i == attempts) {
            vstring_sprintf(why, "unable to lock the mailbox for exclusive access: %m");
            return -1;
        }
    }
    return 0;
}

/* mailbox_make_parents - the missing directories above path, mode 0700 */

static int mailbox_make_parents(const char *path, VSTRING *why)
{
    char *copy = mystrdup(path);
    int status = 0;

    for (char *cp = copy + 1; (cp = strchr(cp, '/')) != NULL && status == 0; cp++) {
        *cp = 0;
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            vstring_sprintf(why, "create directory %s: %m", copy);
            status = -1;
        }
        *cp = '/';
    }
    myfree(copy);
    return status;
}

/* mailbox_mbox_child - append to an mbox file, as the owner */

static int mailbox_mbox_child(const MAILBOX_TARGET *target, VSTRING *why)
{
    struct stat st;
    VSTREAM *stream;
    int fd, status, err;

    fd = safe_open(target->path, O_WRONLY | O_APPEND | O_CREAT, 0600, &st,
                   target->any_owner ? SAFE_OPEN_ANY_OWNER : getuid(), SAFE_OPEN_ANY_GROUP, why);
    if (fd < 0)
        return MAILBOX_DEFER;
    if (mailbox_lock_child(target, fd, why) < 0) {
        close(fd);
        return MAILBOX_DEFER;
    }
    if (fstat(fd, &st) < 0) {
        vstring_sprintf(why, "cannot stat %s: %m", target->path);
        close(fd);
        return MAILBOX_DEFER;
    }
    if (target->refuse_executable && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
        vstring_sprintf(why, "file is executable");
        close(fd);
        return MAILBOX_REFUSED;
    }
    stream = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status =
        mail_copy(target->msg, stream, MAIL_COPY_MBOX | MAIL_COPY_RETURN_PATH | MAIL_COPY_DELIVERED,
                  target->delivered_to, time(NULL), why);
    err = errno;
    vstream_close(stream);
    if (status == 0 && fsync(fd) < 0) {
        err = errno;
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
    return status == 0 ? MAILBOX_SENT : mailbox_write_status(err);
}

/* mailbox_maildir_dirs - the Maildir and its three subdirectories */

static int mailbox_maildir_dirs(const char *dir, VSTRING *why)
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

/* mailbox_maildir_child - write tmp/NAME, publish as new/NAME, as the owner */

static int mailbox_maildir_child(const MAILBOX_TARGET *target, VSTRING *why)
{
    static unsigned long count;
    VSTRING *name = vstring_alloc(100), *tmp = vstring_alloc(100), *new = vstring_alloc(100);
    struct timeval tv;
    VSTREAM *stream;
    int fd, status = -1, err = 0;

    if (mailbox_maildir_dirs(target->path, why) < 0)
        goto done;
    gettimeofday(&tv, NULL);
    maildir_name(name, tv.tv_sec, tv.tv_usec, getpid(), ++count, target->myhostname);
    vstring_sprintf(tmp, "%s/tmp/%s", target->path, vstring_str(name));
    vstring_sprintf(new, "%s/new/%s", target->path, vstring_str(name));
    if ((fd = open(vstring_str(tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        vstring_sprintf(why, "create maildir file %s: %m", vstring_str(tmp));
        goto done;
    }
    stream = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status = mail_copy(target->msg, stream, MAIL_COPY_RETURN_PATH | MAIL_COPY_DELIVERED,
                       target->delivered_to, time(NULL), why);
    err = errno;
    vstream_close(stream);
    if (status == 0 && fsync(fd) < 0) {
        err = errno;
        vstring_sprintf(why, "fsync %s: %m", vstring_str(tmp));
        status = -1;
    }
    close(fd);
    if (status == 0 && link(vstring_str(tmp), vstring_str(new)) < 0) {
        err = errno;
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
    return status == 0 ? MAILBOX_SENT : mailbox_write_status(err);
}

/* mailbox_child - the child's work: ids, limits, directories, the write */

static int mailbox_child(const MAILBOX_TARGET *target, VSTRING *why)
{
    signal(SIGPIPE, SIG_DFL);
    if (target->privileged)
        set_ugid(target->uid, target->gid);
    if (target->size_limit > 0) {
        struct rlimit limit = {.rlim_cur = (rlim_t)target->size_limit,
                               .rlim_max = (rlim_t)target->size_limit};

        /* A write past the limit then fails with EFBIG instead of a signal. */
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &limit) < 0) {
            vstring_sprintf(why, "cannot set the file size limit: %m");
            return MAILBOX_DEFER;
        }
    }
    if (target->make_dirs && mailbox_make_parents(target->path, why) < 0)
        return MAILBOX_DEFER;
    return target->maildir ? mailbox_maildir_child(target, why) : mailbox_mbox_child(target, why);
}

/* mailbox_run - the child, and its result and reason back through a pipe */

static int mailbox_run(const MAILBOX_TARGET *target, VSTRING *why)
{
    int pipefd[2], status;
    char buf[512];
    ssize_t len;
    pid_t pid;

    if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
        vstring_sprintf(why, "cannot start a delivery process: %m");
        return MAILBOX_DEFER;
    }
    if (pid == 0) {
        close(pipefd[0]);
        status = mailbox_child(target, why);
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
            return MAILBOX_DEFER;
        }
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);

        return code == MAILBOX_SENT || code == MAILBOX_BOUNCE || code == MAILBOX_REFUSED
                   ? code
                   : MAILBOX_DEFER;
    }
    vstring_sprintf(why, "delivery process killed by signal %d", WTERMSIG(status));
    return MAILBOX_DEFER;
}

/* mailbox_write - deliver to one mailbox */

int mailbox_write(const MAILBOX_TARGET *target, VSTRING *why)
{
    bool locked = false;
    int status;

    VSTRING_RESET(why);
    if (!target->maildir && (target->lock_flags & MAILBOX_LOCK_DOTLOCK)) {
        if (dot_lock(target->path, target->lock_attempts, target->lock_delay * 1000,
                     target->stale_lock_time, why) == 0)
            locked = true;
        else if (errno != EACCES && errno != EPERM && errno != ENOENT)
            return MAILBOX_DEFER;
        VSTRING_RESET(why);
    }
    status = mailbox_run(target, why);
    if (locked)
        dot_unlock(target->path);
    return status;
}

/* mailbox_lock_parse - "fcntl, dotlock" into MAILBOX_LOCK_* bits */

int mailbox_lock_parse(const char *value, int *out_flags, VSTRING *why)
{
    static const struct {
        const char *name;
        int flag;
    } names[] = {
        {"fcntl", MAILBOX_LOCK_FCNTL},
        {"flock", MAILBOX_LOCK_FLOCK},
        {"dotlock", MAILBOX_LOCK_DOTLOCK},
    };
    char *copy = mystrdup(value ? value : ""), *cp = copy, *word;
    int status = 0;

    *out_flags = 0;
    while (status == 0 && (word = mystrtok(&cp, ", \t\r\n")) != NULL) {
        size_t i;

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcasecmp(word, names[i].name) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0])) {
            vstring_sprintf(why, "unknown mailbox lock type \"%s\" (known: fcntl, flock, dotlock)",
                            word);
            status = -1;
        } else {
            *out_flags |= names[i].flag;
        }
    }
    myfree(copy);
    return status;
}
