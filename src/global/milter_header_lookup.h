/*
 * milter_header_lookup.h - look a milter's header field up in milter_header_checks
 *
 * smtpd(8) and cleanup(8) both judge the header fields that milters add,
 * insert or change; this is the lookup and its failures that they share.
 */
#ifndef MILTER_HEADER_LOOKUP_H
#define MILTER_HEADER_LOOKUP_H

#include "maps.h"
#include "vstring.h"

extern int milter_header_lookup(MAPS *maps, const char *queue_id, const char *field,
                                const char **value, VSTRING *reply);

#endif
