/*++
 * NAME
 *	maildrop_post - write one local submission for pickup
 * SYNOPSIS
 *	#include <maildrop_post.h>
 *
 *	MAILDROP_POST *maildrop_post_create(const char *postdrop,
 *				const char *config_dir, VSTRING *why);
 *	QUEUE_FILE *maildrop_post_file(const MAILDROP_POST *mp);
 *	int	maildrop_post_commit(MAILDROP_POST *mp, VSTRING *why);
 *	MAILDROP_POST *maildrop_post_close(MAILDROP_POST *mp);
 * DESCRIPTION
 *	sendmail(1) and smtpd -S (sendmail -bs) write local submissions
 *	with this module; the current directory is queue_directory.
 *
 *	maildrop_post_create() starts a message. When this process may
 *	write into the maildrop directory (a set-group-ID sendmail, root,
 *	the mail_owner, or an instance run by an ordinary user), the
 *	message is a queue_file(3) in maildrop, mode MAILDROP_FILE_MODE.
 *	Otherwise it is written the same way into a private directory under
 *	/tmp (mode 0700), and maildrop_post_commit() hands the finished file
 *	to the set-group-ID program postdrop (a path) on its standard input,
 *	with MAIL_CONFIG=config_dir as its whole environment; postdrop checks
 *	it and commits it into maildrop. It returns NULL with the reason in
 *	why when no file can be created.
 *
 *	maildrop_post_file() returns the queue file writer, for the
 *	envelope and content (queue_file(3)).
 *
 *	maildrop_post_commit() makes the message durable in maildrop. It
 *	returns 0, or -1 with the reason in why (errno ENOSPC or EDQUOT when
 *	storage ran out, as queue_file_commit() reports).
 *
 *	maildrop_post_close() releases everything, removes what was not
 *	committed and the private directory, and returns NULL.
 * DIAGNOSTICS
 *	Warnings: file system errors (from queue_file(3)).
 * SEE ALSO
 *	postdrop(1), queue_file(3), maildrop(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"

/* Global library. */
#include "mail_queue.h"
#include "maildrop.h"
#include "maildrop_post.h"

struct MAILDROP_POST {
    QUEUE_FILE *qf;   /* the writer, owned */
    char *private;    /* private directory, or NULL: straight into maildrop */
    int home_fd;      /* queue_directory, while private is set */
    char *postdrop;   /* postdrop path, owned */
    char *config_env; /* MAIL_CONFIG=..., owned */
};

/* Seconds that postdrop may take. */
#define MAILDROP_POST_TIMEOUT 300

/* maildrop_post_enter - work in the private directory (or stay home) */

static int maildrop_post_enter(const MAILDROP_POST *mp)
{
    return mp->private ? chdir(mp->private) : 0;
}

/* maildrop_post_leave - back to queue_directory */

static void maildrop_post_leave(const MAILDROP_POST *mp)
{
    if (mp->private && fchdir(mp->home_fd) < 0)
        msg_fatal("return to the queue directory: %m");
}

/* maildrop_post_private - make the private directory with its maildrop */

static char *maildrop_post_private(VSTRING *why)
{
    char template[] = "/tmp/maildrop.XXXXXX";
    VSTRING *sub = vstring_alloc(60);

    if (mkdtemp(template) == NULL) {
        vstring_sprintf(why, "create a private directory %s: %m", template);
        vstring_free(sub);
        return NULL;
    }
    vstring_sprintf(sub, "%s/%s", template, MAIL_QUEUE_MAILDROP);
    if (mkdir(vstring_str(sub), 0700) < 0) {
        vstring_sprintf(why, "create %s: %m", vstring_str(sub));
        rmdir(template);
        vstring_free(sub);
        return NULL;
    }
    vstring_free(sub);
    return mystrdup(template);
}

/* maildrop_post_create - start a message */

MAILDROP_POST *maildrop_post_create(const char *postdrop, const char *config_dir, VSTRING *why)
{
    MAILDROP_POST *mp = mycalloc(1, sizeof(*mp));

    mp->home_fd = -1;
    mp->postdrop = mystrdup(postdrop);
    mp->config_env =
        vstring_export(vstring_sprintf(vstring_alloc(100), "MAIL_CONFIG=%s", config_dir));
    if (eaccess(MAIL_QUEUE_MAILDROP, W_OK | X_OK) < 0) {
        if ((mp->private = maildrop_post_private(why)) == NULL ||
            (mp->home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
            return maildrop_post_close(mp);
    }
    if (maildrop_post_enter(mp) == 0)
        mp->qf = queue_file_create_mode(MAIL_QUEUE_MAILDROP, MAILDROP_FILE_MODE);
    maildrop_post_leave(mp);
    if (mp->qf == NULL) {
        vstring_sprintf(why, "cannot create a file in the %s queue", MAIL_QUEUE_MAILDROP);
        return maildrop_post_close(mp);
    }
    return mp;
}

/* maildrop_post_file - the writer */

QUEUE_FILE *maildrop_post_file(const MAILDROP_POST *mp)
{
    return mp->qf;
}

/* maildrop_post_hand_over - run postdrop with the finished file as input */

static int maildrop_post_hand_over(MAILDROP_POST *mp, VSTRING *why)
{
    const char *path = mail_queue_path(NULL, MAIL_QUEUE_MAILDROP, queue_file_id(mp->qf));
    const char *env[] = {mp->config_env, NULL};
    const char *argv[] = {mp->postdrop, NULL};
    int fd, status;
    pid_t pid;

    if (maildrop_post_enter(mp) < 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vstring_sprintf(why, "open %s/%s: %m", mp->private, path);
        maildrop_post_leave(mp);
        return -1;
    }
    maildrop_post_leave(mp);
    pid = spawn_command(&(SPAWN_PROPS){.argv = argv,
                                       .env = env,
                                       .stdin_fd = fd,
                                       .stdout_fd = SPAWN_FD_NULL,
                                       .stderr_fd = SPAWN_FD_INHERIT},
                        why);
    close(fd);
    if (pid < 0)
        return -1;
    if (spawn_wait(pid, MAILDROP_POST_TIMEOUT * 1000, &status) < 0) {
        vstring_sprintf(why, "%s: %m", mp->postdrop);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        vstring_sprintf(why, "%s failed (status 0x%x)", mp->postdrop, (unsigned)status);
        errno = EIO;
        return -1;
    }
    return 0;
}

/* maildrop_post_commit - make the message durable in maildrop */

int maildrop_post_commit(MAILDROP_POST *mp, VSTRING *why)
{
    int status;

    errno = 0;
    if (maildrop_post_enter(mp) < 0) {
        vstring_sprintf(why, "enter %s: %m", mp->private);
        return -1;
    }
    status = queue_file_commit(mp->qf);
    maildrop_post_leave(mp);
    if (status < 0) {
        vstring_sprintf(why, "queue file write error: %m");
        return -1;
    }
    return mp->private ? maildrop_post_hand_over(mp, why) : 0;
}

/* maildrop_post_close - release everything */

MAILDROP_POST *maildrop_post_close(MAILDROP_POST *mp)
{
    if (mp->qf) {
        if (maildrop_post_enter(mp) == 0) {
            if (mp->private)
                (void)unlink(mail_queue_path(NULL, MAIL_QUEUE_MAILDROP, queue_file_id(mp->qf)));
            queue_file_close(mp->qf);
        }
        maildrop_post_leave(mp);
    }
    if (mp->private) {
        VSTRING *sub = vstring_alloc(60);

        vstring_sprintf(sub, "%s/%s", mp->private, MAIL_QUEUE_MAILDROP);
        (void)rmdir(vstring_str(sub));
        (void)rmdir(mp->private);
        vstring_free(sub);
        myfree(mp->private);
    }
    if (mp->home_fd >= 0)
        close(mp->home_fd);
    myfree(mp->postdrop);
    myfree(mp->config_env);
    myfree(mp);
    return NULL;
}
