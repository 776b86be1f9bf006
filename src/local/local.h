/*
 * local.h - the local delivery agent's internal interfaces
 */
#ifndef LOCAL_H
#define LOCAL_H

#include <stdbool.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "alias_parse.h"
#include "argv.h"
#include "deliver_request.h"
#include "htable.h"
#include "maps.h"
#include "match_list.h"
#include "vstring.h"

/*
 * Where a destination was found: the classes of allow_mail_to_commands,
 * allow_mail_to_files and propagate_unmatched_extensions.
 */
#define LOCAL_CLASS_NONE    0        /* the recipient itself */
#define LOCAL_CLASS_ALIAS   (1 << 0) /* alias_maps */
#define LOCAL_CLASS_FORWARD (1 << 1) /* a .forward file */
#define LOCAL_CLASS_INCLUDE (1 << 2) /* a :include: file */

/* prepend_delivered_header: where a Delivered-To: header is added (mailboxes always). */
#define LOCAL_DELIVERED_COMMAND (1 << 0) /* commands */
#define LOCAL_DELIVERED_FILE    (1 << 1) /* files */
#define LOCAL_DELIVERED_FORWARD (1 << 2) /* forwarded messages */

/* Settings. */
typedef struct LOCAL_CONFIG {
    MAPS *alias_maps;                /* aliases(5), or NULL */
    MATCH_LIST *mydestination;       /* local domains, for alias members */
    const char *home_mailbox;        /* "" (spool), "Mailbox", "Maildir/" */
    const char *spool_directory;     /* mail_spool_directory */
    const char *myhostname;          /* Maildir file names */
    const char *recipient_delimiter; /* address extensions */
    int propagate;                   /* propagate_unmatched_extensions: LOCAL_CLASS_* */
    int lock_attempts;               /* deliver_lock_attempts */
    int lock_delay;                  /* deliver_lock_delay, seconds */
    int stale_lock_time;             /* stale_lock_time, seconds */
    bool privileged;                 /* running as root */
    uid_t owner_uid;                 /* mail_owner: the effective ids outside deliveries */
    gid_t owner_gid;
    const char *forward_path;   /* forward_path, unexpanded */
    const char *forward_filter; /* forward_expansion_filter */
    int allow_commands;         /* allow_mail_to_commands: LOCAL_CLASS_* */
    int allow_files;            /* allow_mail_to_files: LOCAL_CLASS_* */
    uid_t default_uid;          /* default_privs: rights for root-owned sources */
    gid_t default_gid;
    const char *command_filter;  /* command_expansion_filter */
    const char *command_shell;   /* local_command_shell, "" for /bin/sh */
    int command_time_limit;      /* command_time_limit, seconds */
    ARGV *command_env;           /* export_environment values; owned */
    const char *mailbox_command; /* mailbox_command, "" when none */
    const char *luser_relay;     /* luser_relay, unexpanded, "" when none */
    const char *exec_directory;  /* command_execution_directory, unexpanded, "" */
    const char *exec_filter;     /* execution_directory_expansion_filter */
    int delivered_header;        /* prepend_delivered_header: LOCAL_DELIVERED_* */
} LOCAL_CONFIG;

extern LOCAL_CONFIG local_config;

/* The outcome of one delivery (of a recipient, or of one alias member). */
typedef struct LOCAL_RESULT {
    int outcome;     /* DELIVER_OUTCOME_SENT, _BOUNCED or _DEFERRED */
    char dsn[16];    /* RFC 3463 status */
    VSTRING *reason; /* text for the log and the DSN */
} LOCAL_RESULT;

/* What the delivery of one recipient of the request shares at every level. */
typedef struct LOCAL_STATE {
    DELIVER_REQUEST *request; /* the request */
    const DELIVER_RCPT *rcpt; /* the recipient being delivered */
    const ARGV *loop;         /* Delivered-To: values of the message, lower case */
    HTABLE *seen;             /* what was delivered or expanded already; owned by caller */
} LOCAL_STATE;

/* The rights of file and command deliveries (uid 0: the source is root's: default_privs). */
typedef struct LOCAL_RIGHTS {
    uid_t uid;         /* user ID, or 0 */
    gid_t gid;         /* group ID */
    const char *home;  /* home directory (HOME), or NULL; not owned */
    const char *shell; /* login shell (SHELL), or NULL; not owned */
} LOCAL_RIGHTS;

/* One level of expansion: where its destinations come from. */
typedef struct LOCAL_LEVEL {
    int depth;             /* nesting of aliases, .forward and :include: files */
    int class;             /* LOCAL_CLASS_* of the list being expanded */
    const char *self;      /* the name whose own list this is; a member naming it is final */
    const char *user;      /* the account name (USER), or NULL */
    const char *extension; /* unmatched extension with its delimiter, to propagate, or NULL */
    LOCAL_RIGHTS rights;   /* rights for files and commands */
} LOCAL_LEVEL;

/* The values of $user, $home, ... in forward_path, luser_relay, command_execution_directory. */
typedef struct LOCAL_MACROS {
    const char *user;      /* $user: the account name */
    const char *home;      /* $home, or NULL */
    const char *shell;     /* $shell, or NULL */
    const char *recipient; /* $recipient: the recipient address */
    const char *extension; /* $extension: without the delimiter, or NULL */
    const char *domain;    /* $domain */
    const char *local;     /* $local: the whole local part */
} LOCAL_MACROS;

extern void local_result_set(LOCAL_RESULT *result, int outcome, const char *dsn, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));
extern void local_result_merge(LOCAL_RESULT *into, const LOCAL_RESULT *from);

/* local.c */
extern void local_priv_root(void);
extern void local_priv_owner(void);
extern bool local_seen(LOCAL_STATE *state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern const char *local_macro(const char *name, void *context);
extern void local_macros_init(LOCAL_MACROS *macros, const LOCAL_STATE *state, VSTRING *buf);
extern bool local_rights_choose(const LOCAL_RIGHTS *rights, uid_t *out_uid, gid_t *out_gid,
                                LOCAL_RESULT *result);

/* local_mailbox.c */
extern void local_mailbox(LOCAL_STATE *state, const char *user, LOCAL_RESULT *result);

/* local_alias.c */
extern void local_address(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *address,
                          LOCAL_RESULT *result);
extern void local_account(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *localpart,
                          bool forward_ok, LOCAL_RESULT *result);

/* local_token.c */
extern void local_items(LOCAL_STATE *state, const LOCAL_LEVEL *level, const ALIAS_LIST *list,
                        LOCAL_RESULT *result);

/* local_forward.c */
extern bool local_dot_forward(LOCAL_STATE *state, const LOCAL_LEVEL *level, const struct passwd *pw,
                              const char *extension, LOCAL_RESULT *result);

extern int local_read_as(const char *path, uid_t uid, gid_t gid, struct stat *out_st, VSTRING *out,
                         VSTRING *why);
extern ALIAS_LIST *local_forward_list(const char *text, VSTRING *why);

/* local_include.c */
extern void local_include(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *path,
                          LOCAL_RESULT *result);

/* local_command.c */
extern void local_command(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *command,
                          LOCAL_RESULT *result);

/* local_file.c */
extern void local_file(LOCAL_STATE *state, const LOCAL_LEVEL *level, const char *path,
                       LOCAL_RESULT *result);

#endif
