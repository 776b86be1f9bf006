/*++
 * NAME
 *	smtp_tls_caps - what the TLS capability cache knows about a server
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	bool	smtp_tls_caps_pq_off(SMTP_STATE *state, const char *host,
 *				unsigned port);
 *	void	smtp_tls_caps_note_pq(SMTP_STATE *state, const char *host,
 *				unsigned port);
 * DESCRIPTION
 *	The TLS capability cache is kept by tlsmgr(8) (cache type
 *	TLS_MGR_SCACHE_CAPS, smtp_tls_capability_cache_database, entries
 *	living smtp_tls_capability_cache_timeout), one entry per server
 *	host name and port, shared by smtp and lmtp. An entry records what
 *	was learned the hard way; today that is "pq-intolerant": the
 *	server (or a middlebox before it) failed a handshake whose
 *	ClientHello offered post-quantum key exchange, and one without it
 *	worked.
 *
 *	smtp_tls_caps_pq_off() tells whether the cache has that entry for
 *	host and port; the caller then offers classical groups only, and
 *	this is logged. smtp_tls_caps_note_pq() stores it and logs that.
 *	Both do nothing when the cache is off (empty database or zero
 *	timeout); a tlsmgr that cannot be reached costs the knowledge,
 *	never a delivery.
 * DIAGNOSTICS
 *	Info lines with the queue id and the server.
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* TLS library. */
#include "tls_mgr.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_TLS_CAPS_PQ "pq-intolerant" /* the entry's value */

/* smtp_tls_caps_on - is the cache configured */

static bool smtp_tls_caps_on(const SMTP_STATE *state)
{
    const SMTP_TLS_ENGINE *engine = &state->config->tls_engine;

    if (engine->capability_cache_database == NULL || *engine->capability_cache_database == 0 ||
        engine->capability_cache_timeout <= 0)
        return false;
    tls_mgr_init(engine->tlsmgr_service, 0);
    return true;
}

/* smtp_tls_caps_key - the cache key of a server */

static const char *smtp_tls_caps_key(char *buf, size_t len, const char *host, unsigned port)
{
    snprintf(buf, len, "%s:%u", host, port);
    return buf;
}

/* smtp_tls_caps_pq_off - does the server fail post-quantum ClientHellos */

bool smtp_tls_caps_pq_off(SMTP_STATE *state, const char *host, unsigned port)
{
    char key[300];
    VSTRING *value;
    bool off;

    if (!smtp_tls_caps_on(state))
        return false;
    value = vstring_alloc(20);
    off = tls_mgr_lookup(TLS_MGR_SCACHE_CAPS, smtp_tls_caps_key(key, sizeof(key), host, port),
                         value) == TLS_MGR_STAT_OK &&
          strcmp(vstring_str(value), SMTP_TLS_CAPS_PQ) == 0;
    vstring_free(value);
    if (off)
        msg_info("%s: TLS capability cache: %s:%u failed a post-quantum ClientHello before: "
                 "offering classical key exchange only",
                 state->request->queue_id, host, port);
    return off;
}

/* smtp_tls_caps_note_pq - remember that the server fails post-quantum ClientHellos */

void smtp_tls_caps_note_pq(SMTP_STATE *state, const char *host, unsigned port)
{
    char key[300];

    if (!smtp_tls_caps_on(state))
        return;
    if (tls_mgr_update(TLS_MGR_SCACHE_CAPS, smtp_tls_caps_key(key, sizeof(key), host, port),
                       SMTP_TLS_CAPS_PQ, strlen(SMTP_TLS_CAPS_PQ)) == TLS_MGR_STAT_OK)
        msg_info("%s: TLS capability cache: %s:%u does not take a post-quantum ClientHello: "
                 "remembered for %ds",
                 state->request->queue_id, host, port,
                 state->config->tls_engine.capability_cache_timeout);
}
