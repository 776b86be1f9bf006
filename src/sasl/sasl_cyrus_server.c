/*++
 * NAME
 *	sasl_cyrus_server - the Cyrus SASL server back end
 * SYNOPSIS
 *	#include <sasl_server.h>
 *
 *	SASL_SERVER_IMPL *sasl_cyrus_server_init(const SASL_SERVER_SETTINGS *settings);
 * DESCRIPTION
 *	sasl_cyrus_server_init() starts the Cyrus SASL library for this
 *	process, once: the application name is settings->path (smtpd_sasl_path,
 *	"smtpd" by default), so that the library reads "smtpd.conf" (password
 *	check method, auxprop plug-in, mechanism list) from the directories
 *	that settings->config_path (cyrus_sasl_config_path) names, or from
 *	its built-in search path when that is empty. The library loads its
 *	plug-ins here, before the caller drops privileges or chroots. The
 *	library's own log messages go to the mail log: errors and
 *	authentication failures as warnings, notes only with -v.
 *
 *	The session objects (sasl_server.h) use one Cyrus connection each,
 *	made with the service name (smtpd_sasl_service), the server name
 *	settings->server_name (myhostname; also the library's default realm,
 *	so that with an empty smtpd_sasl_local_domain users are looked up
 *	in the realm that saslpasswd2 -u $myhostname wrote, as with
 *	Postfix), the realm (smtpd_sasl_local_domain, none when empty),
 *	our and the client's "address;port", and the security options
 *	turned into Cyrus security flags, with no SASL security layer (the
 *	connection is protected by TLS or not at all). The mechanism list
 *	is what the library offers under those flags. Responses are
 *	base64-decoded here (a malformed one is SASL_STATUS_ABORT),
 *	challenges base64-encoded.
 *	A failure gives the library's short text ("authentication
 *	failure"); an unknown user is reported like a wrong password. A
 *	library that cannot work now (no memory, an unreachable password
 *	store, "try again") is SASL_STATUS_TEMP.
 * DIAGNOSTICS
 *	sasl_cyrus_server_init() logs a warning and returns NULL when the
 *	library cannot start (no plug-ins, a broken configuration file) or
 *	a security option is not known.
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>

#include <sasl/sasl.h>

/* Utility library. */
#include "base64_code.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Back ends. */
#include "sasl_secopts.h"
#include "sasl_cyrus_common.h"
#include "sasl_server.h"

/* The process's back end (the library allows one initialisation). */
typedef struct CYRUS_IMPL {
    SASL_SERVER_IMPL base; /* must be first */
    char *config_path;     /* cyrus_sasl_config_path, or NULL; owned */
    char *server_name;     /* myhostname, or NULL (the library's host name); owned */
} CYRUS_IMPL;

/* One session. */
typedef struct CYRUS_SERVER {
    SASL_SERVER base;  /* must be first */
    sasl_conn_t *conn; /* the library's connection; owned */
    char *mechanisms;  /* space-separated list, owned */
    char *username;    /* after success, owned, or NULL */
    VSTRING *decoded;  /* the client's response, decoded; owned, wiped */
} CYRUS_SERVER;

static CYRUS_IMPL *cyrus_impl; /* the one back end of this process, or NULL */

/* sasl_cyrus_server_confpath_cb - where smtpd.conf is */

static int sasl_cyrus_server_confpath_cb(void *context, char **out_path)
{
    *out_path = context;
    return SASL_OK;
}

/* sasl_cyrus_server_status - a library result as ours, with the reason */

static SASL_STATUS sasl_cyrus_server_status(CYRUS_SERVER *server, int status, const char *out,
                                            unsigned out_len, VSTRING *reply)
{
    const void *value;

    switch (status) {
    case SASL_OK:
        if (sasl_getprop(server->conn, SASL_USERNAME, &value) != SASL_OK || value == NULL) {
            msg_warn("cannot look up the authenticated SASL username");
            vstring_strcpy(reply, "internal error");
            return SASL_STATUS_TEMP;
        }
        myfree(server->username);
        server->username = mystrdup(value);
        VSTRING_RESET(reply);
        return SASL_STATUS_OK;
    case SASL_CONTINUE:
        base64_encode(reply, out ? out : "", out ? out_len : 0);
        return SASL_STATUS_MORE;
    case SASL_NOUSER:
        /* Do not tell who exists. */
        vstring_strcpy(reply, sasl_errstring(SASL_BADAUTH, NULL, NULL));
        return SASL_STATUS_FAIL;
    case SASL_FAIL:
    case SASL_NOMEM:
    case SASL_TRYAGAIN:
    case SASL_UNAVAIL:
        vstring_strcpy(reply, sasl_errstring(status, NULL, NULL));
        return SASL_STATUS_TEMP;
    default:
        vstring_strcpy(reply, sasl_errstring(status, NULL, NULL));
        return SASL_STATUS_FAIL;
    }
}

/* sasl_cyrus_server_decode - a base64 response into server->decoded */

static bool sasl_cyrus_server_decode(CYRUS_SERVER *server, const char *text)
{
    if (VSTRING_LEN(server->decoded))
        memset(vstring_str(server->decoded), 0, VSTRING_LEN(server->decoded));
    return base64_decode(server->decoded, text, strlen(text)) != NULL;
}

/* sasl_cyrus_server_wipe - forget the decoded response (it may hold a password) */

static void sasl_cyrus_server_wipe(CYRUS_SERVER *server)
{
    if (VSTRING_LEN(server->decoded))
        memset(vstring_str(server->decoded), 0, VSTRING_LEN(server->decoded));
    VSTRING_RESET(server->decoded);
}

/* sasl_cyrus_server_first - start an exchange */

static SASL_STATUS sasl_cyrus_server_first(SASL_SERVER *base, const char *mechanism,
                                           const char *init_response, VSTRING *reply)
{
    CYRUS_SERVER *server = (CYRUS_SERVER *)base;
    const char *in = NULL;
    unsigned in_len = 0;
    const char *out = NULL;
    unsigned out_len = 0;
    SASL_STATUS result;
    int status;

    if (init_response) {
        if (!sasl_cyrus_server_decode(server, init_response)) {
            sasl_cyrus_server_wipe(server);
            vstring_strcpy(reply, "Invalid base64 data in initial response");
            return SASL_STATUS_ABORT;
        }
        in = vstring_str(server->decoded);
        in_len = (unsigned)VSTRING_LEN(server->decoded);
    }
    status = sasl_server_start(server->conn, mechanism, in, in_len, &out, &out_len);
    sasl_cyrus_server_wipe(server);
    result = sasl_cyrus_server_status(server, status, out, out_len, reply);
    return result;
}

/* sasl_cyrus_server_next - continue an exchange */

static SASL_STATUS sasl_cyrus_server_next(SASL_SERVER *base, const char *response, VSTRING *reply)
{
    CYRUS_SERVER *server = (CYRUS_SERVER *)base;
    const char *out = NULL;
    unsigned out_len = 0;
    int status;

    if (!sasl_cyrus_server_decode(server, response)) {
        sasl_cyrus_server_wipe(server);
        vstring_strcpy(reply, "Invalid base64 data in continued response");
        return SASL_STATUS_ABORT;
    }
    status = sasl_server_step(server->conn, vstring_str(server->decoded),
                              (unsigned)VSTRING_LEN(server->decoded), &out, &out_len);
    sasl_cyrus_server_wipe(server);
    return sasl_cyrus_server_status(server, status, out, out_len, reply);
}

/* sasl_cyrus_server_mechanisms - what this session may offer */

static const char *sasl_cyrus_server_mechanisms(SASL_SERVER *base)
{
    return ((CYRUS_SERVER *)base)->mechanisms;
}

/* sasl_cyrus_server_username - who logged in */

static const char *sasl_cyrus_server_username(SASL_SERVER *base)
{
    return ((CYRUS_SERVER *)base)->username;
}

/* sasl_cyrus_server_free - end a session */

static void sasl_cyrus_server_free(SASL_SERVER *base)
{
    CYRUS_SERVER *server = (CYRUS_SERVER *)base;

    if (server->conn)
        sasl_dispose(&server->conn);
    myfree(server->mechanisms);
    myfree(server->username);
    sasl_cyrus_server_wipe(server);
    vstring_free(server->decoded);
    myfree(server);
}

/* sasl_cyrus_server_endpoint - "address;port" as the library wants it, or NULL */

static char *sasl_cyrus_server_endpoint(const char *addr, const char *port)
{
    VSTRING *buf;

    if (addr == NULL || *addr == 0 || port == NULL || *port == 0)
        return NULL;
    buf = vstring_alloc(64);
    vstring_sprintf(buf, "%s;%s", addr, port);
    return vstring_export(buf);
}

/* sasl_cyrus_server_props - security flags, no security layer */

static int sasl_cyrus_server_props(CYRUS_SERVER *server, const SASL_SESSION_ARGS *args)
{
    sasl_security_properties_t props;
    const char *bad_word;
    int mask;
    int status;

    if (sasl_secopts_parse(args->security_options ? args->security_options : "", &mask, &bad_word) <
        0) {
        msg_warn("unknown SASL security option \"%s\" (known: %s)", bad_word, sasl_secopts_names());
        return -1;
    }
    memset(&props, 0, sizeof(props));
    props.min_ssf = 0;
    props.max_ssf = 0; /* no SASL security layer: TLS protects the session */
    props.maxbufsize = 0;
    props.security_flags = sasl_cyrus_flags(mask);
    if ((status = sasl_setprop(server->conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
        msg_warn("SASL per-connection security setup: %s", sasl_errstring(status, NULL, NULL));
        return -1;
    }
    return 0;
}

/* sasl_cyrus_server_listmech - the mechanisms the security flags leave */

static int sasl_cyrus_server_listmech(CYRUS_SERVER *server)
{
    const char *list = NULL;
    unsigned len = 0;
    int count = 0;
    int status;

    status = sasl_listmech(server->conn, NULL, "", " ", "", &list, &len, &count);
    if (status == SASL_NOMECH || (status == SASL_OK && count == 0)) {
        server->mechanisms = mystrdup("");
        return 0;
    }
    if (status != SASL_OK) {
        msg_warn("cannot list the SASL mechanisms: %s", sasl_errstring(status, NULL, NULL));
        return -1;
    }
    server->mechanisms = mystrndup(list, len);
    return 0;
}

/* sasl_cyrus_server_create - a session object */

static SASL_SERVER *sasl_cyrus_server_create(SASL_SERVER_IMPL *unused_impl,
                                             const SASL_SESSION_ARGS *args)
{
    CYRUS_SERVER *server = mycalloc(1, sizeof(*server));
    char *local = sasl_cyrus_server_endpoint(args->server_addr, args->server_port);
    char *remote = sasl_cyrus_server_endpoint(args->client_addr, args->client_port);
    const char *realm = args->user_realm && *args->user_realm ? args->user_realm : NULL;
    int status;

    server->base.impl = &cyrus_impl->base;
    server->base.free = sasl_cyrus_server_free;
    server->base.mechanisms = sasl_cyrus_server_mechanisms;
    server->base.first = sasl_cyrus_server_first;
    server->base.next = sasl_cyrus_server_next;
    server->base.username = sasl_cyrus_server_username;
    server->decoded = vstring_alloc(100);
    status = sasl_server_new(args->service, cyrus_impl->server_name, realm, local, remote, NULL, 0,
                             &server->conn);
    myfree(local);
    myfree(remote);
    if (status != SASL_OK) {
        msg_warn("SASL per-connection server initialization: %s",
                 sasl_errstring(status, NULL, NULL));
        server->conn = NULL;
    }
    if (server->conn == NULL || sasl_cyrus_server_props(server, args) < 0 ||
        sasl_cyrus_server_listmech(server) < 0) {
        sasl_cyrus_server_free(&server->base);
        return NULL;
    }
    return &server->base;
}

/* sasl_cyrus_server_done - the library stays loaded: it cannot start twice */

static void sasl_cyrus_server_done(SASL_SERVER_IMPL *unused_impl)
{
    /* Nothing: later sasl_cyrus_server_init() calls return the same back end. */
}

/* sasl_cyrus_server_init - start the library for this process */

SASL_SERVER_IMPL *sasl_cyrus_server_init(const SASL_SERVER_SETTINGS *settings)
{
    static sasl_callback_t callbacks[] = {
        {SASL_CB_LOG, SASL_CYRUS_CALLBACK(sasl_cyrus_log), NULL},
        {SASL_CB_LIST_END, NULL, NULL}, /* the configuration path goes here */
        {SASL_CB_LIST_END, NULL, NULL},
    };
    int status;

    if (cyrus_impl)
        return &cyrus_impl->base;
    cyrus_impl = mycalloc(1, sizeof(*cyrus_impl));
    cyrus_impl->base.type = "cyrus";
    cyrus_impl->base.create = sasl_cyrus_server_create;
    cyrus_impl->base.done = sasl_cyrus_server_done;
    if (settings->server_name && *settings->server_name)
        cyrus_impl->server_name = mystrdup(settings->server_name);
    if (settings->config_path && *settings->config_path) {
        cyrus_impl->config_path = mystrdup(settings->config_path);
        callbacks[1].id = SASL_CB_GETCONFPATH;
        callbacks[1].proc = SASL_CYRUS_CALLBACK(sasl_cyrus_server_confpath_cb);
        callbacks[1].context = cyrus_impl->config_path;
    }
    if (msg_verbose)
        msg_info("%s: SASL config file is %s.conf", __func__, settings->path);
    if ((status = sasl_server_init(callbacks, settings->path)) != SASL_OK) {
        msg_warn("SASL per-process initialization failed: %s", sasl_errstring(status, NULL, NULL));
        myfree(cyrus_impl->config_path);
        myfree(cyrus_impl->server_name);
        myfree(cyrus_impl);
        cyrus_impl = NULL;
        return NULL;
    }
    return &cyrus_impl->base;
}
