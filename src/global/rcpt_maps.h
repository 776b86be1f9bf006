/*
 * rcpt_maps.h - is an address one of ours that exists? (unlisted addresses)
 *
 * The test behind smtpd_reject_unlisted_recipient,
 * smtpd_reject_unlisted_sender, reject_unlisted_recipient and
 * reject_unlisted_sender: the address is given its class by the resolver
 * (resolve_rcpt.h) and looked up in that class's table:
 *
 *	local		local_recipient_maps (when not empty)
 *	virtual alias	virtual_alias_maps
 *	virtual mailbox	virtual_mailbox_maps (when not empty)
 *	relay		relay_recipient_maps (when not empty)
 *	default		never unknown
 *
 * An address that canonical_maps, recipient_canonical_maps (or, for a
 * sender, sender_canonical_maps) or virtual_alias_maps list is known
 * whatever its class; one that resolves to the error transport
 * (relocated_maps) is refused with the transport's text. The refusal is a
 * complete SMTP reply, as Postfix's smtpd words it:
 *
 *	550 5.1.1 <a@example.com>: Recipient address rejected: User unknown
 *	in virtual mailbox table
 */
#ifndef RCPT_MAPS_H
#define RCPT_MAPS_H

#include <stdbool.h>

#include "config.h"
#include "mail_params.h"
#include "resolve_rcpt.h"
#include "vstring.h"

typedef struct RCPT_MAPS RCPT_MAPS;

/* main.cf values, borrowed during rcpt_maps_create(). */
typedef struct RCPT_MAPS_SETTINGS {
    RESOLVE_SETTINGS resolve;             /* the address classes */
    const char *local_recipient_maps;     /* local_recipient_maps */
    const char *virtual_alias_maps;       /* virtual_alias_maps */
    const char *virtual_mailbox_maps;     /* virtual_mailbox_maps */
    const char *relay_recipient_maps;     /* relay_recipient_maps */
    const char *canonical_maps;           /* canonical_maps */
    const char *sender_canonical_maps;    /* sender_canonical_maps */
    const char *recipient_canonical_maps; /* recipient_canonical_maps */
    const char *double_bounce_sender;     /* double_bounce_sender, always known */
    int local_code;                       /* unknown_local_recipient_reject_code */
    int virtual_mailbox_code;             /* unknown_virtual_mailbox_reject_code */
    int virtual_alias_code;               /* unknown_virtual_alias_reject_code */
    int relay_code;                       /* unknown_relay_recipient_reject_code */
    bool reject_unlisted_recipient;       /* smtpd_reject_unlisted_recipient */
    bool reject_unlisted_sender;          /* smtpd_reject_unlisted_sender */
} RCPT_MAPS_SETTINGS;

/* The CONFIG_BIND entries of every RCPT_MAPS_SETTINGS field (P points to one). */
#define RCPT_MAPS_SETTINGS_BIND(P)                                                                 \
    RESOLVE_SETTINGS_BIND(&(P)->resolve),                                                          \
        CONFIG_BIND_STR(VAR_LOCAL_RECIPIENT_MAPS, &(P)->local_recipient_maps),                     \
        CONFIG_BIND_STR(VAR_VIRTUAL_ALIAS_MAPS, &(P)->virtual_alias_maps),                         \
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_MAPS, &(P)->virtual_mailbox_maps),                     \
        CONFIG_BIND_STR(VAR_RELAY_RECIPIENT_MAPS, &(P)->relay_recipient_maps),                     \
        CONFIG_BIND_STR(VAR_CANONICAL_MAPS, &(P)->canonical_maps),                                 \
        CONFIG_BIND_STR(VAR_SENDER_CANONICAL_MAPS, &(P)->sender_canonical_maps),                   \
        CONFIG_BIND_STR(VAR_RECIPIENT_CANONICAL_MAPS, &(P)->recipient_canonical_maps),             \
        CONFIG_BIND_STR(VAR_DOUBLE_BOUNCE_SENDER, &(P)->double_bounce_sender),                     \
        CONFIG_BIND_INT(VAR_UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE, &(P)->local_code),                \
        CONFIG_BIND_INT(VAR_UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE, &(P)->virtual_mailbox_code),      \
        CONFIG_BIND_INT(VAR_UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE, &(P)->virtual_alias_code),          \
        CONFIG_BIND_INT(VAR_UNKNOWN_RELAY_RECIPIENT_REJECT_CODE, &(P)->relay_code),                \
        CONFIG_BIND_BOOL(VAR_SMTPD_REJECT_UNLISTED_RECIPIENT, &(P)->reject_unlisted_recipient),    \
        CONFIG_BIND_BOOL(VAR_SMTPD_REJECT_UNLISTED_SENDER, &(P)->reject_unlisted_sender)

/* Whose address is checked. */
typedef enum RCPT_MAPS_ROLE {
    RCPT_MAPS_SENDER,    /* "Sender address rejected" */
    RCPT_MAPS_RECIPIENT, /* "Recipient address rejected" */
} RCPT_MAPS_ROLE;

/* rcpt_maps_check() results. */
#define RCPT_MAPS_KNOWN   0 /* listed, or not ours to judge */
#define RCPT_MAPS_UNKNOWN 1 /* unlisted: reply holds the 4xx/5xx refusal */
#define RCPT_MAPS_RETRY   2 /* a lookup failed: reply holds "451 4.3.0 ..." */

extern RCPT_MAPS *rcpt_maps_create(const RCPT_MAPS_SETTINGS *settings, VSTRING *why);
extern bool rcpt_maps_implicit(const RCPT_MAPS *maps, RCPT_MAPS_ROLE role);
extern int rcpt_maps_check(RCPT_MAPS *maps, RCPT_MAPS_ROLE role, const char *sender,
                           const char *address, VSTRING *reply);
extern int rcpt_maps_resolve(RCPT_MAPS *maps, const char *sender, const char *address,
                             VSTRING *transport, VSTRING *nexthop);
extern bool rcpt_maps_syntax_ok(RCPT_MAPS *maps, const char *sender, const char *address);
extern RCPT_MAPS *rcpt_maps_free(RCPT_MAPS *maps);

#endif
