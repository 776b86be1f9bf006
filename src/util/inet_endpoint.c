/*++
 * NAME
 *	inet_endpoint - parse inet_protocols values and host:port endpoints
 * SYNOPSIS
 *	#include <sockets.h>
 *
 *	int	inet_proto_parse(const char *value, VSTRING *why);
 *	int	inet_endpoint_split(const char *endpoint, VSTRING *out_host,
 *				VSTRING *out_port, VSTRING *why);
 * DESCRIPTION
 *	inet_proto_parse() turns an inet_protocols value ("all", "ipv4",
 *	"ipv6", "ipv4, ipv6"; case does not matter) into an INET_PROTO_*
 *	mask, or returns -1 with a reason in why.
 *
 *	inet_endpoint_split() splits "host:port", "[address]:port" or a bare
 *	"port" into host and port. The host is empty for a bare port and for
 *	"*:port". An IPv6 address must be in brackets. The port may be a
 *	number or a service name. The result is 0, or -1 with a reason.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "sockets.h"

/* inet_proto_parse - inet_protocols value to a mask */

int inet_proto_parse(const char *value, VSTRING *why)
{
    ARGV *words = argv_split(value, ", \t\r\n");
    int mask = 0;

    for (size_t i = 0; i < words->argc; i++) {
        const char *word = words->argv[i];

        if (strcasecmp(word, "all") == 0) {
            mask |= INET_PROTO_ALL;
        } else if (strcasecmp(word, "ipv4") == 0) {
            mask |= INET_PROTO_IPV4;
        } else if (strcasecmp(word, "ipv6") == 0) {
            mask |= INET_PROTO_IPV6;
        } else {
            vstring_sprintf(why, "invalid inet_protocols value \"%s\": unknown protocol \"%s\"",
                            value, word);
            argv_free(words);
            return -1;
        }
    }
    argv_free(words);
    if (mask == 0) {
        vstring_sprintf(why, "invalid inet_protocols value \"%s\": no protocol", value);
        return -1;
    }
    return mask;
}

/* inet_port_ok - a plausible port number or service name */

static int inet_port_ok(const char *port)
{
    if (*port == 0 || strlen(port) > 32)
        return 0;
    for (const char *cp = port; *cp; cp++)
        if (!(*cp >= '0' && *cp <= '9') && !(*cp >= 'a' && *cp <= 'z') &&
            !(*cp >= 'A' && *cp <= 'Z') && *cp != '-' && *cp != '_' && *cp != '.')
            return 0;
    return 1;
}

/* inet_endpoint_split - host and port of an endpoint */

int inet_endpoint_split(const char *endpoint, VSTRING *out_host, VSTRING *out_port, VSTRING *why)
{
    const char *colon;

    if (endpoint[0] == '[') {
        const char *close = strchr(endpoint, ']');

        if (close == NULL || close[1] != ':') {
            vstring_sprintf(why, "bad endpoint \"%s\": want [address]:port", endpoint);
            return -1;
        }
        vstring_strncpy(out_host, endpoint + 1, close - endpoint - 1);
        vstring_strcpy(out_port, close + 2);
    } else if ((colon = strrchr(endpoint, ':')) != NULL) {
        if (memchr(endpoint, ':', colon - endpoint) != NULL) {
            vstring_sprintf(why, "bad endpoint \"%s\": put an IPv6 address in brackets", endpoint);
            return -1;
        }
        vstring_strncpy(out_host, endpoint, colon - endpoint);
        vstring_strcpy(out_port, colon + 1);
    } else {
        VSTRING_RESET(out_host);
        vstring_strcpy(out_port, endpoint);
    }
    if (strcmp(vstring_str(out_host), "*") == 0)
        VSTRING_RESET(out_host);
    if (!inet_port_ok(vstring_str(out_port))) {
        vstring_sprintf(why, "bad endpoint \"%s\": bad port \"%s\"", endpoint,
                        vstring_str(out_port));
        return -1;
    }
    return 0;
}
