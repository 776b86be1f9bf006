/*++
 * NAME
 *	tlsmgr_prng - tlsmgr's entropy source, exchange file and seed request
 * SYNOPSIS
 *	#include "tlsmgr.h"
 *
 *	void	tlsmgr_prng_pre_jail(MAIL_SERVER *server,
 *				const TLSMGR_CONFIG *config);
 *	void	tlsmgr_prng_post_jail(MAIL_SERVER *server);
 *	void	tlsmgr_prng_stir(void);
 *	void	tlsmgr_prng_exit(void);
 *	int	tlsmgr_seed_request(VSTREAM *client);
 * DESCRIPTION
 *	tlsmgr_prng_pre_jail() opens tls_random_source (with the
 *	privileges master gave) and tls_random_exchange_name (as mail_owner),
 *	and mixes the exchange file into the generator at once. An entropy
 *	source that cannot be opened is a warning (OpenSSL seeds itself from
 *	the kernel); an exchange file that cannot be opened is fatal.
 *
 *	tlsmgr_prng_post_jail() reads tls_random_bytes from the source: a
 *	regular file once (then it is closed), a device or EGD socket again
 *	after a random time up to tls_random_reseed_period. A read failure
 *	makes tlsmgr save its state and exit, so that master restarts it
 *	with the source opened anew. The exchange file is rewritten after a
 *	random time up to tls_random_prng_update_period, and when tlsmgr
 *	exits; when it has been removed, tlsmgr exits to make a new one.
 *
 *	tlsmgr_prng_stir() feeds the time of day to the generator (after
 *	each request). tlsmgr_prng_exit() saves the exchange file.
 *
 *	tlsmgr_seed_request() serves a "seed" request: size (1..255) random
 *	bytes. Another size gets a warning and status TLS_MGR_STAT_ERR with
 *	no bytes. It returns -1 when the request is malformed or the reply
 *	cannot be sent.
 * DIAGNOSTICS
 *	See above.
 * SEE ALSO
 *	tls_prng(3), tlsmgr(8)
 *--*/

/* System library. */
#include <sys/time.h>

/* OpenSSL. */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_mgr.h"
#include "tls_prng.h"

/* Application-specific. */
#include "tlsmgr.h"

#define TLSMGR_PRNG_TIMEOUT   10           /* seconds for one read from the entropy source */
#define TLSMGR_PRNG_DELAY_MAX (24 * 86400) /* longest timer, seconds (fits int milliseconds) */

static TLS_PRNG_SRC *tlsmgr_src;   /* entropy source, or NULL */
static TLS_PRNG_EXCH *tlsmgr_exch; /* exchange file, or NULL */
static int tlsmgr_random_bytes;    /* tls_random_bytes */
static int tlsmgr_reseed_period;   /* tls_random_reseed_period, seconds */
static int tlsmgr_update_period;   /* tls_random_prng_update_period, seconds */

/* tlsmgr_prng_delay - a random time in [1, period] seconds, in milliseconds */

static int tlsmgr_prng_delay(int period)
{
    unsigned char byte = 255;
    long seconds;

    if (RAND_bytes(&byte, 1) != 1)
        ERR_clear_error();
    seconds = (long)period * byte / 255;
    if (seconds < 1)
        seconds = 1;
    if (seconds > TLSMGR_PRNG_DELAY_MAX)
        seconds = TLSMGR_PRNG_DELAY_MAX;
    return (int)(seconds * 1000);
}

/* tlsmgr_prng_update - rewrite the exchange file */

static void tlsmgr_prng_update(void)
{
    VSTRING *why;

    if (tlsmgr_exch == NULL)
        return;
    why = vstring_alloc(100);
    if (tls_prng_exch_update(tlsmgr_exch, why) < 0)
        msg_warn("PRNG exchange file: %s", vstring_str(why));
    vstring_free(why);
}

/* tlsmgr_prng_reseed - read the entropy source; 0, or -1 on failure */

static int tlsmgr_prng_reseed(void)
{
    VSTRING *why = vstring_alloc(100);
    ssize_t n = tls_prng_src_read(tlsmgr_src, tlsmgr_random_bytes, why);

    if (n < 0)
        msg_warn("entropy source: %s", vstring_str(why));
    else if (msg_verbose)
        msg_info("read %ld bytes from entropy source %s", (long)n, tls_prng_src_name(tlsmgr_src));
    vstring_free(why);
    return n < 0 ? -1 : 0;
}

/* tlsmgr_reseed_event - time to read the entropy source again */

static void tlsmgr_reseed_event(EVENT_LOOP *loop, void *context)
{
    MAIL_SERVER *server = context;

    if (tlsmgr_prng_reseed() < 0)
        mail_server_exit(server, "entropy source failed -- exiting");
    event_timer_add(loop, tlsmgr_prng_delay(tlsmgr_reseed_period), tlsmgr_reseed_event, server);
}

/* tlsmgr_update_event - time to rewrite the exchange file */

static void tlsmgr_update_event(EVENT_LOOP *loop, void *context)
{
    MAIL_SERVER *server = context;

    if (tls_prng_exch_removed(tlsmgr_exch)) {
        msg_warn("PRNG exchange file %s was removed: exiting to make a new one",
                 tls_prng_exch_name(tlsmgr_exch));
        mail_server_exit(server, "exchange file removed -- exiting");
    }
    tlsmgr_prng_update();
    event_timer_add(loop, tlsmgr_prng_delay(tlsmgr_update_period), tlsmgr_update_event, server);
}

/* tlsmgr_prng_pre_jail - open the entropy source and the exchange file */

void tlsmgr_prng_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config)
{
    const char *source = config->random_source;
    const char *exchange = config->random_exchange_name;
    VSTRING *why = vstring_alloc(100);

    tlsmgr_random_bytes = config->random_bytes;
    tlsmgr_reseed_period = config->reseed_period;
    tlsmgr_update_period = config->update_period;
    if (*source && (tlsmgr_src = tls_prng_src_open(source, TLSMGR_PRNG_TIMEOUT, why)) == NULL)
        msg_warn("%s = %s: %s: relying on the system's own entropy", VAR_TLS_RANDOM_SOURCE, source,
                 vstring_str(why));
    if (*exchange) {
        tlsmgr_owner_enter(server);
        tlsmgr_exch = tls_prng_exch_open(exchange, why);
        tlsmgr_owner_leave();
        if (tlsmgr_exch == NULL)
            msg_fatal("%s = %s: %s", VAR_TLS_RANDOM_EXCHANGE_NAME, exchange, vstring_str(why));
        tlsmgr_prng_update();
    }
    vstring_free(why);
}

/* tlsmgr_prng_post_jail - first reseed, timers */

void tlsmgr_prng_post_jail(MAIL_SERVER *server)
{
    if (tlsmgr_src) {
        if (tlsmgr_prng_reseed() < 0 || tls_prng_src_type(tlsmgr_src) == TLS_PRNG_SRC_FILE)
            tlsmgr_src = tls_prng_src_close(tlsmgr_src);
        else
            event_timer_add(server->loop, tlsmgr_prng_delay(tlsmgr_reseed_period),
                            tlsmgr_reseed_event, server);
    }
    if (tlsmgr_exch)
        event_timer_add(server->loop, tlsmgr_prng_delay(tlsmgr_update_period), tlsmgr_update_event,
                        server);
}

/* tlsmgr_prng_stir - mix the time of day into the generator */

void tlsmgr_prng_stir(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    RAND_seed(&tv, sizeof(tv));
}

/* tlsmgr_prng_exit - save the generator state */

void tlsmgr_prng_exit(void)
{
    tlsmgr_prng_update();
}

/* tlsmgr_seed_request - random bytes for a client */

int tlsmgr_seed_request(VSTREAM *client)
{
    unsigned char buf[TLS_MGR_SEED_MAX];
    int size = 0, status = TLS_MGR_STAT_ERR, result;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(TLS_MGR_ATTR_SIZE, &size),
                  ATTR_TYPE_END) != 1)
        return -1;
    if (size < 1 || size > TLS_MGR_SEED_MAX) {
        msg_warn("seed request for %d bytes: expected 1..%d", size, TLS_MGR_SEED_MAX);
        size = 0;
    } else if (RAND_bytes(buf, size) == 1) {
        status = TLS_MGR_STAT_OK;
    } else {
        ERR_clear_error();
        msg_warn("no random bytes for a seed request");
        size = 0;
    }
    result =
        attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
                   SEND_ATTR_DATA(TLS_MGR_ATTR_SEED, status == TLS_MGR_STAT_OK ? size : 0, buf),
                   ATTR_TYPE_END);
    OPENSSL_cleanse(buf, sizeof(buf));
    return result;
}
