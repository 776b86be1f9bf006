/*++
 * NAME
 *	ptf_dest - posttls-finger destinations: parse, resolve, connect
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	int	ptf_dest_parse(const char *arg, bool lmtp, PTF_DEST *out,
 *				VSTRING *why);
 *	int	ptf_dest_connect(PTF_STATE *state, VSTRING *why);
 *	void	ptf_dest_disconnect(PTF_STATE *state);
 * DESCRIPTION
 *	ptf_dest_parse() reads a destination argument: [inet:]domain[:port]
 *	(with SMTP, MX hosts of domain are looked up), [inet:][host][:port]
 *	or [ipv6:address][:port] (no MX lookup), or with LMTP unix:pathname.
 *	port is a number or a service name; the default is smtp (25), or 24
 *	with LMTP. It returns 0, or -1 with a reason in why.
 *
 *	ptf_dest_connect() connects to the destination within
 *	state->connect_timeout seconds: the first time by trying, in MX
 *	preference order, every address of every host (of the family that
 *	-a allows, A/AAAA when the domain has no MX records) until one
 *	answers; later (reconnections) to the address that answered before.
 *	At the DANE levels, and where DANE may take precedence over an
 *	MTA-STS policy (ptf_sts(3)), addresses come from DNS with their
 *	DNSSEC status, and each server's TLSA records are looked up before
 *	it is tried (ptf_dane(3)).
 *	It sets state->stream, host, addr, port and namaddr, logs
 *	"Connected to host[addr]:port" and returns 0, or logs why it failed
 *	("Failed to establish session to ...") and returns -1. why is
 *	scratch space.
 *
 *	ptf_dest_disconnect() closes the connection.
 * DIAGNOSTICS
 *	Each address that does not answer is logged.
 * SEE ALSO
 *	smtp_dns(3), the MX and address lookups that the SMTP client uses
 *--*/

/* System library. */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"

/* Application-specific. */
#include "posttls-finger.h"
#include "smtp_dns.h"
#include "tls_level.h"

#define PTF_PORT_SMTP 25 /* without /etc/services */
#define PTF_PORT_LMTP 24

/* ptf_dest_port - a port number or a service name */

static int ptf_dest_port(const char *text, unsigned *out_port, VSTRING *why)
{
    struct servent *sp;

    if (alldig(text) && *text && strlen(text) <= 5 && atoi(text) > 0 && atoi(text) < 65536) {
        *out_port = atoi(text);
        return 0;
    }
    if (*text && !alldig(text) && (sp = getservbyname(text, "tcp")) != NULL) {
        *out_port = ntohs(sp->s_port);
        return 0;
    }
    vstring_sprintf(why, "bad port or unknown service \"%s\"", text);
    return -1;
}

/* ptf_dest_parse - read a destination argument */

int ptf_dest_parse(const char *arg, bool lmtp, PTF_DEST *out, VSTRING *why)
{
    char *copy, *host, *port = NULL, *end;
    struct servent *sp;
    int status = 0;

    memset(out, 0, sizeof(*out));
    if (strncmp(arg, "unix:", 5) == 0) {
        if (!lmtp || arg[5] == 0) {
            vstring_sprintf(why, "\"%s\": unix:pathname needs LMTP (-S) and a path", arg);
            return -1;
        }
        out->unix_path = mystrdup(arg + 5);
        return 0;
    }
    if (strncmp(arg, "inet:", 5) == 0)
        arg += 5;
    host = copy = mystrdup(arg);
    if (*host == '[') {
        if ((end = strchr(host, ']')) == NULL) {
            vstring_sprintf(why, "\"%s\": missing \"]\"", arg);
            myfree(copy);
            return -1;
        }
        *end = 0;
        host++;
        if (strncasecmp(host, "ipv6:", 5) == 0)
            host += 5;
        if (end[1] == ':')
            port = end + 2;
        else if (end[1] != 0)
            status = -1;
    } else {
        if ((end = strrchr(host, ':')) != NULL) {
            *end = 0;
            port = end + 1;
        }
        out->mx_lookup = !lmtp;
    }
    if (status < 0 || *host == 0) {
        vstring_sprintf(why, "\"%s\": expected [inet:]domain[:port] or [host][:port]", arg);
        myfree(copy);
        return -1;
    }
    if (port != NULL) {
        status = ptf_dest_port(port, &out->port, why);
    } else if ((sp = getservbyname(lmtp ? "lmtp" : "smtp", "tcp")) != NULL) {
        out->port = ntohs(sp->s_port);
    } else {
        out->port = lmtp ? PTF_PORT_LMTP : PTF_PORT_SMTP;
    }
    out->nexthop = lowercase(mystrdup(host));
    myfree(copy);
    return status;
}

/* ptf_dest_try - connect to one address; 0 when connected */

static int ptf_dest_try(PTF_STATE *state, const char *host, const char *addr, unsigned port,
                        VSTRING *why)
{
    VSTRING *endpoint = vstring_alloc(100);
    int fd;

    vstring_sprintf(endpoint, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, port);
    fd = inet_connect(vstring_str(endpoint), state->connect_timeout * 1000, why);
    vstring_free(endpoint);
    if (fd < 0)
        return -1;
    state->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_io(state->stream, NULL, sock_write_nosignal, NULL);
    if (host != state->host) {
        myfree(state->host);
        state->host = mystrdup(host);
    }
    if (addr != state->addr) {
        myfree(state->addr);
        state->addr = mystrdup(addr);
    }
    state->port = port;
    myfree(state->namaddr);
    vstring_sprintf(why, "%s[%s]:%u", host, addr, port);
    state->namaddr = mystrdup(vstring_str(why));
    msg_info("Connected to %s", state->namaddr);
    return 0;
}

/* ptf_dest_unix - connect to an LMTP server's UNIX-domain socket */

static int ptf_dest_unix(PTF_STATE *state, VSTRING *why)
{
    int fd = unix_connect(state->dest.unix_path, state->connect_timeout * 1000, why);

    if (fd < 0)
        return -1;
    state->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_io(state->stream, NULL, sock_write_nosignal, NULL);
    myfree(state->host);
    myfree(state->addr);
    myfree(state->namaddr);
    state->host = mystrdup("localhost");
    state->addr = mystrdup(state->dest.unix_path);
    state->namaddr = mystrdup(state->dest.unix_path);
    msg_info("Connected to %s", state->namaddr);
    return 0;
}

/* ptf_dest_host - one host's addresses; for DANE from DNS with their DNSSEC status */

static int ptf_dest_host(PTF_STATE *state, SMTP_ADDR_LIST *addrs, const char *host, int pref,
                         bool mx_secure, VSTRING *why)
{
    size_t before = addrs->count;
    int status = TLS_DANE_BASED(state->level) || ptf_sts_dane_first(state, mx_secure)
                     ? smtp_addr_add_dns(state->resolver, addrs, host, pref, state->dest.port, why)
                     : smtp_addr_add(addrs, host, pref, state->dest.port, why);

    for (size_t i = before; i < addrs->count; i++)
        addrs->addr[i].mx_secure = mx_secure;
    return status;
}

/* ptf_dest_addrs - the addresses to try, best first */

static int ptf_dest_addrs(PTF_STATE *state, SMTP_ADDR_LIST *addrs, VSTRING *why)
{
    SMTP_MX_LIST mx = {0};
    int status = SMTP_DNS_NODATA;

    if (state->dest.mx_lookup)
        status = smtp_dns_mx(state->resolver, state->dest.nexthop, &mx, why);
    if (status == SMTP_DNS_OK) {
        smtp_mx_sort(&mx, random);
        for (size_t i = 0; i < mx.count; i++)
            if (ptf_dest_host(state, addrs, mx.mx[i].host, mx.mx[i].pref, mx.secure, why) !=
                SMTP_DNS_OK)
                msg_info("%s", vstring_str(why));
    } else if (status == SMTP_DNS_NODATA) {
        if (ptf_dest_host(state, addrs, state->dest.nexthop, 0, true, why) != SMTP_DNS_OK)
            status = SMTP_DNS_NOTFOUND;
    } else if (status == SMTP_DNS_NULLMX) {
        vstring_sprintf(why, "%s: domain does not accept mail (null MX)", state->dest.nexthop);
    }
    smtp_mx_free(&mx);
    if (addrs->count == 0 && (status == SMTP_DNS_OK || status == SMTP_DNS_NODATA))
        vstring_sprintf(why, "%s: no addresses", state->dest.nexthop);
    return addrs->count > 0 ? 0 : -1;
}

/* ptf_dest_connect - connect to the destination, or to the server of last time */

int ptf_dest_connect(PTF_STATE *state, VSTRING *why)
{
    SMTP_ADDR_LIST addrs = {0};
    int status = -1;

    VSTRING_RESET(why);
    if (state->dest.unix_path)
        status = ptf_dest_unix(state, why);
    else if (state->addr)
        status = ptf_dest_try(state, state->host, state->addr, state->port, why);
    else if (ptf_dest_addrs(state, &addrs, why) == 0)
        for (size_t i = 0; status < 0 && i < addrs.count; i++) {
            SMTP_ADDR *ap = addrs.addr + i;

            if (state->family != AF_UNSPEC && ap->sa.ss_family != state->family)
                continue;
            if ((status = ptf_dane_server(state, ap, why)) < 0 ||
                (status = ptf_dest_try(state, ap->host, ap->addr, state->dest.port, why)) < 0)
                msg_info("Failed to establish session to %s via %s: %s", state->dest_arg, ap->host,
                         vstring_str(why));
            VSTRING_RESET(why);
        }
    if (status < 0 && VSTRING_LEN(why) > 0)
        msg_info("Failed to establish session to %s: %s", state->dest_arg, vstring_str(why));
    smtp_addr_free(&addrs);
    return status;
}

/* ptf_dest_disconnect - close the connection */

void ptf_dest_disconnect(PTF_STATE *state)
{
    if (state->stream) {
        (void)vstream_close(state->stream);
        state->stream = NULL;
    }
}
