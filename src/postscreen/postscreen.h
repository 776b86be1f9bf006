/*
 * postscreen.h - the postscreen(8) zombie blocker: settings, client state
 *
 * One postscreen process serves every connection of its inet service from
 * one event loop. A client goes through these stages, each in its own file:
 *
 *	postscreen.c	   accept, CONNECT, the permanent access list, the
 *			   cache, then the tests that are due, then the verdict
 *	postscreen_early.c the tests before the SMTP handshake: the greeting
 *			   banner and the pregreet test, with the DNSBL
 *			   queries (postscreen_dnsbl.c) running meanwhile
 *	postscreen_smtpd.c the built-in SMTP engine: the deep protocol tests
 *			   after the 220 greeting, and the rejections of a
 *			   client that failed a test under "enforce"
 *	postscreen_starttls.c STARTTLS in the engine, through tlsproxy(8)
 *	postscreen_send.c  the hand-over of a clean client to smtpd(8)
 *			   through master's "pass" service
 *	postscreen_cache.c the cache of passed tests (postscreen_cache_map)
 *	postscreen_access.c postscreen_access_list
 *
 * Every per-test result is one of PSC_TODO (due), PSC_PASS, PSC_FAIL or
 * PSC_SKIP (disabled, or passed recently according to the cache).
 */
#ifndef POSTSCREEN_H
#define POSTSCREEN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "argv.h"
#include "dict.h"
#include "events.h"
#include "htable.h"
#include "vstring.h"
#include "match_list.h"
#include "mail_server.h"
#include "dnsbl_sites.h"
#include "maps.h"
#include "reject_footer.h"

/* The tests, also the order of the time stamps in a cache entry. */
#define PSC_TEST_PREGR 0 /* pregreet */
#define PSC_TEST_DNSBL 1 /* DNSBL score */
#define PSC_TEST_PIPEL 2 /* command pipelining */
#define PSC_TEST_NSMTP 3 /* non-SMTP command */
#define PSC_TEST_BARLF 4 /* bare newline */
#define PSC_TEST_COUNT 5

/* Test results. */
#define PSC_TODO 0 /* the test is due */
#define PSC_PASS 1 /* passed in this session */
#define PSC_FAIL 2 /* failed in this session */
#define PSC_SKIP 3 /* disabled, or passed recently */

/* Actions: postscreen_*_action. */
#define PSC_ACT_IGNORE  0 /* log, then carry on as if passed (not cached) */
#define PSC_ACT_ENFORCE 1 /* reject every RCPT with a 550 reply */
#define PSC_ACT_DROP    2 /* 521 reply and disconnect at once */

/* Process settings, bound from main.cf at start-up. */
typedef struct PSC_CONFIG {
    const char *access_list;          /* postscreen_access_list */
    const char *denylist_action;      /* postscreen_denylist_action */
    const char *greet_banner;         /* postscreen_greet_banner */
    int greet_wait;                   /* postscreen_greet_wait, seconds */
    int test_ttl[PSC_TEST_COUNT];     /* postscreen_*_ttl, seconds (DNSBL: min and max apply) */
    const char *cache_map;            /* postscreen_cache_map */
    int cache_retention_time;         /* postscreen_cache_retention_time, seconds */
    int cache_cleanup_interval;       /* postscreen_cache_cleanup_interval, seconds */
    ARGV *dnsbl_sites;                /* postscreen_dnsbl_sites */
    int dnsbl_threshold;              /* postscreen_dnsbl_threshold */
    int dnsbl_allowlist_threshold;    /* postscreen_dnsbl_allowlist_threshold */
    const char *dnsbl_reply_map;      /* postscreen_dnsbl_reply_map */
    int dnsbl_min_ttl;                /* postscreen_dnsbl_min_ttl, seconds */
    int dnsbl_max_ttl;                /* postscreen_dnsbl_max_ttl, seconds */
    int dnsbl_timeout;                /* postscreen_dnsbl_timeout, seconds */
    const char *dnsblog_service;      /* dnsblog_service_name */
    const char *smtpd_service;        /* smtpd_service_name */
    bool test_enable[PSC_TEST_COUNT]; /* postscreen_*_enable (PREGR, DNSBL: computed) */
    const char *test_action[PSC_TEST_COUNT]; /* postscreen_*_action */
    int command_time_limit;                  /* postscreen_command_time_limit, seconds */
    int command_count_limit;                 /* postscreen_command_count_limit */
    ARGV *forbidden_commands;                /* postscreen_forbidden_commands */
    bool helo_required;                      /* postscreen_helo_required */
    bool disable_vrfy;                       /* postscreen_disable_vrfy_command */
    const char *myhostname;                  /* myhostname */
    const char *mynetworks;                  /* mynetworks */
    long message_size_limit;                 /* message_size_limit */
    int line_length_limit;                   /* line_length_limit */
    int connection_count_limit;              /* postscreen_client_connection_count_limit */
    int pre_queue_limit;                     /* postscreen_pre_queue_limit */
    int post_queue_limit;                    /* postscreen_post_queue_limit */
    const char *proxy_protocol;              /* postscreen_upstream_proxy_protocol */
    int proxy_timeout;                       /* postscreen_upstream_proxy_timeout, seconds */
    int watchdog_timeout;                    /* postscreen_watchdog_timeout, seconds */
    const char *tls_security_level;          /* postscreen_tls_security_level */
    bool use_tls;                            /* postscreen_use_tls */
    bool enforce_tls;                        /* postscreen_enforce_tls */
    const char *tlsproxy_service;            /* tlsproxy_service_name */
    const char *command_filter;              /* postscreen_command_filter */
    const char *reject_footer;               /* postscreen_reject_footer (raw) */
    const char *reject_footer_maps;          /* postscreen_reject_footer_maps */
    const char *expansion_filter;            /* postscreen_expansion_filter (escaped) */
    const char *allowlist_interfaces;        /* postscreen_allowlist_interfaces */
    const char *discard_ehlo;                /* postscreen_discard_ehlo_keywords */
    const char *discard_ehlo_maps;           /* postscreen_discard_ehlo_keyword_address_maps */
} PSC_CONFIG;

/* What the process knows, made at start-up from PSC_CONFIG. */
typedef struct PSC_GLOBALS {
    PSC_CONFIG cfg;               /* the settings; strings owned by the CONFIG */
    MAIL_SERVER *server;          /* the framework */
    EVENT_LOOP *loop;             /* server->loop */
    int action[PSC_TEST_COUNT];   /* PSC_ACT_* of each test */
    int denylist_action;          /* PSC_ACT_* for a denylisted client */
    struct PSC_ACCESS *access;    /* postscreen_access_list; owned */
    DNSBL_SITES *dnsbl_sites;     /* postscreen_dnsbl_sites, or NULL; owned */
    DICT *dnsbl_reply;            /* postscreen_dnsbl_reply_map, or NULL; owned */
    DICT *cache;                  /* postscreen_cache_map, or NULL; owned */
    char *smtpd_path;             /* private/smtpd_service_name; owned */
    char *dnsblog_path;           /* private/dnsblog_service_name; owned */
    char *tlsproxy_path;          /* private/tlsproxy_service_name; owned */
    int tls_level;                /* TLS_LEV_NONE, _MAY (offer STARTTLS) or _ENCRYPT (require it) */
    MAPS *command_filter;         /* postscreen_command_filter, or NULL; owned */
    REJECT_FOOTER *reject_footer; /* the footer of 4XX and 5XX replies; owned */
    HTABLE *client_count;         /* connections per client address (int in value pointer) */
    int pre_queue_count;          /* clients in tests */
    int post_queue_count;         /* clients being handed to smtpd */
    MATCH_LIST *allowlist_if;     /* postscreen_allowlist_interfaces; owned */
    int discard_ehlo;             /* EHLO_MASK_* of postscreen_discard_ehlo_keywords */
    MAPS *discard_ehlo_maps;      /* postscreen_discard_ehlo_keyword_address_maps, or NULL; owned */
} PSC_GLOBALS;

extern PSC_GLOBALS psc;

/* One client. */
typedef struct PSC_STATE {
    int fd;                       /* client socket, non-blocking */
    char client_addr[64];         /* numeric client address */
    char client_port[8];          /* client port */
    char server_addr[64];         /* our address */
    char server_port[8];          /* our port */
    char namaddr[96];             /* "[addr]:port" for log lines */
    int64_t start_ms;             /* connection time, monotonic */
    int test[PSC_TEST_COUNT];     /* PSC_TODO, ... */
    time_t stamp[PSC_TEST_COUNT]; /* expiry of each passed test (cache), 0: never */
    bool denylisted;              /* postscreen_access_list said reject */
    bool vetoed;                  /* postscreen_allowlist_interfaces excludes our address */
    bool enforce;                 /* a failed test says reject every RCPT */
    const char *reject_reply;     /* the 550 reply of the first enforced failure; static
                                         or in reject_buf */
    VSTRING *reject_buf;          /* room for a DNSBL reply; owned */
    VSTRING *input;               /* unprocessed client input; owned */
    VSTRING *scratch;             /* temporary text; owned */
    struct PSC_DNSBL *dnsbl;      /* open DNSBL queries (postscreen_dnsbl.c); owned */
    int dnsbl_score;              /* sum of the weights of the answers so far */
    int dnsbl_pending;            /* queries without an answer */
    int dnsbl_ttl;                /* lowest TTL of the answers */
    char *dnsbl_name;             /* the site that weighs most, for replies; owned */
    int dnsbl_weight;             /* the weight of dnsbl_name */
    bool early_done;              /* the greet wait is over */
    /* The SMTP engine. */
    char *helo;                    /* HELO/EHLO argument, or NULL; owned */
    char *sender;                  /* MAIL FROM address, or NULL; owned */
    bool esmtp;                    /* EHLO seen */
    int ehlo_discard;              /* EHLO_MASK_* hidden from this client */
    int command_count;             /* commands read */
    const char *last_verb;         /* the last command's verb, for log lines; static */
    bool engine;                   /* the SMTP engine runs */
    bool deep_reached;             /* the client got as far as RCPT */
    bool counted_pre;              /* counted in psc.pre_queue_count */
    bool counted_conn;             /* counted in psc.client_count */
    bool using_tls;                /* fd is the plaintext side of tlsproxy(8), not the client */
    struct PSC_STARTTLS *starttls; /* hand-over to tlsproxy in progress; owned */
} PSC_STATE;

/* postscreen.c */
extern void psc_connect(PSC_STATE *state);
extern void psc_set_namaddr(PSC_STATE *state);
extern void psc_verdict(PSC_STATE *state);
extern void psc_pass_new(PSC_STATE *state);
extern void psc_free(PSC_STATE *state);
extern void psc_disconnect(PSC_STATE *state);
extern void psc_hangup(PSC_STATE *state, const char *where);
extern int psc_write(PSC_STATE *state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern const char *psc_elapsed(PSC_STATE *state, VSTRING *buf);
extern bool psc_fail(PSC_STATE *state, int test, const char *drop_reply, const char *enforce_reply);
extern bool psc_tests_due(const PSC_STATE *state, int first, int last);
extern bool psc_any_fail(const PSC_STATE *state);
extern const char *psc_banner(void);
extern const char *psc_printable(VSTRING *out, const char *text, size_t len);

/* postscreen_access.c */
#define PSC_ACCESS_DUNNO  0
#define PSC_ACCESS_PERMIT 1
#define PSC_ACCESS_REJECT 2
extern struct PSC_ACCESS *psc_access_create(const char *list, const char *mynetworks);
extern int psc_access_check(struct PSC_ACCESS *access, const char *addr);

/* postscreen_cache.c */
extern DICT *psc_cache_open(const char *map);
extern void psc_cache_lookup(PSC_STATE *state);
extern void psc_cache_update(PSC_STATE *state);
extern void psc_cache_cleanup_start(void);

/* postscreen_early.c */
extern void psc_early_start(PSC_STATE *state);
extern void psc_early_cancel(PSC_STATE *state);
extern void psc_early_timer_cb(EVENT_LOOP *loop, void *context);
extern void psc_early_dnsbl_done(PSC_STATE *state);

/* postscreen_proxy.c */
extern void psc_proxy_start(PSC_STATE *state);
extern void psc_proxy_cancel(PSC_STATE *state);
extern void psc_proxy_timer_cb(EVENT_LOOP *loop, void *context);

/* postscreen_dnsbl.c */
extern void psc_dnsbl_start(PSC_STATE *state);
extern void psc_dnsbl_cancel(PSC_STATE *state);
extern void psc_dnsbl_free(PSC_STATE *state);
extern bool psc_dnsbl_finish(PSC_STATE *state);
extern void psc_dnsbl_timer_cb(EVENT_LOOP *loop, void *context);

/* postscreen_smtpd.c */
extern void psc_smtpd_start(PSC_STATE *state, bool greet);
extern void psc_smtpd_cancel(PSC_STATE *state);

/* postscreen_starttls.c */
extern void psc_starttls_open(PSC_STATE *state, void (*resume)(PSC_STATE *state));
extern void psc_starttls_cancel(PSC_STATE *state);
extern void psc_starttls_timer_cb(EVENT_LOOP *loop, void *context);

/* postscreen_send.c */
extern void psc_send(PSC_STATE *state);
extern void psc_send_timer_cb(EVENT_LOOP *loop, void *context);

#endif
