/*++
 * NAME
 *	master_listen - open and close a service's listeners
 * SYNOPSIS
 *	#include "master.h"
 *
 *	int	master_listen_open(MASTER_SERV *serv, VSTRING *why);
 *	void	master_listen_close(MASTER_SERV *serv);
 * DESCRIPTION
 *	master_listen_open() opens what the service listens on, relative to
 *	queue_directory (master's working directory):
 *
 *	inet: the service name as an endpoint ("host:port", "[::1]:port",
 *	or a bare port, which means every inet_interfaces address of the
 *	inet_protocols families); one descriptor per address.
 *
 *	unix and pass: a stream socket private/NAME (mode 0600) or
 *	public/NAME (mode 0666).
 *
 *	fifo: a named pipe private/NAME (mode 0600) or public/NAME (mode
 *	0622).
 *
 *	When master runs as root, socket and fifo files are given to
 *	mail_owner, so that unprivileged daemons and clients can use them.
 *	The child's "-s count" argument is set to the number of
 *	descriptors. It returns 0, or -1 with a reason in why.
 *
 *	master_listen_close() stops watching and closes the descriptors.
 *	Children keep their own copies until they exit.
 * DIAGNOSTICS
 *	Returned in why: bind and file errors, naming the service.
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"

/* Master daemon. */
#include "master.h"

/* master_listen_inet - every address of an inet service */

static int master_listen_inet(MASTER_SERV *serv, int *fds, VSTRING *why)
{
    INET_LISTEN_PROPS props = {0};
    int protocols;

    if ((protocols = inet_proto_parse(master.settings.inet_protocols, why)) < 0)
        return -1;
    props.interfaces = master.settings.inet_interfaces;
    props.protocols = protocols;
    return inet_listen(serv->name, &props, fds, INET_LISTEN_MAX, why);
}

/* master_listen_file - a unix socket or fifo under private/ or public/ */

static int master_listen_file(MASTER_SERV *serv, int *fds, VSTRING *why)
{
    bool private_access = serv->flags & MASTER_FLAG_PRIVATE;
    int fd;

    if (strcmp(serv->type, MASTER_CF_TYPE_FIFO) == 0)
        fd = fifo_listen(serv->socket_path, private_access ? 0600 : 0622, why);
    else
        fd = unix_listen(serv->socket_path, private_access ? 0600 : 0666, 0, why);
    if (fd < 0)
        return -1;
    if (master.have_owner && lchown(serv->socket_path, master.owner.uid, master.owner.gid) < 0) {
        vstring_sprintf(why, "chown %s: %m", serv->socket_path);
        close(fd);
        return -1;
    }
    fds[0] = fd;
    return 1;
}

/* master_listen_open - open a service's listeners */

int master_listen_open(MASTER_SERV *serv, VSTRING *why)
{
    int fds[INET_LISTEN_MAX];
    int count;
    char text[16];

    if (strcmp(serv->type, MASTER_CF_TYPE_INET) == 0)
        count = master_listen_inet(serv, fds, why);
    else
        count = master_listen_file(serv, fds, why);
    if (count < 0) {
        char *reason = mystrdup(vstring_str(why));

        vstring_sprintf(why, "%s: service %s: %s", serv->origin, serv->name, reason);
        myfree(reason);
        return -1;
    }
    if (count == 0) {
        vstring_sprintf(why, "%s: service %s: no address to listen on", serv->origin, serv->name);
        return -1;
    }
    serv->listen_fds = mymemdup(fds, count * sizeof(int));
    serv->listen_count = count;
    snprintf(text, sizeof(text), "%d", count);
    myfree(serv->args->argv[MASTER_ARG_LISTEN_COUNT]);
    serv->args->argv[MASTER_ARG_LISTEN_COUNT] = mystrdup(text);
    return 0;
}

/* master_listen_close - close a service's listeners */

void master_listen_close(MASTER_SERV *serv)
{
    master_avail_off(serv);
    for (int i = 0; i < serv->listen_count; i++)
        close(serv->listen_fds[i]);
    if (serv->listen_fds)
        myfree(serv->listen_fds);
    serv->listen_fds = NULL;
    serv->listen_count = 0;
}
