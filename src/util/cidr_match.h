/*
 * cidr_match.h - IPv4 and IPv6 network patterns ("192.0.2.0/24", "[2001:db8::]/32")
 */
#ifndef CIDR_MATCH_H
#define CIDR_MATCH_H

#include "vstring.h"

#define CIDR_MATCH_ADDR_MAX 16 /* bytes in an IPv6 address */

typedef struct CIDR_MATCH {
    int family;                              /* AF_INET or AF_INET6 */
    int addr_len;                            /* 4 or 16 */
    int mask_bits;                           /* prefix length */
    unsigned char net[CIDR_MATCH_ADDR_MAX];  /* network, host bits zero */
    unsigned char mask[CIDR_MATCH_ADDR_MAX]; /* netmask */
} CIDR_MATCH;

extern int cidr_match_parse(CIDR_MATCH *out, const char *pattern, VSTRING *why);
extern int cidr_match_addr(const CIDR_MATCH *net, const char *addr);
extern int cidr_match_text_to_addr(const char *text, unsigned char *out_addr, int *out_family);

#endif
