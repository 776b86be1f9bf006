/*++
 * NAME
 *	postconf_edit - edit main.cf in place
 * SYNOPSIS
 *	#include "postconf.h"
 *
 *	void	postconf_edit_main(POSTCONF *pc, char **args,
 *					POSTCONF_EDIT_MODE mode);
 * DESCRIPTION
 *	postconf_edit_main() rewrites DIR/main.cf. Comments, blank lines
 *	and the order of settings stay as they are.
 * .IP POSTCONF_EDIT_SET
 *	args are "name=value". Every setting of a name is replaced by one
 *	line "name = value", and its continuation lines are dropped; names
 *	that main.cf does not set are appended at the end, in the order
 *	given. Each new value must fit its parameter's type (checked as it
 *	would be at start-up) before anything is written.
 * .IP POSTCONF_EDIT_REMOVE
 *	args are names. Their settings and continuation lines go away.
 * .IP POSTCONF_EDIT_COMMENT
 *	args are names. Their settings and continuation lines get a '#'
 *	in front.
 * .PP
 *	The new text goes to a temporary file in the same directory, which
 *	is flushed to disk and then renamed over main.cf, so main.cf is
 *	never seen half written. A missing main.cf is created.
 * DIAGNOSTICS
 *	Fatal: an argument that is not name=value (SET) or not a name, a new
 *	value that does not fit its parameter, an I/O error.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Application-specific. */
#include "postconf.h"

/* One requested change. */
typedef struct POSTCONF_CHANGE {
    char *name;  /* owned */
    char *value; /* owned; NULL unless SET */
    int done;    /* main.cf had a setting of it */
} POSTCONF_CHANGE;

/* postconf_read_lines - main.cf as lines, without newlines */

static ARGV *postconf_read_lines(const char *path)
{
    ARGV *lines = argv_alloc(100);
    FILE *fp;
    char *buf = NULL;
    size_t size = 0;
    ssize_t len;

    if ((fp = fopen(path, "r")) == NULL) {
        if (errno != ENOENT)
            msg_fatal("open %s: %m", path);
        return lines;
    }
    while ((len = getline(&buf, &size, fp)) >= 0) {
        if (len > 0 && buf[len - 1] == '\n')
            buf[--len] = 0;
        argv_add(lines, buf);
    }
    if (ferror(fp))
        msg_fatal("read %s: %m", path);
    fclose(fp);
    free(buf);
    return lines;
}

/* postconf_write_lines - write lines to a temporary file, sync, rename */

static void postconf_write_lines(const char *path, const ARGV *lines)
{
    VSTRING *tmp = vstring_alloc(100);
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    FILE *fp;
    int fd;

    vstring_sprintf(tmp, "%s.tmp.%ld", path, (long)getpid());
    if ((fd = open(vstring_str(tmp), O_WRONLY | O_CREAT | O_EXCL, mode)) < 0 ||
        (fp = fdopen(fd, "w")) == NULL)
        msg_fatal("create %s: %m", vstring_str(tmp));
    for (size_t i = 0; i < lines->argc; i++)
        fprintf(fp, "%s\n", lines->argv[i]);
    if (fflush(fp) != 0 || fsync(fd) != 0 || fclose(fp) != 0) {
        unlink(vstring_str(tmp));
        msg_fatal("write %s: %m", vstring_str(tmp));
    }
    if (rename(vstring_str(tmp), path) != 0) {
        unlink(vstring_str(tmp));
        msg_fatal("rename %s to %s: %m", vstring_str(tmp), path);
    }
    vstring_free(tmp);
}

/* postconf_changes - parse the arguments; check new values */

static POSTCONF_CHANGE *postconf_changes(POSTCONF *pc, char **args, POSTCONF_EDIT_MODE mode,
                                         size_t *out_count)
{
    size_t count = 0;
    POSTCONF_CHANGE *changes;
    VSTRING *why = vstring_alloc(100);

    while (args[count])
        count++;
    changes = mycalloc(count + 1, sizeof(*changes));
    for (size_t i = 0; i < count; i++) {
        char *copy = mystrdup(args[i]);
        char *name = copy;
        char *value = NULL;

        if (mode == POSTCONF_EDIT_SET && split_nameval(copy, &name, &value) != NULL)
            msg_fatal("bad argument \"%s\": expected name=value", args[i]);
        if (*name == 0 || name[strcspn(name, BLANKS "=")] != 0)
            msg_fatal("bad parameter name in \"%s\"", args[i]);
        changes[i].name = mystrdup(name);
        changes[i].value = value ? mystrdup(value) : NULL;
        if (value) {
            config_override_origin(pc->config, name, value, "command line");
            if (config_check_value(pc->config, name, why) < 0)
                msg_fatal("%s; main.cf not changed", vstring_str(why));
        }
        myfree(copy);
    }
    vstring_free(why);
    *out_count = count;
    return changes;
}

/* postconf_setting_name - the name a setting line sets, or NULL */

static POSTCONF_CHANGE *postconf_match(const char *line, POSTCONF_CHANGE *changes, size_t count)
{
    size_t len = strcspn(line, BLANKS "=");

    if (len == 0 || line[len + strspn(line + len, BLANKS)] != '=')
        return NULL;
    for (size_t i = 0; i < count; i++)
        if (strlen(changes[i].name) == len && strncmp(changes[i].name, line, len) == 0)
            return changes + i;
    return NULL;
}

/* postconf_new_setting - "name = value", the way postconf writes it */

static void postconf_new_setting(ARGV *out, const POSTCONF_CHANGE *change)
{
    VSTRING *line = vstring_alloc(100);

    vstring_sprintf(line, "%s = %s", change->name, change->value);
    argv_add(out, vstring_str(line));
    vstring_free(line);
}

/* postconf_edit_main - set, remove or comment out settings */

void postconf_edit_main(POSTCONF *pc, char **args, POSTCONF_EDIT_MODE mode)
{
    const char *path = config_main_cf_path(pc->config);
    size_t count;
    POSTCONF_CHANGE *changes = postconf_changes(pc, args, mode, &count);
    ARGV *lines = postconf_read_lines(path);
    ARGV *out = argv_alloc(lines->argc + count);
    VSTRING *commented = vstring_alloc(100);
    POSTCONF_CHANGE *current = NULL;

    for (size_t i = 0; i < lines->argc; i++) {
        const char *line = lines->argv[i];
        const char *first = line + strspn(line, BLANKS);

        if (*first == 0 || *first == '#') { /* comments never belong to a setting */
            argv_add(out, line);
            continue;
        }
        if (line != first) { /* continuation line */
            if (current == NULL)
                argv_add(out, line);
            else if (mode == POSTCONF_EDIT_COMMENT)
                argv_add(out, vstring_str(vstring_sprintf(commented, "#%s", line)));
            continue;
        }
        if ((current = postconf_match(line, changes, count)) == NULL)
            argv_add(out, line);
        else if (mode == POSTCONF_EDIT_SET)
            postconf_new_setting(out, current);
        else if (mode == POSTCONF_EDIT_COMMENT)
            argv_add(out, vstring_str(vstring_sprintf(commented, "#%s", line)));
        if (current)
            current->done = 1;
    }
    for (size_t i = 0; mode == POSTCONF_EDIT_SET && i < count; i++)
        if (!changes[i].done)
            postconf_new_setting(out, changes + i);
    postconf_write_lines(path, out);
    for (size_t i = 0; i < count; i++) {
        myfree(changes[i].name);
        myfree(changes[i].value);
    }
    myfree(changes);
    argv_free(lines);
    argv_free(out);
    vstring_free(commented);
}
