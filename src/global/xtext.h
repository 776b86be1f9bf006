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

/* DSN parameters (RFC 3461): checks where they enter, canonical form on output. */
#define XTEXT_ENVID_MAX 100 /* ENVID: at most 100 characters */
#define XTEXT_ORCPT_MAX 500 /* ORCPT: at most 500 characters */

extern const char *xtext_envid_check(const char *text, size_t len);
extern const char *xtext_orcpt_check(const char *text, size_t len);
extern VSTRING *xtext_requote(VSTRING *out, const char *text, size_t len);
extern VSTRING *xtext_orcpt_requote(VSTRING *out, const char *orcpt);

#endif
