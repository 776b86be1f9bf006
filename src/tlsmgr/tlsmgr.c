/*++
 * NAME
 *	tlsmgr - the TLS session cache, ticket key and PRNG manager
 * SYNOPSIS
 *	tlsmgr [generic daemon options]
 * DESCRIPTION
 *	tlsmgr(8) is one long-lived process (master.cf: "tlsmgr unix - - n
 *	1000? 1 tlsmgr") that serves the requests of tls_mgr.h to smtpd and
 *	smtp over private/$tlsmgr_service_name:
 *
 *	seed: random bytes from its generator, which it keeps stirred from
 *	tls_random_source and saves in tls_random_exchange_name
 *	(tlsmgr_prng.c).
 *
 *	policy, lookup, update, delete: the session caches named by
 *	smtpd_tls_session_cache_database, smtp_tls_session_cache_database
 *	and lmtp_tls_session_cache_database (tlsmgr_cache.c).
 *
 *	tktkey: the session ticket keys that all smtpd processes share, so
 *	that any of them resumes a session that another one made
 *	(tlsmgr_ticket.c). Without tlsmgr_ticket_key_database two keys live
 *	in memory only (tls_keyring(3)) and a restart of tlsmgr makes all
 *	outstanding tickets useless; with it, the hosts of a cluster share
 *	them through that table (tls_keyshare(3)).
 *	smtpd_tls_session_cache_timeout <= 0 turns tickets off.
 *
 *	Each client connection is greeted with the protocol name and version
 *	(TLS_MGR_PROTOCOL, TLS_MGR_VERSION) and may carry any number of
 *	requests. A malformed request ends the connection. The wake-up
 *	requests of master(8) are read and ignored.
 *
 *	Like every daemon, tlsmgr reads main.cf and its own master.cf -o
 *	options; the -o options of smtpd or smtp do not reach it, so cache
 *	settings belong in main.cf.
 * DIAGNOSTICS
 *	Fatal: a cache or exchange file that cannot be opened, two cache
 *	types sharing one file, a tlsmgr_shared_secret_file that cannot be
 *	read, is not owned by root (or by the user that runs tlsmgr when that
 *	is not root), is accessible to group or others, or is shorter than
 *	TLS_SEAL_SECRET_MIN or longer than TLSMGR_SECRET_MAX bytes. Warnings: malformed requests, oversized
 *	sessions, an entropy source that fails (tlsmgr then saves its state
 *	and exits, to be restarted by master).
 * SEE ALSO
 *	tls_mgr(3) the client, tlsmgr(8) the manual page
 *--*/

/* System library. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* OpenSSL. */
#include <openssl/crypto.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"

/* TLS library. */
#include "tls.h"
#include "tls_mgr.h"
#include "tls_seal.h"

/* Application-specific. */
#include "tlsmgr.h"

/*
 * Time limit for one request. Requests come from local daemons and take
 * microseconds; a client that stalls mid-request must not stall every
 * other client of this single process for ipc_timeout.
 */
#define TLSMGR_REQUEST_TIMEOUT 10

#define TLSMGR_SECRET_MAX 4096 /* longest tlsmgr_shared_secret_file */

/* The parameters, bound by main(). */
static TLSMGR_CONFIG tlsmgr_config;

/* Identity to return to after tlsmgr_owner_enter(). */
static uid_t tlsmgr_saved_euid = (uid_t)-1;
static gid_t tlsmgr_saved_egid;

/* tlsmgr_owner_enter - create files as mail_owner, not root */

void tlsmgr_owner_enter(MAIL_SERVER *server)
{
    VSTRING *why;
    MAIL_OWNER owner;

    if (geteuid() != 0)
        return;
    why = vstring_alloc(100);
    if (mail_owner_lookup(server->config, &owner, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    tlsmgr_saved_euid = geteuid();
    tlsmgr_saved_egid = getegid();
    if (setegid(owner.gid) < 0 || seteuid(owner.uid) < 0)
        msg_fatal("set effective user and group IDs to %ld:%ld: %m", (long)owner.uid,
                  (long)owner.gid);
}

/* tlsmgr_owner_leave - back to the identity before tlsmgr_owner_enter() */

void tlsmgr_owner_leave(void)
{
    if (tlsmgr_saved_euid == (uid_t)-1)
        return;
    if (seteuid(tlsmgr_saved_euid) < 0 || setegid(tlsmgr_saved_egid) < 0)
        msg_fatal("restore effective user and group IDs: %m");
    tlsmgr_saved_euid = (uid_t)-1;
}

/* tlsmgr_service - serve one request of a client */

static void tlsmgr_service(MAIL_SERVER *server, VSTREAM *client)
{
    if (tlsmgr_dispatch(client) < 0)
        multi_server_disconnect(server, client);
    tlsmgr_prng_stir();
}

/* tlsmgr_accept - greet a new client */

static void tlsmgr_accept(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_set_timeout(client, TLSMGR_REQUEST_TIMEOUT);
    if (attr_hello_send(client, TLS_MGR_PROTOCOL, TLS_MGR_VERSION) < 0 ||
        vstream_fflush(client) != 0)
        multi_server_disconnect(server, client);
}

/* tlsmgr_secret - read tlsmgr_shared_secret_file; its length */

static size_t tlsmgr_secret(const char *path, unsigned char *buf, size_t size)
{
    struct stat st;
    ssize_t got;
    size_t len = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        msg_fatal("%s = %s: open: %m", VAR_TLSMGR_SHARED_SECRET_FILE, path);
    if (fstat(fd, &st) < 0)
        msg_fatal("%s = %s: fstat: %m", VAR_TLSMGR_SHARED_SECRET_FILE, path);
    if (!S_ISREG(st.st_mode))
        msg_fatal("%s = %s: not a regular file", VAR_TLSMGR_SHARED_SECRET_FILE, path);
    if (st.st_uid != 0 && st.st_uid != geteuid())
        msg_fatal("%s = %s: owned by uid %ld: it must be owned by root",
                  VAR_TLSMGR_SHARED_SECRET_FILE, path, (long)st.st_uid);
    if (st.st_mode & 077)
        msg_fatal("%s = %s: mode %04o: it must not be accessible to group or others",
                  VAR_TLSMGR_SHARED_SECRET_FILE, path, (unsigned)(st.st_mode & 07777));
    while (len < size && (got = read(fd, buf + len, size - len)) > 0)
        len += (size_t)got;
    if (len == size && read(fd, buf, 1) != 0)
        msg_fatal("%s = %s: larger than %zu bytes", VAR_TLSMGR_SHARED_SECRET_FILE, path, size - 1);
    close(fd);
    if (len < TLS_SEAL_SECRET_MIN)
        msg_fatal("%s = %s: %zu bytes: the secret needs at least %d (openssl rand -base64 48)",
                  VAR_TLSMGR_SHARED_SECRET_FILE, path, len, TLS_SEAL_SECRET_MIN);
    return len;
}

/* tlsmgr_pre_jail - open what needs privileges */

static void tlsmgr_pre_jail(MAIL_SERVER *server)
{
    unsigned char secret[TLSMGR_SECRET_MAX + 1];
    const char *path = tlsmgr_config.shared_secret_file;
    size_t len = 0;

    /* Cached sessions hold master secrets: files we create are for us alone. */
    umask(077);
    if (path && *path)
        len = tlsmgr_secret(path, secret, sizeof(secret));
    tlsmgr_prng_pre_jail(server, &tlsmgr_config);
    tlsmgr_cache_pre_jail(server, &tlsmgr_config, secret, len);
    tlsmgr_ticket_pre_jail(server, &tlsmgr_config, tlsmgr_cache_timeout(TLS_MGR_SCACHE_SMTPD),
                           secret, len);
    OPENSSL_cleanse(secret, sizeof(secret));
}

/* tlsmgr_post_jail - keys, timers */

static void tlsmgr_post_jail(MAIL_SERVER *server)
{
    tlsmgr_ticket_post_jail();
    tlsmgr_prng_post_jail(server);
    tlsmgr_cache_post_jail(server);
}

/* tlsmgr_pre_exit - save the generator state, wipe the keys */

static void tlsmgr_pre_exit(MAIL_SERVER *unused_server)
{
    tlsmgr_prng_exit();
    tlsmgr_ticket_exit();
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_TLS_RANDOM_SOURCE, &tlsmgr_config.random_source),
        CONFIG_BIND_STR(VAR_TLS_RANDOM_EXCHANGE_NAME, &tlsmgr_config.random_exchange_name),
        CONFIG_BIND_INT(VAR_TLS_RANDOM_BYTES, &tlsmgr_config.random_bytes),
        CONFIG_BIND_TIME(VAR_TLS_RANDOM_RESEED_PERIOD, &tlsmgr_config.reseed_period),
        CONFIG_BIND_TIME(VAR_TLS_RANDOM_PRNG_UPDATE_PERIOD, &tlsmgr_config.update_period),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_SESSION_CACHE_DATABASE, &tlsmgr_config.smtpd.database),
        CONFIG_BIND_TIME(VAR_SMTPD_TLS_SESSION_CACHE_TIMEOUT, &tlsmgr_config.smtpd.timeout),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_LOGLEVEL, &tlsmgr_config.smtpd.loglevel),
        CONFIG_BIND_STR(VAR_SMTP_TLS_SESSION_CACHE_DATABASE, &tlsmgr_config.smtp.database),
        CONFIG_BIND_TIME(VAR_SMTP_TLS_SESSION_CACHE_TIMEOUT, &tlsmgr_config.smtp.timeout),
        CONFIG_BIND_STR(VAR_SMTP_TLS_LOGLEVEL, &tlsmgr_config.smtp.loglevel),
        CONFIG_BIND_STR(VAR_LMTP_TLS_SESSION_CACHE_DATABASE, &tlsmgr_config.lmtp.database),
        CONFIG_BIND_TIME(VAR_LMTP_TLS_SESSION_CACHE_TIMEOUT, &tlsmgr_config.lmtp.timeout),
        CONFIG_BIND_STR(VAR_LMTP_TLS_LOGLEVEL, &tlsmgr_config.lmtp.loglevel),
        CONFIG_BIND_STR(VAR_SMTP_TLS_CAPABILITY_CACHE_DATABASE, &tlsmgr_config.caps.database),
        CONFIG_BIND_TIME(VAR_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT, &tlsmgr_config.caps.timeout),
        CONFIG_BIND_STR(VAR_SMTP_TLS_LOGLEVEL, &tlsmgr_config.caps.loglevel),
        CONFIG_BIND_STR(VAR_TLSMGR_TICKET_KEY_DATABASE, &tlsmgr_config.ticket_key_database),
        CONFIG_BIND_STR(VAR_TLSMGR_SHARED_SECRET_FILE, &tlsmgr_config.shared_secret_file),
        CONFIG_BIND_END,
    };

    multi_server_main(argc, argv, tlsmgr_service,
                      &(MAIL_SERVER_PROPS){
                          .parameters = parameters,
                          .pre_jail = tlsmgr_pre_jail,
                          .post_jail = tlsmgr_post_jail,
                          .pre_exit = tlsmgr_pre_exit,
                          .on_accept = tlsmgr_accept,
                          .flags = MAIL_SERVER_FLAG_SOLITARY | MAIL_SERVER_FLAG_UNLIMITED,
                      });
}
