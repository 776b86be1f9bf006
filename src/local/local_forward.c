/*++
 * NAME
 *	local_forward - a user's .forward file
 * SYNOPSIS
 *	#include "local.h"
 *
 *	bool	local_dot_forward(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const struct passwd *pw, const char *extension,
 *				LOCAL_RESULT *result);
 *
 *	int	local_read_as(const char *path, uid_t uid, gid_t gid,
 *				struct stat *out_st, VSTRING *out, VSTRING *why);
 *	ALIAS_LIST *local_forward_list(const char *text, VSTRING *why);
 * DESCRIPTION
 *	local_dot_forward() looks for the .forward file of the account pw:
 *	each name of forward_path in turn, after the expansion of $user,
 *	$home, $shell, $recipient, $extension, $domain, $local and
 *	$recipient_delimiter (and the ${name?value} and ${name:value}
 *	forms; each character of a value outside forward_expansion_filter
 *	becomes "_"), is looked up with the user's rights; the first name
 *	that exists is the file. A name that does not expand (an unknown
 *	macro) is skipped with a warning; one that expands to nothing or to
 *	a relative path is skipped. With the default forward_path,
 *	"user+foo" uses ~user/.forward+foo when it exists, else
 *	~user/.forward.
 *
 *	The file is used only when it is a regular file, owned by the user
 *	or by root, and not world-writable (as Postfix: a warning, and the
 *	mail goes to the mailbox instead); it is read with the user's
 *	rights. Each line has the syntax of an alias value (aliases(5));
 *	"#" starts a comment line. Its destinations are delivered with
 *	local_items(3), class forward, with the user's rights for files and
 *	commands. A line that names the user goes to the user's mailbox;
 *	with propagate_unmatched_extensions naming "forward", an extension
 *	that no .forward+extension file matched is added to the local part
 *	of each address.
 *
 *	It returns true when the file listed at least one destination (the
 *	outcome is in result), false when there is no usable file or it
 *	lists nothing (an empty .forward means: no forwarding).
 *
 *	local_read_as() opens path and reads it (up to 1 MB) in a child
 *	process with the ids uid and gid (when the agent is privileged), so
 *	that the agent's own ids never change and the user's permissions
 *	decide: the status of the open file goes to out_st, a regular
 *	file's content to out. It returns 0, or -1 with the errno text in
 *	why ("No such file or directory", "Permission denied"). The caller
 *	must have effective root ids when the agent is privileged.
 *
 *	local_forward_list() parses the text of a .forward or :include:
 *	file: one or more alias values per line, "#" lines are comments.
 *	It returns the list, or NULL with the reason in why.
 * DIAGNOSTICS
 *	Warnings: a file that is not used, and why.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "mac_expand.h"
#include "msg.h"
#include "mymalloc.h"
#include "set_ugid.h"
#include "vstring.h"

/* Global library. */
#include "alias_parse.h"
#include "mail_params.h"

/* Application-specific. */
#include "local.h"

#define LOCAL_FORWARD_SIZE_MAX (1024 * 1024) /* bytes of a .forward or :include: file */

/* local_read_as - a file's status and content, read with a user's rights */

int local_read_as(const char *path, uid_t uid, gid_t gid, struct stat *out_st, VSTRING *out,
                  VSTRING *why)
{
    int pipefd[2], status, err;
    char buf[4096];
    ssize_t len;
    pid_t pid;

    VSTRING_RESET(out);
    if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
        vstring_sprintf(why, "cannot start a process: %m");
        return -1;
    }
    if (pid == 0) {
        struct stat st;
        int fd;

        close(pipefd[0]);
        if (local_config.privileged)
            set_ugid(uid, gid);
        if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
            fstat(fd, &st) < 0) {
            err = errno;
            (void)!write(pipefd[1], &err, sizeof(err));
            _exit(1);
        }
        err = 0;
        if (write(pipefd[1], &err, sizeof(err)) != sizeof(err) ||
            write(pipefd[1], &st, sizeof(st)) != sizeof(st))
            _exit(1);
        if (S_ISREG(st.st_mode))
            while ((len = read(fd, buf, sizeof(buf))) > 0)
                if (write(pipefd[1], buf, (size_t)len) != len)
                    _exit(1);
        _exit(0);
    }
    close(pipefd[1]);
    status = -1;
    if (read(pipefd[0], &err, sizeof(err)) != sizeof(err)) {
        vstring_sprintf(why, "cannot read %s: the reading process failed", path);
    } else if (err != 0) {
        errno = err;
        vstring_sprintf(why, "%m");
    } else if (read(pipefd[0], out_st, sizeof(*out_st)) != sizeof(*out_st)) {
        vstring_sprintf(why, "cannot read %s: the reading process failed", path);
    } else {
        status = 0;
        while ((len = read(pipefd[0], buf, sizeof(buf))) > 0 || (len < 0 && errno == EINTR))
            if (len > 0 && VSTRING_LEN(out) < LOCAL_FORWARD_SIZE_MAX)
                vstring_memcat(out, buf, (size_t)len);
    }
    close(pipefd[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        /* void */;
    return status;
}

/* local_forward_list - the destinations of a .forward or :include: text */

ALIAS_LIST *local_forward_list(const char *text, VSTRING *why)
{
    VSTRING *joined = vstring_alloc(200);
    char *copy = mystrdup(text), *cursor = copy, *line;
    ALIAS_LIST *list;

    /* One value per line or several, comma-separated; "#" lines are comments. */
    while ((line = strsep(&cursor, "\n")) != NULL) {
        line += strspn(line, " \t\r");
        if (*line == 0 || *line == '#')
            continue;
        if (VSTRING_LEN(joined))
            vstring_strcat(joined, ", ");
        vstring_strcat(joined, line);
    }
    list = alias_parse_value(vstring_str(joined), why);
    myfree(copy);
    vstring_free(joined);
    return list;
}

/* local_forward_usable - Postfix's checks of a .forward file */

static bool local_forward_usable(const char *path, const struct stat *st, uid_t uid)
{
    if (!S_ISREG(st->st_mode))
        msg_warn("file %s is not a regular file", path);
    else if (st->st_uid != 0 && st->st_uid != uid)
        msg_warn("file %s has bad owner uid %ld", path, (long)st->st_uid);
    else if (st->st_mode & S_IWOTH)
        msg_warn("file %s is world writable", path);
    else
        return true;
    return false;
}

/* local_dot_forward - deliver as the user's .forward file says, when there is one */

bool local_dot_forward(LOCAL_STATE *state, const LOCAL_LEVEL *level, const struct passwd *pw,
                       const char *extension, LOCAL_RESULT *result)
{
    VSTRING *local = vstring_alloc(100);
    LOCAL_MACROS macros;
    ARGV *names = argv_split(local_config.forward_path, ", \t\r\n");
    VSTRING *path = vstring_alloc(100), *why = vstring_alloc(100), *text = vstring_alloc(200);
    bool found = false, used = false;
    struct stat st;
    size_t i;

    local_macros_init(&macros, state, local);
    macros.user = pw->pw_name;
    macros.home = pw->pw_dir;
    macros.shell = pw->pw_shell;
    macros.extension = extension && *extension ? extension + 1 : NULL;

    /* Without root, another user's forwarding is not ours to follow. */
    if (!local_config.privileged && pw->pw_uid != geteuid())
        argv_truncate(names, 0);
    for (i = 0; !found && i < names->argc; i++) {
        int expanded = mac_expand(path, names->argv[i], local_macro, &macros,
                                  local_config.forward_filter, why);

        if (expanded < 0)
            msg_warn("%s: %s", VAR_FORWARD_PATH, vstring_str(why));
        if (expanded != 0 || *vstring_str(path) != '/')
            continue; /* also a name with an empty $extension: ".forward+" is no file */
        local_priv_root();
        found = local_read_as(vstring_str(path), pw->pw_uid, pw->pw_gid, &st, text, why) == 0;
        local_priv_owner();
        if (!found && strcmp(vstring_str(why), "No such file or directory") != 0 &&
            strcmp(vstring_str(why), "Not a directory") != 0)
            msg_warn("cannot open file %s: %s", vstring_str(path), vstring_str(why));
    }
    if (found && local_forward_usable(vstring_str(path), &st, pw->pw_uid)) {
        ALIAS_LIST *list = local_forward_list(vstring_str(text), why);
        /* Was the extension matched by the file name (.forward+foo)? */
        bool matched = extension && *extension && strstr(names->argv[i - 1], "extension") != NULL;
        LOCAL_LEVEL next = {
            .depth = level->depth + 1,
            .class = LOCAL_CLASS_FORWARD,
            .self = pw->pw_name,
            .user = pw->pw_name,
            .extension =
                (local_config.propagate & LOCAL_CLASS_FORWARD) && !matched ? extension : NULL,
            .rights = {.uid = pw->pw_uid,
                       .gid = pw->pw_gid,
                       .home = pw->pw_dir,
                       .shell = pw->pw_shell},
        };

        if (list == NULL) {
            msg_warn("file %s: %s", vstring_str(path), vstring_str(why));
            local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "file %s: %s",
                             vstring_str(path), vstring_str(why));
            used = true;
        } else if (list->count > 0) {
            result->outcome = DELIVER_OUTCOME_NONE;
            local_items(state, &next, list, result);
            if (result->outcome == DELIVER_OUTCOME_NONE)
                local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "forwarded via file: %s",
                                 vstring_str(path));
            used = true;
        }
        if (list)
            alias_list_free(list);
    }
    argv_free(names);
    vstring_free(path);
    vstring_free(why);
    vstring_free(text);
    vstring_free(local);
    return used;
}
