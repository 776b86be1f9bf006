/*++
 * NAME
 *	tlsmgr_ticket - tlsmgr's session ticket keys, local or shared
 * SYNOPSIS
 *	#include "tlsmgr.h"
 *
 *	void	tlsmgr_ticket_pre_jail(MAIL_SERVER *server,
 *				const TLSMGR_CONFIG *config, int timeout,
 *				const unsigned char *secret,
 *				size_t secret_len);
 *	void	tlsmgr_ticket_post_jail(void);
 *	int	tlsmgr_ticket_key(const unsigned char *name, time_t now,
 *				TLS_TICKET_KEY *out_key);
 *	void	tlsmgr_ticket_exit(void);
 * DESCRIPTION
 *	Without tlsmgr_ticket_key_database the keys live in this process
 *	only (tls_keyring(3)). With it, they come from that table, shared
 *	with the other hosts of a cluster (tls_keyshare(3)), sealed with a
 *	key derived from the secret in tlsmgr_shared_secret_file; the
 *	local keys stand in while the table fails or holds an entry that
 *	does not open.
 *
 *	tlsmgr_ticket_pre_jail() opens the table as mail_owner; secret is
 *	what tlsmgr.c read from tlsmgr_shared_secret_file (secret_len 0:
 *	none, which is fatal with a table; the caller wipes it). timeout is
 *	the smtpd session cache timeout after its limits; 0 turns tickets
 *	off and nothing is opened.
 *
 *	tlsmgr_ticket_post_jail() makes the local key ring.
 *
 *	tlsmgr_ticket_key() returns the current key (name NULL) or the key
 *	of that name (TLS_TICKET_NAMELEN bytes): 1 with the key in out_key,
 *	0 when there is none. A table failure is logged once; then, for
 *	TLSMGR_TICKET_RETRY seconds, only the keys already read from the
 *	table and the local keys are used, and the table is tried again
 *	after that; the first success is logged.
 *
 *	tlsmgr_ticket_exit() wipes every key.
 * DIAGNOSTICS
 *	Fatal: a table that cannot be opened or updated, a table without a
 *	secret. Warnings: the table fails (once until it works
 *	again); tls_keyshare(3) warns about entries that do not open.
 * SEE ALSO
 *	tls_keyshare(3), tls_keyring(3), tlsmgr(8)
 *--*/

/* System library. */
#include <fcntl.h>
#include <stdbool.h>

/* Utility library. */
#include "dict.h"
#include "msg.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_keyring.h"
#include "tls_keyshare.h"

/* Application-specific. */
#include "tlsmgr.h"

#define TLSMGR_TICKET_RETRY 10 /* seconds between tries of a failed table */

static int tlsmgr_ticket_timeout;         /* key lifetime basis, seconds; 0: no tickets */
static TLS_KEYRING *tlsmgr_ticket_ring;   /* this host's own keys */
static TLS_KEYSHARE *tlsmgr_ticket_share; /* the shared keys, or NULL */
static const char *tlsmgr_ticket_table;   /* the table's name; owned by the CONFIG */
static bool tlsmgr_ticket_failing;        /* a table failure was logged */
static time_t tlsmgr_ticket_retry_at;     /* when to try a failed table again */

/* tlsmgr_ticket_pre_jail - open the table */

void tlsmgr_ticket_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config, int timeout,
                            const unsigned char *secret, size_t secret_len)
{
    DICT *dict;

    tlsmgr_ticket_timeout = timeout;
    if (config->ticket_key_database == NULL || *config->ticket_key_database == 0 || timeout <= 0)
        return;
    if (secret_len == 0)
        msg_fatal("%s = %s needs %s: the entries are sealed with that secret",
                  VAR_TLSMGR_TICKET_KEY_DATABASE, config->ticket_key_database,
                  VAR_TLSMGR_SHARED_SECRET_FILE);
    tlsmgr_owner_enter(server);
    dict = dict_open(config->ticket_key_database, O_RDWR | O_CREAT, DICT_FLAG_DUP_IGNORE);
    tlsmgr_owner_leave();
    if (!dict_open_ok(dict))
        msg_fatal("%s = %s: %s", VAR_TLSMGR_TICKET_KEY_DATABASE, config->ticket_key_database,
                  dict_reason(dict));
    if (dict->update == NULL)
        msg_fatal("%s = %s: table type %s cannot update entries: use memcache",
                  VAR_TLSMGR_TICKET_KEY_DATABASE, config->ticket_key_database, dict->type);
    tlsmgr_ticket_table = config->ticket_key_database;
    tlsmgr_ticket_share = tls_keyshare_create(dict, secret, secret_len, timeout);
}

/* tlsmgr_ticket_post_jail - the local keys */

void tlsmgr_ticket_post_jail(void)
{
    tlsmgr_ticket_ring = tls_keyring_create(tlsmgr_ticket_timeout);
}

/* tlsmgr_ticket_shared - a key from the table; logs its failure and recovery once */

static int tlsmgr_ticket_shared(const unsigned char *name, time_t now, TLS_TICKET_KEY *out_key)
{
    VSTRING *why = vstring_alloc(100);
    bool resting = tlsmgr_ticket_failing && now < tlsmgr_ticket_retry_at;
    int status;

    status = tls_keyshare_get(tlsmgr_ticket_share, name, now,
                              resting ? TLS_KEYSHARE_FLAG_MEMORY : 0, out_key, why);
    if (status == TLS_KEYSHARE_FAILED) {
        if (!tlsmgr_ticket_failing)
            msg_warn("ticket key table: %s: using this host's own ticket keys until it works again",
                     vstring_str(why));
        tlsmgr_ticket_failing = true;
        tlsmgr_ticket_retry_at = now + TLSMGR_TICKET_RETRY;
    } else if (tlsmgr_ticket_failing && !resting) {
        msg_info("ticket key table %s works again", tlsmgr_ticket_table);
        tlsmgr_ticket_failing = false;
    }
    vstring_free(why);
    return status == TLS_KEYSHARE_FOUND;
}

/* tlsmgr_ticket_key - the current key, or one by name */

int tlsmgr_ticket_key(const unsigned char *name, time_t now, TLS_TICKET_KEY *out_key)
{
    if (tlsmgr_ticket_ring == NULL)
        return 0;
    if (tlsmgr_ticket_share && tlsmgr_ticket_shared(name, now, out_key))
        return 1;
    return tls_keyring_get(tlsmgr_ticket_ring, name, now, out_key);
}

/* tlsmgr_ticket_exit - wipe the keys */

void tlsmgr_ticket_exit(void)
{
    tlsmgr_ticket_ring = tls_keyring_free(tlsmgr_ticket_ring);
    tlsmgr_ticket_share = tls_keyshare_free(tlsmgr_ticket_share);
}
