/*++
 * NAME
 *	pipe_attr - the command attributes of a pipe(8) master.cf entry
 * SYNOPSIS
 *	#include "pipe.h"
 *
 *	int	pipe_attr_parse(const ARGV *args, PIPE_ATTR *attr,
 *				VSTRING *why);
 *	void	pipe_attr_free(PIPE_ATTR *attr);
 * DESCRIPTION
 *	pipe_attr_parse() reads the attributes that follow the daemon
 *	options in master.cf into attr:
 *	.IP flags=letters
 *	B D F O R X h q u . > (pipe.h); another letter is an error.
 *	.IP user=name, user=name:group
 *	Required. The command runs with that user's uid and gid (or the
 *	group's); root (uid 0 or gid 0) is refused.
 *	.IP size=bytes
 *	Larger messages are bounced.
 *	.IP eol=string
 *	The line end written to the command, with \\r, \\n, \\t and \\\\
 *	escapes; "\\n" by default.
 *	.IP null_sender=text
 *	${sender} for the null sender; MAILER-DAEMON by default.
 *	.IP chroot=pathname
 *	The command's root directory, entered before user= takes effect
 *	(and its working directory, unless directory= names one inside).
 *	.IP directory=pathname
 *	The command's working directory, entered with the user= ids.
 *	.IP "argv=command arguments..."
 *	Required, last: the command (a name without "/" is looked up in
 *	/usr/local/bin, /usr/bin and /bin) and its arguments, whose macros
 *	pipe_expand_check() must know.
 *	.PP
 *	It returns 0, or -1 with the problem in why. attr must be
 *	released with pipe_attr_free().
 * DIAGNOSTICS
 *	Returned; the caller makes them fatal.
 *--*/

/* System library. */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Application-specific. */
#include "pipe.h"

/* pipe_attr_flags - flags=letters */

static int pipe_attr_flags(const char *value, int *out_flags, VSTRING *why)
{
    static const char letters[] = "BDFORXhqu.>";
    static const int bits[] = {
        PIPE_FLAG_BLANK,       PIPE_FLAG_DELIVERED, PIPE_FLAG_FROM,       PIPE_FLAG_ORIGINAL,
        PIPE_FLAG_RETURN_PATH, PIPE_FLAG_FINAL,     PIPE_FLAG_FOLD_HOST,  PIPE_FLAG_QUOTE,
        PIPE_FLAG_FOLD_USER,   PIPE_FLAG_DOT,       PIPE_FLAG_QUOTE_FROM,
    };

    for (const char *cp = value; *cp; cp++) {
        const char *hit = strchr(letters, *cp);

        if (hit == NULL) {
            vstring_sprintf(why, "unknown flag \"%c\" in flags=%s", *cp, value);
            return -1;
        }
        *out_flags |= bits[hit - letters];
    }
    return 0;
}

/* pipe_attr_user - user=name[:group] */

static int pipe_attr_user(const char *value, PIPE_ATTR *attr, VSTRING *why)
{
    char *copy = mystrdup(value), *group = strchr(copy, ':');
    struct passwd *pw;
    struct group *gr;
    int status = -1;

    if (group)
        *group++ = 0;
    if ((pw = getpwnam(copy)) == NULL) {
        vstring_sprintf(why, "user= attribute: unknown user \"%s\"", copy);
    } else if (group && (gr = getgrnam(group)) == NULL) {
        vstring_sprintf(why, "user= attribute: unknown group \"%s\"", group);
    } else {
        attr->uid = pw->pw_uid;
        attr->gid = group ? gr->gr_gid : pw->pw_gid;
        if (attr->uid == 0 || attr->gid == 0)
            vstring_sprintf(why, "user= attribute: %s must not have root privileges", value);
        else
            status = 0;
    }
    myfree(copy);
    return status;
}

/* pipe_attr_eol - eol=string with escapes */

static void pipe_attr_eol(const char *value, VSTRING *out)
{
    VSTRING_RESET(out);
    for (const char *cp = value; *cp; cp++) {
        if (*cp == '\\' && cp[1]) {
            cp++;
            vstring_memcat(out, *cp == 'r' ? "\r" : *cp == 'n' ? "\n" : *cp == 't' ? "\t" : cp, 1);
        } else {
            vstring_memcat(out, cp, 1);
        }
    }
}

/* pipe_attr_command - the command: absolute, or found in a fixed path */

static int pipe_attr_command(ARGV *argv, VSTRING *why)
{
    static const char *const dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};
    VSTRING *path;

    if (strchr(argv->argv[0], '/') != NULL)
        return 0;
    path = vstring_alloc(100);
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        vstring_sprintf(path, "%s/%s", dirs[i], argv->argv[0]);
        if (access(vstring_str(path), X_OK) == 0) {
            argv_delete(argv, 0);
            argv_insert(argv, 0, vstring_str(path));
            vstring_free(path);
            return 0;
        }
    }
    vstring_free(path);
    vstring_sprintf(why, "argv= attribute: command \"%s\" not found", argv->argv[0]);
    return -1;
}

/* pipe_attr_parse - all attributes */

int pipe_attr_parse(const ARGV *args, PIPE_ATTR *attr, VSTRING *why)
{
    bool have_user = false;
    size_t i;

    memset(attr, 0, sizeof(*attr));
    attr->eol = vstring_alloc(4);
    vstring_strcpy(attr->eol, "\n");
    attr->null_sender = mystrdup("MAILER-DAEMON");
    for (i = 0; i < args->argc && attr->argv == NULL; i++) {
        const char *arg = args->argv[i], *eq = strchr(arg, '=');
        const char *value = eq ? eq + 1 : "";
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

#define PIPE_ATTR_IS(s) (strlen(s) == len && strncmp(arg, (s), len) == 0)

        if (eq == NULL) {
            vstring_sprintf(why, "unknown command attribute \"%s\" (name=value expected)", arg);
            return -1;
        } else if (PIPE_ATTR_IS("flags")) {
            if (pipe_attr_flags(value, &attr->flags, why) < 0)
                return -1;
        } else if (PIPE_ATTR_IS("user")) {
            if (pipe_attr_user(value, attr, why) < 0)
                return -1;
            have_user = true;
        } else if (PIPE_ATTR_IS("size")) {
            char *end;

            attr->size_limit = strtoll(value, &end, 10);
            if (*value == 0 || *end != 0 || attr->size_limit < 0) {
                vstring_sprintf(why, "size= attribute: bad value \"%s\"", value);
                return -1;
            }
        } else if (PIPE_ATTR_IS("eol")) {
            pipe_attr_eol(value, attr->eol);
        } else if (PIPE_ATTR_IS("null_sender")) {
            myfree((char *)attr->null_sender);
            attr->null_sender = mystrdup(value);
        } else if (PIPE_ATTR_IS("directory")) {
            myfree((char *)attr->directory);
            attr->directory = mystrdup(value);
        } else if (PIPE_ATTR_IS("chroot")) {
            myfree((char *)attr->chroot);
            attr->chroot = *value ? mystrdup(value) : NULL;
        } else if (PIPE_ATTR_IS("argv")) {
            attr->argv = argv_alloc(args->argc - i);
            if (*value)
                argv_add(attr->argv, value);
            for (size_t j = i + 1; j < args->argc; j++)
                argv_add(attr->argv, args->argv[j]);
        } else {
            vstring_sprintf(why, "unknown command attribute \"%.*s\"", (int)len, arg);
            return -1;
        }
    }
    if (!have_user) {
        vstring_strcpy(why, "missing user= command-line attribute");
        return -1;
    }
    if (attr->argv == NULL || attr->argv->argc == 0) {
        vstring_strcpy(why, "missing argv= command-line attribute");
        return -1;
    }
    if (pipe_attr_command(attr->argv, why) < 0 || pipe_expand_check(attr->argv, why) < 0)
        return -1;
    return 0;
}

/* pipe_attr_free - release what pipe_attr_parse() made */

void pipe_attr_free(PIPE_ATTR *attr)
{
    if (attr->argv)
        argv_free(attr->argv);
    vstring_free(attr->eol);
    myfree((char *)attr->null_sender);
    myfree((char *)attr->directory);
    myfree((char *)attr->chroot);
    memset(attr, 0, sizeof(*attr));
}
