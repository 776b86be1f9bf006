/*
 * smtpd_sasl.h - SMTP AUTH (RFC 4954) in the SMTP server
 *
 * The SASL back end (sasl_server.h) starts once per process, from
 * smtpd_config_init(), before privileges are dropped; each session makes
 * its SASL_SERVER when it first needs one and frees it when the login
 * must be forgotten (STARTTLS, the end of the session, a failed AUTH).
 * The AUTH command and the EHLO keyword are in smtpd_cmd.h.
 */
#ifndef SMTPD_SASL_H
#define SMTPD_SASL_H

#include <stdbool.h>

#include "argv.h"

#include "smtpd.h"
#include "smtpd_config.h"

/* Seconds for one exchange with the back end (a Dovecot auth server). */
#define SMTPD_SASL_TIMEOUT 10

extern void smtpd_sasl_init(SMTPD_CONFIG *cfg);
extern void smtpd_sasl_done(SMTPD_CONFIG *cfg);
extern bool smtpd_sasl_enabled(const SMTPD_STATE *state);
extern void smtpd_sasl_ehlo(SMTPD_STATE *state, ARGV *lines);
extern int smtpd_sasl_mail_opt(SMTPD_STATE *state, const char *value);
extern void smtpd_sasl_reset(SMTPD_STATE *state);

#endif
