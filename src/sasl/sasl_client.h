/*
 * sasl_client.h - the SMTP client's SASL interface, and its back ends
 *
 * The smtp client knows only this interface; the back end is chosen by
 * smtp_sasl_type ("cyrus": the Cyrus SASL library in process).
 *
 * Two objects. A SASL_CLIENT_IMPL is made once per process, before the
 * first session (and before chroot, so that the library can load its
 * plug-ins). A SASL_CLIENT is made per AUTH exchange with one server,
 * with that server's name, the credentials to present and the security
 * options that fit the connection, and freed afterwards.
 *
 * Challenges and responses cross this interface in base64, exactly as
 * they travel in the SMTP AUTH exchange (RFC 4954); the back end decodes
 * and encodes.
 *
 * The per-process functions are sasl_client_impl_init() and _done():
 * sasl_client_init() and sasl_client_done() are the Cyrus library's own.
 */
#ifndef SASL_CLIENT_H
#define SASL_CLIENT_H

#include <stdbool.h>

#include "vstring.h"

/* Results of sasl_client_first() and sasl_client_next(). */
typedef enum SASL_CLIENT_STATUS {
    SASL_CLIENT_OK,     /* a response (base64, maybe empty) in the output buffer */
    SASL_CLIENT_NOMECH, /* no offered mechanism is allowed: reason in the output buffer */
    SASL_CLIENT_FAIL,   /* the exchange cannot go on: reason in the output buffer */
} SASL_CLIENT_STATUS;

/* Settings for a back end; strings are not copied and must outlive it. */
typedef struct SASL_CLIENT_SETTINGS {
    const char *type; /* smtp_sasl_type: "cyrus" */
    const char *path; /* smtp_sasl_path (unused by "cyrus") */
} SASL_CLIENT_SETTINGS;

/* Settings for one exchange; strings are copied, the password is wiped when freed. */
typedef struct SASL_CLIENT_ARGS {
    const char *service;          /* "smtp" */
    const char *server_name;      /* the server's host name (or address) */
    const char *server_addr;      /* the server's address, printable, or "" */
    const char *server_port;      /* the server's port, or "" */
    const char *security_options; /* smtp_sasl(_tls)(_verified)_security_options */
    const char *username;         /* the authentication name */
    const char *password;         /* its password */
} SASL_CLIENT_ARGS;

typedef struct SASL_CLIENT_IMPL SASL_CLIENT_IMPL;
typedef struct SASL_CLIENT SASL_CLIENT;

extern SASL_CLIENT_IMPL *sasl_client_impl_init(const SASL_CLIENT_SETTINGS *settings);
extern void sasl_client_impl_done(SASL_CLIENT_IMPL *impl);
extern SASL_CLIENT *sasl_client_create(SASL_CLIENT_IMPL *impl, const SASL_CLIENT_ARGS *args,
                                       VSTRING *why);
extern void sasl_client_free(SASL_CLIENT *client);
extern SASL_CLIENT_STATUS sasl_client_first(SASL_CLIENT *client, const char *mechanisms,
                                            VSTRING *out_mechanism, VSTRING *out_response,
                                            bool *out_initial);
extern SASL_CLIENT_STATUS sasl_client_next(SASL_CLIENT *client, const char *challenge,
                                           VSTRING *out_response);
extern const char *sasl_client_type_list(void);

/*
 * The back-end contract. Each back end provides one init function that
 * fills in the method table; sasl_client.c dispatches. A back end keeps
 * its own state behind the impl and client pointers by embedding these
 * structures as their first member.
 */
struct SASL_CLIENT_IMPL {
    const char *type; /* "cyrus" */
    SASL_CLIENT *(*create)(SASL_CLIENT_IMPL *, const SASL_CLIENT_ARGS *, VSTRING *);
    void (*done)(SASL_CLIENT_IMPL *);
};

struct SASL_CLIENT {
    SASL_CLIENT_IMPL *impl; /* back end that made this object */
    void (*free)(SASL_CLIENT *);
    SASL_CLIENT_STATUS (*first)(SASL_CLIENT *, const char *, VSTRING *, VSTRING *, bool *);
    SASL_CLIENT_STATUS (*next)(SASL_CLIENT *, const char *, VSTRING *);
};

/* Back ends: return NULL and log a warning when they cannot start. */
extern SASL_CLIENT_IMPL *sasl_cyrus_client_init(const SASL_CLIENT_SETTINGS *settings);

#endif
