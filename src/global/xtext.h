/*
 * xtext.h - RFC 3461 xtext encoding
 *
 * Printable ASCII other than '+', '=' and space stays as it is; every
 * other byte becomes "+HH" (upper-case hex). Used for DSN ORCPT and ENVID
 * and for the fields of the per-message status logs.
 */
#ifndef XTEXT_H
#define XTEXT_H

#include <stddef.h>

#include "vstring.h"

extern VSTRING *xtext_quote_append(VSTRING *out, const char *data, size_t len);
extern VSTRING *xtext_quote(VSTRING *out, const char *data, size_t len);
extern int xtext_unquote(VSTRING *out, const char *text, size_t len);

#endif
