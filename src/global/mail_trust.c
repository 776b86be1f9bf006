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
 *	Processes without the set-group-ID privilege are not checked: they
 *	can do only what the user can do anyway.
 * DIAGNOSTICS
 *	Fatal (EX_NOPERM): an untrusted configuration in a set-group-ID
 *	process.
 * SEE ALSO
 *	sendmail(1), postdrop(1)
 *--*/

/* System library. */
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

/* mail_trust_root_only - owned by root and writable by nobody else */

static bool mail_trust_root_only(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* mail_trust_config - refuse a user's own configuration in a setgid process */

void mail_trust_config(const char *config_dir, const char *program)
{
    VSTRING *main_cf;
    bool trusted;

    if (getuid() == 0 || getegid() == getgid())
        return;
    if (strcmp(config_dir, CONFIG_DIR_DEFAULT) == 0)
        return;
    main_cf = vstring_alloc(100);
    vstring_sprintf(main_cf, "%s/%s", config_dir, CONFIG_MAIN_CF);
    trusted = mail_trust_root_only(config_dir) && mail_trust_root_only(vstring_str(main_cf));
    vstring_free(main_cf);
    if (!trusted)
        msg_fatal_status(EX_NOPERM,
                         "configuration directory %s: not trusted by a set-group-ID %s: "
                         "the directory and its main.cf must belong to root and be writable "
                         "by root only",
                         config_dir, program);
}
