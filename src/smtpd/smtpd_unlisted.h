/*
 * smtpd_unlisted.h - refuse unlisted senders and recipients at RCPT
 *
 * smtpd_reject_unlisted_recipient and smtpd_reject_unlisted_sender:
 * after the restriction lists have let a recipient through, the address
 * must be listed in the table of its address class (rcpt_maps.h).
 * smtpd_config.c has smtpd_unlisted_config.c bind the settings; the RCPT
 * and MAIL decisions (smtpd_policy.c) call the checks.
 */
#ifndef SMTPD_UNLISTED_H
#define SMTPD_UNLISTED_H

#include "config.h"

struct SMTPD_CONFIG;
struct SMTPD_STATE;

/* smtpd_unlisted_config.c */
extern void smtpd_unlisted_config(struct SMTPD_CONFIG *cfg, CONFIG *config);
extern void smtpd_unlisted_free(struct SMTPD_CONFIG *cfg);

/* smtpd_unlisted.c */
extern int smtpd_unlisted_sender(struct SMTPD_STATE *state, const char *sender);
extern int smtpd_unlisted_recipient(struct SMTPD_STATE *state, const char *recipient);
extern int smtpd_unlisted_syntax(struct SMTPD_STATE *state, const char *address);
extern void smtpd_unlisted_illegal(struct SMTPD_STATE *state, const char *args,
                                   const char *keyword);

#endif
