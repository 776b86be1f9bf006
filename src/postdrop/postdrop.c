/*++
 * NAME
 *	postdrop - commit one local submission into the maildrop queue
 * SYNOPSIS
 *	postdrop [-c config_dir] [-v]
 * DESCRIPTION
 *	postdrop is installed set-group-ID setgid_group, so that it can
 *	write into the maildrop directory (mode 0730) for users who cannot.
 *	It reads one message in the maildrop file format (the queue file
 *	format that sendmail(1) and smtpd -S write) on standard input,
 *	stores it in a private directory under /tmp, checks it with
 *	maildrop_open(3) (structure, sizes, recipients, attributes a user
 *	may set), copies it into maildrop under a temporary name (from the
 *	descriptor it wrote the copy through, never by name: the private
 *	directory is the user's, who could put a link to a file only our
 *	group may read in its place), fsyncs it
 *	and renames it to its queue ID, then wakes pickup(8). The file
 *	belongs to the real user ID of the caller; nothing in the input
 *	names the user. On success it prints nothing and exits 0. A real
 *	user who is not on authorized_submit_users (user_acl(3)) is refused
 *	before anything is read.
 *
 *	Being set-group-ID it trusts nothing of its caller: the environment
 *	is replaced, descriptors other than 0, 1 and 2 are closed, core
 *	dumps are off, and a configuration directory from -c or MAIL_CONFIG
 *	must pass mail_trust_config(3).
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log; the exit status
 *	follows sysexits(3): EX_DATAERR for input that is not a valid
 *	maildrop message, EX_TEMPFAIL for a queue that cannot be written.
 * SEE ALSO
 *	postdrop(1), sendmail(1), pickup(8), maildrop(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_trigger.h"
#include "mail_trust.h"
#include "maildrop.h"
#include "maillog.h"
#include "user_acl.h"

/* Envelope bytes allowed beyond message_size_limit, as pickup allows. */
#define POSTDROP_SIZE_SLACK (1024 * 1024)

/* Recipients in one message, as pickup allows. */
#define POSTDROP_RCPT_LIMIT 100000

/*
 * What a failed or interrupted run must remove. Fixed buffers, because a
 * signal handler removes them too; they change only with signals blocked.
 */
#define POSTDROP_PATH_MAX 256
static char postdrop_private[] = "/tmp/postdrop.XXXXXX";
static volatile sig_atomic_t postdrop_private_made;   /* mkdtemp() made postdrop_private */
static char postdrop_private_dir[POSTDROP_PATH_MAX];  /* private maildrop, "" when none */
static char postdrop_private_file[POSTDROP_PATH_MAX]; /* the private copy, "" when none */
static char postdrop_temp[POSTDROP_PATH_MAX];         /* temporary file in maildrop, "" when none */
static int postdrop_private_fd = -1;                  /* the private copy, open for reading */

/* Signals that end postdrop early; their handler removes what the run made. */
static const int postdrop_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

/* postdrop_block - block or unblock the signals that postdrop_cleanup handles */

static void postdrop_block(int how, sigset_t *saved)
{
    sigset_t set;

    sigemptyset(&set);
    for (size_t i = 0; i < sizeof(postdrop_signals) / sizeof(postdrop_signals[0]); i++)
        sigaddset(&set, postdrop_signals[i]);
    sigprocmask(how, &set, saved);
}

/* postdrop_set - change one of the paths above, safe from the signal handler */

static void postdrop_set(char *path, const char *fmt, ...)
{
    sigset_t saved;
    va_list ap;
    int len;

    postdrop_block(SIG_BLOCK, &saved);
    va_start(ap, fmt);
    len = vsnprintf(path, POSTDROP_PATH_MAX, fmt, ap);
    va_end(ap);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (len >= POSTDROP_PATH_MAX)
        msg_panic("%s: path too long", __func__);
}

/* postdrop_cleanup - remove what a failed run left (async-signal-safe) */

static void postdrop_cleanup(void)
{
    if (*postdrop_private_file)
        (void)unlink(postdrop_private_file);
    if (*postdrop_private_dir)
        (void)rmdir(postdrop_private_dir);
    if (postdrop_private_made)
        (void)rmdir(postdrop_private);
    if (*postdrop_temp)
        (void)unlink(postdrop_temp);
}

/* postdrop_interrupted - a signal ends the run: clean up, then die of it */

static void postdrop_interrupted(int sig)
{
    postdrop_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* postdrop_harden - what a set-group-ID program does first */

static char *postdrop_harden(void)
{
    const char *cp = getenv(CONFIG_DIR_ENV);
    char *config_dir = cp ? mystrdup(cp) : NULL;
    struct rlimit no_core = {0, 0};
    int fd;

    for (fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(EX_OSERR);
    closefrom(3);
    (void)setrlimit(RLIMIT_CORE, &no_core);
    clearenv();
    setenv("PATH", "/usr/bin:/bin", 1);
    umask(022);
    return config_dir;
}

/* postdrop_copy - copy a descriptor into a new file; returns its size or -1 */

static long long postdrop_copy(int in, int out, long long limit)
{
    char buf[8192];
    long long total = 0;
    ssize_t len;

    while ((len = read(in, buf, sizeof(buf))) != 0) {
        if (len < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if ((total += len) > limit && limit > 0)
            msg_fatal_status(EX_DATAERR, "message file too big: more than %lld bytes", limit);
        if (write(out, buf, len) != len)
            return -1;
    }
    return fsync(out) < 0 ? -1 : total;
}

/* postdrop_receive - standard input into the private maildrop directory */

static char *postdrop_receive(long long limit)
{
    VSTRING *id = vstring_alloc(MAIL_QUEUE_ID_MAX_LEN);
    struct timeval now;
    struct stat st;
    int fd;

    postdrop_block(SIG_BLOCK, NULL);
    if (mkdtemp(postdrop_private) == NULL) {
        postdrop_block(SIG_UNBLOCK, NULL);
        msg_fatal_status(EX_TEMPFAIL, "create a private directory %s: %m", postdrop_private);
    }
    postdrop_private_made = 1;
    postdrop_block(SIG_UNBLOCK, NULL);
    postdrop_set(postdrop_private_dir, "%s/%s", postdrop_private, MAIL_QUEUE_MAILDROP);
    if (chdir(postdrop_private) < 0 || mkdir(MAIL_QUEUE_MAILDROP, 0700) < 0)
        msg_fatal_status(EX_TEMPFAIL, "create a private directory %s: %m", postdrop_private);
    postdrop_set(postdrop_private_file, "%s/input", postdrop_private_dir);
    /*
     * The private directory belongs to the user, who may replace what is in
     * it at any time; this descriptor is what gets copied into maildrop, so
     * that a file the user cannot read is never copied with our group's right.
     */
    if ((fd = open(postdrop_private_file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0444)) < 0 ||
        fstat(fd, &st) < 0)
        msg_fatal_status(EX_TEMPFAIL, "create %s: %m", postdrop_private_file);
    if (postdrop_copy(STDIN_FILENO, fd, limit) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        msg_fatal_status(EX_TEMPFAIL, "copy standard input to %s: %m", postdrop_private_file);
    postdrop_private_fd = fd;
    gettimeofday(&now, NULL);
    mail_queue_id_make(id, &now, (unsigned long long)st.st_ino);
    postdrop_block(SIG_BLOCK, NULL);
    if (rename(postdrop_private_file, mail_queue_path(NULL, MAIL_QUEUE_MAILDROP, vstring_str(id))) <
        0) {
        postdrop_block(SIG_UNBLOCK, NULL);
        msg_fatal_status(EX_TEMPFAIL, "rename %s: %m", postdrop_private_file);
    }
    postdrop_set(postdrop_private_file, "%s/%s", postdrop_private_dir, vstring_str(id));
    postdrop_block(SIG_UNBLOCK, NULL);
    return vstring_export(id);
}

/* postdrop_check - the maildrop checks that pickup will apply */

static void postdrop_check(const char *id, long long max_size)
{
    MAILDROP_LIMITS limits = {.max_size = max_size, .max_rcpt = POSTDROP_RCPT_LIMIT};
    VSTRING *why = vstring_alloc(100);
    MAILDROP *md;

    switch (maildrop_open(id, &limits, &md, why)) {
    case MAILDROP_STAT_OK:
        if (maildrop_dropped(md) > 0)
            msg_fatal_status(EX_DATAERR, "invalid message: %d attribute(s) that a user may not set",
                             maildrop_dropped(md));
        maildrop_close(md);
        break;
    case MAILDROP_STAT_BAD:
        msg_fatal_status(EX_DATAERR, "invalid message on standard input: %s", vstring_str(why));
    default:
        msg_fatal_status(EX_TEMPFAIL, "cannot check the message: %s", vstring_str(why));
    }
    vstring_free(why);
}

/* postdrop_commit - copy into maildrop: temporary name, fsync, rename */

static void postdrop_commit(const char *queue_dir, const char *id)
{
    VSTRING *final_path = vstring_alloc(100);
    VSTRING *final_id = vstring_alloc(MAIL_QUEUE_ID_MAX_LEN);
    struct timeval now;
    struct stat st;
    int in, out;

    /* The descriptor from postdrop_receive(), never the name, which the user controls. */
    in = postdrop_private_fd;
    if (chdir(queue_dir) < 0)
        msg_fatal_status(EX_TEMPFAIL, "change to %s: %m", queue_dir);
    postdrop_block(SIG_BLOCK, NULL);
    postdrop_set(postdrop_temp, "%s/%sXXXXXX", MAIL_QUEUE_MAILDROP, MAIL_QUEUE_TEMP_PREFIX);
    if ((out = mkostemp(postdrop_temp, O_CLOEXEC)) < 0) {
        *postdrop_temp = 0;
        postdrop_block(SIG_UNBLOCK, NULL);
        msg_fatal_status(EX_TEMPFAIL, "cannot create a file in the %s queue of %s: %m",
                         MAIL_QUEUE_MAILDROP, queue_dir);
    }
    postdrop_block(SIG_UNBLOCK, NULL);
    if (flock(out, LOCK_EX | LOCK_NB) < 0 || fchmod(out, MAILDROP_FILE_MODE) < 0 ||
        fstat(out, &st) < 0 || postdrop_copy(in, out, 0) < 0)
        msg_fatal_status(EX_TEMPFAIL, "write %s: %m", postdrop_temp);
    gettimeofday(&now, NULL);
    mail_queue_id_make(final_id, &now, (unsigned long long)st.st_ino);
    mail_queue_path(final_path, MAIL_QUEUE_MAILDROP, vstring_str(final_id));
    postdrop_block(SIG_BLOCK, NULL);
    if (renameat2(AT_FDCWD, postdrop_temp, AT_FDCWD, vstring_str(final_path), RENAME_NOREPLACE) <
        0) {
        postdrop_block(SIG_UNBLOCK, NULL);
        msg_fatal_status(EX_TEMPFAIL, "rename %s to %s: %m", postdrop_temp,
                         vstring_str(final_path));
    }
    *postdrop_temp = 0;
    postdrop_block(SIG_UNBLOCK, NULL);
    if (msg_verbose)
        msg_info("%s: from %s", vstring_str(final_path), id);
    close(out);
    close(in);
    postdrop_private_fd = -1;
    vstring_free(final_path);
    vstring_free(final_id);
}

/* The parameters postdrop reads, bound by main(). */
static struct POSTDROP_CONFIG {
    long message_size_limit;     /* message_size_limit, 0: none */
    const char *queue_directory; /* queue_directory */
    const char *pickup_service;  /* pickup_service_name */
    int trigger_timeout;         /* trigger_timeout, seconds */
    const char *submit_users;    /* authorized_submit_users */
} postdrop_config;

/* postdrop_wakeup - tell pickup about the new file */

static void postdrop_wakeup(void)
{
    VSTRING *why = vstring_alloc(100);
    char request = MAIL_TRIGGER_WAKEUP;

    if (mail_trigger(MAIL_CLASS_PUBLIC, postdrop_config.pickup_service, &request, 1,
                     postdrop_config.trigger_timeout, why) < 0 &&
        msg_verbose)
        msg_info("no pickup wake-up: %s (the message is picked up later)", vstring_str(why));
    vstring_free(why);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &postdrop_config.message_size_limit),
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &postdrop_config.queue_directory),
        CONFIG_BIND_STR(VAR_PICKUP_SERVICE_NAME, &postdrop_config.pickup_service),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &postdrop_config.trigger_timeout),
        CONFIG_BIND_STR(VAR_AUTHORIZED_SUBMIT_USERS, &postdrop_config.submit_users),
        CONFIG_BIND_END,
    };
    char *config_dir = postdrop_harden();
    VSTRING *why = vstring_alloc(100);
    long long size_limit, max_size;
    CONFIG *config;
    char *id;
    int ch;

    msg_init("postdrop");
    while ((ch = getopt(argc, argv, "c:v")) != -1) {
        if (ch == 'c')
            config_dir = optarg;
        else if (ch == 'v')
            msg_verbose++;
        else
            msg_fatal_status(EX_USAGE, "usage: postdrop [-c config_dir] [-v]");
    }
    mail_trust_config(config_dir_choose(config_dir), "postdrop");
    config = config_startup(config_dir, NULL, "postdrop");
    maillog_init(config, "postdrop", why);
    config_bind(config, parameters);
    user_acl_require(VAR_AUTHORIZED_SUBMIT_USERS, postdrop_config.submit_users, "submit mail");
    size_limit = postdrop_config.message_size_limit;
    max_size = size_limit > 0 ? size_limit + POSTDROP_SIZE_SLACK : 0;
    msg_cleanup(postdrop_cleanup);
    for (size_t i = 0; i < sizeof(postdrop_signals) / sizeof(postdrop_signals[0]); i++)
        signal(postdrop_signals[i], postdrop_interrupted);
    id = postdrop_receive(max_size);
    postdrop_check(id, max_size);
    postdrop_commit(postdrop_config.queue_directory, id);
    postdrop_cleanup();
    postdrop_wakeup();
    myfree(id);
    vstring_free(why);
    return 0;
}
