/*
 * header_addr.h - rewrite the addresses in an address header, in place
 *
 * "To: Alice <alice@a.example>, bob@b.example (Bob)" becomes "To: Alice
 * <alice@x.example>, bob@y.example (Bob)": each address of the list is
 * handed to the caller in internal form (local part unquoted) and its
 * replacement put where it was; display names, comments, groups and the
 * folding of the header stay as they were.
 */
#ifndef HEADER_ADDR_H
#define HEADER_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "vstring.h"

/* Rewrite one address; true with the new address (internal form) in out. */
typedef bool (*HEADER_ADDR_FN)(void *context, const char *address, VSTRING *out);

/* header_addr_class() results. */
#define HEADER_ADDR_NONE      0 /* not an address header */
#define HEADER_ADDR_SENDER    1 /* From:, Sender:, Reply-To:, Errors-To:, ... */
#define HEADER_ADDR_RECIPIENT 2 /* To:, Cc:, Bcc:, Apparently-To:, ... */

extern int header_addr_class(const char *header, size_t len);
extern bool header_addr_rewrite(VSTRING *out, const char *header, size_t len, HEADER_ADDR_FN fn,
                                void *context);

#endif
