/*
 * tls_facts.h - protocol, cipher, key exchange and signature facts of a
 * completed handshake, for the summary line and the Received: header
 */
#ifndef TLS_FACTS_H
#define TLS_FACTS_H

#include "tls.h"

extern void tls_facts_collect(TLS_SESS_STATE *state);

#endif
