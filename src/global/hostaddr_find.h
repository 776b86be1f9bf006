/*
 * hostaddr_find.h - look up a client IP address, then its shorter networks
 *
 * The access(5) order: "192.0.2.10", then "192.0.2", "192", "192"; for
 * IPv6, "2001:db8::1" then the text up to each earlier ':'.
 */
#ifndef HOSTADDR_FIND_H
#define HOSTADDR_FIND_H

#include "maps.h"

extern const char *hostaddr_find(MAPS *maps, const char *addr, const char **out_matched);

#endif
