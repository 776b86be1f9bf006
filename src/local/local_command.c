/*++
 * NAME
 *	local_command - deliver to a command ("|command", mailbox_command)
 * SYNOPSIS
 *	#include "local.h"
 *
 *	void	local_command(LOCAL_STATE *state, const LOCAL_LEVEL *level,
 *				const char *command, LOCAL_RESULT *result);
 * DESCRIPTION
 *	local_command() runs command with the rights of the level (the
 *	user of a .forward file, the owner of an alias database or
 *	:include: file; default_privs for root) and the message on its
 *	standard input: a "From sender date" line, Return-Path: and
 *	Delivered-To: headers, then the message, with no empty line
 *	appended. The command is given to local_command_shell when that is
 *	set (its words, then the command), else to "/bin/sh -c". Its
 *	environment holds the export_environment variables, PATH
 *	("/usr/bin:/bin"), and SHELL, HOME, USER, LOGNAME, EXTENSION,
 *	DOMAIN, LOCAL, RECIPIENT, ORIGINAL_RECIPIENT and SENDER as
 *	local(8) describes them, each character outside
 *	command_expansion_filter replaced by "_". Its working directory is
 *	the queue directory. It gets command_time_limit seconds.
 *
 *	The outcome: exit status 0 delivers ("delivered to command:
 *	COMMAND"); an RFC 3463 status code at the start of the output
 *	decides any other exit; else the sysexits.h meaning
 *	(mail_command(3)); another status bounces ("Command died with
 *	status N"); a signal defers; the time limit bounces ("Command time
 *	limit exceeded"). The command's output (the first 1024 bytes, one
 *	line) follows the text.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mac_expand.h"
#include "mail_command.h"
#include "mail_copy.h"
#include "mail_params.h"

/* Application-specific. */
#include "local.h"

#define LOCAL_COMMAND_PATH "/usr/bin:/bin" /* PATH of commands */

/* local_command_env_add - NAME=value, the value filtered */

static void local_command_env_add(ARGV *env, const char *name, const char *value)
{
    VSTRING *buf = vstring_alloc(100);

    vstring_sprintf(buf, "%s=", name);
    for (const char *cp = value ? value : ""; *cp; cp++)
        vstring_addch(buf, strchr(local_config.command_filter, *cp) ? *cp : '_');
    argv_add(env, vstring_str(buf));
    vstring_free(buf);
}

/* local_command_env - the environment of a command */

static ARGV *local_command_env(LOCAL_STATE *state, const LOCAL_LEVEL *level)
{
    const DELIVER_RCPT *rcpt = state->rcpt;
    const char *at = strrchr(rcpt->address, '@');
    char *local =
        mystrndup(rcpt->address, at ? (size_t)(at - rcpt->address) : strlen(rcpt->address));
    size_t ext = *local_config.recipient_delimiter
                     ? strcspn(local, local_config.recipient_delimiter)
                     : strlen(local);
    ARGV *env = argv_alloc(20);

    for (size_t i = 0; i < local_config.command_env->argc; i++)
        if (strncmp(local_config.command_env->argv[i], "PATH=", 5) != 0)
            argv_add(env, local_config.command_env->argv[i]);
    argv_add(env, "PATH=" LOCAL_COMMAND_PATH);
    local_command_env_add(env, "SHELL", level->rights.shell);
    local_command_env_add(env, "HOME", level->rights.home);
    local_command_env_add(env, "USER", level->user);
    local_command_env_add(env, "LOGNAME", level->user);
    local_command_env_add(env, "EXTENSION", local[ext] ? local + ext + 1 : "");
    local_command_env_add(env, "DOMAIN", at ? at + 1 : "");
    local_command_env_add(env, "LOCAL", local);
    local_command_env_add(env, "RECIPIENT", rcpt->address);
    local_command_env_add(env, "ORIGINAL_RECIPIENT",
                          rcpt->orig_rcpt && *rcpt->orig_rcpt ? rcpt->orig_rcpt : rcpt->address);
    local_command_env_add(env, "SENDER", state->request->sender);
    myfree(local);
    return env;
}

/* local_command_input - the message as the command reads it, in an unlinked file */

static int local_command_input(LOCAL_STATE *state, VSTRING *why)
{
    char path[] = "/tmp/local.XXXXXX";
    int fd = mkostemp(path, O_CLOEXEC);
    VSTREAM *dst;
    int status;

    if (fd < 0) {
        vstring_sprintf(why, "cannot create a temporary file: %m");
        return -1;
    }
    (void)unlink(path);
    dst = vstream_fdopen(fd, VSTREAM_FLAG_WRITE | VSTREAM_FLAG_NOCLOSE);
    status = mail_copy(
        state->request->msg, dst,
        MAIL_COPY_FROM | MAIL_COPY_RETURN_PATH |
            ((local_config.delivered_header & LOCAL_DELIVERED_COMMAND) ? MAIL_COPY_DELIVERED : 0),
        state->rcpt->address, time(NULL), why);
    vstream_close(dst);
    if (status < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        if (status == 0)
            vstring_sprintf(why, "cannot rewind a temporary file: %m");
        close(fd);
        return -1;
    }
    return fd;
}

/* local_command_outcome - the result of a command that ended */

static void local_command_outcome(int status, const char *command, const VSTRING *output,
                                  LOCAL_RESULT *result)
{
    const char *text, *dsn;
    char code_dsn[16];

    if (WIFSIGNALED(status)) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0",
                         "Command died with signal %d: \"%s\"", WTERMSIG(status), command);
    } else if (WEXITSTATUS(status) == 0) {
        local_result_set(result, DELIVER_OUTCOME_SENT, "2.0.0", "delivered to command: %s",
                         command);
        return;
    } else if (mail_command_status_code(vstring_str(output), code_dsn, sizeof(code_dsn))) {
        local_result_set(result,
                         code_dsn[0] == '4' ? DELIVER_OUTCOME_DEFERRED : DELIVER_OUTCOME_BOUNCED,
                         code_dsn, "%s", vstring_str(output));
        return;
    } else if ((text = mail_command_sysexit(WEXITSTATUS(status), &dsn)) != NULL) {
        local_result_set(result, dsn[0] == '4' ? DELIVER_OUTCOME_DEFERRED : DELIVER_OUTCOME_BOUNCED,
                         dsn, "%s", text);
    } else {
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.3.0",
                         "Command died with status %d: \"%s\"", WEXITSTATUS(status), command);
    }
    if (VSTRING_LEN(output))
        vstring_sprintf_append(result->reason, ". Command output: %s", vstring_str(output));
}

/* local_command_directory - command_execution_directory, expanded; false with a deferral */

static bool local_command_directory(LOCAL_STATE *state, const LOCAL_LEVEL *level, VSTRING *dir,
                                    LOCAL_RESULT *result)
{
    VSTRING *buf = vstring_alloc(100), *why = vstring_alloc(100);
    LOCAL_MACROS macros;
    bool ok;

    local_macros_init(&macros, state, buf);
    macros.user = level->user;
    macros.home = level->rights.home;
    macros.shell = level->rights.shell;
    if (*local_config.recipient_delimiter) {
        size_t base = strcspn(macros.local, local_config.recipient_delimiter);

        macros.extension = macros.local[base] ? macros.local + base + 1 : NULL;
    }
    if (!(ok = mac_expand(dir, local_config.exec_directory, local_macro, &macros,
                          local_config.exec_filter, why) >= 0)) {
        msg_warn("%s: %s", VAR_COMMAND_EXECUTION_DIRECTORY, vstring_str(why));
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.5",
                         "mail system configuration error");
    }
    vstring_free(buf);
    vstring_free(why);
    return ok;
}

/* local_command - run a command with the message on its input */

void local_command(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *command,
                   LOCAL_RESULT *result)
{
    VSTRING *output = vstring_alloc(100), *why = vstring_alloc(100), *dir = vstring_alloc(100);
    ARGV *argv = NULL, *env = NULL;
    int input = -1, pipefd[2] = {-1, -1}, status;
    time_t deadline;
    bool done;
    uid_t uid;
    gid_t gid;
    pid_t pid;

    if (local_seen(state, "command %ld %s", (long)level->rights.uid, command))
        goto out;
    if (!local_rights_choose(&level->rights, &uid, &gid, result))
        goto out;
    if (*local_config.exec_directory && !local_command_directory(state, level, dir, result))
        goto out;
    if ((input = local_command_input(state, why)) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "%s",
                         VSTRING_LEN(why) ? vstring_str(why) : "cannot set up the command");
        goto out;
    }
    if (*local_config.command_shell) {
        argv = argv_split(local_config.command_shell, " \t");
        argv_add(argv, command);
    } else {
        argv = argv_split("/bin/sh -c", " ");
        argv_add(argv, command);
    }
    env = local_command_env(state, level);
    deadline =
        time(NULL) + (local_config.command_time_limit > 0 ? local_config.command_time_limit : 1);
    local_priv_root();
    pid = spawn_command(&(SPAWN_PROPS){.argv = (const char *const *)argv->argv,
                                       .env = (const char *const *)env->argv,
                                       .stdin_fd = input,
                                       .stdout_fd = pipefd[1],
                                       .stderr_fd = pipefd[1],
                                       .uid = local_config.privileged ? uid : 0,
                                       .gid = gid,
                                       .cwd = VSTRING_LEN(dir) ? vstring_str(dir) : NULL},
                        why);
    local_priv_owner();
    close(pipefd[1]);
    pipefd[1] = -1;
    if (pid < 0) {
        local_result_set(result, DELIVER_OUTCOME_DEFERRED, "4.3.0", "%s", vstring_str(why));
        goto out;
    }
    done = mail_command_output(pipefd[0], deadline, output);
    /* Killing the command, which runs as another user, needs root. */
    local_priv_root();
    if (!done) {
        (void)kill(pid, SIGKILL);
        (void)spawn_wait(pid, -1, &status);
    } else {
        long left = (long)(deadline - time(NULL));

        done = spawn_wait(pid, left > 0 ? (int)left * 1000 : 0, &status) >= 0;
    }
    local_priv_owner();
    if (!done)
        local_result_set(result, DELIVER_OUTCOME_BOUNCED, "5.3.0",
                         "Command time limit exceeded: \"%s\"", command);
    else
        local_command_outcome(status, command, output, result);
out:
    if (input >= 0)
        close(input);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (argv)
        argv_free(argv);
    if (env)
        argv_free(env);
    vstring_free(output);
    vstring_free(why);
    vstring_free(dir);
}
