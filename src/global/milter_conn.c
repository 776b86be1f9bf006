/*++
 * NAME
 *	milter_conn - one milter: settings, connection, negotiation, packets
 * SYNOPSIS
 *	#include "milter_conn.h"
 *
 *	MILTER	*milter_conn_create(const char *spec, const MILTER *defaults,
 *				VSTRING *why);
 *	void	milter_conn_free(MILTER *milter);
 *	int	milter_conn_parse_default(const char *value,
 *				MILTER_DEFAULT *out);
 *	int	milter_conn_parse_protocol(const char *value, int *out);
 *
 *	int	milter_conn_open(MILTER *milter, VSTRING *why);
 *	void	milter_conn_close(MILTER *milter);
 *	void	milter_conn_deadline(MILTER *milter, int seconds);
 *	int	milter_conn_send(MILTER *milter, int cmd, const char *data,
 *				size_t len, VSTRING *why);
 *	int	milter_conn_recv(MILTER *milter, int *out_cmd, VSTRING *why);
 * DESCRIPTION
 *	milter_conn_create() makes a milter from one element of a milter
 *	list: an endpoint ("inet:host:port", "unix:/path", or a path, which
 *	means unix:), or "{ endpoint, name = value, ... }" where name is
 *	connect_timeout, command_timeout, content_timeout, default_action or
 *	protocol. Settings not given come from defaults. It returns NULL with
 *	a reason for a malformed element. milter_conn_free() closes and
 *	releases it.
 *
 *	milter_conn_parse_default() and milter_conn_parse_protocol() read a
 *	milter_default_action ("accept", "reject", "tempfail", "quarantine")
 *	and a milter_protocol value (2, 3, 4 or 6); they return 0 or -1.
 *
 *	milter_conn_open() connects within connect_timeout and negotiates:
 *	it offers the protocol version, every modification action and every
 *	protocol step that version has, and takes the milter's answer (its
 *	version may be lower, down to 2; it may not ask for more than was
 *	offered) and its macro lists. It returns 0, or -1 with a reason
 *	(the connection is then closed).
 *
 *	milter_conn_deadline() starts a time limit of seconds for what
 *	follows. milter_conn_send() sends one packet and milter_conn_recv()
 *	reads one (its data in milter->packet, null-terminated), both within
 *	that limit; they return 0, or -1 with a reason. Packets larger than
 *	MILTER_PACKET_MAX are refused.
 *--*/

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "timed_io.h"
#include "vstring.h"

#include "config.h"
#include "milter_conn.h"
#include "milter_reply.h"

/* milter_conn_parse_default - milter_default_action */

int milter_conn_parse_default(const char *value, MILTER_DEFAULT *out)
{
    static const struct {
        const char *name;
        MILTER_DEFAULT action;
    } table[] = {
        {"accept", MILTER_DEFAULT_ACCEPT},
        {"reject", MILTER_DEFAULT_REJECT},
        {"tempfail", MILTER_DEFAULT_TEMPFAIL},
        {"quarantine", MILTER_DEFAULT_QUARANTINE},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcasecmp(value, table[i].name) == 0) {
            *out = table[i].action;
            return 0;
        }
    }
    return -1;
}

/* milter_conn_parse_protocol - milter_protocol */

int milter_conn_parse_protocol(const char *value, int *out)
{
    if (strcmp(value, "2") == 0 || strcmp(value, "3") == 0 || strcmp(value, "4") == 0 ||
        strcmp(value, "6") == 0) {
        *out = value[0] - '0';
        return 0;
    }
    return -1;
}

/* milter_conn_setting - one "name = value" of a braced element */

static int milter_conn_setting(MILTER *milter, char *element, VSTRING *why)
{
    char *name, *value;
    const char *err;
    long num;

    if ((err = split_nameval(element, &name, &value)) != NULL) {
        vstring_sprintf(why, "\"%s\": %s", element, err);
        return -1;
    }
    if (strcmp(name, "default_action") == 0) {
        if (milter_conn_parse_default(value, &milter->default_action) == 0)
            return 0;
    } else if (strcmp(name, "protocol") == 0) {
        if (milter_conn_parse_protocol(value, &milter->protocol) == 0)
            return 0;
    } else if (strcmp(name, "connect_timeout") == 0 || strcmp(name, "command_timeout") == 0 ||
               strcmp(name, "content_timeout") == 0) {
        int *target = strcmp(name, "connect_timeout") == 0   ? &milter->connect_timeout
                      : strcmp(name, "command_timeout") == 0 ? &milter->command_timeout
                                                             : &milter->content_timeout;

        if (config_parse_time(value, 's', &num) == NULL && num > 0 && num < 100000) {
            *target = (int)num;
            return 0;
        }
    } else {
        vstring_sprintf(why, "unknown milter setting \"%s\"", name);
        return -1;
    }
    vstring_sprintf(why, "bad %s value \"%s\"", name, value);
    return -1;
}

/* milter_conn_create - a milter from its list element */

MILTER *milter_conn_create(const char *spec, const MILTER *defaults, VSTRING *why)
{
    MILTER *milter = mycalloc(1, sizeof(*milter));
    char *copy = mystrdup(spec);
    char *cp = copy;
    char *element;
    int ok = 0;

    milter->protocol = defaults->protocol;
    milter->connect_timeout = defaults->connect_timeout;
    milter->command_timeout = defaults->command_timeout;
    milter->content_timeout = defaults->content_timeout;
    milter->default_action = defaults->default_action;
    milter->fd = -1;
    milter->packet = vstring_alloc(256);
    milter->out = vstring_alloc(256);
    if (*cp == '{') {
        const char *err = strip_braces(&cp);

        if (err) {
            vstring_sprintf(why, "\"%s\": %s", spec, err);
            ok = -1;
        }
    }
    while (ok == 0 && (element = mystrtok(&cp, ",\n")) != NULL) {
        element = trim_blanks(element);
        if (*element == 0)
            continue;
        if (milter->name == NULL)
            milter->name = mystrdup(element);
        else
            ok = milter_conn_setting(milter, element, why);
    }
    myfree(copy);
    if (ok == 0 && milter->name == NULL) {
        vstring_sprintf(why, "\"%s\": no milter endpoint", spec);
        ok = -1;
    }
    if (ok < 0) {
        milter_conn_free(milter);
        return NULL;
    }
    return milter;
}

/* milter_conn_close - drop the connection */

void milter_conn_close(MILTER *milter)
{
    if (milter->fd >= 0)
        (void)close(milter->fd);
    milter->fd = -1;
}

/* milter_conn_free - release a milter */

void milter_conn_free(MILTER *milter)
{
    milter_conn_close(milter);
    myfree(milter->name);
    for (int i = 0; i < MILTER_MACRO_STAGES; i++)
        myfree(milter->macros[i]);
    vstring_free(milter->packet);
    vstring_free(milter->out);
    myfree(milter);
}

/* milter_conn_deadline - a time limit for what follows */

void milter_conn_deadline(MILTER *milter, int seconds)
{
    milter->deadline = monotonic_ms() + (int64_t)seconds * 1000;
}

/* milter_conn_left - milliseconds left, at least 0 */

static int milter_conn_left(const MILTER *milter)
{
    int64_t left = milter->deadline - monotonic_ms();

    return left < 0 ? 0 : (int)left;
}

/* milter_conn_send - one packet */

int milter_conn_send(MILTER *milter, int cmd, const char *data, size_t len, VSTRING *why)
{
    uint32_t size = htonl((uint32_t)(len + 1));
    const char *buf;
    size_t left;

    if (milter->fd < 0) {
        vstring_strcpy(why, "not connected");
        return -1;
    }
    vstring_memcpy(milter->out, &size, 4);
    vstring_addch(milter->out, cmd);
    vstring_memcat(milter->out, data, len);
    buf = vstring_str(milter->out);
    left = VSTRING_LEN(milter->out);
    while (left > 0) {
        ssize_t n = sock_write_nosignal(milter->fd, buf, left, milter_conn_left(milter), NULL);

        if (n <= 0) {
            vstring_sprintf(why, "%s",
                            errno == ETIMEDOUT ? "timeout while sending" : "error while sending");
            if (errno != ETIMEDOUT)
                vstring_sprintf_append(why, ": %s", strerror(errno));
            return -1;
        }
        buf += n;
        left -= (size_t)n;
    }
    return 0;
}

/* milter_conn_read - exactly len bytes */

static int milter_conn_read(MILTER *milter, char *buf, size_t len, VSTRING *why)
{
    while (len > 0) {
        ssize_t n = timed_read(milter->fd, buf, len, milter_conn_left(milter), NULL);

        if (n == 0) {
            vstring_strcpy(why, "connection closed by the milter");
            return -1;
        }
        if (n < 0) {
            if (errno == ETIMEDOUT)
                vstring_strcpy(why, "timeout while waiting for a reply");
            else
                vstring_sprintf(why, "read error: %s", strerror(errno));
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* milter_conn_recv - one packet */

int milter_conn_recv(MILTER *milter, int *out_cmd, VSTRING *why)
{
    unsigned char head[5];
    uint32_t size;

    if (milter->fd < 0) {
        vstring_strcpy(why, "not connected");
        return -1;
    }
    if (milter_conn_read(milter, (char *)head, 4, why) < 0)
        return -1;
    memcpy(&size, head, 4);
    size = ntohl(size);
    if (size == 0 || size > MILTER_PACKET_MAX) {
        vstring_sprintf(why, "bad packet length %lu", (unsigned long)size);
        return -1;
    }
    if (milter_conn_read(milter, (char *)head + 4, 1, why) < 0)
        return -1;
    *out_cmd = head[4];
    vstring_truncate(milter->packet, 0);
    for (size_t left = size - 1; left > 0;) {
        char buf[4096];
        size_t len = left < sizeof(buf) ? left : sizeof(buf);

        if (milter_conn_read(milter, buf, len, why) < 0)
            return -1;
        vstring_memcat(milter->packet, buf, len);
        left -= len;
    }
    return 0;
}

/* milter_conn_connect - the socket */

static int milter_conn_connect(MILTER *milter, VSTRING *why)
{
    int timeout_ms = milter->connect_timeout * 1000;

    if (strncmp(milter->name, "inet:", 5) == 0)
        return inet_connect(milter->name + 5, timeout_ms, why);
    if (strncmp(milter->name, "unix:", 5) == 0)
        return unix_connect(milter->name + 5, timeout_ms, why);
    if (strchr(milter->name, ':') != NULL && milter->name[0] != '/') {
        vstring_sprintf(why, "unsupported endpoint type");
        return -1;
    }
    return unix_connect(milter->name, timeout_ms, why);
}

/* milter_conn_offer - what we offer for a protocol version */

static void milter_conn_offer(int version, unsigned *out_actions, unsigned *out_proto)
{
    *out_actions = version >= 6 ? MILTER_ACT_OFFER_V6 : MILTER_ACT_OFFER_V2;
    *out_proto = version >= 6   ? MILTER_PROTO_OFFER_V6
                 : version >= 4 ? MILTER_PROTO_OFFER_V4
                 : version >= 3 ? MILTER_PROTO_OFFER_V3
                                : MILTER_PROTO_OFFER_V2;
}

/* milter_conn_negotiate - OPTNEG */

static int milter_conn_negotiate(MILTER *milter, VSTRING *why)
{
    unsigned actions, proto;
    uint32_t words[3];
    MILTER_OPTNEG answer;
    int cmd;

    milter_conn_offer(milter->protocol, &actions, &proto);
    words[0] = htonl((uint32_t)milter->protocol);
    words[1] = htonl(actions);
    words[2] = htonl(proto);
    if (milter_conn_send(milter, MILTER_CMD_OPTNEG, (const char *)words, sizeof(words), why) < 0 ||
        milter_conn_recv(milter, &cmd, why) < 0)
        return -1;
    if (cmd != MILTER_CMD_OPTNEG) {
        vstring_sprintf(why, "unexpected reply 0x%02x to negotiation", (unsigned)cmd);
        return -1;
    }
    if (milter_reply_optneg(vstring_str(milter->packet), VSTRING_LEN(milter->packet), &answer,
                            why) < 0)
        return -1;
    if (answer.version < MILTER_VERSION_MIN) {
        vstring_sprintf(why, "protocol version %u is not supported", answer.version);
        return -1;
    }
    milter->version =
        answer.version < (unsigned)milter->protocol ? answer.version : (unsigned)milter->protocol;
    milter_conn_offer((int)milter->version, &actions, &proto);
    if ((answer.actions & ~actions) != 0) {
        vstring_sprintf(why, "requested unsupported modifications 0x%x", answer.actions & ~actions);
        return -1;
    }
    if ((answer.proto & ~proto) != 0) {
        vstring_sprintf(why, "requested unsupported protocol steps 0x%x", answer.proto & ~proto);
        return -1;
    }
    milter->actions = answer.actions;
    milter->proto = answer.proto;
    for (int i = 0; i < MILTER_MACRO_STAGES; i++) {
        myfree(milter->macros[i]);
        milter->macros[i] = answer.macros[i] && (milter->actions & MILTER_ACT_SETSYMLIST)
                                ? mystrdup(answer.macros[i])
                                : NULL;
    }
    return 0;
}

/* milter_conn_open - connect and negotiate */

int milter_conn_open(MILTER *milter, VSTRING *why)
{
    milter_conn_close(milter);
    milter_conn_deadline(milter, milter->connect_timeout);
    if ((milter->fd = milter_conn_connect(milter, why)) < 0)
        return -1;
    if (milter_conn_negotiate(milter, why) < 0) {
        milter_conn_close(milter);
        return -1;
    }
    if (msg_verbose)
        msg_info("milter %s: version %u, actions 0x%x, protocol 0x%x", milter->name,
                 milter->version, milter->actions, milter->proto);
    return 0;
}
