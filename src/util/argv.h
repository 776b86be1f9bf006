/*
 * argv.h - growable, null-terminated string arrays
 */
#ifndef ARGV_H
#define ARGV_H

#include <stddef.h>

typedef struct ARGV {
    char **argv; /* strings, owned, argv[argc] == NULL */
    size_t argc; /* strings in use */
    size_t size; /* slots allocated */
} ARGV;

extern ARGV *argv_alloc(size_t initial_size);
extern ARGV *argv_free(ARGV *ap);
extern void argv_add(ARGV *ap, const char *str);
extern void argv_addn(ARGV *ap, const char *str, size_t len);
extern void argv_insert(ARGV *ap, size_t where, const char *str);
extern void argv_delete(ARGV *ap, size_t where);
extern void argv_truncate(ARGV *ap, size_t argc);
extern ARGV *argv_split(const char *str, const char *delim);
extern ARGV *argv_split_append(ARGV *ap, const char *str, const char *delim);
extern char *argv_join(const ARGV *ap, const char *sep);

#endif
