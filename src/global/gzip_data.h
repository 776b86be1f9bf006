/*
 * gzip_data.h - gzip (RFC 1952) compression of a buffer with zlib
 *
 * The only module that calls zlib. A program that uses it links
 * $(ZLIB_LIBS) (Makefile.in, LIBS_<program>).
 */
#ifndef GZIP_DATA_H
#define GZIP_DATA_H

#include <stddef.h>

#include "vstring.h"

extern int gzip_data(const void *data, size_t len, VSTRING *out, VSTRING *why);

#endif
