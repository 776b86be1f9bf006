/*
 * proxy_proto.h - the HAProxy PROXY protocol, versions 1 and 2 (server side)
 *
 * A load balancer in front of postscreen(8) or smtpd(8) sends one header
 * before the client's first byte, naming the original client and server
 * addresses. proxy_proto_parse() reads it from the start of a buffer.
 */
#ifndef PROXY_PROTO_H
#define PROXY_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define PROXY_PROTO_V1_MAX 107 /* bytes in a version 1 header, CRLF included */
#define PROXY_PROTO_V2_MAX 536 /* bytes of a version 2 header that we accept */

typedef struct PROXY_PROTO_INFO {
    int version;          /* 1 or 2 */
    bool local;           /* no addresses: LOCAL (v2) or UNKNOWN (v1); use the socket's */
    char client_addr[64]; /* numeric client address */
    char client_port[8];  /* decimal client port */
    char server_addr[64]; /* numeric server address */
    char server_port[8];  /* decimal server port */
} PROXY_PROTO_INFO;

extern int proxy_proto_parse(const char *buf, size_t len, PROXY_PROTO_INFO *out,
                             const char **out_why);

#endif
