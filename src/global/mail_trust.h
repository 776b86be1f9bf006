/*
 * mail_trust.h - may a set-group-ID program use this configuration?
 *
 * sendmail and postdrop run with the setgid_group privilege; they must
 * not let an ordinary user pick the configuration (and so the queue).
 */
#ifndef MAIL_TRUST_H
#define MAIL_TRUST_H

extern void mail_trust_config(const char *config_dir, const char *program);

#endif
