/*
 * smtpd_cmd.h - the SMTP server commands, as the command table sees them
 *
 * Every command has a check step (syntax and protocol state: it may
 * reply and return -1) and, for most, a proceed step (policy and action).
 * Both take the session and the argument text after the verb and return
 * 0 or -1; -1 counts as an error of the client.
 */
#ifndef SMTPD_CMD_H
#define SMTPD_CMD_H

#include "smtpd.h"

typedef int (*SMTPD_CMD_FN)(SMTPD_STATE *state, char *args);

/* smtpd_helo.c */
extern int smtp_check_helo(SMTPD_STATE *state, char *args);
extern int smtp_proceed_helo(SMTPD_STATE *state, char *args);
extern int smtp_proceed_ehlo(SMTPD_STATE *state, char *args);

/* smtpd_mail.c */
extern int smtp_check_mail(SMTPD_STATE *state, char *args);
extern int smtp_proceed_mail(SMTPD_STATE *state, char *args);

/* smtpd_rcpt.c */
extern int smtp_check_rcpt(SMTPD_STATE *state, char *args);
extern int smtp_proceed_rcpt(SMTPD_STATE *state, char *args);

/* smtpd_data.c */
extern int smtp_check_data(SMTPD_STATE *state, char *args);
extern int smtp_proceed_data(SMTPD_STATE *state, char *args);

/* smtpd_starttls.c */
extern int smtp_check_starttls(SMTPD_STATE *state, char *args);
extern int smtp_proceed_starttls(SMTPD_STATE *state, char *args);
extern int smtpd_starttls_wrapper(SMTPD_STATE *state);
extern bool smtpd_starttls_offered(const SMTPD_STATE *state);
extern bool smtpd_starttls_required(const SMTPD_STATE *state);

/* smtpd_simple.c */
extern int smtp_check_no_args(SMTPD_STATE *state, char *args);
extern int smtp_proceed_rset(SMTPD_STATE *state, char *args);
extern int smtp_proceed_noop(SMTPD_STATE *state, char *args);
extern int smtp_proceed_quit(SMTPD_STATE *state, char *args);
extern int smtp_check_vrfy(SMTPD_STATE *state, char *args);
extern int smtp_proceed_vrfy(SMTPD_STATE *state, char *args);

/* smtpd_etrn.c */
extern int smtp_check_etrn(SMTPD_STATE *state, char *args);
extern int smtp_proceed_etrn(SMTPD_STATE *state, char *args);

/* smtpd_sasl.c */
extern int smtp_check_auth(SMTPD_STATE *state, char *args);
extern int smtp_proceed_auth(SMTPD_STATE *state, char *args);

/* smtpd_xforward.c */
extern int smtp_check_xforward(SMTPD_STATE *state, char *args);
extern int smtp_proceed_xforward(SMTPD_STATE *state, char *args);
extern void smtpd_xforward_reset(SMTPD_XFORWARD *xforward);
extern const char *smtpd_xforward_name(const SMTPD_STATE *state);
extern const char *smtpd_xforward_addr(const SMTPD_STATE *state);
extern const char *smtpd_xforward_helo(const SMTPD_STATE *state);

/* smtpd_xclient.c */
extern int smtp_check_xclient(SMTPD_STATE *state, char *args);
extern int smtp_proceed_xclient(SMTPD_STATE *state, char *args);

/* smtpd_policy.c */
extern int smtpd_policy_connect(SMTPD_STATE *state);
extern int smtpd_policy_helo(SMTPD_STATE *state, const char *helo);
extern int smtpd_policy_mail(SMTPD_STATE *state);
extern int smtpd_policy_rcpt(SMTPD_STATE *state, const char *rcpt);
extern int smtpd_policy_data(SMTPD_STATE *state);
extern int smtpd_policy_eod(SMTPD_STATE *state, long size);
extern int smtpd_policy_etrn(SMTPD_STATE *state, const char *domain);

#endif
