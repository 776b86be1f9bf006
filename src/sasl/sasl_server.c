/*++
 * NAME
 *	sasl_server - SMTP server SASL interface, back-end dispatch
 * SYNOPSIS
 *	#include <sasl_server.h>
 *
 *	SASL_SERVER_IMPL *sasl_server_impl_init(const SASL_SERVER_SETTINGS *settings);
 *	void	sasl_server_impl_done(SASL_SERVER_IMPL *impl);
 *
 *	SASL_SERVER *sasl_server_create(SASL_SERVER_IMPL *impl,
 *					const SASL_SESSION_ARGS *args);
 *	void	sasl_server_free(SASL_SERVER *server);
 *	const char *sasl_server_mechanisms(SASL_SERVER *server);
 *	SASL_STATUS sasl_server_first(SASL_SERVER *server, const char *mechanism,
 *				const char *init_response, VSTRING *reply);
 *	SASL_STATUS sasl_server_next(SASL_SERVER *server, const char *response,
 *				VSTRING *reply);
 *	const char *sasl_server_username(SASL_SERVER *server);
 *
 *	const char *sasl_server_type_list(void);
 * DESCRIPTION
 *	sasl_server_impl_init() starts the back end that settings->type names.
 *	It returns NULL, after a warning, for an unknown type or a back end
 *	that cannot start; the caller then offers no AUTH.
 *
 *	sasl_server_create() makes the per-session object; NULL (after a
 *	warning) when the back end cannot serve the session now.
 *	sasl_server_mechanisms() is the space-separated list of mechanisms
 *	that the session's security options allow, for the EHLO AUTH
 *	keyword; it may be empty.
 *
 *	sasl_server_first() starts an exchange with a mechanism and an
 *	optional initial response; sasl_server_next() continues it with the
 *	client's answer to a challenge. See sasl_server.h for the results.
 *	sasl_server_username() is the authenticated name after
 *	SASL_STATUS_OK, else NULL.
 *
 *	sasl_server_type_list() is the list of supported types, for error
 *	messages and postconf -a.
 *--*/

#include <string.h>

#include "msg.h"

#include "sasl_server.h"

typedef struct SASL_SERVER_TYPE {
    const char *name;
    SASL_SERVER_IMPL *(*init)(const SASL_SERVER_SETTINGS *);
} SASL_SERVER_TYPE;

static const SASL_SERVER_TYPE sasl_server_types[] = {
    {"cyrus", sasl_cyrus_server_init},
    {"dovecot", sasl_dovecot_server_init},
};

#define SASL_SERVER_NTYPES (sizeof(sasl_server_types) / sizeof(sasl_server_types[0]))

/* sasl_server_type_list - the names smtpd_sasl_type accepts */

const char *sasl_server_type_list(void)
{
    return "cyrus dovecot";
}

/* sasl_server_impl_init - start a back end */

SASL_SERVER_IMPL *sasl_server_impl_init(const SASL_SERVER_SETTINGS *settings)
{
    for (size_t i = 0; i < SASL_SERVER_NTYPES; i++)
        if (strcmp(settings->type, sasl_server_types[i].name) == 0)
            return sasl_server_types[i].init(settings);
    msg_warn("unsupported SASL server implementation: %s (supported: %s)", settings->type,
             sasl_server_type_list());
    return NULL;
}

/* sasl_server_impl_done - stop a back end */

void sasl_server_impl_done(SASL_SERVER_IMPL *impl)
{
    impl->done(impl);
}

/* sasl_server_create - per-session object */

SASL_SERVER *sasl_server_create(SASL_SERVER_IMPL *impl, const SASL_SESSION_ARGS *args)
{
    return impl->create(impl, args);
}

/* sasl_server_free - forget a session's authentication state */

void sasl_server_free(SASL_SERVER *server)
{
    server->free(server);
}

/* sasl_server_mechanisms - what EHLO may announce */

const char *sasl_server_mechanisms(SASL_SERVER *server)
{
    return server->mechanisms(server);
}

/* sasl_server_first - start an exchange */

SASL_STATUS sasl_server_first(SASL_SERVER *server, const char *mechanism, const char *init_response,
                              VSTRING *reply)
{
    return server->first(server, mechanism, init_response, reply);
}

/* sasl_server_next - continue an exchange */

SASL_STATUS sasl_server_next(SASL_SERVER *server, const char *response, VSTRING *reply)
{
    return server->next(server, response, reply);
}

/* sasl_server_username - who logged in */

const char *sasl_server_username(SASL_SERVER *server)
{
    return server->username(server);
}
