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
 *	tlsmgr_cache.c; tktkey: here, from tlsmgr_ticket.c) and flushes the
 *	reply, as attr_dispatch(3) does. It returns 0, or -1 when the client
 *	must be dropped: the end of its input, a master wake-up or other
 *	non-protocol input, a malformed or unknown request, or a reply that
 *	cannot be sent.
 *
 *	tlsmgr_reply_status() sends a reply that is just a status.
 * DIAGNOSTICS
 *	Warnings: an unknown request, a ticket key name of the wrong size.
 * SEE ALSO
 *	tlsmgr(8), tls_mgr(3) the client, attr_dispatch(3)
 *--*/

/* System library. */
#include <time.h>

/* OpenSSL. */
#include <openssl/crypto.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "attr_dispatch.h"

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
static const ATTR_DISPATCH tlsmgr_requests[] = {
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
    return attr_dispatch(client, TLS_MGR_ATTR_REQ, tlsmgr_requests);
}
