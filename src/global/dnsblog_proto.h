/*
 * dnsblog_proto.h - the protocol between postscreen(8) and dnsblog(8)
 *
 * One request per connection to private/dnsblog (dnsblog_service_name):
 * postscreen sends the DNSBL zone, the client address and its own
 * request id; dnsblog looks up the A records of the listing and answers
 * with the same three attributes, the records found (space-separated,
 * empty when not listed or on a lookup error) and their lowest TTL, then
 * closes the connection. Bump DNSBLOG_PROTO_VERSION when this changes.
 */
#ifndef DNSBLOG_PROTO_H
#define DNSBLOG_PROTO_H

#define DNSBLOG_PROTO_VERSION 1 /* sent as DNSBLOG_ATTR_VERSION */

#define DNSBLOG_ATTR_VERSION "version"        /* int: DNSBLOG_PROTO_VERSION */
#define DNSBLOG_ATTR_DOMAIN  "rbl_domain"     /* str: the DNSBL zone */
#define DNSBLOG_ATTR_ADDR    "client_address" /* str: the client address */
#define DNSBLOG_ATTR_ID      "request_id"     /* int: the sender's label */
#define DNSBLOG_ATTR_RESULT  "rbl_address"    /* str: A records of the listing, space-separated */
#define DNSBLOG_ATTR_TTL     "ttl"            /* int: their lowest TTL, seconds; -1 without */

#endif
