/*
 * sasl_cyrus_common.h - what the Cyrus SASL client and server back ends
 * share: security flags, the log callback, the callback cast
 */
#ifndef SASL_CYRUS_COMMON_H
#define SASL_CYRUS_COMMON_H

/*
 * The library stores every callback as int (*)(void); a cast through
 * void (*)(void) converts a real callback silently.
 */
typedef int (*SASL_CYRUS_CALLBACK_FN)(void);

#define SASL_CYRUS_CALLBACK(fn) ((SASL_CYRUS_CALLBACK_FN)(void (*)(void))(fn))

extern unsigned sasl_cyrus_flags(int mask);
extern int sasl_cyrus_log(void *context, int level, const char *message);

#endif
