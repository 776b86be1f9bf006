/*++
 * NAME
 *	smtpd_xclient - the XCLIENT command (Postfix's XCLIENT_README)
 * SYNOPSIS
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_xclient(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_xclient(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	A proxy or a test tool in smtpd_authorized_xclient_hosts (matched
 *	against the real client, once, when it connects: state->xclient_ok)
 *	may make the server treat the session as if another client had
 *	connected. The EHLO reply announces "XCLIENT NAME ADDR PROTO HELO
 *	REVERSE_NAME PORT LOGIN DESTADDR DESTPORT"; the command is
 *
 *		XCLIENT NAME=host ADDR=192.0.2.1 PORT=4711 ...
 *
 *	with xtext-encoded values. NAME and REVERSE_NAME are a host name,
 *	"[UNAVAILABLE]" (the lookup failed for good) or "[TEMPUNAVAIL]" (it
 *	failed for now: the restrictions that need the name defer); NAME
 *	alone sets both. ADDR and DESTADDR are an IPv4 address or
 *	"IPv6:" and an IPv6 address, PORT and DESTPORT a number up to 65535,
 *	PROTO is SMTP or ESMTP, HELO the HELO name, LOGIN the SASL login
 *	(the session then counts as authenticated, with mechanism
 *	"XCLIENT"); "[UNAVAILABLE]" and "[TEMPUNAVAIL]" leave any of these
 *	unknown.
 *
 *	smtp_check_xclient() refuses a client that is not authorized ("550
 *	5.7.0 Error: insufficient authorization"), a command inside a mail
 *	transaction ("503 5.5.1"), no attributes, an unknown name or a bad
 *	value ("501 5.5.4"): nothing changes then. smtp_proceed_xclient()
 *	applies the attributes, goes back to the state right after the
 *	connection (no HELO and no login unless the command gave them,
 *	smtpd_milters disconnected and connected again with the new client)
 *	and answers with the greeting, "220 smtpd_banner", or with the
 *	rejection of a connect-time restriction or milter. The TLS session,
 *	if any, stays.
 *--*/

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "match_list.h"
#include "xtext.h"

#include "smtpd_check.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_sasl.h"

/* The values of one command; strings owned, NULL: not given. */
typedef struct SMTPD_XCLIENT {
    char *name;         /* NAME */
    char *reverse_name; /* REVERSE_NAME */
    char *addr;         /* ADDR, without "IPv6:" */
    char *port;         /* PORT */
    char *proto;        /* PROTO */
    char *helo;         /* HELO */
    char *login;        /* LOGIN */
    char *destaddr;     /* DESTADDR, without "IPv6:" */
    char *destport;     /* DESTPORT */
} SMTPD_XCLIENT;

/* The value that stands for "not known": permanent, or for now. */
#define SMTPD_XCLIENT_UNAVAILABLE "[UNAVAILABLE]"
#define SMTPD_XCLIENT_TEMPUNAVAIL "[TEMPUNAVAIL]"

/* smtpd_xclient_unknown - is this value one of the "not known" words? */

static bool smtpd_xclient_unknown(const char *value)
{
    return strcasecmp(value, SMTPD_XCLIENT_UNAVAILABLE) == 0 ||
           strcasecmp(value, SMTPD_XCLIENT_TEMPUNAVAIL) == 0;
}

/* smtpd_xclient_hostname - a host name as NAME and REVERSE_NAME take it */

static bool smtpd_xclient_hostname(const char *value)
{
    size_t len = strlen(value);

    if (smtpd_xclient_unknown(value))
        return true;
    if (len == 0 || len > 255 || *value == '.' || *value == '-')
        return false;
    for (const char *cp = value; *cp; cp++)
        if (!isalnum((unsigned char)*cp) && *cp != '-' && *cp != '.' && *cp != '_')
            return false;
    return true;
}

/* smtpd_xclient_address - ADDR and DESTADDR: IPv4, or "IPv6:" and IPv6 */

static bool smtpd_xclient_address(const char *value)
{
    unsigned char bin[16];

    if (smtpd_xclient_unknown(value))
        return true;
    if (strncasecmp(value, "IPv6:", 5) == 0)
        return inet_pton(AF_INET6, value + 5, bin) == 1;
    return inet_pton(AF_INET, value, bin) == 1;
}

/* smtpd_xclient_port - PORT and DESTPORT: 0-65535 */

static bool smtpd_xclient_port(const char *value)
{
    size_t len = strlen(value);

    if (smtpd_xclient_unknown(value))
        return true;
    return len > 0 && len <= 5 && strspn(value, "0123456789") == len && atoi(value) <= 65535;
}

/* smtpd_xclient_proto - PROTO: SMTP or ESMTP */

static bool smtpd_xclient_proto(const char *value)
{
    return smtpd_xclient_unknown(value) || strcasecmp(value, "SMTP") == 0 ||
           strcasecmp(value, "ESMTP") == 0;
}

/* smtpd_xclient_text - HELO and LOGIN: printable, not empty */

static bool smtpd_xclient_text(const char *value)
{
    if (*value == 0 || strlen(value) > 255)
        return false;
    for (const unsigned char *cp = (const unsigned char *)value; *cp; cp++)
        if (*cp < 0x21 || *cp > 0x7e)
            return false;
    return true;
}

/* The attributes, in the order the EHLO reply names them. */
static const struct {
    const char *name;         /* attribute name */
    size_t offset;            /* its slot in SMTPD_XCLIENT */
    bool (*ok)(const char *); /* value syntax */
} smtpd_xclient_attrs[] = {
    {"NAME", offsetof(SMTPD_XCLIENT, name), smtpd_xclient_hostname},
    {"ADDR", offsetof(SMTPD_XCLIENT, addr), smtpd_xclient_address},
    {"PROTO", offsetof(SMTPD_XCLIENT, proto), smtpd_xclient_proto},
    {"HELO", offsetof(SMTPD_XCLIENT, helo), smtpd_xclient_text},
    {"REVERSE_NAME", offsetof(SMTPD_XCLIENT, reverse_name), smtpd_xclient_hostname},
    {"PORT", offsetof(SMTPD_XCLIENT, port), smtpd_xclient_port},
    {"LOGIN", offsetof(SMTPD_XCLIENT, login), smtpd_xclient_text},
    {"DESTADDR", offsetof(SMTPD_XCLIENT, destaddr), smtpd_xclient_address},
    {"DESTPORT", offsetof(SMTPD_XCLIENT, destport), smtpd_xclient_port},
};

#define SMTPD_XCLIENT_COUNT (sizeof(smtpd_xclient_attrs) / sizeof(smtpd_xclient_attrs[0]))

/* smtpd_xclient_slot - the string field of an attribute */

static char **smtpd_xclient_slot(SMTPD_XCLIENT *xclient, size_t i)
{
    return (char **)((char *)xclient + smtpd_xclient_attrs[i].offset);
}

/* smtpd_xclient_free - forget the values */

static void smtpd_xclient_free(SMTPD_XCLIENT *xclient)
{
    for (size_t i = 0; i < SMTPD_XCLIENT_COUNT; i++) {
        char **slot = smtpd_xclient_slot(xclient, i);

        myfree(*slot);
        *slot = NULL;
    }
}

/* smtpd_xclient_element - one "NAME=value" into next; -1 after a reply */

static int smtpd_xclient_element(SMTPD_STATE *state, SMTPD_XCLIENT *next, char *element)
{
    char *eq = strchr(element, '=');
    const char *value;
    size_t i;

    if (eq == NULL) {
        smtpd_reply(state, "501 5.5.4 Syntax: XCLIENT attribute=value");
        return -1;
    }
    *eq = 0;
    for (i = 0; i < SMTPD_XCLIENT_COUNT; i++)
        if (strcasecmp(element, smtpd_xclient_attrs[i].name) == 0)
            break;
    if (i == SMTPD_XCLIENT_COUNT) {
        smtpd_reply(state, "501 5.5.4 Bad XCLIENT attribute name: %.100s", element);
        return -1;
    }
    value = vstring_str(state->scratch);
    if (xtext_unquote(state->scratch, eq + 1, strlen(eq + 1)) != 0 ||
        memchr(value, 0, VSTRING_LEN(state->scratch)) != NULL ||
        !smtpd_xclient_attrs[i].ok(value)) {
        smtpd_reply(state, "501 5.5.4 Bad XCLIENT %s syntax: %.100s", smtpd_xclient_attrs[i].name,
                    eq + 1);
        return -1;
    }
    myfree(*smtpd_xclient_slot(next, i));
    *smtpd_xclient_slot(next, i) = mystrdup(value);
    return 0;
}

/* smtpd_xclient_parse - all attributes into next; -1 after a reply */

static int smtpd_xclient_parse(SMTPD_STATE *state, const char *args, SMTPD_XCLIENT *next)
{
    char *copy = mystrdup(args);
    char *cp = copy;
    char *element;
    int status = 0;

    while (status == 0 && (element = mystrtok(&cp, " \t")) != NULL)
        status = smtpd_xclient_element(state, next, element);
    myfree(copy);
    if (status < 0)
        smtpd_xclient_free(next);
    return status;
}

/* smtp_check_xclient - permission, state and syntax */

int smtp_check_xclient(SMTPD_STATE *state, char *args)
{
    SMTPD_XCLIENT next = {0};

    if (!state->xclient_ok) {
        smtpd_reply(state, "550 5.7.0 Error: insufficient authorization");
        return -1;
    }
    if (SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: MAIL transaction in progress");
        return -1;
    }
    if (*args == 0) {
        smtpd_reply(state, "501 5.5.4 Syntax: XCLIENT attribute=value");
        return -1;
    }
    if (smtpd_xclient_parse(state, args, &next) < 0)
        return -1;
    smtpd_xclient_free(&next);
    return 0;
}

/* smtpd_xclient_set - replace an owned string; "not known" gives unknown */

static void smtpd_xclient_set(char **field, const char *value, const char *unknown)
{
    myfree(*field);
    *field = mystrdup(smtpd_xclient_unknown(value) ? unknown : value);
}

/* smtpd_xclient_name_status - SMTPD_NAME_* of a NAME or REVERSE_NAME value */

static int smtpd_xclient_name_status(const char *value)
{
    if (strcasecmp(value, SMTPD_XCLIENT_TEMPUNAVAIL) == 0)
        return SMTPD_NAME_TEMP;
    if (strcasecmp(value, SMTPD_XCLIENT_UNAVAILABLE) == 0)
        return SMTPD_NAME_PERM;
    return SMTPD_NAME_OK;
}

/* smtpd_xclient_client - NAME, REVERSE_NAME, ADDR and PORT */

static void smtpd_xclient_client(SMTPD_STATE *state, const SMTPD_XCLIENT *next)
{
    const char *reverse = next->reverse_name ? next->reverse_name : next->name;

    if (next->name) {
        smtpd_xclient_set(&state->name, next->name, "unknown");
        lowercase(state->name);
        state->name_status = smtpd_xclient_name_status(next->name);
    }
    if (reverse) {
        smtpd_xclient_set(&state->reverse_name, reverse, "unknown");
        lowercase(state->reverse_name);
        state->reverse_status = smtpd_xclient_name_status(reverse);
    }
    if (next->addr) {
        bool v6 = strncasecmp(next->addr, "IPv6:", 5) == 0;

        smtpd_xclient_set(&state->addr, next->addr + (v6 ? 5 : 0), "unknown");
        myfree(state->rfc_addr);
        state->rfc_addr =
            v6 ? vstring_export(vstring_sprintf(vstring_alloc(64), "IPv6:%s", state->addr))
               : mystrdup(state->addr);
    }
    if (next->port)
        smtpd_xclient_set(&state->port, next->port, "unknown");
    if (next->destaddr) {
        bool v6 = strncasecmp(next->destaddr, "IPv6:", 5) == 0;

        smtpd_xclient_set(&state->local_addr, next->destaddr + (v6 ? 5 : 0), "");
    }
    if (next->destport)
        smtpd_xclient_set(&state->local_port, next->destport, "");
    smtpd_peer_namaddr(state);
}

/* smtpd_xclient_session - HELO, PROTO and LOGIN: the session starts again */

static void smtpd_xclient_session(SMTPD_STATE *state, const SMTPD_XCLIENT *next)
{
    smtpd_helo_reset(state);
    myfree(state->client_reject);
    state->client_reject = NULL;
    state->ehlo_discard = 0;
    if (next->helo && !smtpd_xclient_unknown(next->helo))
        state->helo_name = smtpd_text_helo(next->helo);
    if (next->proto && strcasecmp(next->proto, "ESMTP") == 0)
        state->protocol = "ESMTP";
    smtpd_sasl_reset(state);
    if (next->login && !smtpd_xclient_unknown(next->login)) {
        state->sasl_username =
            vstring_export(smtpd_text_printable(vstring_alloc(64), next->login, NULL));
        state->sasl_method = mystrdup("XCLIENT");
    }
    smtpd_set_protocol(state);
}

/* smtp_proceed_xclient - become the other client, and greet it */

int smtp_proceed_xclient(SMTPD_STATE *state, char *args)
{
    SMTPD_XCLIENT next = {0};

    /* The check step accepted the same text: this parse cannot fail. */
    if (smtpd_xclient_parse(state, args, &next) < 0)
        msg_panic("%s: attributes that the check accepted: %s", __func__, args);
    smtpd_mail_reset(state);
    smtpd_milter_end(state);
    smtpd_limits_disconnect(state);
    smtpd_xclient_client(state, &next);
    smtpd_xclient_session(state, &next);
    smtpd_xclient_free(&next);
    state->bare_lf_strict = !match_list_addr(state->cfg->bare_lf_exclusions, state->addr);
    if (smtpd_policy_connect(state) == 0 && smtpd_milter_connect(state) == 0)
        smtpd_reply(state, "220 %s", state->cfg->banner);
    return 0;
}
