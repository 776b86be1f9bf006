/*
 * sasl_cyrus_flags.h - our SASL security-option mask as Cyrus SASL flags,
 * for the Cyrus client and server back ends
 */
#ifndef SASL_CYRUS_FLAGS_H
#define SASL_CYRUS_FLAGS_H

extern unsigned sasl_cyrus_flags(int mask);

#endif
