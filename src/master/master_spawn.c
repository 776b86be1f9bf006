/*++
 * NAME
 *	master_spawn - start, reap and count service processes
 * SYNOPSIS
 *	#include "master.h"
 *
 *	void	master_spawn(MASTER_SERV *serv);
 *	void	master_reap(void);
 *	MASTER_PROC *master_proc_find(pid_t pid);
 *	void	master_kill_all(int signo);
 *	int	master_proc_count(void);
 *	void	master_throttle(MASTER_SERV *serv);
 *	void	master_throttle_stop(MASTER_SERV *serv);
 * DESCRIPTION
 *	master_spawn() forks a child for the service and executes its
 *	program with the status pipe on descriptor 3, the watch pipe on 4
 *	and the listeners from 5 on (mail_server.h). The child counts as
 *	available until it reports otherwise. A failing fork throttles the
 *	service.
 *
 *	master_reap() collects every child that has exited. An abnormal end
 *	is logged ("process PATH pid N exit status S", "... killed by
 *	signal S"), unless master is stopping; a child that died before it
 *	ever took a client also throttles its service ("PATH: bad command
 *	startup -- throttling"), so that a broken program does not make
 *	master fork in a loop. A retired service is freed with its last
 *	child. When master is stopping and the last child is gone, master
 *	exits.
 *
 *	master_proc_find() returns the record of a child, or NULL.
 *	master_kill_all() sends a signal to every child. master_proc_count()
 *	counts the children.
 *
 *	master_throttle() stops spawning for the service for
 *	service_throttle_time; master_throttle_stop() ends that early
 *	(the service is retired).
 * DIAGNOSTICS
 *	Warnings for abnormal child exits and fork failures; in the child,
 *	a failing exec is fatal (and so throttles the service).
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sane_fork.h"

/* Global library. */
#include "mail_server.h"

/* Master daemon. */
#include "master.h"

/* master_proc_key - the table key of a pid */

static const char *master_proc_key(pid_t pid)
{
    static char key[24];

    snprintf(key, sizeof(key), "%ld", (long)pid);
    return key;
}

/* master_proc_find - the record of a child */

MASTER_PROC *master_proc_find(pid_t pid)
{
    return htable_find(master.procs, master_proc_key(pid));
}

/* master_proc_count - children alive */

int master_proc_count(void)
{
    return (int)htable_used(master.procs);
}

/* master_spawn_fd - move a descriptor above the range the child needs */

static int master_spawn_fd(int fd, int floor)
{
    int copy = fcntl(fd, F_DUPFD, floor);

    if (copy < 0)
        msg_fatal("%s: dup descriptor %d: %m", __func__, fd);
    return copy;
}

/* master_spawn_exec - in the child: set up descriptors and run the program */

static _Noreturn void master_spawn_exec(MASTER_SERV *serv)
{
    int floor = MAIL_SERVER_LISTEN_FD + serv->listen_count;
    int status_fd = master_spawn_fd(serv->status_fd[1], floor);
    int watch_fd = master_spawn_fd(serv->watch_fd[0], floor);
    int *listen_fds = mymalloc(serv->listen_count * sizeof(int));
    sigset_t none;

    event_signal_reset();
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int i = 0; i < serv->listen_count; i++)
        listen_fds[i] = master_spawn_fd(serv->listen_fds[i], floor);
    /* dup2() clears close-on-exec on the copies the program inherits. */
    if (dup2(status_fd, MAIL_SERVER_STATUS_FD) < 0 || dup2(watch_fd, MAIL_SERVER_WATCH_FD) < 0)
        msg_fatal("%s: dup2: %m", __func__);
    for (int i = 0; i < serv->listen_count; i++)
        if (dup2(listen_fds[i], MAIL_SERVER_LISTEN_FD + i) < 0)
            msg_fatal("%s: dup2: %m", __func__);
    /* The temporary copies have no close-on-exec flag: close them. */
    close(status_fd);
    close(watch_fd);
    for (int i = 0; i < serv->listen_count; i++)
        close(listen_fds[i]);
    execv(serv->path, serv->args->argv);
    msg_fatal("%s: exec %s: %m", serv->name, serv->path);
}

/* master_spawn - start one child for a service */

void master_spawn(MASTER_SERV *serv)
{
    MASTER_PROC *proc;
    pid_t pid;

    if ((pid = sane_fork()) < 0) {
        msg_warn("fork: %m");
        master_throttle(serv);
        return;
    }
    if (pid == 0)
        master_spawn_exec(serv);
    proc = mycalloc(1, sizeof(*proc));
    proc->pid = pid;
    proc->serv = serv;
    proc->avail = true;
    htable_enter(master.procs, master_proc_key(pid), proc);
    serv->total_proc++;
    serv->avail_proc++;
    if (msg_verbose)
        msg_info("%s: service %s: pid %ld", __func__, serv->name, (long)pid);
}

/* master_reap_log - say how a child ended, and throttle a broken program */

static void master_reap_log(MASTER_PROC *proc, int status)
{
    MASTER_SERV *serv = proc->serv;
    bool abnormal = !WIFEXITED(status) || WEXITSTATUS(status) != 0;

    if (master.stopping || !abnormal)
        return;
    if (WIFSIGNALED(status))
        msg_warn("process %s pid %ld killed by signal %d", serv->path, (long)proc->pid,
                 WTERMSIG(status));
    else if (WIFEXITED(status))
        msg_warn("process %s pid %ld exit status %d", serv->path, (long)proc->pid,
                 WEXITSTATUS(status));
    if (proc->use_count == 0 && !MASTER_RETIRED(serv) && !MASTER_THROTTLED(serv)) {
        msg_warn("%s: bad command startup -- throttling", serv->path);
        master_throttle(serv);
    }
}

/* master_reap - collect exited children */

void master_reap(void)
{
    MASTER_PROC *proc;
    MASTER_SERV *serv;
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if ((proc = master_proc_find(pid)) == NULL)
            continue;
        serv = proc->serv;
        master_reap_log(proc, status);
        serv->total_proc--;
        if (proc->avail)
            serv->avail_proc--;
        htable_delete(master.procs, master_proc_key(pid), myfree);
        if (MASTER_RETIRED(serv))
            master_service_release(serv);
        else
            master_avail_update(serv);
    }
    if (master.stopping && master_proc_count() == 0) {
        if (msg_verbose)
            msg_info("%s: all children are gone", __func__);
        exit(0);
    }
}

/* master_kill_one - htable_walk() helper */

static void master_kill_one(HTABLE_INFO *entry, void *context)
{
    MASTER_PROC *proc = entry->value;

    (void)kill(proc->pid, *(int *)context);
}

/* master_kill_all - signal every child */

void master_kill_all(int signo)
{
    htable_walk(master.procs, master_kill_one, &signo);
}

/* master_unthrottle_cb - the throttle period is over */

static void master_unthrottle_cb(EVENT_LOOP *unused_loop, void *context)
{
    MASTER_SERV *serv = context;

    serv->flags &= ~MASTER_FLAG_THROTTLED;
    if (msg_verbose)
        msg_info("%s: service %s", __func__, serv->name);
    master_avail_update(serv);
}

/* master_throttle - no spawning for a while */

void master_throttle(MASTER_SERV *serv)
{
    if (MASTER_THROTTLED(serv))
        return;
    serv->flags |= MASTER_FLAG_THROTTLED;
    master_avail_off(serv);
    event_timer_add(master.loop, master.settings.service_throttle_time * 1000, master_unthrottle_cb,
                    serv);
}

/* master_throttle_stop - forget a pending throttle */

void master_throttle_stop(MASTER_SERV *serv)
{
    event_timer_cancel(master.loop, master_unthrottle_cb, serv);
    serv->flags &= ~MASTER_FLAG_THROTTLED;
}
