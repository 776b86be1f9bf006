/*
 * spawn_command.h - run a command with an argument vector and a clean environment
 */
#ifndef SPAWN_COMMAND_H
#define SPAWN_COMMAND_H

#include <sys/types.h>

#include "vstring.h"

#define SPAWN_FD_INHERIT 0  /* leave the parent's descriptor (the default) */
#define SPAWN_FD_NULL    -1 /* connect /dev/null */

typedef struct SPAWN_PROPS {
    const char *const *argv; /* program path, then arguments, NULL-terminated */
    const char *const *env;  /* the whole environment, NULL-terminated; NULL: empty */
    int stdin_fd;            /* SPAWN_FD_INHERIT, SPAWN_FD_NULL, or a descriptor */
    int stdout_fd;           /* same */
    int stderr_fd;           /* same */
    const char *root;        /* chroot to this directory first (needs root); NULL: none */
    uid_t uid;               /* run as this user; 0: keep the current ids */
    gid_t gid;               /* and this group, when uid is not 0 */
    const char *cwd;         /* working directory, entered with the new ids; NULL: keep */
} SPAWN_PROPS;

extern pid_t spawn_command(const SPAWN_PROPS *props, VSTRING *why);
extern int spawn_wait(pid_t pid, int timeout_ms, int *out_status);

#endif
