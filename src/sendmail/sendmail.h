/*
 * sendmail.h - the Sendmail-compatible command: options and submission
 */
#ifndef SENDMAIL_H
#define SENDMAIL_H

#include <stdbool.h>

#include "argv.h"
#include "config.h"

/* What the command was asked to do. */
enum sendmail_mode {
    SENDMAIL_MODE_ENQUEUE,    /* -bm (default): read a message */
    SENDMAIL_MODE_MAILQ,      /* -bp, mailq: list the queue */
    SENDMAIL_MODE_SMTP,       /* -bs: SMTP on standard input and output */
    SENDMAIL_MODE_FLUSH,      /* -q: attempt delivery of the queue */
    SENDMAIL_MODE_FLUSH_SITE, /* -qRsite: one site's deferred mail (flush(8)) */
    SENDMAIL_MODE_FLUSH_FILE, /* -qIqueue_id: one deferred message */
    SENDMAIL_MODE_IGNORE,     /* -qinterval: nothing to do (queue_run_delay rules) */
    SENDMAIL_MODE_NEWALIASES, /* -bi, -I, newaliases */
    SENDMAIL_MODE_DAEMON,     /* -bd: start the mail system */
};

typedef struct SENDMAIL_OPTS {
    enum sendmail_mode mode; /* what to do */
    const char *config_dir;  /* -C or -c, or NULL */
    const char *sender;      /* -f or -r, or NULL: the login name */
    const char *full_name;   /* -F, or NULL */
    const char *dsn_envid;   /* -V, or NULL */
    const char *dsn_ret;     /* -R as "FULL" or "HDRS", or NULL */
    int dsn_notify;          /* -N as REC_NOTIFY_* bits, 0 when not given */
    const char *encoding;    /* -B as "7bit" or "8bitmime", or NULL */
    bool dot_ends_input;     /* a lone "." ends the message (no -i, -oi) */
    bool extract;            /* -t: recipients from the headers */
    ARGV *rcpts;             /* recipients from the command line, owned */
    const char *flush_arg;   /* -qR site or -qI queue ID, or NULL */
} SENDMAIL_OPTS;

/* What main.cf says (bound by sendmail.c; strings owned by the CONFIG). */
typedef struct SENDMAIL_CONFIG {
    const char *config_dir;        /* the configuration directory */
    const char *queue_directory;   /* queue_directory */
    const char *command_directory; /* command_directory: postdrop, postqueue, postalias */
    const char *daemon_directory;  /* daemon_directory: smtpd */
    const char *fix_line_endings;  /* sendmail_fix_line_endings */
    const char *pickup_service;    /* pickup_service_name */
    int trigger_timeout;           /* trigger_timeout, seconds */
    long message_size_limit;       /* message_size_limit, 0: none */
    long header_size_limit;        /* header_size_limit */
    const char *submit_users;      /* authorized_submit_users */
} SENDMAIL_CONFIG;

/* Exit status for an unsupported or failing request. */
#define SENDMAIL_EX_OK 0

/* sendmail_enqueue.c */
extern int sendmail_enqueue(const SENDMAIL_CONFIG *config, const SENDMAIL_OPTS *opts);

/* sendmail_trust.c */
extern void sendmail_trust_check(const char *config_dir);
extern const char *sendmail_login_name(void);
extern const char *sendmail_full_name(const char *given);

#endif
