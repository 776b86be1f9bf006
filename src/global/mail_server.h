/*
 * mail_server.h - the skeleton of every daemon that master(8) runs
 *
 * A daemon's main() hands its service function and a props struct to one
 * of three loops:
 *
 *	single_server_main()  one client at a time per process (smtpd, smtp,
 *			      cleanup, local, bounce): accept, call the
 *			      service, close, report, repeat.
 *	multi_server_main()   many clients per process (tlsmgr): the service
 *			      is called whenever a client has a request.
 *	trigger_server_main() wake-up requests on a fifo or a UNIX socket
 *			      (pickup, qmgr): the service gets the bytes.
 *
 * Start-up is the same for all three: options, main.cf with the -o
 * overrides, logging, chdir to queue_directory, the daemon's parameter
 * table, then the pre_jail hook with the privileges master gave (root in
 * production: read private keys, open the PRNG seed), then chroot to
 * queue_directory (-j) and setgid/setuid to mail_owner (-u) when running
 * as root, then the post_jail hook. A process started by an ordinary
 * user keeps that user's identity.
 *
 *	int main(int argc, char **argv)
 *	{
 *	    static const CONFIG_BIND parameters[] = {
 *		CONFIG_BIND_TIME(VAR_SMTPD_TIMEOUT, &smtpd_config.timeout),
 *		CONFIG_BIND_END,
 *	    };
 *	    single_server_main(argc, argv, smtpd_service,
 *			       &(MAIL_SERVER_PROPS){
 *				   .parameters = parameters,
 *				   .pre_jail = smtpd_pre_jail,
 *				   .post_jail = smtpd_post_jail,
 *			       });
 *	}
 *
 * Command line (master(8) supplies the first group, master.cf the rest):
 *
 *	-n service	service name (master.cf first column; also service_name)
 *	-t type		transport type: inet, unix, fifo, pass (a single
 *			server then receives each client socket over the
 *			listener, mail_pass(3), instead of accepting it)
 *	-s count	number of listeners, on descriptors 5, 6, ...
 *	-u		drop to mail_owner (master.cf unpriv column)
 *	-j		chroot to queue_directory (master.cf chroot column)
 *	-l		the process limit is 1 (required by solitary daemons)
 *	-z		the process limit is 0 (no limit)
 *	-c dir		configuration directory (default $MAIL_CONFIG, /etc/postfix)
 *	-o name=value	override a main.cf parameter
 *	-i seconds	max_idle override; -m count: max_use override
 *	-v		more verbose logging (repeatable)
 *	-d		also log to stderr
 *	-S		stand-alone: serve standard input as one client and exit
 *
 * Descriptors and the master protocol. A child of master(8) finds:
 *
 *	3  MAIL_SERVER_STATUS_FD  write end of its service's status pipe
 *	4  MAIL_SERVER_WATCH_FD   read end of a pipe that master never writes;
 *				  end of file means "finish the current
 *				  client and exit" (reload, stop, master gone)
 *	5  MAIL_SERVER_LISTEN_FD  first listener (-s says how many)
 *
 * A child writes one MAIL_SERVER_STATUS record (atomic: smaller than
 * PIPE_BUF) when it has accepted a client (BUSY) and when it is ready for
 * the next (AVAIL); a multi server sends both right after each accept. Master counts a new child as available, spawns another
 * only when none is available and the process limit allows, and throttles
 * a service whose child dies before it ever reported BUSY.
 */
#ifndef MAIL_SERVER_H
#define MAIL_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "events.h"
#include "vstream.h"
#include "config.h"
#include "mail_pass.h"

/* Descriptors that master(8) sets up for a child. */
#define MAIL_SERVER_STATUS_FD  3  /* child -> master status reports */
#define MAIL_SERVER_WATCH_FD   4  /* end of file: master wants the child to exit */
#define MAIL_SERVER_LISTEN_FD  5  /* first listener */
#define MAIL_SERVER_LISTEN_MAX 64 /* most listeners one service can have */

/*
 * The daemon options in getopt(3) form. A master.cf command line holds
 * options up to the first argument that is not one (or "--"); master_cf(3)
 * reads that part as the daemon does.
 */
#define MAIL_SERVER_OPTIONS "c:di:jlm:n:o:s:St:uvz"

/* One status report. Bump the version when the record changes. */
#define MAIL_SERVER_STATUS_VERSION 1
#define MAIL_SERVER_STAT_BUSY      0 /* took a client */
#define MAIL_SERVER_STAT_AVAIL     1 /* ready for another client */

typedef struct MAIL_SERVER_STATUS {
    int version; /* MAIL_SERVER_STATUS_VERSION */
    int pid;     /* reporting process */
    int status;  /* MAIL_SERVER_STAT_* */
} MAIL_SERVER_STATUS;

/* Most bytes one wake-up request may carry. */
#define MAIL_SERVER_TRIGGER_MAX 1024

/* The state of a running daemon, passed to every callback; read-only for daemons. */
typedef struct MAIL_SERVER {
    const char *program;                   /* process name, e.g. "smtpd" */
    const char *service;                   /* master.cf service name (-n), else the program name */
    const char *transport;                 /* -t: inet, unix, fifo, pass, or "" */
    ARGV *args;                            /* master.cf arguments after the options */
    CONFIG *config;                        /* the process configuration */
    EVENT_LOOP *loop;                      /* for the daemon's own timers and descriptors */
    const struct MAIL_SERVER_PROPS *props; /* the daemon's props */
    void *context;                         /* props->context */
    int use_count;                         /* clients served so far */
    int max_use;                           /* clients before a voluntary exit, 0 = unlimited */
    int max_idle;                          /* seconds without a client before exit, 0 = never */
    int listen_count;                      /* listeners on MAIL_SERVER_LISTEN_FD, ... */
    bool stand_alone;                      /* -S: serving standard input */
    bool solitary;                         /* -l: master.cf allows one process (maxproc 1) */
    bool privileged;                       /* still running as root after the jail */
    const MAIL_PASS_PEER *pass_peer;       /* single server, -t pass: the facts that came with
                                               the current client, or NULL (mail_pass(3)) */
    struct MAIL_SERVER_PRIVATE *priv;      /* framework internals */
} MAIL_SERVER;

typedef void (*MAIL_SERVER_INIT_FN)(MAIL_SERVER *server);
typedef void (*MAIL_SERVER_STREAM_FN)(MAIL_SERVER *server, VSTREAM *client);
typedef void (*MAIL_SERVER_TRIGGER_FN)(MAIL_SERVER *server, const char *buf, size_t len);

/* MAIL_SERVER_PROPS.flags */
#define MAIL_SERVER_FLAG_UNLIMITED (1 << 0) /* ignore max_use and max_idle (qmgr, tlsmgr) */
#define MAIL_SERVER_FLAG_SOLITARY  (1 << 1) /* refuse to run unless the process limit is 1 */
#define MAIL_SERVER_FLAG_ROOT      (1 << 2) /* refuse -u: the daemon needs root (local) */

typedef struct MAIL_SERVER_PROPS {
    const CONFIG_BIND *parameters;   /* bound before pre_jail; may be NULL */
    MAIL_SERVER_INIT_FN pre_jail;    /* privileged initialization; may be NULL */
    MAIL_SERVER_INIT_FN post_jail;   /* after chroot and setuid; may be NULL */
    MAIL_SERVER_INIT_FN pre_exit;    /* before a voluntary exit; may be NULL */
    MAIL_SERVER_STREAM_FN on_accept; /* multi server: a new client (send a greeting); may be NULL */
    MAIL_SERVER_STREAM_FN on_close;  /* multi server: before a client is closed; may be NULL */
    int flags;                       /* MAIL_SERVER_FLAG_* */
    void *context;                   /* copied to MAIL_SERVER.context */
} MAIL_SERVER_PROPS;

extern _Noreturn void single_server_main(int argc, char **argv, MAIL_SERVER_STREAM_FN service,
                                         const MAIL_SERVER_PROPS *props);
extern _Noreturn void multi_server_main(int argc, char **argv, MAIL_SERVER_STREAM_FN service,
                                        const MAIL_SERVER_PROPS *props);
extern _Noreturn void trigger_server_main(int argc, char **argv, MAIL_SERVER_TRIGGER_FN service,
                                          const MAIL_SERVER_PROPS *props);
extern void multi_server_disconnect(MAIL_SERVER *server, VSTREAM *client);

/* Shared by the three loops (mail_server.c); daemons rarely need them. */
extern MAIL_SERVER *mail_server_start(int argc, char **argv, const MAIL_SERVER_PROPS *props);
extern void mail_server_report(MAIL_SERVER *server, int status);
extern void mail_server_idle_start(MAIL_SERVER *server);
extern void mail_server_idle_stop(MAIL_SERVER *server);
extern bool mail_server_retired(MAIL_SERVER *server);
extern _Noreturn void mail_server_exit(MAIL_SERVER *server, const char *why);
extern VSTREAM *mail_server_stdin_stream(void);

#endif
