/*++
 * NAME
 *	sasl_cyrus_client - the Cyrus SASL client back end
 * SYNOPSIS
 *	#include <sasl_client.h>
 *
 *	SASL_CLIENT_IMPL *sasl_cyrus_client_init(const SASL_CLIENT_SETTINGS *settings);
 * DESCRIPTION
 *	sasl_cyrus_client_init() initialises the Cyrus SASL client library
 *	once per process (it loads the mechanism plug-ins, so call it before
 *	chroot) and returns the back end; NULL after a warning when the
 *	library cannot start. smtp_sasl_path is not used by this back end.
 *
 *	Each exchange is one Cyrus connection for the service and server
 *	name given, with the security options as Cyrus security flags
 *	(noplaintext, noactive, nodictionary, noanonymous, mutual_auth,
 *	forward_secrecy) and no security layer (the session's protection is
 *	TLS, not SASL). The library asks for the credentials through
 *	callbacks: the authentication name and the password; the
 *	authorization identity is left empty, so that the server derives
 *	it from the authentication name. Library messages are logged as
 *	warnings ("SASL authentication failure: ..." for errors, "SASL
 *	authentication problem: ..." for warnings) or with -v (the rest).
 * DIAGNOSTICS
 *	"SASL authentication failure: ..." (the library's detail) is logged
 *	when the library refuses a step; the reason is also returned to the
 *	caller.
 * SEE ALSO
 *	sasl_client(3), the interface.
 *--*/

/* System library. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

/* Cyrus SASL. */
#include <sasl/sasl.h>

/* OpenSSL, for wiping secrets. */
#include <openssl/crypto.h>

/* Utility library. */
#include "base64_code.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* SASL library. */
#include "sasl_client.h"
#include "sasl_cyrus_common.h"
#include "sasl_secopts.h"

/* The back end: nothing beyond the method table, one per process. */
typedef struct SASL_CYRUS_CLIENT_IMPL {
    SASL_CLIENT_IMPL impl; /* method table, first */
} SASL_CYRUS_CLIENT_IMPL;

/* One exchange. */
typedef struct SASL_CYRUS_CLIENT {
    SASL_CLIENT client;           /* method table, first */
    sasl_conn_t *conn;            /* the library's connection, owned */
    char *username;               /* authentication name, owned */
    sasl_secret_t *secret;        /* password as the library wants it, owned, wiped */
    size_t secret_size;           /* bytes allocated for secret */
    sasl_callback_t callbacks[4]; /* the per-connection callbacks */
    VSTRING *decoded;             /* decoded challenge, owned */
} SASL_CYRUS_CLIENT;

static bool sasl_cyrus_client_started; /* sasl_client_init() succeeded */

/* sasl_cyrus_client_user_cb - the authentication name (and an empty authorization id) */

static int sasl_cyrus_client_user_cb(void *context, int id, const char **result, unsigned *len)
{
    SASL_CYRUS_CLIENT *cyrus = context;

    if (id == SASL_CB_USER) {
        *result = "";
    } else if (id == SASL_CB_AUTHNAME) {
        *result = cyrus->username;
    } else {
        return SASL_BADPARAM;
    }
    if (len)
        *len = (unsigned)strlen(*result);
    return SASL_OK;
}

/* sasl_cyrus_client_pass_cb - the password */

static int sasl_cyrus_client_pass_cb(sasl_conn_t *unused_conn, void *context, int id,
                                     sasl_secret_t **out_secret)
{
    SASL_CYRUS_CLIENT *cyrus = context;

    if (id != SASL_CB_PASS)
        return SASL_BADPARAM;
    *out_secret = cyrus->secret;
    return SASL_OK;
}

/* sasl_cyrus_client_reason - a failure text from the library */

static void sasl_cyrus_client_reason(SASL_CYRUS_CLIENT *cyrus, int status, VSTRING *out)
{
    const char *detail = cyrus->conn ? sasl_errdetail(cyrus->conn) : NULL;

    if (detail == NULL || *detail == 0)
        detail = sasl_errstring(status, NULL, NULL);
    msg_warn("SASL authentication failure: %s", detail);
    vstring_strcpy(out, sasl_errstring(status, NULL, NULL));
}

/* sasl_cyrus_client_output - library output to base64 */

static void sasl_cyrus_client_output(const char *data, unsigned len, VSTRING *out)
{
    if (data == NULL || len == 0)
        VSTRING_RESET(out);
    else
        base64_encode(out, data, len);
}

/* sasl_cyrus_client_first - choose a mechanism, make the initial response */

static SASL_CLIENT_STATUS sasl_cyrus_client_first(SASL_CLIENT *client, const char *mechanisms,
                                                  VSTRING *out_mechanism, VSTRING *out_response,
                                                  bool *out_initial)
{
    SASL_CYRUS_CLIENT *cyrus = (SASL_CYRUS_CLIENT *)client;
    sasl_interact_t *interact = NULL;
    const char *data = NULL, *mech = NULL;
    unsigned len = 0;
    int status;

    status = sasl_client_start(cyrus->conn, mechanisms, &interact, &data, &len, &mech);
    if (status == SASL_NOMECH) {
        vstring_strcpy(out_response, "no mechanism available");
        if (msg_verbose)
            msg_info("SASL: none of \"%s\" is allowed", mechanisms);
        return SASL_CLIENT_NOMECH;
    }
    if (status != SASL_OK && status != SASL_CONTINUE) {
        sasl_cyrus_client_reason(cyrus, status, out_response);
        return SASL_CLIENT_FAIL;
    }
    vstring_strcpy(out_mechanism, mech);
    /* A mechanism that speaks first has data (perhaps empty); one that waits has none. */
    *out_initial = data != NULL;
    sasl_cyrus_client_output(data, len, out_response);
    return SASL_CLIENT_OK;
}

/* sasl_cyrus_client_next - answer a challenge */

static SASL_CLIENT_STATUS sasl_cyrus_client_next(SASL_CLIENT *client, const char *challenge,
                                                 VSTRING *out_response)
{
    SASL_CYRUS_CLIENT *cyrus = (SASL_CYRUS_CLIENT *)client;
    sasl_interact_t *interact = NULL;
    const char *data = NULL;
    unsigned len = 0;
    int status;

    if (base64_decode(cyrus->decoded, challenge, strlen(challenge)) == NULL ||
        VSTRING_LEN(cyrus->decoded) > UINT_MAX) {
        vstring_strcpy(out_response, "malformed SASL challenge from server");
        return SASL_CLIENT_FAIL;
    }
    status = sasl_client_step(cyrus->conn, vstring_str(cyrus->decoded),
                              (unsigned)VSTRING_LEN(cyrus->decoded), &interact, &data, &len);
    if (status != SASL_OK && status != SASL_CONTINUE) {
        sasl_cyrus_client_reason(cyrus, status, out_response);
        return SASL_CLIENT_FAIL;
    }
    sasl_cyrus_client_output(data, len, out_response);
    return SASL_CLIENT_OK;
}

/* sasl_cyrus_client_free - end an exchange, wipe the password */

static void sasl_cyrus_client_free(SASL_CLIENT *client)
{
    SASL_CYRUS_CLIENT *cyrus = (SASL_CYRUS_CLIENT *)client;

    if (cyrus->conn)
        sasl_dispose(&cyrus->conn);
    OPENSSL_cleanse(cyrus->secret, cyrus->secret_size);
    myfree(cyrus->secret);
    myfree(cyrus->username);
    OPENSSL_cleanse(vstring_str(cyrus->decoded), cyrus->decoded->size);
    vstring_free(cyrus->decoded);
    myfree(cyrus);
}

/* sasl_cyrus_client_props - security options to Cyrus properties */

static int sasl_cyrus_client_props(const char *options, sasl_security_properties_t *props,
                                   VSTRING *why)
{
    const char *bad = NULL;
    int mask = 0;

    if (sasl_secopts_parse(options, &mask, &bad) < 0) {
        vstring_sprintf(why, "unknown SASL security option \"%s\" (known: %s)", bad,
                        sasl_secopts_names());
        return -1;
    }
    memset(props, 0, sizeof(*props));
    props->min_ssf = 0;
    props->max_ssf = 0; /* no SASL security layer: TLS protects the session */
    props->maxbufsize = 0;
    props->security_flags = sasl_cyrus_flags(mask);
    return 0;
}

/* sasl_cyrus_client_ipport - "addr;port" for the library, or NULL */

static char *sasl_cyrus_client_ipport(const char *addr, const char *port)
{
    VSTRING *buf;

    if (addr == NULL || *addr == 0 || port == NULL || *port == 0)
        return NULL;
    buf = vstring_alloc(60);
    vstring_sprintf(buf, "%s;%s", addr, port);
    return vstring_export(buf);
}

/* sasl_cyrus_client_create - one exchange */

static SASL_CLIENT *sasl_cyrus_client_create(SASL_CLIENT_IMPL *impl, const SASL_CLIENT_ARGS *args,
                                             VSTRING *why)
{
    SASL_CYRUS_CLIENT *cyrus;
    sasl_security_properties_t props;
    size_t pass_len = strlen(args->password);
    char *remote;
    int status;

    if (sasl_cyrus_client_props(args->security_options, &props, why) < 0)
        return NULL;
    cyrus = mycalloc(1, sizeof(*cyrus));
    cyrus->client = (SASL_CLIENT){
        .impl = impl,
        .free = sasl_cyrus_client_free,
        .first = sasl_cyrus_client_first,
        .next = sasl_cyrus_client_next,
    };
    cyrus->username = mystrdup(args->username);
    cyrus->secret_size = sizeof(sasl_secret_t) + pass_len;
    cyrus->secret = mycalloc(1, cyrus->secret_size);
    cyrus->secret->len = pass_len;
    memcpy(cyrus->secret->data, args->password, pass_len);
    cyrus->decoded = vstring_alloc(100);

    /* The library calls back with the proc cast to its generic type. */
    cyrus->callbacks[0] =
        (sasl_callback_t){SASL_CB_USER, SASL_CYRUS_CALLBACK(sasl_cyrus_client_user_cb), cyrus};
    cyrus->callbacks[1] =
        (sasl_callback_t){SASL_CB_AUTHNAME, SASL_CYRUS_CALLBACK(sasl_cyrus_client_user_cb), cyrus};
    cyrus->callbacks[2] =
        (sasl_callback_t){SASL_CB_PASS, SASL_CYRUS_CALLBACK(sasl_cyrus_client_pass_cb), cyrus};
    cyrus->callbacks[3] = (sasl_callback_t){SASL_CB_LIST_END, NULL, NULL};

    remote = sasl_cyrus_client_ipport(args->server_addr, args->server_port);
    status = sasl_client_new(args->service, args->server_name, NULL, remote, cyrus->callbacks, 0,
                             &cyrus->conn);
    myfree(remote);
    if (status != SASL_OK) {
        vstring_sprintf(why, "SASL per-connection initialization failed: %s",
                        sasl_errstring(status, NULL, NULL));
        cyrus->conn = NULL;
        sasl_cyrus_client_free(&cyrus->client);
        return NULL;
    }
    if ((status = sasl_setprop(cyrus->conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
        vstring_sprintf(why, "SASL security properties: %s", sasl_errstring(status, NULL, NULL));
        sasl_cyrus_client_free(&cyrus->client);
        return NULL;
    }
    return &cyrus->client;
}

/* sasl_cyrus_client_done - the process no longer needs the library */

static void sasl_cyrus_client_done(SASL_CLIENT_IMPL *impl)
{
    myfree(impl);
}

/* sasl_cyrus_client_init - start the library once */

SASL_CLIENT_IMPL *sasl_cyrus_client_init(const SASL_CLIENT_SETTINGS *settings)
{
    static sasl_callback_t callbacks[] = {
        {SASL_CB_LOG, SASL_CYRUS_CALLBACK(sasl_cyrus_log), NULL},
        {SASL_CB_LIST_END, NULL, NULL},
    };
    SASL_CYRUS_CLIENT_IMPL *cyrus;
    int status;

    if (!sasl_cyrus_client_started) {
        if ((status = sasl_client_init(callbacks)) != SASL_OK) {
            msg_warn("SASL client type %s: library initialization failed: %s", settings->type,
                     sasl_errstring(status, NULL, NULL));
            return NULL;
        }
        sasl_cyrus_client_started = true;
    }
    cyrus = mycalloc(1, sizeof(*cyrus));
    cyrus->impl = (SASL_CLIENT_IMPL){
        .type = "cyrus",
        .create = sasl_cyrus_client_create,
        .done = sasl_cyrus_client_done,
    };
    return &cyrus->impl;
}
