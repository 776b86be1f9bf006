/*++
 * NAME
 *	sasl_client - SMTP client SASL interface, back-end dispatch
 * SYNOPSIS
 *	#include <sasl_client.h>
 *
 *	SASL_CLIENT_IMPL *sasl_client_impl_init(const SASL_CLIENT_SETTINGS *settings);
 *	void	sasl_client_impl_done(SASL_CLIENT_IMPL *impl);
 *
 *	SASL_CLIENT *sasl_client_create(SASL_CLIENT_IMPL *impl,
 *					const SASL_CLIENT_ARGS *args, VSTRING *why);
 *	void	sasl_client_free(SASL_CLIENT *client);
 *	SASL_CLIENT_STATUS sasl_client_first(SASL_CLIENT *client,
 *				const char *mechanisms, VSTRING *out_mechanism,
 *				VSTRING *out_response, bool *out_initial);
 *	SASL_CLIENT_STATUS sasl_client_next(SASL_CLIENT *client,
 *				const char *challenge, VSTRING *out_response);
 *
 *	const char *sasl_client_type_list(void);
 * DESCRIPTION
 *	sasl_client_impl_init() starts the back end that settings->type names,
 *	once per process. It returns NULL, after a warning, for an unknown
 *	type or a back end that cannot start.
 *
 *	sasl_client_create() makes the object for one AUTH exchange with
 *	one server; NULL with the reason in why when the arguments cannot
 *	be used (security options with an unknown word, a library error).
 *	sasl_client_free() forgets it and wipes the password.
 *
 *	sasl_client_first() picks a mechanism from the space-separated list
 *	that the server offered, within the exchange's security options.
 *	On SASL_CLIENT_OK out_mechanism names it and, when *out_initial is
 *	true, out_response holds the initial response in base64 (possibly
 *	empty, sent as "="). SASL_CLIENT_NOMECH means that no offered
 *	mechanism is allowed: nothing about the credentials may be sent.
 *	sasl_client_next() answers one server challenge (base64, maybe
 *	empty) with a response in base64. On failure out_response holds the
 *	reason, for the log and the delivery status.
 *
 *	sasl_client_type_list() is the list of supported types, for error
 *	messages.
 *--*/

#include <string.h>

#include "msg.h"

#include "sasl_client.h"

typedef struct SASL_CLIENT_TYPE {
    const char *name;
    SASL_CLIENT_IMPL *(*init)(const SASL_CLIENT_SETTINGS *);
} SASL_CLIENT_TYPE;

static const SASL_CLIENT_TYPE sasl_client_types[] = {
    {"cyrus", sasl_cyrus_client_init},
};

#define SASL_CLIENT_NTYPES (sizeof(sasl_client_types) / sizeof(sasl_client_types[0]))

/* sasl_client_type_list - the names smtp_sasl_type accepts */

const char *sasl_client_type_list(void)
{
    return "cyrus";
}

/* sasl_client_impl_init - start a back end */

SASL_CLIENT_IMPL *sasl_client_impl_init(const SASL_CLIENT_SETTINGS *settings)
{
    for (size_t i = 0; i < SASL_CLIENT_NTYPES; i++)
        if (strcmp(settings->type, sasl_client_types[i].name) == 0)
            return sasl_client_types[i].init(settings);
    msg_warn("unsupported SASL client implementation: %s (supported: %s)", settings->type,
             sasl_client_type_list());
    return NULL;
}

/* sasl_client_impl_done - stop a back end */

void sasl_client_impl_done(SASL_CLIENT_IMPL *impl)
{
    impl->done(impl);
}

/* sasl_client_create - per-exchange object */

SASL_CLIENT *sasl_client_create(SASL_CLIENT_IMPL *impl, const SASL_CLIENT_ARGS *args, VSTRING *why)
{
    return impl->create(impl, args, why);
}

/* sasl_client_free - forget an exchange */

void sasl_client_free(SASL_CLIENT *client)
{
    client->free(client);
}

/* sasl_client_first - choose a mechanism, make the initial response */

SASL_CLIENT_STATUS sasl_client_first(SASL_CLIENT *client, const char *mechanisms,
                                     VSTRING *out_mechanism, VSTRING *out_response,
                                     bool *out_initial)
{
    return client->first(client, mechanisms, out_mechanism, out_response, out_initial);
}

/* sasl_client_next - answer a challenge */

SASL_CLIENT_STATUS sasl_client_next(SASL_CLIENT *client, const char *challenge,
                                    VSTRING *out_response)
{
    return client->next(client, challenge, out_response);
}
