/*++
 * NAME
 *	mymalloc - memory allocation that either succeeds or does not return
 * SYNOPSIS
 *	#include <mymalloc.h>
 *
 *	void	*mymalloc(size_t len);
 *	void	*mycalloc(size_t count, size_t size);
 *	void	*myrealloc(void *ptr, size_t len);
 *	void	myfree(void *ptr);
 *	char	*mystrdup(const char *str);
 *	char	*mystrndup(const char *str, size_t len);
 *	void	*mymemdup(const void *ptr, size_t len);
 * DESCRIPTION
 *	These wrap the C library allocator. Callers never check for NULL:
 *	running out of memory is a fatal error inside the allocator.
 *
 *	mystrndup() copies at most len bytes and always terminates the copy.
 *	mymemdup() copies len bytes and appends a null byte that is not
 *	counted in len, so binary data can also be used as a string.
 * DIAGNOSTICS
 *	Fatal: out of memory. Panic: a size that overflows.
 *--*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"

/* mymalloc - allocate memory or die */

void *mymalloc(size_t len)
{
    void *ptr = malloc(len ? len : 1);

    if (ptr == NULL)
        msg_fatal("%s: insufficient memory for %zu bytes: %m", __func__, len);
    return ptr;
}

/* mycalloc - allocate zeroed memory or die */

void *mycalloc(size_t count, size_t size)
{
    void *ptr;

    if (size && count > SIZE_MAX / size)
        msg_panic("%s: size overflow: %zu * %zu", __func__, count, size);
    ptr = calloc(count ? count : 1, size ? size : 1);
    if (ptr == NULL)
        msg_fatal("%s: insufficient memory for %zu * %zu bytes: %m", __func__, count, size);
    return ptr;
}

/* myrealloc - resize memory or die */

void *myrealloc(void *ptr, size_t len)
{
    void *new_ptr = realloc(ptr, len ? len : 1);

    if (new_ptr == NULL)
        msg_fatal("%s: insufficient memory for %zu bytes: %m", __func__, len);
    return new_ptr;
}

/* myfree - release memory */

void myfree(void *ptr)
{
    free(ptr);
}

/* mystrdup - copy a string */

char *mystrdup(const char *str)
{
    return mymemdup(str, strlen(str));
}

/* mystrndup - copy at most len bytes of a string */

char *mystrndup(const char *str, size_t len)
{
    const char *end = memchr(str, 0, len);

    return mymemdup(str, end ? (size_t)(end - str) : len);
}

/* mymemdup - copy bytes and terminate them */

void *mymemdup(const void *ptr, size_t len)
{
    char *copy;

    if (len == SIZE_MAX)
        msg_panic("%s: size overflow", __func__);
    copy = mymalloc(len + 1);
    memcpy(copy, ptr, len);
    copy[len] = 0;
    return copy;
}
