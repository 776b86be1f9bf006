/*++
 * NAME
 *	smtp_tls_caps - what the TLS capability cache knows about a server
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_tls_caps_lookup(SMTP_STATE *state, const char *host,
 *				unsigned port);
 *	void	smtp_tls_caps_note(SMTP_STATE *state, const char *host,
 *				unsigned port, int cap);
 * DESCRIPTION
 *	The TLS capability cache is kept by tlsmgr(8) (cache type
 *	TLS_MGR_SCACHE_CAPS, smtp_tls_capability_cache_database, entries
 *	living smtp_tls_capability_cache_timeout), one entry per server
 *	host name and port, shared by smtp and lmtp. An entry records what
 *	was learned the hard way, as words separated by spaces:
 *	"pq-intolerant" (SMTP_TLS_CAP_PQ: the server, or a middlebox before
 *	it, failed a handshake whose ClientHello offered post-quantum key
 *	exchange, and one without it worked), "tls13-broken"
 *	(SMTP_TLS_CAP_TLS13: a TLS 1.3 handshake failed and a TLS 1.2 one
 *	worked) and "tls-fails" (SMTP_TLS_CAP_NOTLS: the server offers
 *	STARTTLS but every handshake failed, and the plaintext retry of
 *	level may delivered). The callers decide what a finding may change:
 *	never more than the security level allows.
 *
 *	smtp_tls_caps_lookup() returns the SMTP_TLS_CAP_* bits of the entry
 *	for host and port (0 when there is none). smtp_tls_caps_note() adds
 *	one finding to the entry (the entry's lifetime starts again) and
 *	logs it. Both do nothing when the cache is off (empty database or
 *	zero timeout); a tlsmgr that cannot be reached costs the knowledge,
 *	never a delivery.
 * DIAGNOSTICS
 *	Info lines with the queue id and the server.
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "vstring.h"

/* TLS library. */
#include "tls_mgr.h"

/* Application-specific. */
#include "smtp.h"

/* The findings: bit, word in the entry, what the log says when it is noted. */
static const struct {
    int cap;          /* SMTP_TLS_CAP_* */
    const char *word; /* in the cache entry */
    const char *note; /* "%s:%u <note>: remembered for %ds" */
} smtp_tls_caps_words[] = {
    {SMTP_TLS_CAP_PQ, "pq-intolerant", "does not take a post-quantum ClientHello"},
    {SMTP_TLS_CAP_TLS13, "tls13-broken", "fails TLS 1.3 handshakes, TLS 1.2 works"},
    {SMTP_TLS_CAP_NOTLS, "tls-fails", "offers STARTTLS but fails every TLS handshake"},
};

#define SMTP_TLS_CAPS_COUNT (sizeof(smtp_tls_caps_words) / sizeof(smtp_tls_caps_words[0]))

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

/* smtp_tls_caps_get - the bits of the entry, 0 when none */

static int smtp_tls_caps_get(const char *key)
{
    VSTRING *value = vstring_alloc(40);
    int caps = 0;

    if (tls_mgr_lookup(TLS_MGR_SCACHE_CAPS, key, value) == TLS_MGR_STAT_OK) {
        ARGV *words = argv_split(vstring_str(value), " ");

        for (size_t i = 0; i < words->argc; i++)
            for (size_t n = 0; n < SMTP_TLS_CAPS_COUNT; n++)
                if (strcmp(words->argv[i], smtp_tls_caps_words[n].word) == 0)
                    caps |= smtp_tls_caps_words[n].cap;
        argv_free(words);
    }
    vstring_free(value);
    return caps;
}

/* smtp_tls_caps_lookup - what the cache knows about a server */

int smtp_tls_caps_lookup(SMTP_STATE *state, const char *host, unsigned port)
{
    char key[300];

    if (!smtp_tls_caps_on(state))
        return 0;
    return smtp_tls_caps_get(smtp_tls_caps_key(key, sizeof(key), host, port));
}

/* smtp_tls_caps_note - remember one finding about a server */

void smtp_tls_caps_note(SMTP_STATE *state, const char *host, unsigned port, int cap)
{
    char key[300];
    VSTRING *value;
    int caps;

    if (!smtp_tls_caps_on(state))
        return;
    smtp_tls_caps_key(key, sizeof(key), host, port);
    caps = smtp_tls_caps_get(key) | cap;
    value = vstring_alloc(40);
    for (size_t n = 0; n < SMTP_TLS_CAPS_COUNT; n++)
        if (caps & smtp_tls_caps_words[n].cap)
            vstring_sprintf_append(value, "%s%s", VSTRING_LEN(value) ? " " : "",
                                   smtp_tls_caps_words[n].word);
    if (tls_mgr_update(TLS_MGR_SCACHE_CAPS, key, vstring_str(value), VSTRING_LEN(value)) ==
        TLS_MGR_STAT_OK)
        for (size_t n = 0; n < SMTP_TLS_CAPS_COUNT; n++)
            if (cap & smtp_tls_caps_words[n].cap)
                msg_info("%s: TLS capability cache: %s:%u %s: remembered for %ds",
                         state->request->queue_id, host, port, smtp_tls_caps_words[n].note,
                         state->config->tls_engine.capability_cache_timeout);
    vstring_free(value);
}
