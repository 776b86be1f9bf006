/*++
 * NAME
 *	smtpd_xforward - the XFORWARD command (Postfix's XFORWARD_README)
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_xforward(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_xforward(SMTPD_STATE *state, char *args);
 *	void	smtpd_xforward_reset(SMTPD_XFORWARD *xforward);
 *	const char *smtpd_xforward_name(const SMTPD_STATE *state);
 *	const char *smtpd_xforward_addr(const SMTPD_STATE *state);
 *	const char *smtpd_xforward_helo(const SMTPD_STATE *state);
 * DESCRIPTION
 *	A content filter that reinjects mail tells the server, with
 *	XFORWARD before MAIL FROM, who the original client was, so that the
 *	queue file, the Received: header and the logs name that client and
 *	not the filter. Clients in smtpd_authorized_xforward_hosts see
 *	"XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN" in the EHLO
 *	reply (state->xforward_ok: matched against the real client when it
 *	connects, so XCLIENT does not change it) and may send
 *
 *		XFORWARD NAME=host ADDR=1.2.3.4 PORT=25 PROTO=ESMTP
 *		HELO=client.example SOURCE=REMOTE IDENT=ABC123 LOGIN=user
 *
 *	in one or more commands, each value xtext-encoded; "[UNAVAILABLE]"
 *	and "[TEMPUNAVAIL]" mean no value. Other clients get "550 5.7.0
 *	Error: insufficient authorization"; XFORWARD inside a transaction
 *	"503 5.5.1", an unknown attribute or a malformed value "501 5.5.4".
 *	The values hold until the end of the next mail transaction
 *	(smtpd_xforward_reset() is called by smtpd_mail_reset()).
 *
 *	smtpd_xforward_name(), smtpd_xforward_addr() and
 *	smtpd_xforward_helo() return the client's name, address and HELO
 *	name for the queue file and Received: header: the forwarded ones
 *	when they were given, the session's otherwise.
 *--*/

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "match_list.h"
#include "xtext.h"

#include "smtpd_cmd.h"

/* The attributes, by name. */
static const struct {
    const char *name;
    size_t offset;
} smtpd_xforward_attrs[] = {
    {"NAME", offsetof(SMTPD_XFORWARD, name)},     {"ADDR", offsetof(SMTPD_XFORWARD, addr)},
    {"PORT", offsetof(SMTPD_XFORWARD, port)},     {"PROTO", offsetof(SMTPD_XFORWARD, proto)},
    {"HELO", offsetof(SMTPD_XFORWARD, helo)},     {"IDENT", offsetof(SMTPD_XFORWARD, ident)},
    {"SOURCE", offsetof(SMTPD_XFORWARD, source)}, {"LOGIN", offsetof(SMTPD_XFORWARD, login)},
};

#define SMTPD_XFORWARD_COUNT (sizeof(smtpd_xforward_attrs) / sizeof(smtpd_xforward_attrs[0]))

/* smtpd_xforward_slot - the string field of an attribute */

static char **smtpd_xforward_slot(SMTPD_XFORWARD *xforward, size_t i)
{
    return (char **)((char *)xforward + smtpd_xforward_attrs[i].offset);
}

/* smtpd_xforward_reset - forget the forwarded attributes */

void smtpd_xforward_reset(SMTPD_XFORWARD *xforward)
{
    for (size_t i = 0; i < SMTPD_XFORWARD_COUNT; i++) {
        char **slot = smtpd_xforward_slot(xforward, i);

        myfree(*slot);
        *slot = NULL;
    }
    xforward->seen = false;
}

/* smtpd_xforward_element - one "NAME=value" element into next; -1 after a reply */

static int smtpd_xforward_element(SMTPD_STATE *state, SMTPD_XFORWARD *next, char *element)
{
    char *eq = strchr(element, '=');
    size_t i;

    if (eq == NULL) {
        smtpd_reply(state, "501 5.5.4 Syntax: XFORWARD attribute=value...");
        return -1;
    }
    *eq = 0;
    for (i = 0; i < SMTPD_XFORWARD_COUNT; i++)
        if (strcasecmp(element, smtpd_xforward_attrs[i].name) == 0)
            break;
    if (i == SMTPD_XFORWARD_COUNT) {
        smtpd_reply(state, "501 5.5.4 Bad XFORWARD attribute name: %.100s", element);
        return -1;
    }
    if (xtext_unquote(state->scratch, eq + 1, strlen(eq + 1)) != 0 ||
        memchr(vstring_str(state->scratch), 0, VSTRING_LEN(state->scratch)) != NULL) {
        smtpd_reply(state, "501 5.5.4 Bad XFORWARD attribute value: %.100s", element);
        return -1;
    }
    for (const unsigned char *cp = (unsigned char *)vstring_str(state->scratch); *cp; cp++) {
        if (*cp < 0x20 || *cp > 0x7e) {
            smtpd_reply(state, "501 5.5.4 Bad XFORWARD attribute value: %.100s", element);
            return -1;
        }
    }
    myfree(*smtpd_xforward_slot(next, i));
    if (strcasecmp(vstring_str(state->scratch), "[UNAVAILABLE]") == 0 ||
        strcasecmp(vstring_str(state->scratch), "[TEMPUNAVAIL]") == 0)
        *smtpd_xforward_slot(next, i) = NULL;
    else
        *smtpd_xforward_slot(next, i) = mystrdup(vstring_str(state->scratch));
    return 0;
}

/* smtp_check_xforward - permission, state and syntax */

int smtp_check_xforward(SMTPD_STATE *state, char *args)
{
    SMTPD_XFORWARD next = {0};
    char *cp = args;
    char *element;
    int status = 0;

    if (!state->xforward_ok) {
        smtpd_reply(state, "550 5.7.0 Error: insufficient authorization");
        return -1;
    }
    if (SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: MAIL transaction in progress");
        return -1;
    }
    if (*args == 0) {
        smtpd_reply(state, "501 5.5.4 Syntax: XFORWARD attribute=value...");
        return -1;
    }
    /* All or nothing: the command's values are taken only when all are good. */
    for (size_t i = 0; i < SMTPD_XFORWARD_COUNT; i++) {
        char *old = *smtpd_xforward_slot(&state->xforward, i);

        *smtpd_xforward_slot(&next, i) = old ? mystrdup(old) : NULL;
    }
    while (status == 0 && (element = mystrtok(&cp, " \t")) != NULL)
        status = smtpd_xforward_element(state, &next, element);
    if (status < 0) {
        smtpd_xforward_reset(&next);
        return -1;
    }
    smtpd_xforward_reset(&state->xforward);
    state->xforward = next;
    state->xforward.seen = true;
    return 0;
}

/* smtp_proceed_xforward - accepted */

int smtp_proceed_xforward(SMTPD_STATE *state, char *unused_args)
{
    smtpd_reply(state, "250 2.0.0 Ok");
    return 0;
}

/* smtpd_xforward_name - the client's name for the queue file */

const char *smtpd_xforward_name(const SMTPD_STATE *state)
{
    return state->xforward.name ? state->xforward.name : state->name;
}

/* smtpd_xforward_addr - the client's address for the queue file */

const char *smtpd_xforward_addr(const SMTPD_STATE *state)
{
    const char *addr = state->xforward.addr;

    if (addr == NULL)
        return state->addr;
    return strncasecmp(addr, "IPv6:", 5) == 0 ? addr + 5 : addr;
}

/* smtpd_xforward_helo - the client's HELO name for the queue file */

const char *smtpd_xforward_helo(const SMTPD_STATE *state)
{
    return state->xforward.seen ? state->xforward.helo : state->helo_name;
}
