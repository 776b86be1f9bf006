/*++
 * NAME
 *	tlsmgr_request - read one tlsmgr request and serve it
 * SYNOPSIS
 *	#include "tlsmgr.h"
 *
 *	int	tlsmgr_dispatch(VSTREAM *client);
 *	int	tlsmgr_reply_status(VSTREAM *client, int status);
 * DESCRIPTION
 *	tlsmgr_dispatch() reads one request of tls_mgr.h from client (an
 *	attribute list that starts with the request name), runs its handler
 *	(seed: tlsmgr_prng.c; policy, lookup, update, delete:
 *	tlsmgr_cache.c; tktkey: here, from tlsmgr_ticket.c) and flushes the reply. It
 *	returns 0, or -1 when the client must be dropped: the end of its
 *	input, a master wake-up or other non-protocol input, a malformed or
 *	unknown request, or a reply that cannot be sent.
 *
 *	tlsmgr_reply_status() sends a reply that is just a status.
 * DIAGNOSTICS
 *	Warnings: an unknown request, a ticket key name of the wrong size.
 * SEE ALSO
 *	tlsmgr(8), tls_mgr(3) the client
 *--*/

/* System library. */
#include <string.h>
#include <time.h>

/* OpenSSL. */
#include <openssl/crypto.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* TLS library. */
#include "tls.h"
#include "tls_mgr.h"

/* Application-specific. */
#include "tlsmgr.h"

/* tlsmgr_reply_status - a reply that is just a status */

int tlsmgr_reply_status(VSTREAM *client, int status)
{
    return attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
                      ATTR_TYPE_END);
}

/* tlsmgr_tktkey_request - the current ticket key, or one by name */

static int tlsmgr_tktkey_request(VSTREAM *client)
{
    VSTRING *name = vstring_alloc(TLS_TICKET_NAMELEN);
    TLS_TICKET_KEY key;
    int status = TLS_MGR_STAT_ERR, result = -1;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_DATA(TLS_MGR_ATTR_KEYNAME, name),
                  ATTR_TYPE_END) == 1) {
        if (VSTRING_LEN(name) != 0 && VSTRING_LEN(name) != TLS_TICKET_NAMELEN) {
            msg_warn("ticket key name of %zu bytes: expected 0 or %d", VSTRING_LEN(name),
                     TLS_TICKET_NAMELEN);
            status = TLS_MGR_STAT_FAIL;
        } else if (tlsmgr_ticket_key(VSTRING_LEN(name) ? (unsigned char *)vstring_str(name) : NULL,
                                     time(NULL), &key)) {
            status = TLS_MGR_STAT_OK;
        }
        result = attr_print(
            client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
            SEND_ATTR_DATA(TLS_MGR_ATTR_KEYBUF, status == TLS_MGR_STAT_OK ? sizeof(key) : 0, &key),
            ATTR_TYPE_END);
        OPENSSL_cleanse(&key, sizeof(key));
    }
    vstring_free(name);
    return result;
}

/* The requests, by name. */
typedef struct TLSMGR_REQUEST {
    const char *name;                /* TLS_MGR_REQ_* */
    int (*handler)(VSTREAM *client); /* reads the arguments, replies; -1: drop the client */
} TLSMGR_REQUEST;

static const TLSMGR_REQUEST tlsmgr_requests[] = {
    {TLS_MGR_REQ_SEED, tlsmgr_seed_request},
    {TLS_MGR_REQ_POLICY, tlsmgr_policy_request},
    {TLS_MGR_REQ_LOOKUP, tlsmgr_lookup_request},
    {TLS_MGR_REQ_UPDATE, tlsmgr_update_request},
    {TLS_MGR_REQ_DELETE, tlsmgr_delete_request},
    {TLS_MGR_REQ_TKTKEY, tlsmgr_tktkey_request},
    {TLS_MGR_REQ_LIST, tlsmgr_list_request},
    {TLS_MGR_REQ_FLUSH, tlsmgr_flush_request},
    {NULL, NULL},
};

/* tlsmgr_dispatch - read one request and serve it; -1: drop the client */

int tlsmgr_dispatch(VSTREAM *client)
{
    VSTRING *request = vstring_alloc(10);
    const TLSMGR_REQUEST *rp;
    int ch, status = -1;

    /* End of input, or a master wake-up ("W"): no attribute message follows. */
    if ((ch = vstream_getc(client)) == EOF || ch < ATTR_TYPE_INT || ch > ATTR_TYPE_DATA) {
        if (ch != EOF && msg_verbose)
            msg_info("%s: wake-up or non-protocol input: closing", __func__);
        vstring_free(request);
        return -1;
    }
    vstream_ungetc(client, ch);
    if (attr_scan(client, ATTR_FLAG_STRICT | ATTR_FLAG_MORE,
                  RECV_ATTR_STR(TLS_MGR_ATTR_REQ, request), ATTR_TYPE_END) == 1) {
        for (rp = tlsmgr_requests; rp->name; rp++)
            if (strcmp(rp->name, vstring_str(request)) == 0)
                break;
        if (rp->name == NULL)
            msg_warn("unknown request \"%.100s\"", vstring_str(request));
        else if (msg_verbose)
            msg_info("%s: request %s", __func__, rp->name);
        if (rp->name != NULL)
            status = rp->handler(client) < 0 || vstream_fflush(client) != 0 ? -1 : 0;
    }
    vstring_free(request);
    return status;
}
