/*++
 * NAME
 *	smtpd_check_flow - restrictions about the session and the evaluation itself
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_warn_if_reject(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_defer_if_permit_cmd(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_defer_if_reject_cmd(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_sleep(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_unauth_pipelining(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_multi_recipient_bounce(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *	int	smtpd_check_plaintext_session(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *	int	smtpd_check_permit_inet_interfaces(SMTPD_CHECK_CTX *ctx,
 *				MAPS *unused);
 *
 *	ARGV	*smtpd_check_inet_addrs(const char *interfaces,
 *				const char *protocols);
 * DESCRIPTION
 *	warn_if_reject makes the next restriction only log what it would
 *	have refused ("reject_warning: ...") and go on.
 *
 *	defer_if_permit remembers "450 4.7.0 <name>: Class rejected:
 *	defer_if_permit requested": if nothing rejects the request later in
 *	the same decision (all the lists that one command runs), the
 *	request is deferred with it. defer_if_reject makes every later
 *	5XX rejection in the same list the deferral "450 4.7.0 <name>:
 *	Class rejected: defer_if_reject requested".
 *
 *	sleep N pauses N seconds (a defence against clients that talk
 *	before the greeting when it runs at connect time).
 *
 *	reject_unauth_pipelining refuses ("503 5.5.0 <name>: Class rejected:
 *	Improper use of SMTP command pipelining") a client that sent
 *	commands ahead where RFC 2920 does not allow it (the protocol engine
 *	finds that out and sets facts->ill_pipelining).
 *
 *	reject_multi_recipient_bounce refuses mail from the null sender to
 *	more than one recipient (multi_recipient_bounce_reject_code, 5.5.3
 *	"Multi-recipient bounce"): at RCPT the second recipient, at DATA
 *	the transaction.
 *
 *	reject_plaintext_session refuses a client without TLS
 *	(plaintext_reject_code, "4.7.1 Session encryption is required").
 *
 *	permit_inet_interfaces permits a client whose address is one of
 *	this machine's inet_interfaces addresses; smtpd_check_inet_addrs()
 *	lists them ("all": every interface address, "loopback-only": those
 *	of loopback interfaces, otherwise the numeric addresses and names
 *	listed) for the families of inet_protocols.
 *--*/

/* System library. */
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "sockets.h"

/* Application-specific. */
#include "smtpd_check_private.h"

/* smtpd_check_warn_if_reject - the next restriction only warns */

int smtpd_check_warn_if_reject(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    ctx->warn_if_reject = true;
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_defer_if_permit_cmd - defer unless something rejects */

int smtpd_check_defer_if_permit_cmd(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    return smtpd_check_defer_if_permit(
        ctx, 450, "4.7.0", "<%s>: %s rejected: defer_if_permit requested",
        smtpd_check_reply_name(ctx), smtpd_check_reply_class(ctx->stage));
}

/* smtpd_check_defer_if_reject_cmd - later rejections defer */

int smtpd_check_defer_if_reject_cmd(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    VSTRING *replacement = ctx->decision->defer_if_reject;

    if (VSTRING_LEN(replacement) == 0)
        vstring_sprintf(replacement, "450 4.7.0 <%s>: %s rejected: defer_if_reject requested",
                        smtpd_check_reply_name(ctx), smtpd_check_reply_class(ctx->stage));
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_sleep - pause */

int smtpd_check_sleep(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    char *end;
    long seconds = strtol(ctx->arg, &end, 10);

    if (*ctx->arg == 0 || *end != 0 || seconds < 0 || seconds > 3600) {
        msg_warn("restriction sleep: bad time \"%s\"", ctx->arg);
        return smtpd_check_reject(ctx, 451, "4.3.5", "Server configuration error");
    }
    sleep((unsigned)seconds);
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_unauth_pipelining - commands sent ahead where not allowed */

int smtpd_check_unauth_pipelining(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    if (!ctx->facts->ill_pipelining)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, 503, "5.5.0",
                              "<%s>: %s rejected: Improper use of SMTP command pipelining",
                              smtpd_check_reply_name(ctx), smtpd_check_reply_class(ctx->stage));
}

/* smtpd_check_multi_recipient_bounce - the null sender and several recipients */

int smtpd_check_multi_recipient_bounce(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    const SMTPD_CHECK_FACTS *facts = ctx->facts;
    bool whole = ctx->stage == SMTPD_STAGE_DATA || ctx->stage == SMTPD_STAGE_EOD;
    int limit = whole ? 1 : 0;

    if (facts->sender == NULL || *facts->sender != 0 || facts->rcpt_count <= limit)
        return SMTPD_CHECK_DUNNO;
    if (!whole && facts->recipient == NULL)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, ctx->checks->multi_recipient_bounce_reject_code, "5.5.3",
                              "<%s>: %s rejected: Multi-recipient bounce",
                              smtpd_check_reply_name(ctx), smtpd_check_reply_class(ctx->stage));
}

/* smtpd_check_plaintext_session - TLS required */

int smtpd_check_plaintext_session(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    if (ctx->facts->tls_active)
        return SMTPD_CHECK_DUNNO;
    return smtpd_check_reject(ctx, ctx->checks->plaintext_reject_code, "4.7.1",
                              "Session encryption is required");
}

/* smtpd_check_permit_inet_interfaces - the client is this machine */

int smtpd_check_permit_inet_interfaces(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    ARGV *addrs = ctx->checks->inet_addrs;

    if (ctx->facts->addr == NULL)
        return SMTPD_CHECK_DUNNO;
    for (size_t i = 0; i < addrs->argc; i++)
        if (strcasecmp(addrs->argv[i], ctx->facts->addr) == 0)
            return SMTPD_CHECK_OK;
    return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_inet_add - one address, once */

static void smtpd_check_inet_add(ARGV *addrs, const struct sockaddr *sa, socklen_t len, bool want4,
                                 bool want6)
{
    SOCK_ADDR_TEXT text;

    if ((sa->sa_family == AF_INET && !want4) || (sa->sa_family == AF_INET6 && !want6) ||
        (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
        return;
    if (sock_addr_text(sa, len, &text) < 0)
        return;
    for (size_t i = 0; i < addrs->argc; i++)
        if (strcmp(addrs->argv[i], text.addr) == 0)
            return;
    argv_add(addrs, text.addr);
}

/* smtpd_check_inet_addrs - the addresses of inet_interfaces */

ARGV *smtpd_check_inet_addrs(const char *interfaces, const char *protocols)
{
    ARGV *addrs = argv_alloc(4);
    bool want4 = protocols == NULL || strstr(protocols, "all") || strstr(protocols, "ipv4");
    bool want6 = protocols == NULL || strstr(protocols, "all") || strstr(protocols, "ipv6");
    bool all = interfaces == NULL || *interfaces == 0 || strcasecmp(interfaces, "all") == 0;
    bool loopback = interfaces && strcasecmp(interfaces, "loopback-only") == 0;

    if (all || loopback) {
        struct ifaddrs *ifap = NULL;

        if (getifaddrs(&ifap) < 0)
            msg_warn("%s: cannot list network interfaces: %m", __func__);
        for (struct ifaddrs *ifa = ifap; ifa; ifa = ifa->ifa_next)
            if (ifa->ifa_addr && (ifa->ifa_flags & IFF_UP) &&
                (!loopback || (ifa->ifa_flags & IFF_LOOPBACK)))
                smtpd_check_inet_add(addrs, ifa->ifa_addr,
                                     ifa->ifa_addr->sa_family == AF_INET6
                                         ? sizeof(struct sockaddr_in6)
                                         : sizeof(struct sockaddr_in),
                                     want4, want6);
        if (ifap)
            freeifaddrs(ifap);
        return addrs;
    }
    ARGV *names = argv_split(interfaces, ", \t\r\n");

    for (size_t i = 0; i < names->argc; i++) {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
        struct addrinfo *res = NULL;
        char *name = names->argv[i];
        size_t len = strlen(name);

        if (name[0] == '[' && len > 2 && name[len - 1] == ']') {
            name[len - 1] = 0;
            name++;
        }
        if (getaddrinfo(name, NULL, &hints, &res) != 0) {
            msg_warn("inet_interfaces: cannot find the address of \"%s\"", names->argv[i]);
            continue;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
            smtpd_check_inet_add(addrs, ai->ai_addr, ai->ai_addrlen, want4, want6);
        freeaddrinfo(res);
    }
    argv_free(names);
    return addrs;
}
