/*++
 * NAME
 *	mtasts - the MTA-STS policy cache manager
 * SYNOPSIS
 *	mtasts [generic daemon options]
 * DESCRIPTION
 *	mtasts(8) is one long-lived process (master.cf: "mtasts unix - - n
 *	- 1 mtasts") that owns the MTA-STS (RFC 8461) policy cache and
 *	serves the lookup request of sts_mgr.h to the SMTP client over
 *	private/$mta_sts_service_name: which policy is in force for a
 *	domain (sts_discover(3)). It looks up the _mta-sts TXT record with
 *	the SMTP client's resolver (smtp_dns_resolver and its companions),
 *	fetches https://mta-sts.<domain>/.well-known/mta-sts.txt with the
 *	CAs of mta_sts_CAfile (empty: OpenSSL's default CA file) within
 *	mta_sts_fetch_timeout, and keeps each valid policy with its id in
 *	mta_sts_cache_database, whose entries outlive restarts.
 *
 *	Every mta_sts_refresh_interval it walks the cache and does a lookup
 *	for each domain: a policy whose TXT id changed, or that has used
 *	half its max_age, is fetched again; one that expired is removed.
 *
 *	Each client connection is greeted with the protocol name and version
 *	(STS_MGR_PROTOCOL, STS_MGR_VERSION) and may carry any number of
 *	requests. A malformed request ends the connection.
 * BUGS
 *	One lookup at a time: while a policy is fetched, other clients wait
 *	(at most the TXT lookup and mta_sts_fetch_timeout).
 * DIAGNOSTICS
 *	Fatal: a cache that cannot be opened, a resolver that cannot be
 *	made. Information: each fetch (sts_discover(3)).
 * SEE ALSO
 *	sts_mgr(3) the client, sts_discover(3), sts_cache(3), smtp(8)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "attr_dispatch.h"
#include "dns_resolver.h"
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"
#include "sts_cache.h"
#include "sts_discover.h"
#include "sts_fetch.h"
#include "sts_mgr.h"

/* Time limit for reading one request (the answer may take longer). */
#define MTASTS_REQUEST_TIMEOUT 10

/* What main.cf says (bound by main(); strings owned by the CONFIG). */
typedef struct MTASTS_CONFIG {
    const char *cache_database;        /* mta_sts_cache_database */
    const char *CAfile;                /* mta_sts_CAfile */
    int fetch_timeout;                 /* mta_sts_fetch_timeout, seconds */
    int refresh_interval;              /* mta_sts_refresh_interval, seconds */
    DNS_RESOLVER_PROPS resolver_props; /* smtp_dns_resolver and companions */
} MTASTS_CONFIG;

static MTASTS_CONFIG mtasts_config;
static STS_CACHE *mtasts_cache;       /* the policy cache, or NULL: none */
static DNS_RESOLVER *mtasts_resolver; /* TXT lookups */
static STS_FETCH_PROPS mtasts_fetch;  /* TXT lookups and HTTPS fetches */

/* mtasts_txt - the TXT id, for sts_discover() */

static int mtasts_txt(void *context, const char *domain, VSTRING *out_id, VSTRING *why)
{
    return sts_fetch_id(context, domain, out_id, why);
}

/* mtasts_policy - the policy over HTTPS, for sts_discover() */

static STS_POLICY *mtasts_policy(void *context, const char *domain, VSTRING *out_text,
                                 int *out_failure, VSTRING *why)
{
    return sts_fetch_policy(context, domain, out_text, out_failure, why);
}

static const STS_SOURCE mtasts_source = {
    .txt = mtasts_txt,
    .fetch = mtasts_policy,
    .context = &mtasts_fetch,
};

/* mtasts_domain_ok - a plausible domain name: letters, digits, '-', '.' */

static bool mtasts_domain_ok(const char *domain)
{
    size_t len = strlen(domain);

    return len > 0 && len < 254 &&
           strspn(domain, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == len &&
           domain[0] != '.' && strstr(domain, "..") == NULL;
}

/* mtasts_lookup_request - the policy in force for a domain */

static int mtasts_lookup_request(VSTREAM *client)
{
    VSTRING *domain = vstring_alloc(100);
    STS_ANSWER answer;
    int result = -1;

    sts_answer_init(&answer);
    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(STS_MGR_ATTR_DOMAIN, domain),
                  ATTR_TYPE_END) == 1) {
        lowercase(vstring_str(domain));
        if (VSTRING_LEN(domain) > 1 && vstring_str(domain)[VSTRING_LEN(domain) - 1] == '.')
            vstring_truncate(domain, VSTRING_LEN(domain) - 1);
        if (!mtasts_domain_ok(vstring_str(domain))) {
            msg_warn("lookup request for malformed domain \"%.100s\"", vstring_str(domain));
            answer.status = STS_ANSWER_NONE;
        } else {
            sts_discover(mtasts_cache, &mtasts_source, vstring_str(domain), time(NULL), &answer);
        }
        result = attr_print(
            client, ATTR_FLAG_NONE,
            SEND_ATTR_INT(STS_MGR_ATTR_STATUS, answer.status == STS_ANSWER_POLICY
                                                   ? STS_MGR_STAT_POLICY
                                                   : STS_MGR_STAT_NONE),
            SEND_ATTR_STR(STS_MGR_ATTR_ID, vstring_str(answer.id)),
            SEND_ATTR_DATA(STS_MGR_ATTR_POLICY, VSTRING_LEN(answer.text), vstring_str(answer.text)),
            SEND_ATTR_STR(STS_MGR_ATTR_SOURCE, answer.source ? answer.source : ""),
            SEND_ATTR_STR(STS_MGR_ATTR_FAILURE, answer.failure ? answer.failure : ""),
            SEND_ATTR_STR(STS_MGR_ATTR_REASON, vstring_str(answer.why)), ATTR_TYPE_END);
    }
    sts_answer_free(&answer);
    vstring_free(domain);
    return result;
}

/* The requests, by name. */
static const ATTR_DISPATCH mtasts_requests[] = {
    {STS_MGR_REQ_LOOKUP, mtasts_lookup_request},
    {NULL, NULL},
};

/* mtasts_service - serve one request of a client */

static void mtasts_service(MAIL_SERVER *server, VSTREAM *client)
{
    if (attr_dispatch(client, STS_MGR_ATTR_REQ, mtasts_requests) < 0)
        multi_server_disconnect(server, client);
}

/* mtasts_accept - greet a new client */

static void mtasts_accept(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_set_timeout(client, MTASTS_REQUEST_TIMEOUT);
    if (attr_hello_send(client, STS_MGR_PROTOCOL, STS_MGR_VERSION) < 0 ||
        vstream_fflush(client) != 0)
        multi_server_disconnect(server, client);
}

/* mtasts_refresh_event - the proactive refresh pass */

static void mtasts_refresh_event(EVENT_LOOP *loop, void *unused_context)
{
    ARGV *domains = argv_alloc(10);
    STS_ANSWER answer;

    sts_answer_init(&answer);
    sts_cache_domains(mtasts_cache, domains);
    if (msg_verbose)
        msg_info("%s: %zu cached policies", __func__, domains->argc);
    for (size_t i = 0; i < domains->argc; i++)
        sts_discover(mtasts_cache, &mtasts_source, domains->argv[i], time(NULL), &answer);
    sts_answer_free(&answer);
    argv_free(domains);
    event_timer_add(loop, mtasts_config.refresh_interval * 1000, mtasts_refresh_event, NULL);
}

/* mtasts_pre_jail - the resolver and the cache */

static void mtasts_pre_jail(MAIL_SERVER *server)
{
    VSTRING *why = vstring_alloc(100);
    MAIL_OWNER owner;
    uid_t saved_uid = geteuid();
    gid_t saved_gid = getegid();

    umask(077);
    if ((mtasts_resolver = dns_resolver_open(&mtasts_config.resolver_props, why)) == NULL)
        msg_fatal("%s = %s: %s", VAR_SMTP_DNS_RESOLVER, mtasts_config.resolver_props.type,
                  vstring_str(why));
    mtasts_fetch = (STS_FETCH_PROPS){
        .resolver = mtasts_resolver,
        .CAfile = *mtasts_config.CAfile ? mtasts_config.CAfile : NULL,
        .timeout = mtasts_config.fetch_timeout,
    };
    if (*mtasts_config.cache_database) {
        /* The cache file belongs to mail_owner, not root. */
        if (saved_uid == 0) {
            if (mail_owner_lookup(server->config, &owner, why) < 0)
                msg_fatal("%s", vstring_str(why));
            if (setegid(owner.gid) < 0 || seteuid(owner.uid) < 0)
                msg_fatal("set effective user and group IDs: %m");
        }
        mtasts_cache = sts_cache_open(mtasts_config.cache_database, why);
        if (saved_uid == 0 && (seteuid(saved_uid) < 0 || setegid(saved_gid) < 0))
            msg_fatal("restore effective user and group IDs: %m");
        if (mtasts_cache == NULL)
            msg_fatal("%s = %s: %s", VAR_MTA_STS_CACHE_DATABASE, mtasts_config.cache_database,
                      vstring_str(why));
    }
    vstring_free(why);
}

/* mtasts_post_jail - the refresh timer */

static void mtasts_post_jail(MAIL_SERVER *server)
{
    if (mtasts_cache != NULL && mtasts_config.refresh_interval > 0)
        event_timer_add(server->loop, mtasts_config.refresh_interval * 1000, mtasts_refresh_event,
                        NULL);
}

/* mtasts_pre_exit - close the cache */

static void mtasts_pre_exit(MAIL_SERVER *unused_server)
{
    mtasts_cache = sts_cache_close(mtasts_cache);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_MTA_STS_CACHE_DATABASE, &mtasts_config.cache_database),
        CONFIG_BIND_STR(VAR_MTA_STS_CAFILE, &mtasts_config.CAfile),
        CONFIG_BIND_TIME(VAR_MTA_STS_FETCH_TIMEOUT, &mtasts_config.fetch_timeout),
        CONFIG_BIND_TIME(VAR_MTA_STS_REFRESH_INTERVAL, &mtasts_config.refresh_interval),
        CONFIG_BIND_STR(VAR_SMTP_DNS_RESOLVER, &mtasts_config.resolver_props.type),
        CONFIG_BIND_STR(VAR_SMTP_DNS_TRUST_ANCHOR_FILE,
                        &mtasts_config.resolver_props.trust_anchor_file),
        CONFIG_BIND_STR(VAR_SMTP_DNS_FORWARDERS, &mtasts_config.resolver_props.forwarders),
        CONFIG_BIND_END,
    };

    multi_server_main(argc, argv, mtasts_service,
                      &(MAIL_SERVER_PROPS){
                          .parameters = parameters,
                          .pre_jail = mtasts_pre_jail,
                          .post_jail = mtasts_post_jail,
                          .pre_exit = mtasts_pre_exit,
                          .on_accept = mtasts_accept,
                          .flags = MAIL_SERVER_FLAG_SOLITARY | MAIL_SERVER_FLAG_UNLIMITED,
                      });
}
