/*++
 * NAME
 *	mail_trigger - wake up a daemon with a short request
 * SYNOPSIS
 *	#include <mail_trigger.h>
 *
 *	int	mail_trigger(const char *class_name, const char *service,
 *				const void *buf, size_t len, int timeout,
 *				VSTRING *why);
 *	int	mail_trigger_path(const char *path, const void *buf,
 *				size_t len, int timeout, VSTRING *why);
 * DESCRIPTION
 *	mail_trigger() sends len bytes to the endpoint class_name/service
 *	(MAIL_CLASS_PUBLIC or MAIL_CLASS_PRIVATE), relative to the current
 *	directory, which for a daemon and for sendmail is the
 *	queue_directory. mail_trigger_path() takes the path itself.
 *
 *	A UNIX-domain socket gets one connection that carries the bytes and
 *	is then closed; timeout (seconds, 0: none) bounds the write. The
 *	connect is tried once: a full backlog means that the daemon has
 *	wake-ups waiting already, and a sender that waited for room would
 *	only hold up its own client (a cleanup process that sleeps there is
 *	one that master must replace). A fifo gets one atomic, non-blocking
 *	write. The request bytes are the MAIL_TRIGGER_* letters: sendmail
 *	wakes pickup with MAIL_TRIGGER_WAKEUP, cleanup wakes the queue
 *	manager with MAIL_TRIGGER_SCAN_INCOMING after each new message.
 *
 *	Both return 0, or -1 with a reason in why when the endpoint does not
 *	exist, nobody listens, or the write fails. Callers treat a failure
 *	as harmless: the daemon finds the work at its next periodic
 *	wake-up.
 * DIAGNOSTICS
 *	Returned only; nothing is logged.
 * SEE ALSO
 *	sockets(3), mail_server(3)
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "sockets.h"
#include "vstring.h"

/* Global library. */
#include "mail_trigger.h"

/* mail_trigger_path - send a request to an endpoint path */

int mail_trigger_path(const char *path, const void *buf, size_t len, int timeout, VSTRING *why)
{
    struct stat st;
    ssize_t written;
    int fd;

    if (stat(path, &st) < 0) {
        vstring_sprintf(why, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISFIFO(st.st_mode))
        return fifo_trigger(path, buf, len, why);
    if (!S_ISSOCK(st.st_mode)) {
        vstring_sprintf(why, "%s: not a socket or fifo", path);
        return -1;
    }
    if ((fd = unix_connect(path, 0, why)) < 0)
        return -1;
    written = sock_write_nosignal(fd, buf, len, timeout > 0 ? timeout * 1000 : -1, NULL);
    if (written < 0 || (size_t)written != len) {
        vstring_sprintf(why, "%s: write: %s", path, written < 0 ? strerror(errno) : "short write");
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* mail_trigger - send a request to a service in the queue directory */

int mail_trigger(const char *class_name, const char *service, const void *buf, size_t len,
                 int timeout, VSTRING *why)
{
    VSTRING *path = vstring_alloc(100);
    int ret;

    vstring_sprintf(path, "%s/%s", class_name, service);
    ret = mail_trigger_path(vstring_str(path), buf, len, timeout, why);
    vstring_free(path);
    return ret;
}
