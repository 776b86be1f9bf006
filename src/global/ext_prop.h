/*
 * ext_prop.h - propagate_unmatched_extensions as bits
 *
 * Which tables copy an address extension that the lookup did not match
 * ("user+foo" found as "user") onto their result: canonical(5) and
 * virtual(5) in cleanup, aliases(5), .forward and :include: in local(8),
 * generic(5) in smtp(8) and lmtp(8).
 */
#ifndef EXT_PROP_H
#define EXT_PROP_H

#define EXT_PROP_CANONICAL (1 << 0) /* canonical_maps and friends */
#define EXT_PROP_VIRTUAL   (1 << 1) /* virtual_alias_maps */
#define EXT_PROP_ALIAS     (1 << 2) /* alias_maps */
#define EXT_PROP_FORWARD   (1 << 3) /* .forward files */
#define EXT_PROP_INCLUDE   (1 << 4) /* :include: files */
#define EXT_PROP_GENERIC   (1 << 5) /* smtp_generic_maps, lmtp_generic_maps */

extern int ext_prop_mask(const char *value);

#endif
