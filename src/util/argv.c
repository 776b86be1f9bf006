/*++
 * NAME
 *	argv - growable, null-terminated string arrays
 * SYNOPSIS
 *	#include <argv.h>
 *
 *	ARGV	*argv_alloc(size_t initial_size);
 *	ARGV	*argv_free(ARGV *ap);
 *	void	argv_add(ARGV *ap, const char *str);
 *	void	argv_addn(ARGV *ap, const char *str, size_t len);
 *	void	argv_insert(ARGV *ap, size_t where, const char *str);
 *	void	argv_delete(ARGV *ap, size_t where);
 *	void	argv_truncate(ARGV *ap, size_t argc);
 *	ARGV	*argv_split(const char *str, const char *delim);
 *	ARGV	*argv_split_append(ARGV *ap, const char *str, const char *delim);
 *	char	*argv_join(const ARGV *ap, const char *sep);
 * DESCRIPTION
 *	An ARGV owns copies of its strings and keeps argv[argc] == NULL, so
 *	ap->argv can be passed to execv().
 *
 *	argv_add() appends a copy of str; argv_addn() of at most len bytes.
 *	argv_insert() inserts a copy before index where (0..argc).
 *	argv_delete() removes one string. argv_truncate() drops the strings
 *	from index argc on.
 *
 *	argv_split() breaks str into tokens separated by any of the bytes in
 *	delim, skipping empty tokens. argv_split_append() adds to ap.
 *
 *	argv_join() returns a mymalloc()ed string of the elements joined by sep.
 *--*/

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* argv_alloc - create an empty array */

ARGV *argv_alloc(size_t initial_size)
{
    ARGV *ap = mymalloc(sizeof(*ap));

    ap->size = initial_size < 4 ? 4 : initial_size;
    ap->argv = mymalloc((ap->size + 1) * sizeof(char *));
    ap->argc = 0;
    ap->argv[0] = NULL;
    return ap;
}

/* argv_free - destroy an array and its strings */

ARGV *argv_free(ARGV *ap)
{
    if (ap) {
        for (size_t i = 0; i < ap->argc; i++)
            myfree(ap->argv[i]);
        myfree(ap->argv);
        myfree(ap);
    }
    return NULL;
}

/* argv_grow - make room for one more string */

static void argv_grow(ARGV *ap)
{
    if (ap->argc < ap->size)
        return;
    ap->size *= 2;
    ap->argv = myrealloc(ap->argv, (ap->size + 1) * sizeof(char *));
}

/* argv_add - append a copy */

void argv_add(ARGV *ap, const char *str)
{
    argv_insert(ap, ap->argc, str);
}

/* argv_addn - append a copy of at most len bytes */

void argv_addn(ARGV *ap, const char *str, size_t len)
{
    argv_grow(ap);
    ap->argv[ap->argc++] = mystrndup(str, len);
    ap->argv[ap->argc] = NULL;
}

/* argv_insert - insert a copy before index where */

void argv_insert(ARGV *ap, size_t where, const char *str)
{
    if (where > ap->argc)
        msg_panic("%s: bad index %zu (argc %zu)", __func__, where, ap->argc);
    argv_grow(ap);
    memmove(ap->argv + where + 1, ap->argv + where, (ap->argc - where + 1) * sizeof(char *));
    ap->argv[where] = mystrdup(str);
    ap->argc++;
}

/* argv_delete - remove one string */

void argv_delete(ARGV *ap, size_t where)
{
    if (where >= ap->argc)
        msg_panic("%s: bad index %zu (argc %zu)", __func__, where, ap->argc);
    myfree(ap->argv[where]);
    memmove(ap->argv + where, ap->argv + where + 1, (ap->argc - where) * sizeof(char *));
    ap->argc--;
}

/* argv_truncate - drop strings from index argc on */

void argv_truncate(ARGV *ap, size_t argc)
{
    while (ap->argc > argc)
        myfree(ap->argv[--ap->argc]);
    ap->argv[ap->argc] = NULL;
}

/* argv_split_append - add the tokens of a string */

ARGV *argv_split_append(ARGV *ap, const char *str, const char *delim)
{
    const char *cp = str;

    for (;;) {
        size_t len;

        cp += strspn(cp, delim);
        if (*cp == 0)
            break;
        len = strcspn(cp, delim);
        argv_addn(ap, cp, len);
        cp += len;
    }
    return ap;
}

/* argv_split - break a string into tokens */

ARGV *argv_split(const char *str, const char *delim)
{
    return argv_split_append(argv_alloc(4), str, delim);
}

/* argv_join - join the strings with a separator */

char *argv_join(const ARGV *ap, const char *sep)
{
    VSTRING *buf = vstring_alloc(64);

    for (size_t i = 0; i < ap->argc; i++) {
        if (i > 0)
            vstring_strcat(buf, sep);
        vstring_strcat(buf, ap->argv[i]);
    }
    return vstring_export(buf);
}
