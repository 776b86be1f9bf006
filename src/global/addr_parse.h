/*
 * addr_parse.h - addresses in RFC 5322 address lists (To:, Cc:, Bcc:, From:)
 *
 * Display names, comments, quoted strings, groups, angle addresses and
 * source routes are understood; what comes out is each address alone, in
 * its external form: "local@domain", the local part quoted only when it
 * must be.
 */
#ifndef ADDR_PARSE_H
#define ADDR_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstring.h"

extern int addr_parse_list(const char *text, size_t len, ARGV *out, VSTRING *why);
extern const char *addr_quote_local(VSTRING *buf, const char *local, size_t len);
extern bool addr_dot_atom_ok(const char *text, size_t len);
extern bool addr_has_control(const char *text, size_t len);

#endif
