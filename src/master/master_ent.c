/*++
 * NAME
 *	master_ent - master.cf entries as runnable services
 * SYNOPSIS
 *	#include "master.h"
 *
 *	MASTER_SERV *master_ent_build(const MASTER_CF_ENTRY *entry,
 *				CONFIG *config, VSTRING *why);
 *	MASTER_SERV *master_ent_free(MASTER_SERV *serv);
 * DESCRIPTION
 *	master_ent_build() turns one parsed master.cf entry into a service:
 *	the program path (the command column under daemon_directory, or an
 *	absolute path as written), the argument vector the child gets (the
 *	command column, then "-n service -t type -s count", -u for unpriv,
 *	-j for chroot, -l or -z for a process limit of 1 or 0, -v for each
 *	-v of master, then the master.cf arguments and -o overrides in
 *	order), the process limit ("-" becomes default_process_limit), the
 *	wake-up interval, and the listener identity used to keep listeners
 *	open across a reload: the endpoint plus inet_interfaces and
 *	inet_protocols for inet services, the file for unix and fifo ones.
 *	It returns NULL with a reason in why for a service type that master
 *	cannot run. The listener count in the arguments is filled in when
 *	the listeners are open (master_listen(3)).
 *
 *	master_ent_free() releases a service that has no listeners, pipes
 *	or children left, and returns NULL.
 * DIAGNOSTICS
 *	Panic: freeing a service that still has descriptors or children.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Master daemon. */
#include "master.h"

/* master_ent_path - the program a service runs */

static char *master_ent_path(const char *command, CONFIG *config)
{
    VSTRING *path;

    if (command[0] == '/')
        return mystrdup(command);
    path = vstring_alloc(100);
    vstring_sprintf(path, "%s/%s", config_get_str(config, VAR_DAEMON_DIRECTORY), command);
    return vstring_export(path);
}

/* master_ent_args - the child's argument vector */

static ARGV *master_ent_args(const MASTER_CF_ENTRY *entry, const MASTER_SERV *serv)
{
    ARGV *args = argv_alloc(entry->argv->argc + 12);

    argv_add(args, entry->command);
    argv_add(args, "-n");
    argv_add(args, entry->service);
    argv_add(args, "-t");
    argv_add(args, entry->type);
    argv_add(args, "-s");
    argv_add(args, "1"); /* the listener count, set when the listeners are open */
    if (serv->flags & MASTER_FLAG_UNPRIV)
        argv_add(args, "-u");
    if (serv->flags & MASTER_FLAG_CHROOT)
        argv_add(args, "-j");
    if (serv->max_proc == 1)
        argv_add(args, "-l");
    else if (serv->max_proc == 0)
        argv_add(args, "-z");
    for (int i = 0; i < msg_verbose; i++)
        argv_add(args, "-v");
    for (size_t i = 1; i < entry->argv->argc; i++)
        argv_add(args, entry->argv->argv[i]);
    return args;
}

/* master_ent_listen_key - what must stay equal to keep listeners over a reload */

static char *master_ent_listen_key(const MASTER_SERV *serv, CONFIG *config)
{
    VSTRING *key = vstring_alloc(100);

    if (strcmp(serv->type, MASTER_CF_TYPE_INET) == 0)
        vstring_sprintf(key, "inet %s %s %s", serv->name,
                        config_get_str(config, VAR_INET_INTERFACES),
                        config_get_str(config, VAR_INET_PROTOCOLS));
    else
        vstring_sprintf(key, "%s %s %s", serv->type, serv->socket_path,
                        (serv->flags & MASTER_FLAG_PRIVATE) ? "private" : "public");
    return vstring_export(key);
}

/* master_ent_build - a runnable service from a master.cf entry */

MASTER_SERV *master_ent_build(const MASTER_CF_ENTRY *entry, CONFIG *config, VSTRING *why)
{
    MASTER_SERV *serv;
    bool inet = strcmp(entry->type, MASTER_CF_TYPE_INET) == 0;
    bool unix_like = strcmp(entry->type, MASTER_CF_TYPE_UNIX) == 0 ||
                     strcmp(entry->type, MASTER_CF_TYPE_PASS) == 0;
    bool fifo = strcmp(entry->type, MASTER_CF_TYPE_FIFO) == 0;
    VSTRING *buf;

    if (!inet && !unix_like && !fifo) {
        vstring_sprintf(why, "%s, line %d: service %s: type %s is not supported", entry->file,
                        entry->line, entry->service, entry->type);
        return NULL;
    }
    serv = mycalloc(1, sizeof(*serv));
    serv->name = mystrdup(entry->service);
    serv->type = mystrdup(entry->type);
    if (entry->private_access)
        serv->flags |= MASTER_FLAG_PRIVATE;
    if (entry->unprivileged)
        serv->flags |= MASTER_FLAG_UNPRIV;
    if (entry->chroot)
        serv->flags |= MASTER_FLAG_CHROOT;
    serv->wakeup = inet ? 0 : entry->wakeup;
    serv->wakeup_if_used = entry->wakeup_if_used;
    serv->max_proc = master_cf_maxproc(entry, config);
    serv->path = master_ent_path(entry->command, config);
    if (!inet) {
        buf = vstring_alloc(100);
        vstring_sprintf(buf, "%s/%s", entry->private_access ? "private" : "public", entry->service);
        serv->socket_path = vstring_export(buf);
    }
    buf = vstring_alloc(100);
    vstring_sprintf(buf, "%s, line %d", entry->file, entry->line);
    serv->origin = vstring_export(buf);
    serv->args = master_ent_args(entry, serv);
    serv->listen_key = master_ent_listen_key(serv, config);
    serv->status_fd[0] = serv->status_fd[1] = -1;
    serv->watch_fd[0] = serv->watch_fd[1] = -1;
    return serv;
}

/* master_ent_free - release a service */

MASTER_SERV *master_ent_free(MASTER_SERV *serv)
{
    if (serv->listen_count > 0 || serv->status_fd[0] >= 0 || serv->watch_fd[1] >= 0 ||
        serv->total_proc > 0)
        msg_panic("%s: service %s is still in use", __func__, serv->name);
    myfree(serv->name);
    myfree(serv->type);
    myfree(serv->path);
    argv_free(serv->args);
    myfree(serv->listen_key);
    if (serv->socket_path)
        myfree(serv->socket_path);
    myfree(serv->origin);
    if (serv->listen_fds)
        myfree(serv->listen_fds);
    myfree(serv);
    return NULL;
}
