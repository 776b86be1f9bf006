/*
 * smtpd_milter.h - the SMTP server's side of smtpd_milters
 */
#ifndef SMTPD_MILTER_H
#define SMTPD_MILTER_H

#include "milter.h"

#include "smtpd.h"

extern int smtpd_milter_connect(SMTPD_STATE *state);
extern int smtpd_milter_helo(SMTPD_STATE *state, const char *helo);
extern int smtpd_milter_mail(SMTPD_STATE *state);
extern int smtpd_milter_rcpt(SMTPD_STATE *state);
extern void smtpd_milter_rcpt_rejected(SMTPD_STATE *state, const char *reply);
extern int smtpd_milter_data(SMTPD_STATE *state);
extern int smtpd_milter_unknown(SMTPD_STATE *state, const char *line);
extern int smtpd_milter_message(SMTPD_STATE *state);
extern void smtpd_milter_abort(SMTPD_STATE *state);
extern void smtpd_milter_end(SMTPD_STATE *state);

/* smtpd_milter_macro.c */
extern const char *smtpd_milter_macro(const char *name, void *context);

/* smtpd_milter_checks.c */
extern MILTER_HEADER_VERDICT smtpd_milter_header_check(void *context, const char *field,
                                                       VSTRING *replacement);

#define SMTPD_MILTERS_ACTIVE(s) ((s)->milters != NULL)

#endif
