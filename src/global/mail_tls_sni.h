/*
 * mail_tls_sni.h - tls_server_sni_maps for the TLS servers (smtpd, tlsproxy)
 */
#ifndef MAIL_TLS_SNI_H
#define MAIL_TLS_SNI_H

#include "maps.h"

extern MAPS *mail_tls_sni_open(const char *map_names);
extern const char *mail_tls_sni_lookup(void *context, const char *name, int *error);

#endif
