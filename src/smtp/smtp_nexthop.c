/*++
 * NAME
 *	smtp_nexthop - parse the next hop of a delivery request
 * SYNOPSIS
 *	#include "smtp_nexthop.h"
 *
 *	int	smtp_nexthop_parse(const char *nexthop, const char *def_port,
 *				bool lmtp, SMTP_DEST *out, VSTRING *why);
 *	int	smtp_port_parse(const char *text, unsigned *out_port);
 *	void	smtp_nexthop_free(SMTP_DEST *dest);
 * DESCRIPTION
 *	smtp_nexthop_parse() splits nexthop (see smtp_nexthop.h for the
 *	forms) into out: the policy key (the next hop as written, without
 *	an "inet:" prefix), the name to look up (lowercase, without
 *	brackets or port), the port (def_port when none is given), whether
 *	MX records are wanted, and whether the name is an IP literal. With
 *	lmtp, MX records are never wanted, and "unix:pathname" gives the
 *	socket pathname (key "unix:pathname", name the pathname, no port). It
 *	returns 0, or -1 with a reason in why for a malformed next hop or
 *	an unknown port. out must be released with smtp_nexthop_free().
 *
 *	smtp_port_parse() converts a decimal port 1..65535 or a TCP
 *	service name; it returns 0, or -1 when the text is neither.
 *
 *	smtp_nexthop_free() releases what smtp_nexthop_parse() stored.
 * DIAGNOSTICS
 *	Returned, with the reason naming the next hop.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Application-specific. */
#include "smtp_nexthop.h"

/* smtp_port_parse - a port number or a TCP service name */

int smtp_port_parse(const char *text, unsigned *out_port)
{
    struct servent *sp;

    if (*text == 0)
        return -1;
    if (alldig(text)) {
        long port = strlen(text) <= 5 ? strtol(text, NULL, 10) : 0;

        if (port < 1 || port > 65535)
            return -1;
        *out_port = (unsigned)port;
        return 0;
    }
    if ((sp = getservbyname(text, "tcp")) == NULL)
        return -1;
    *out_port = ntohs((unsigned short)sp->s_port);
    return 0;
}

/* smtp_nexthop_literal - is the name an IP address? */

static bool smtp_nexthop_literal(const char *name)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

/* smtp_nexthop_split - host and port text of the next hop */

static int smtp_nexthop_split(const char *text, SMTP_DEST *out, VSTRING *host, const char **port)
{
    const char *colon;

    *port = NULL;
    if (*text == '[') {
        const char *end = strchr(text, ']');

        if (end == NULL || end == text + 1)
            return -1;
        vstring_strncpy(host, text + 1, (size_t)(end - text - 1));
        if (end[1] == ':')
            *port = end + 2;
        else if (end[1] != 0)
            return -1;
        out->mx_lookup = false;
        if (strncasecmp(vstring_str(host), "ipv6:", 5) == 0) {
            char *rest = mystrdup(vstring_str(host) + 5);

            vstring_strcpy(host, rest);
            myfree(rest);
        }
    } else {
        if ((colon = strrchr(text, ':')) != NULL && strchr(text, ':') != colon)
            return -1; /* a bare IPv6 address: it must be in brackets */
        if (colon) {
            vstring_strncpy(host, text, (size_t)(colon - text));
            *port = colon + 1;
        } else {
            vstring_strcpy(host, text);
        }
        out->mx_lookup = true;
    }
    return VSTRING_LEN(host) > 0 ? 0 : -1;
}

/* smtp_nexthop_parse - split a next hop */

int smtp_nexthop_parse(const char *nexthop, const char *def_port, bool lmtp, SMTP_DEST *out,
                       VSTRING *why)
{
    VSTRING *host = vstring_alloc(64);
    const char *text = nexthop;
    const char *port;
    int status = -1;

    memset(out, 0, sizeof(*out));
    if (lmtp && strncasecmp(text, "unix:", 5) == 0) {
        vstring_free(host);
        if (text[5] == 0) {
            vstring_sprintf(why, "malformed next-hop destination \"%s\"", nexthop);
            return -1;
        }
        out->key = mystrdup(text);
        out->name = mystrdup(text + 5);
        out->unix_path = mystrdup(text + 5);
        return 0;
    }
    if (strncasecmp(text, "inet:", 5) == 0)
        text += 5;
    if (smtp_nexthop_split(text, out, host, &port) < 0 ||
        strpbrk(vstring_str(host), " \t[]") != NULL) {
        vstring_sprintf(why, "malformed next-hop destination \"%s\"", nexthop);
    } else if (smtp_port_parse(port ? port : def_port, &out->port) < 0) {
        vstring_sprintf(why, "unknown service \"%s\" in next-hop destination \"%s\"",
                        port ? port : def_port, nexthop);
    } else {
        out->key = mystrdup(text);
        out->name = lowercase(vstring_export(host));
        host = NULL;
        out->literal = smtp_nexthop_literal(out->name);
        if (out->literal || lmtp)
            out->mx_lookup = false;
        status = 0;
    }
    if (host)
        vstring_free(host);
    return status;
}

/* smtp_nexthop_free - release a parsed next hop */

void smtp_nexthop_free(SMTP_DEST *dest)
{
    myfree(dest->key);
    myfree(dest->name);
    myfree(dest->unix_path);
    dest->key = dest->name = dest->unix_path = NULL;
}
