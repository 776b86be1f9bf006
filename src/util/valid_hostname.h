/*
 * valid_hostname.h - the syntax of host names and address literals
 *
 * What SMTP accepts as a host name (HELO, ETRN, a fast flush site) and as
 * an address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]").
 */
#ifndef VALID_HOSTNAME_H
#define VALID_HOSTNAME_H

#include <stdbool.h>

#define VALID_HOSTNAME_LEN 255 /* bytes in a host name */
#define VALID_LABEL_LEN    63  /* bytes in one label */

extern bool valid_hostname(const char *name);
extern bool valid_hostaddr(const char *text);
extern bool valid_hostliteral(const char *text);

#endif
