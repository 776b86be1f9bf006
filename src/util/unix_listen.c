/*++
 * NAME
 *	unix_listen - listen on a UNIX-domain stream socket
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	unix_listen(const char *path, int mode, int backlog,
 *				VSTRING *why);
 * DESCRIPTION
 *	unix_listen() creates a listening UNIX-domain stream socket at path
 *	with permissions mode (0600 for private services, 0666 for public
 *	ones), and returns the descriptor (non-blocking, close-on-exec), or
 *	-1 with a reason in why. backlog 0 means SOCK_BACKLOG_DEFAULT.
 *
 *	Something already at path is removed only when it is a socket that
 *	nobody accepts connections on (a leftover of an earlier run). A
 *	live socket, or any other kind of file, is refused. The socket file
 *	never has wider permissions than mode, not even for an instant.
 * DIAGNOSTICS
 *	Returned: the reason names the path and the system error.
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"

/* unix_listen_clear - remove a stale socket at path; refuse anything else */

static int unix_listen_clear(const char *path, VSTRING *why)
{
    struct stat st;
    VSTRING *probe_why;
    int fd;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        vstring_sprintf(why, "lstat %s: %m", path);
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        vstring_sprintf(why, "%s exists and is not a socket", path);
        return -1;
    }
    probe_why = vstring_alloc(64);
    fd = unix_connect(path, 1000, probe_why);
    vstring_free(probe_why);
    if (fd >= 0) {
        close(fd);
        vstring_sprintf(why, "%s: another process is listening on this socket", path);
        return -1;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        vstring_sprintf(why, "remove stale socket %s: %m", path);
        return -1;
    }
    return 0;
}

/* unix_listen - a listening socket at path */

int unix_listen(const char *path, int mode, int backlog, VSTRING *why)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    mode_t saved_umask;
    int fd, status;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        vstring_sprintf(why, "socket path too long: %s", path);
        return -1;
    }
    strcpy(sun.sun_path, path);
    if (unix_listen_clear(path, why) < 0)
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        vstring_sprintf(why, "socket for %s: %m", path);
        return -1;
    }
    saved_umask = umask(0777 & ~mode);
    status = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(saved_umask);
    if (status < 0) {
        vstring_sprintf(why, "bind %s: %m", path);
    } else if (chmod(path, mode) < 0) {
        vstring_sprintf(why, "chmod %s: %m", path);
    } else if (listen(fd, backlog > 0 ? backlog : SOCK_BACKLOG_DEFAULT) < 0) {
        vstring_sprintf(why, "listen on %s: %m", path);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}
