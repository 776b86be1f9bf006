/*
 * smtpd_actions.h - access-table actions on the whole message
 *
 * HOLD, DISCARD, FILTER, REDIRECT, BCC and PREPEND results of the
 * restrictions are remembered for the mail transaction and handed to
 * cleanup with the message (smtpd_actions.c).
 */
#ifndef SMTPD_ACTIONS_H
#define SMTPD_ACTIONS_H

#include <stdbool.h>

#include "argv.h"

/* What the restrictions asked for this transaction. */
typedef struct SMTPD_ACTIONS {
    bool hold;      /* HOLD: into the hold queue */
    bool discard;   /* DISCARD: accept and drop */
    char *filter;   /* FILTER transport:destination (the last wins), owned, or NULL */
    char *redirect; /* REDIRECT address (the last wins), owned, or NULL */
    ARGV *bcc;      /* BCC addresses, owned, or NULL */
    ARGV *prepend;  /* PREPEND headers, owned, or NULL */
} SMTPD_ACTIONS;

#endif
