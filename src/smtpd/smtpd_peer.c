/*++
 * NAME
 *	smtpd_peer - who the SMTP client is
 * SYNOPSIS
 *	#include "smtpd.h"
#include "smtpd_check.h"
 *
 *	void	smtpd_peer_init(SMTPD_STATE *state);
 *	void	smtpd_peer_namaddr(SMTPD_STATE *state);
 * DESCRIPTION
 *	smtpd_peer_init() fills in the client name, address, port and the
 *	"name[addr]" text of state from the connection on state->in.
 *
 *	For a TCP client the address is numeric ("192.0.2.1", "2001:db8::1";
 *	Received: writes "IPv6:2001:db8::1"). With smtpd_peername_lookup the
 *	address is looked up in the DNS; the PTR name becomes the client
 *	name only if it maps back to the same address (forward-confirmed),
 *	otherwise the name is "unknown" (the PTR name is still kept as the
 *	reverse name).
 *
 *	A connection handed over by postscreen(8) ("smtpd pass") carries
 *	the client and server addresses and ports in state->pass_peer;
 *	they take the place of the socket's own (which may be a proxy's),
 *	and the names are looked up for that client address.
 *
 *	Input that is not a socket (sendmail -bs on a pipe) is the local
 *	host: "localhost[127.0.0.1]", without DNS lookups, which could
 *	hang on a disconnected machine.
 *
 *	smtpd_peer_namaddr() makes the "name[addr]" (or "name[addr]:port"
 *	with smtpd_client_port_logging) text again from the name, address
 *	and port of state, after XCLIENT changed them.
 * DIAGNOSTICS
 *	None: every failure leaves "unknown".
 *--*/

#include <ctype.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "vstream.h"

#include "smtpd.h"
#include "smtpd_check.h"

/* smtpd_peer_name_ok - a PTR result that can be a host name */

static bool smtpd_peer_name_ok(const char *name)
{
    bool alpha = false;

    if (*name == 0 || strlen(name) > 255)
        return false;
    for (const char *cp = name; *cp; cp++) {
        if (isalpha((unsigned char)*cp))
            alpha = true;
        else if (!isdigit((unsigned char)*cp) && *cp != '-' && *cp != '.' && *cp != '_')
            return false;
    }
    return alpha;
}

/* smtpd_peer_confirm - does name map back to addr? */

static bool smtpd_peer_confirm(const char *name, const char *addr, bool *out_temp)
{
    /* Every address of the name, whatever this host is configured for: no AI_ADDRCONFIG. */
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    bool found = false;
    SOCK_ADDR_TEXT text;

    int err;

    if ((err = getaddrinfo(name, NULL, &hints, &res)) != 0) {
        *out_temp = err == EAI_AGAIN;
        return false;
    }
    for (struct addrinfo *ai = res; ai && !found; ai = ai->ai_next)
        if (sock_addr_text(ai->ai_addr, ai->ai_addrlen, &text) == 0 && strcmp(text.addr, addr) == 0)
            found = true;
    freeaddrinfo(res);
    return found;
}

/* smtpd_peer_lookup - reverse and forward-confirmed names */

static void smtpd_peer_lookup(SMTPD_STATE *state, const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST];
    bool temp = false;
    int err;

    if ((err = getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NAMEREQD)) != 0 ||
        !smtpd_peer_name_ok(host)) {
        if (err == EAI_AGAIN)
            state->name_status = state->reverse_status = SMTPD_NAME_TEMP;
        return;
    }
    lowercase(host);
    myfree(state->reverse_name);
    state->reverse_name = mystrdup(host);
    state->reverse_status = SMTPD_NAME_OK;
    if (smtpd_peer_confirm(host, state->addr, &temp)) {
        myfree(state->name);
        state->name = mystrdup(host);
        state->name_status = SMTPD_NAME_OK;
    } else if (temp) {
        state->name_status = SMTPD_NAME_TEMP;
    }
}

/* smtpd_peer_set - replace one owned string */

static void smtpd_peer_set(char **field, const char *value)
{
    myfree(*field);
    *field = mystrdup(value);
}

/* smtpd_peer_passed - the client address that came with a passed connection */

static int smtpd_peer_passed(const MAIL_PASS_PEER *peer, struct sockaddr_storage *out_ss,
                             socklen_t *out_len, SOCK_ADDR_TEXT *out_text)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int status = -1;

    if (getaddrinfo(peer->client_addr, peer->client_port, &hints, &res) != 0)
        return -1;
    if (res->ai_addrlen <= sizeof(*out_ss)) {
        memcpy(out_ss, res->ai_addr, res->ai_addrlen);
        *out_len = res->ai_addrlen;
        status = sock_addr_text(res->ai_addr, res->ai_addrlen, out_text);
    }
    freeaddrinfo(res);
    return status;
}

/* smtpd_peer_init - fill in the client facts */

void smtpd_peer_init(SMTPD_STATE *state)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    SOCK_ADDR_TEXT text;
    int fd = vstream_fileno(state->in);
    int found = state->pass_peer ? smtpd_peer_passed(state->pass_peer, &ss, &len, &text)
                                 : (getpeername(fd, (struct sockaddr *)&ss, &len) < 0
                                        ? -1
                                        : sock_addr_text((struct sockaddr *)&ss, len, &text));

    if (found < 0 || (text.family != AF_INET && text.family != AF_INET6)) {
        smtpd_peer_set(&state->name, "localhost");
        smtpd_peer_set(&state->reverse_name, "localhost");
        state->name_status = state->reverse_status = SMTPD_NAME_OK;
        smtpd_peer_set(&state->addr, "127.0.0.1");
        smtpd_peer_set(&state->rfc_addr, "127.0.0.1");
    } else {
        state->name_status = state->reverse_status = SMTPD_NAME_PERM;
        smtpd_peer_set(&state->addr, text.addr);
        smtpd_peer_set(&state->port, text.port);
        myfree(state->rfc_addr);
        state->rfc_addr =
            text.family == AF_INET6
                ? vstring_export(vstring_sprintf(vstring_alloc(64), "IPv6:%s", text.addr))
                : mystrdup(text.addr);
        if (state->cfg->peername_lookup)
            smtpd_peer_lookup(state, (struct sockaddr *)&ss, len);
        if (state->pass_peer) {
            smtpd_peer_set(&state->local_addr, state->pass_peer->server_addr);
            smtpd_peer_set(&state->local_port, state->pass_peer->server_port);
        } else if (sock_local_addr(fd, &text) == 0) {
            smtpd_peer_set(&state->local_addr, text.addr);
            smtpd_peer_set(&state->local_port, text.port);
        }
    }
    smtpd_peer_namaddr(state);
    if (msg_verbose)
        msg_info("%s: client %s (reverse name %s)", __func__, state->namaddr, state->reverse_name);
}

/* smtpd_peer_namaddr - the "name[addr]" text of log lines */

void smtpd_peer_namaddr(SMTPD_STATE *state)
{
    myfree(state->namaddr);
    state->namaddr = state->cfg->client_port_logging && strcmp(state->port, "unknown") != 0
                         ? vstring_export(vstring_sprintf(vstring_alloc(64), "%s[%s]:%s",
                                                          state->name, state->addr, state->port))
                         : vstring_export(vstring_sprintf(vstring_alloc(64), "%s[%s]", state->name,
                                                          state->addr));
}
