/*
 * record.h - typed, length-counted records on a VSTREAM
 *
 * The record types and their order in a queue file are in rec_type.h.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>

#include "rec_type.h"
#include "vstream.h"
#include "vstring.h"

extern int rec_put(VSTREAM *stream, int type, const char *data, size_t len);
extern int rec_fputs(VSTREAM *stream, int type, const char *str);
extern int rec_fprintf(VSTREAM *stream, int type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern int rec_get(VSTREAM *stream, VSTRING *buf, size_t limit, const char **out_why);
extern size_t rec_size(size_t len);
extern const char *rec_fields_format(VSTRING *buf, int count, const long long *values);
extern int rec_fields_parse(const char *data, size_t len, int count, long long *out_values);
extern size_t rec_fields_len(int count);
extern const char *rec_type_name(int type);
extern int rec_type_ok(int type);

#endif
