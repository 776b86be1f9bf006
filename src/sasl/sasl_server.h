/*
 * sasl_server.h - the SMTP server's SASL interface, and its back ends
 *
 * smtpd knows only this interface; the back end is chosen by
 * smtpd_sasl_type ("cyrus": the Cyrus SASL library in process,
 * "dovecot": Dovecot's authentication server over a socket).
 *
 * Two objects. A SASL_SERVER_IMPL is made once per process, before the
 * first session (and before chroot, so that a back end can open what it
 * needs). A SASL_SERVER is made per SMTP session, when the session may
 * authenticate, and freed when authentication state must be forgotten
 * (STARTTLS, the end of the session).
 *
 * Responses and challenges cross this interface in base64, exactly as
 * they travel in the SMTP AUTH exchange (RFC 4954); the back end decodes
 * what it must. An empty initial response is passed as "" (the client
 * sent "="); no initial response is passed as NULL.
 */
#ifndef SASL_SERVER_H
#define SASL_SERVER_H

#include <stdbool.h>

#include "vstream.h"
#include "vstring.h"

/* Results of sasl_server_first() and sasl_server_next(). */
typedef enum SASL_STATUS {
    SASL_STATUS_OK,    /* authenticated: sasl_server_username() is set */
    SASL_STATUS_MORE,  /* challenge (base64, maybe empty) in reply: send "334 " + reply */
    SASL_STATUS_FAIL,  /* authentication failed: reason in reply (for the log, not the client) */
    SASL_STATUS_TEMP,  /* back end unavailable: reason in reply; answer 454 4.7.0 */
    SASL_STATUS_ABORT, /* malformed client data (bad base64, too long): reason in reply; 501 */
} SASL_STATUS;

/* Settings for a back end; strings are not copied and must outlive it. */
typedef struct SASL_SERVER_SETTINGS {
    const char *type;            /* smtpd_sasl_type: "cyrus" or "dovecot" */
    const char *path;            /* smtpd_sasl_path */
    const char *queue_directory; /* base of a relative Dovecot socket path */
    const char *config_path;     /* cyrus_sasl_config_path, or "" */
    const char *server_name;     /* myhostname: Cyrus's server FQDN and default realm */
    int timeout;                 /* seconds for one exchange with a back end */
} SASL_SERVER_SETTINGS;

/* Settings for one session; strings are copied. */
typedef struct SASL_SESSION_ARGS {
    const char *service;          /* smtpd_sasl_service ("smtp") */
    const char *server_addr;      /* our address, printable, or "" */
    const char *server_port;      /* our port, or "" */
    const char *client_addr;      /* the client's address, printable */
    const char *client_port;      /* the client's port, or "" */
    const char *user_realm;       /* smtpd_sasl_local_domain, or "" */
    const char *security_options; /* smtpd_sasl(_tls)_security_options, as given */
    bool tls;                     /* the session is encrypted (TLS active) */
} SASL_SESSION_ARGS;

typedef struct SASL_SERVER_IMPL SASL_SERVER_IMPL;
typedef struct SASL_SERVER SASL_SERVER;

/*
 * The Cyrus library exports sasl_server_init() and sasl_server_done(): our
 * per-process functions are named sasl_server_impl_*() so that the two
 * never meet, in a header or at link time.
 */

extern SASL_SERVER_IMPL *sasl_server_impl_init(const SASL_SERVER_SETTINGS *settings);
extern void sasl_server_impl_done(SASL_SERVER_IMPL *impl);
extern SASL_SERVER *sasl_server_create(SASL_SERVER_IMPL *impl, const SASL_SESSION_ARGS *args);
extern void sasl_server_free(SASL_SERVER *server);
extern const char *sasl_server_mechanisms(SASL_SERVER *server);
extern SASL_STATUS sasl_server_first(SASL_SERVER *server, const char *mechanism,
                                     const char *init_response, VSTRING *reply);
extern SASL_STATUS sasl_server_next(SASL_SERVER *server, const char *response, VSTRING *reply);
extern const char *sasl_server_username(SASL_SERVER *server);
extern const char *sasl_server_type_list(void);

/*
 * The back-end contract. Each back end provides one init function that
 * fills in the method table; sasl_server.c dispatches. A back end keeps
 * its own state behind the impl and server pointers by embedding these
 * structures as their first member.
 */
struct SASL_SERVER_IMPL {
    const char *type; /* "cyrus", "dovecot" */
    SASL_SERVER *(*create)(SASL_SERVER_IMPL *, const SASL_SESSION_ARGS *);
    void (*done)(SASL_SERVER_IMPL *);
};

struct SASL_SERVER {
    SASL_SERVER_IMPL *impl; /* back end that made this session object */
    void (*free)(SASL_SERVER *);
    const char *(*mechanisms)(SASL_SERVER *);
    SASL_STATUS (*first)(SASL_SERVER *, const char *, const char *, VSTRING *);
    SASL_STATUS (*next)(SASL_SERVER *, const char *, VSTRING *);
    const char *(*username)(SASL_SERVER *);
};

/* Back ends: return NULL and log a warning when they cannot start. */
extern SASL_SERVER_IMPL *sasl_cyrus_server_init(const SASL_SERVER_SETTINGS *settings);
extern SASL_SERVER_IMPL *sasl_dovecot_server_init(const SASL_SERVER_SETTINGS *settings);

#endif
