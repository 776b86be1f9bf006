/*
 * mail_date.h - dates in the form of RFC 5322 (Date: headers, Received: lines)
 */
#ifndef MAIL_DATE_H
#define MAIL_DATE_H

#include <time.h>

#include "vstring.h"

extern const char *mail_date(VSTRING *buf, time_t when);

#endif
