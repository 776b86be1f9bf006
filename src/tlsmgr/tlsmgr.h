/*
 * tlsmgr.h - the parts of tlsmgr(8)
 *
 * tlsmgr.c runs the daemon and dispatches requests (tls_mgr.h has the
 * protocol); tlsmgr_prng.c owns the entropy source, the exchange file
 * and the seed request; tlsmgr_cache.c owns the session caches and the
 * policy, lookup, update and delete requests; tlsmgr_ticket.c owns the
 * session ticket keys (local, or shared through a table). tlsmgr.c binds every
 * parameter into one TLSMGR_CONFIG at start-up and hands it to the
 * parts' pre-jail hooks.
 */
#ifndef TLSMGR_H
#define TLSMGR_H

#include "vstream.h"
#include "vstring.h"
#include "mail_server.h"
#include "tls.h"

/* One cache type's parameters. */
typedef struct TLSMGR_CACHE_CONFIG {
    const char *database; /* *_tls_session_cache_database */
    int timeout;          /* *_tls_session_cache_timeout, seconds */
    const char *loglevel; /* *_tls_loglevel */
} TLSMGR_CACHE_CONFIG;

/* What main.cf says (bound by tlsmgr.c; strings owned by the CONFIG). */
typedef struct TLSMGR_CONFIG {
    const char *random_source;        /* tls_random_source */
    const char *random_exchange_name; /* tls_random_exchange_name */
    int random_bytes;                 /* tls_random_bytes */
    int reseed_period;                /* tls_random_reseed_period, seconds */
    int update_period;                /* tls_random_prng_update_period, seconds */
    TLSMGR_CACHE_CONFIG smtpd;        /* the smtpd_tls_* cache */
    TLSMGR_CACHE_CONFIG smtp;         /* the smtp_tls_* cache */
    TLSMGR_CACHE_CONFIG lmtp;         /* the lmtp_tls_* cache */
    TLSMGR_CACHE_CONFIG caps;         /* the TLS capability cache (smtp_tls_capability_*) */
    const char *ticket_key_database;  /* tlsmgr_ticket_key_database */
    const char *shared_secret_file;   /* tlsmgr_shared_secret_file */
} TLSMGR_CONFIG;

/* tlsmgr.c: file access as mail_owner while still root. */
extern void tlsmgr_owner_enter(MAIL_SERVER *server);
extern void tlsmgr_owner_leave(void);

/* tlsmgr_request.c */
extern int tlsmgr_dispatch(VSTREAM *client);
extern int tlsmgr_reply_status(VSTREAM *client, int status);

/* tlsmgr_prng.c */
extern void tlsmgr_prng_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config);
extern void tlsmgr_prng_post_jail(MAIL_SERVER *server);
extern void tlsmgr_prng_stir(void);
extern void tlsmgr_prng_exit(void);
extern int tlsmgr_seed_request(VSTREAM *client);

/* tlsmgr_ticket.c */
extern void tlsmgr_ticket_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config, int timeout,
                                   const unsigned char *secret, size_t secret_len);
extern void tlsmgr_ticket_post_jail(void);
extern int tlsmgr_ticket_key(const unsigned char *name, time_t now, TLS_TICKET_KEY *out_key);
extern void tlsmgr_ticket_exit(void);

/* tlsmgr_cache.c */
extern void tlsmgr_cache_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config,
                                  const unsigned char *secret, size_t secret_len);
extern void tlsmgr_cache_post_jail(MAIL_SERVER *server);
extern int tlsmgr_cache_timeout(const char *cache_type);
extern int tlsmgr_policy_request(VSTREAM *client);
extern int tlsmgr_lookup_request(VSTREAM *client);
extern int tlsmgr_update_request(VSTREAM *client);
extern int tlsmgr_delete_request(VSTREAM *client);
extern int tlsmgr_list_request(VSTREAM *client);
extern int tlsmgr_flush_request(VSTREAM *client);

#endif
