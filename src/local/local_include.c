/*++
 * NAME
 *	local_include - :include: files in aliases and .forward files
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_include(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const char *path, LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_include() delivers to the destinations listed in the file
 *	path, as Postfix does: the path must be absolute; the file is
 *	looked up and read with the rights of the level (the .forward
 *	user's, or root's for a root-owned alias database); it must be a
 *	regular file that is not world-writable. Each failure bounces with
 *	5.3.5 "mail system configuration error" and a warning that says
 *	what is wrong. When the level has no user rights yet (a root-owned
 *	alias), the file's owner gives them, unless that owner is root
 *	(then default_privs applies to its files and commands); a file
 *	owner without an account defers (4.3.5).
 *
 *	The destinations (one or more alias values per line, "#" lines are
 *	comments) are delivered with local_items(3), class include:
 *	commands and files only when allow_mail_to_commands and
 *	allow_mail_to_files name "include" (not by default). An unmatched
 *	address extension propagates to them only when
 *	propagate_unmatched_extensions names "include". A file that was
 *	read already for this recipient with the same rights is skipped.
 *--*/

/* System library. */
#include <pwd.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Application-specific. */
#include "local.h"

/* local_include_bounce - the answer to a broken :include: */

static void local_include_bounce(LOCAL_RESULT *result)
{
    local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.3.5", "mail system configuration error");
}

/* local_include - deliver to the destinations of an :include: file */

void local_include(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *path,
                   LOCAL_RESULT *result)
{
    VSTRING *text = vstring_alloc(200), *why = vstring_alloc(100);
    uid_t uid;
    gid_t gid;
    struct stat st;
    LOCAL_LEVEL next = *level;
    ALIAS_LIST *list;
    int status;

    next.depth++;
    next.class = LOCAL_CLASS_INCLUDE;
    next.self = NULL;
    if ((local_config.propagate & LOCAL_CLASS_INCLUDE) == 0)
        next.extension = NULL;
    /* Unset rights (a root-owned alias): the file is read as root. */
    uid = level->rights.uid;
    gid = level->rights.uid ? level->rights.gid : 0;
    if (local_seen(state, "include %ld %s", (long)uid, path)) {
        /* Read already with these rights. */
    } else if (*path != '/') {
        msg_warn(":include:%s uses a relative path", path);
        local_include_bounce(result);
    } else if (!local_config.privileged && uid == 0 &&
               !local_rights_choose(&level->rights, &uid, &gid, result)) {
        /* Deferred: without root, only the agent's own rights exist. */
    } else {
        local_priv_root();
        status = local_read_as(path, uid, gid, &st, text, why);
        local_priv_owner();
        if (status < 0) {
            msg_warn("unable to lookup :include: file %s: %s", path, vstring_str(why));
            local_include_bounce(result);
        } else if (!S_ISREG(st.st_mode)) {
            msg_warn(":include: file %s is not a regular file", path);
            local_include_bounce(result);
        } else if (st.st_mode & S_IWOTH) {
            msg_warn(":include: file %s is world writable", path);
            local_include_bounce(result);
        } else if (level->rights.uid == 0 && st.st_uid != 0 && getpwuid(st.st_uid) == NULL) {
            msg_warn("%s: cannot find :include: file owner username", path);
            local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.5",
                             "mail system configuration error");
        } else if ((list = local_forward_list(vstring_str(text), why)) == NULL) {
            msg_warn(":include: file %s: %s", path, vstring_str(why));
            local_include_bounce(result);
        } else {
            if (level->rights.uid == 0 && st.st_uid != 0) {
                const struct passwd *pw = getpwuid(st.st_uid);

                next.rights = (LOCAL_RIGHTS){.uid = pw->pw_uid,
                                             .gid = pw->pw_gid,
                                             .home = pw->pw_dir,
                                             .shell = pw->pw_shell};
            }
            result->outcome = DELIVER_OUTCOME_NONE;
            local_items(state, &next, list, result);
            if (result->outcome == DELIVER_OUTCOME_NONE)
                local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0",
                                 "delivered to :include: file %s", path);
            alias_list_free(list);
        }
    }
    vstring_free(text);
    vstring_free(why);
}
