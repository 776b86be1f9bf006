/*++
 * NAME
 *	mail_trust - refuse a user's own configuration in a set-group-ID program
 * SYNOPSIS
 *	#include <mail_trust.h>
 *
 *	void	mail_trust_config(const char *config_dir, const char *program);
 * DESCRIPTION
 *	sendmail and postdrop may be installed set-group-ID setgid_group,
 *	so that ordinary users can write into the maildrop directory (mode
 *	0730) and reach public/pickup. Such a process must not let the user
 *	choose the configuration, or queue_directory could point anywhere.
 *
 *	mail_trust_config() accepts, for a set-group-ID process of a user
 *	other than root, only a configuration directory (config_dir, as
 *	chosen from -C, -c or MAIL_CONFIG) that is the default one, or that
 *	belongs to root and is writable by root only, with a main.cf of the
 *	same kind. Anything else is a fatal error that names program.
 *
 *	The program reads main.cf by name after this check, so the check
 *	also makes sure that no one but root can change what the name
 *	leads to: the path to the directory and to main.cf is resolved one
 *	component at a time, symbolic links included, and every directory
 *	in which a name is looked up must belong to root and be writable
 *	by root only, or be a root-owned sticky directory (such as /tmp)
 *	in which the entry looked up belongs to root. A symbolic link that
 *	the user could replace, in a directory of the user's or in /tmp,
 *	is thus refused, even when it leads to a trusted directory.
 *	Processes without the set-group-ID privilege are not checked: they
 *	can do only what the user can do anyway.
 * DIAGNOSTICS
 *	Fatal (EX_NOPERM): an untrusted configuration in a set-group-ID
 *	process.
 * SEE ALSO
 *	sendmail(1), postdrop(1)
 *--*/

/* System library. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "mail_trust.h"

#define MAIL_TRUST_MAX_LINKS 40 /* symbolic links followed, as the kernel does */

/* mail_trust_root_only - owned by root and writable by nobody else */

static bool mail_trust_root_only(const struct stat *st)
{
    return st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* mail_trust_entry_fixed - no one but root can replace this entry of dir */

static bool mail_trust_entry_fixed(const struct stat *dir, const struct stat *entry)
{
    /* In a sticky directory only an entry's owner (or the directory's) may rename it. */
    return S_ISDIR(dir->st_mode) && dir->st_uid == 0 &&
           (mail_trust_root_only(dir) || ((dir->st_mode & S_ISVTX) && entry->st_uid == 0));
}

/* mail_trust_parent - the parent of a resolved path, which holds no links */

static void mail_trust_parent(VSTRING *cur)
{
    char *last = strrchr(vstring_str(cur), '/');

    vstring_truncate(cur, last == vstring_str(cur) ? 1 : (size_t)(last - vstring_str(cur)));
}

/* mail_trust_next - take the next name off rest; false at the end */

static bool mail_trust_next(VSTRING *rest, VSTRING *name)
{
    const char *cp = vstring_str(rest), *slash;
    size_t off;

    while (*cp == '/')
        cp++;
    if (*cp == 0)
        return false;
    slash = strchr(cp, '/');
    vstring_strncpy(name, cp, slash ? (size_t)(slash - cp) : strlen(cp));
    /* The rest moves to the front of its own buffer. */
    off = slash ? (size_t)(slash - vstring_str(rest)) : VSTRING_LEN(rest);
    memmove(vstring_str(rest), vstring_str(rest) + off, VSTRING_LEN(rest) - off + 1);
    vstring_truncate(rest, VSTRING_LEN(rest) - off);
    return true;
}

/* mail_trust_resolve - resolve path as the kernel would, each step fixed; false if not */

static bool mail_trust_resolve(const char *path, struct stat *out_st)
{
    VSTRING *cur = vstring_alloc(100);  /* resolved so far, without links */
    VSTRING *rest = vstring_alloc(100); /* what is left to resolve */
    VSTRING *name = vstring_alloc(100);
    char target[PATH_MAX];
    struct stat dir_st, st;
    int links = 0;
    bool ok = false;
    ssize_t len;

    if (*path == '/' || getcwd(target, sizeof(target)) == NULL)
        vstring_strcpy(rest, path);
    else
        vstring_sprintf(rest, "%s/%s", target, path);
    vstring_strcpy(cur, "/");
    for (;;) {
        if (stat(vstring_str(cur), &dir_st) < 0 || !S_ISDIR(dir_st.st_mode))
            break;
        if (!mail_trust_next(rest, name)) {
            *out_st = dir_st;
            ok = true;
            break;
        }
        if (strcmp(vstring_str(name), ".") == 0)
            continue;
        if (strcmp(vstring_str(name), "..") == 0) {
            mail_trust_parent(cur);
            continue;
        }
        if (strcmp(vstring_str(cur), "/") != 0)
            vstring_strcat(cur, "/");
        vstring_strcat(cur, vstring_str(name));
        if (lstat(vstring_str(cur), &st) < 0 || !mail_trust_entry_fixed(&dir_st, &st))
            break;
        if (S_ISLNK(st.st_mode)) {
            /* Go on with the link's text, from its directory or from the root. */
            if (++links > MAIL_TRUST_MAX_LINKS ||
                (len = readlink(vstring_str(cur), target, sizeof(target) - 1)) <= 0)
                break;
            target[len] = 0;
            vstring_sprintf(name, "%s/%s", target, vstring_str(rest));
            vstring_strcpy(rest, vstring_str(name));
            if (*target == '/')
                vstring_strcpy(cur, "/");
            else
                mail_trust_parent(cur);
        } else if (!S_ISDIR(st.st_mode)) {
            /* A file ends the path; it has nothing under it. */
            if (!mail_trust_next(rest, name)) {
                *out_st = st;
                ok = true;
            }
            break;
        }
    }
    vstring_free(cur);
    vstring_free(rest);
    vstring_free(name);
    return ok;
}

/* mail_trust_config - refuse a user's own configuration in a setgid process */

void mail_trust_config(const char *config_dir, const char *program)
{
    VSTRING *main_cf;
    struct stat dir_st, cf_st;
    bool trusted;

    if (getuid() == 0 || getegid() == getgid())
        return;
    if (strcmp(config_dir, CONFIG_DIR_DEFAULT) == 0)
        return;
    main_cf = vstring_alloc(100);
    vstring_sprintf(main_cf, "%s/%s", config_dir, CONFIG_MAIN_CF);
    trusted = mail_trust_resolve(config_dir, &dir_st) && S_ISDIR(dir_st.st_mode) &&
              mail_trust_root_only(&dir_st) && mail_trust_resolve(vstring_str(main_cf), &cf_st) &&
              S_ISREG(cf_st.st_mode) && mail_trust_root_only(&cf_st);
    vstring_free(main_cf);
    if (!trusted)
        msg_fatal_status(EX_NOPERM,
                         "configuration directory %s: not trusted by a set-group-ID %s: "
                         "the directory and its main.cf must belong to root and be writable "
                         "by root only",
                         config_dir, program);
}
