/*
 * master.h - the master daemon's services, processes and state
 *
 * master(8) keeps one MASTER_SERV per master.cf entry. A service owns its
 * listeners, a status pipe (children write MAIL_SERVER_STATUS records,
 * mail_server.h) and a watch pipe (children see end of file when master
 * closes its end). A reload retires every service: a retired service
 * loses its listeners (handed to its successor when the endpoint is the
 * same) and its pipes, so that its children exit after their current
 * client; it is freed when its last child has been reaped.
 */
#ifndef MASTER_H
#define MASTER_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "argv.h"
#include "events.h"
#include "htable.h"
#include "vstring.h"
#include "config.h"
#include "mail_owner.h"
#include "master_cf.h"

/* Service flags. */
#define MASTER_FLAG_THROTTLED (1 << 0) /* bad start-up: no spawning for a while */
#define MASTER_FLAG_LISTENING (1 << 1) /* master watches the listeners */
#define MASTER_FLAG_USED      (1 << 2) /* a child has taken a client (wakeup "?") */
#define MASTER_FLAG_RETIRED   (1 << 3) /* replaced by a reload, or removed */
#define MASTER_FLAG_PRIVATE   (1 << 4) /* private column: socket under private/ */
#define MASTER_FLAG_UNPRIV    (1 << 5) /* unpriv column: children become mail_owner */
#define MASTER_FLAG_CHROOT    (1 << 6) /* chroot column */

#define MASTER_THROTTLED(s) ((s)->flags & MASTER_FLAG_THROTTLED)
#define MASTER_LISTENING(s) ((s)->flags & MASTER_FLAG_LISTENING)
#define MASTER_RETIRED(s)   ((s)->flags & MASTER_FLAG_RETIRED)

/* Index of the "-s count" value in MASTER_SERV.args (master_ent.c). */
#define MASTER_ARG_LISTEN_COUNT 6

/* How often the process-limit warning may repeat. */
#define MASTER_LIMIT_WARN_INTERVAL 1000 /* seconds */

/* How long a stop waits for children before SIGKILL. */
#define MASTER_STOP_GRACE_MS 5000

typedef struct MASTER_SERV {
    char *name;               /* owned: service name, master.cf column 1 */
    char *type;               /* owned: inet, unix, fifo, pass */
    int flags;                /* MASTER_FLAG_* */
    int wakeup;               /* wake-up interval in seconds, 0 for none */
    bool wakeup_if_used;      /* "?": no wake-up before the first use */
    int max_proc;             /* process limit, 0 for none */
    char *path;               /* owned: program to execute */
    ARGV *args;               /* owned: argv for the program */
    char *listen_key;         /* owned: identity of the listeners, for reload */
    char *socket_path;        /* owned: unix and fifo: the file, relative to queue_directory */
    char *origin;             /* owned: "master.cf, line N", for messages */
    int *listen_fds;          /* owned: listening descriptors */
    int listen_count;         /* number of listen_fds */
    int status_fd[2];         /* status pipe: master reads [0], children write [1] */
    int watch_fd[2];          /* watch pipe: children read [0], master holds [1] */
    int total_proc;           /* children alive */
    int avail_proc;           /* children ready for a client */
    time_t limit_warn_time;   /* last process-limit warning */
    struct MASTER_SERV *next; /* list link */
} MASTER_SERV;

typedef struct MASTER_PROC {
    pid_t pid;         /* child process */
    MASTER_SERV *serv; /* its service, possibly retired */
    bool avail;        /* ready for a client, as last reported */
    int use_count;     /* clients taken (BUSY reports) */
} MASTER_PROC;

/* Process-wide master state (master.c). */
/* What the running master reads, bound from each CONFIG it puts in effect. */
typedef struct MASTER_SETTINGS {
    const char *mail_version;    /* mail_version, for the start and reload lines */
    const char *inet_interfaces; /* inet_interfaces, for inet listeners */
    const char *inet_protocols;  /* inet_protocols, for inet listeners */
    int service_throttle_time;   /* service_throttle_time, seconds */
} MASTER_SETTINGS;

typedef struct MASTER {
    CONFIG *config;           /* owned: main.cf in effect */
    MASTER_SETTINGS settings; /* bound from config (strings owned by it) */
    char *config_dir;         /* owned: configuration directory */
    char *queue_dir;          /* owned: queue_directory in effect */
    EVENT_LOOP *loop;         /* the event loop */
    MASTER_SERV *services;    /* active services, in master.cf order */
    MASTER_SERV *retired;     /* retired services with children left */
    HTABLE *procs;            /* MASTER_PROC by pid text */
    bool have_owner;          /* running as root: owner is valid */
    MAIL_OWNER owner;         /* mail_owner, when running as root */
    bool stopping;            /* SIGTERM/SIGINT received */
    int stop_signal;          /* the signal that stops master */
} MASTER;

extern MASTER master;

/* master_ent.c */
extern MASTER_SERV *master_ent_build(const MASTER_CF_ENTRY *entry, CONFIG *config, VSTRING *why);
extern MASTER_SERV *master_ent_free(MASTER_SERV *serv);

/* master_listen.c */
extern int master_listen_open(MASTER_SERV *serv, VSTRING *why);
extern void master_listen_close(MASTER_SERV *serv);

/* master_avail.c */
extern void master_avail_update(MASTER_SERV *serv);
extern void master_avail_off(MASTER_SERV *serv);
extern void master_avail_busy(MASTER_SERV *serv);

/* master_spawn.c */
extern void master_spawn(MASTER_SERV *serv);
extern void master_reap(void);
extern MASTER_PROC *master_proc_find(pid_t pid);
extern void master_kill_all(int signo);
extern int master_proc_count(void);
extern void master_throttle(MASTER_SERV *serv);
extern void master_throttle_stop(MASTER_SERV *serv);

/* master_status.c */
extern int master_status_open(MASTER_SERV *serv);
extern void master_status_close(MASTER_SERV *serv);

/* master_wakeup.c */
extern void master_wakeup_start(MASTER_SERV *serv);
extern void master_wakeup_stop(MASTER_SERV *serv);

/* master_service.c */
extern int master_service_start(MASTER_SERV *serv, VSTRING *why);
extern void master_service_retire(MASTER_SERV *serv);
extern void master_service_release(MASTER_SERV *serv);

/* master_config.c */
extern MASTER_SERV *master_config_services(const char *master_cf_path, CONFIG *config,
                                           VSTRING *why);
extern void master_config_bind(CONFIG *config);
extern void master_config_start(void);
extern int master_config_reload(VSTRING *why);

/* master_sig.c */
extern void master_sig_init(void);

#endif
