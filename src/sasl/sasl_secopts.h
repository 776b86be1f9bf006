/*
 * sasl_secopts.h - SASL security options (smtpd_sasl_security_options and
 * friends) as a bit mask, for every back end and both roles
 */
#ifndef SASL_SECOPTS_H
#define SASL_SECOPTS_H

#define SASL_SECOPT_NOPLAINTEXT     (1 << 0) /* no mechanism that sends the password as it is */
#define SASL_SECOPT_NOACTIVE        (1 << 1) /* no mechanism open to active (non-dictionary) attack */
#define SASL_SECOPT_NODICTIONARY    (1 << 2) /* no mechanism open to passive dictionary attack */
#define SASL_SECOPT_NOANONYMOUS     (1 << 3) /* no anonymous login */
#define SASL_SECOPT_MUTUAL_AUTH     (1 << 4) /* only mechanisms that authenticate the server too */
#define SASL_SECOPT_FORWARD_SECRECY (1 << 5) /* only mechanisms with forward secrecy */

extern int sasl_secopts_parse(const char *text, int *mask, const char **bad_word);
extern const char *sasl_secopts_names(void);

#endif
