/*
 * tlsmgr.h - the parts of tlsmgr(8)
 *
 * tlsmgr.c runs the daemon and dispatches requests (tls_mgr.h has the
 * protocol); tlsmgr_prng.c owns the entropy source, the exchange file
 * and the seed request; tlsmgr_cache.c owns the session caches and the
 * policy, lookup, update and delete requests. Each part reads its own
 * parameters from the daemon's configuration in its pre-jail hook.
 */
#ifndef TLSMGR_H
#define TLSMGR_H

#include "vstream.h"
#include "vstring.h"
#include "mail_server.h"

/* tlsmgr.c: file access as mail_owner while still root. */
extern void tlsmgr_owner_enter(MAIL_SERVER *server);
extern void tlsmgr_owner_leave(void);
extern int tlsmgr_reply_status(VSTREAM *client, int status);

/* tlsmgr_prng.c */
extern void tlsmgr_prng_pre_jail(MAIL_SERVER *server);
extern void tlsmgr_prng_post_jail(MAIL_SERVER *server);
extern void tlsmgr_prng_stir(void);
extern void tlsmgr_prng_exit(void);
extern int tlsmgr_seed_request(VSTREAM *client);

/* tlsmgr_cache.c */
extern void tlsmgr_cache_pre_jail(MAIL_SERVER *server);
extern void tlsmgr_cache_post_jail(MAIL_SERVER *server);
extern int tlsmgr_cache_timeout(const char *cache_type);
extern int tlsmgr_policy_request(VSTREAM *client);
extern int tlsmgr_lookup_request(VSTREAM *client);
extern int tlsmgr_update_request(VSTREAM *client);
extern int tlsmgr_delete_request(VSTREAM *client);

#endif
