/*++
 * NAME
 *	postfix_perms - "postfix set-permissions" and "postfix post-install"
 * SYNOPSIS
 *	#include "postfix.h"
 *
 *	int	postfix_set_permissions(CONFIG *config);
 *
 *	int	postfix_post_install(CONFIG *config);
 * DESCRIPTION
 *	postfix_set_permissions() gives an installation the owners and
 *	modes that its privilege separation relies on, repairing what a
 *	copy, a restore or an upgrade left wrong. It must run as root:
 *
 *	queue_directory belongs to root, mode 0755. Its queues (maildrop,
 *	incoming, active, deferred, hold, corrupt, bounce, defer), private
 *	and public, and data_directory, with everything in them, belong to
 *	mail_owner. maildrop and public have the group setgid_group, modes
 *	0730 and 0710; the others mail_owner's group, mode 0700. The pid
 *	directory belongs to root, mode 0755. postdrop and postqueue in
 *	command_directory become root:setgid_group, mode 02755, so that they
 *	can write into maildrop and public. main.cf, master.cf and the
 *	programs in daemon_directory belong to root and are writable by
 *	root only (root runs them or reads them). Each private key file that
 *	main.cf or a master.cf -o override names loses every permission for
 *	others. A directory or file that does not exist is left alone.
 *	Below the queue and data directories, where mail_owner may write,
 *	the work goes through descriptors: symbolic links are never
 *	followed, and a file with more than one link keeps its owner (with
 *	a warning), so that no link can make root give away another file.
 *
 *	postfix_post_install() creates what is missing (the directories of
 *	postfix_check(3)), then runs postfix_set_permissions(): the step
 *	after "make install" on the system that will run the mail system.
 *
 *	Both return the exit status: 0, or 1 when something could not be
 *	repaired.
 * DIAGNOSTICS
 *	Fatal when not run as root or when mail_owner or setgid_group is
 *	unusable. A failed repair is an error naming the file; the removal
 *	of others' access to a private key is reported.
 *--*/

/* System library. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_owner.h"
#include "mail_queue.h"

/* Application-specific. */
#include "postfix.h"

#define PERMS_ANY_UID  ((uid_t) - 1)  /* chown(2): leave the owner as is */
#define PERMS_ANY_GID  ((gid_t) - 1)  /* chown(2): leave the group as is */
#define PERMS_ANY_MODE ((mode_t) - 1) /* leave the mode as is */

/* Commands that submit mail through maildrop and public. */
static const char *const perms_setgid_commands[] = {"postdrop", "postqueue", NULL};

/* The state of one run, with the parameters it reads (bound at its start). */
typedef struct PERMS {
    MAIL_OWNER owner;              /* mail_owner and setgid_group IDs */
    int errors;                    /* repairs that failed */
    const char *config_dir;        /* where main.cf and master.cf are */
    const char *queue_directory;   /* queue_directory */
    const char *pid_directory;     /* process_id_directory, relative to it */
    const char *data_directory;    /* data_directory */
    const char *command_directory; /* where postdrop and postqueue are */
    const char *daemon_directory;  /* where the daemons are */
} PERMS;

/* perms_set - one file's owner, group and mode; missing files are fine */

static void perms_set(PERMS *perms, const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno != ENOENT) {
            msg_error("lstat %s: %m", path);
            perms->errors++;
        }
        return;
    }
    if (S_ISLNK(st.st_mode))
        return;
    if ((uid != PERMS_ANY_UID && st.st_uid != uid) || (gid != PERMS_ANY_GID && st.st_gid != gid)) {
        if (lchown(path, uid, gid) < 0) {
            msg_error("chown %s: %m", path);
            perms->errors++;
            return;
        }
        if (msg_verbose)
            msg_info("owner of %s set to %ld:%ld", path, (long)uid, (long)gid);
        st.st_mode &= ~(S_ISUID | S_ISGID); /* chown(2) may have cleared them */
    }
    if (mode != PERMS_ANY_MODE && (st.st_mode & 07777) != mode) {
        if (chmod(path, mode) < 0) {
            msg_error("chmod %s: %m", path);
            perms->errors++;
        } else if (msg_verbose) {
            msg_info("mode of %s set to %04o", path, (unsigned)mode);
        }
    }
}

/* perms_contents - the owner of everything below an open directory */

static void perms_contents(PERMS *perms, int dir_fd, const char *path, uid_t uid)
{
    /*
     * mail_owner can write here, so a name can change between a look and
     * a change: work on descriptors, never follow a symbolic link, and
     * leave a file with more than one link alone (it may be a link to a
     * file elsewhere).
     */
    DIR *dir = fdopendir(dir_fd);
    VSTRING *child;
    struct dirent *dp;
    struct stat st;

    if (dir == NULL) {
        msg_error("open directory %s: %m", path);
        perms->errors++;
        (void)close(dir_fd);
        return;
    }
    child = vstring_alloc(100);
    while ((dp = readdir(dir)) != NULL) {
        int fd;

        if (strcmp(dp->d_name, ".") == 0 || strcmp(dp->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd(dir), dp->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* gone meanwhile: a delivered message */
        vstring_sprintf(child, "%s/%s", path, dp->d_name);
        if (S_ISDIR(st.st_mode)) {
            fd = openat(dirfd(dir), dp->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                continue;
            if (fchown(fd, uid, PERMS_ANY_GID) < 0) {
                msg_error("chown %s: %m", vstring_str(child));
                perms->errors++;
            }
            perms_contents(perms, fd, vstring_str(child), uid);
        } else if (st.st_uid == uid || S_ISLNK(st.st_mode)) {
            continue;
        } else if (st.st_nlink > 1) {
            msg_warn("%s has %lu links: owner not changed", vstring_str(child),
                     (unsigned long)st.st_nlink);
        } else if (fchownat(dirfd(dir), dp->d_name, uid, PERMS_ANY_GID, AT_SYMLINK_NOFOLLOW) < 0 &&
                   errno != ENOENT) {
            msg_error("chown %s: %m", vstring_str(child));
            perms->errors++;
        }
    }
    closedir(dir);
    vstring_free(child);
}

/* perms_tree - a directory, and the owner of what is in it */

static void perms_tree(PERMS *perms, const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    int fd;

    perms_set(perms, path, uid, gid, mode);
    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno != ENOENT) {
            msg_error("open directory %s: %m", path);
            perms->errors++;
        }
        return;
    }
    perms_contents(perms, fd, path, uid);
}

/* perms_queue - the queue directory tree */

static void perms_queue(PERMS *perms)
{
    const char *queue_dir = perms->queue_directory;
    VSTRING *path = vstring_alloc(100);
    const char *queue;

    perms_set(perms, queue_dir, 0, PERMS_ANY_GID, 0755);
    for (int i = 0; (queue = mail_queue_name(i)) != NULL; i++) {
        bool maildrop = strcmp(queue, MAIL_QUEUE_MAILDROP) == 0;

        vstring_sprintf(path, "%s/%s", queue_dir, queue);
        perms_tree(perms, vstring_str(path), perms->owner.uid,
                   maildrop ? perms->owner.setgid_gid : perms->owner.gid, maildrop ? 0730 : 0700);
    }
    vstring_sprintf(path, "%s/private", queue_dir);
    perms_tree(perms, vstring_str(path), perms->owner.uid, perms->owner.gid, 0700);
    vstring_sprintf(path, "%s/public", queue_dir);
    perms_tree(perms, vstring_str(path), perms->owner.uid, perms->owner.setgid_gid, 0710);
    vstring_sprintf(path, "%s/%s", queue_dir, perms->pid_directory);
    perms_set(perms, vstring_str(path), 0, PERMS_ANY_GID, 0755);
    perms_tree(perms, perms->data_directory, perms->owner.uid, perms->owner.gid, 0700);
    vstring_free(path);
}

/* perms_commands - the setgid submission commands */

static void perms_commands(PERMS *perms)
{
    VSTRING *path = vstring_alloc(100);

    for (int i = 0; perms_setgid_commands[i]; i++) {
        vstring_sprintf(path, "%s/%s", perms->command_directory, perms_setgid_commands[i]);
        if (access(vstring_str(path), F_OK) < 0)
            msg_warn("%s: %m", vstring_str(path));
        else
            perms_set(perms, vstring_str(path), 0, perms->owner.setgid_gid, 02755);
    }
    vstring_free(path);
}

/* perms_root_only - root owns it, and only root may write it */

static void perms_root_only(PERMS *perms, const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return;
    perms_set(perms, path, 0, PERMS_ANY_GID, st.st_mode & 07777 & ~(S_IWGRP | S_IWOTH));
}

/* perms_root_files - main.cf, master.cf and the daemons */

static void perms_root_files(PERMS *perms)
{
    const char *daemon_dir = perms->daemon_directory;
    VSTRING *path = vstring_alloc(100);
    struct dirent *dp;
    DIR *dir;

    vstring_sprintf(path, "%s/%s", perms->config_dir, CONFIG_MAIN_CF);
    perms_root_only(perms, vstring_str(path));
    vstring_sprintf(path, "%s/%s", perms->config_dir, CONFIG_MASTER_CF);
    perms_root_only(perms, vstring_str(path));
    if ((dir = opendir(daemon_dir)) != NULL) {
        while ((dp = readdir(dir)) != NULL) {
            vstring_sprintf(path, "%s/%s", daemon_dir, dp->d_name);
            perms_root_only(perms, vstring_str(path));
        }
        closedir(dir);
    }
    vstring_free(path);
}

/* perms_key - no access for others to a private key */

static void perms_key(const char *param, const char *file, const char *where, void *context)
{
    PERMS *perms = context;
    struct stat st;

    if (stat(file, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & S_IRWXO) == 0)
        return;
    if (chmod(file, st.st_mode & 07777 & ~S_IRWXO) < 0) {
        msg_error("chmod %s: %m", file);
        perms->errors++;
        return;
    }
    msg_info("%s%s%s: private key file %s: removed access by others", where, *where ? ": " : "",
             param, file);
}

/* postfix_set_permissions - repair owners and modes */

int postfix_set_permissions(CONFIG *config)
{
    PERMS perms = {.config_dir = config_directory(config)};
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &perms.queue_directory),
        CONFIG_BIND_STR(VAR_PROCESS_ID_DIRECTORY, &perms.pid_directory),
        CONFIG_BIND_STR(VAR_DATA_DIRECTORY, &perms.data_directory),
        CONFIG_BIND_STR(VAR_COMMAND_DIRECTORY, &perms.command_directory),
        CONFIG_BIND_STR(VAR_DAEMON_DIRECTORY, &perms.daemon_directory),
        CONFIG_BIND_END,
    };
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    MASTER_CF *master_cf;

    if (geteuid() != 0)
        msg_fatal("set-permissions must be run by root");
    if (mail_owner_lookup(config, &perms.owner, why) < 0)
        msg_fatal("%s", vstring_str(why));
    config_bind(config, parameters);
    perms_queue(&perms);
    perms_commands(&perms);
    perms_root_files(&perms);
    vstring_sprintf(path, "%s/%s", perms.config_dir, CONFIG_MASTER_CF);
    master_cf = master_cf_load(vstring_str(path), why);
    postfix_keys_walk(config, master_cf, perms_key, &perms);
    if (master_cf)
        master_cf_free(master_cf);
    vstring_free(why);
    vstring_free(path);
    return perms.errors > 0 ? 1 : 0;
}

/* postfix_post_install - create what is missing, then repair */

int postfix_post_install(CONFIG *config)
{
    if (geteuid() != 0)
        msg_fatal("post-install must be run by root");
    if (postfix_check(config, POSTFIX_CHECK_FLAG_QUIET) > 0)
        return 1;
    return postfix_set_permissions(config);
}
