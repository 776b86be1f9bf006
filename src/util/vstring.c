/*++
 * NAME
 *	vstring - growable, length-counted, binary-safe strings
 * SYNOPSIS
 *	#include <vstring.h>
 *
 *	VSTRING	*vstring_alloc(size_t initial_size);
 *	VSTRING	*vstring_free(VSTRING *vp);
 *	void	vstring_space(VSTRING *vp, size_t more);
 *	VSTRING	*vstring_strcpy(VSTRING *vp, const char *str);
 *	VSTRING	*vstring_strncpy(VSTRING *vp, const char *str, size_t len);
 *	VSTRING	*vstring_strcat(VSTRING *vp, const char *str);
 *	VSTRING	*vstring_strncat(VSTRING *vp, const char *str, size_t len);
 *	VSTRING	*vstring_memcpy(VSTRING *vp, const void *data, size_t len);
 *	VSTRING	*vstring_memcat(VSTRING *vp, const void *data, size_t len);
 *	VSTRING	*vstring_addch(VSTRING *vp, int ch);
 *	VSTRING	*vstring_truncate(VSTRING *vp, size_t len);
 *	VSTRING	*vstring_sprintf(VSTRING *vp, const char *fmt, ...);
 *	VSTRING	*vstring_sprintf_append(VSTRING *vp, const char *fmt, ...);
 *	VSTRING	*vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap);
 *	char	*vstring_export(VSTRING *vp);
 *	VSTRING	*vstring_import(char *str);
 *
 *	char	*vstring_str(VSTRING *vp);
 *	size_t	VSTRING_LEN(VSTRING *vp);
 *	char	*vstring_end(VSTRING *vp);
 *	VSTRING	*VSTRING_RESET(VSTRING *vp);
 *	int	vstring_empty(VSTRING *vp);
 * DESCRIPTION
 *	A VSTRING holds bytes and a count, grows as needed, and keeps a null
 *	byte after the last counted byte. The functions that modify a string
 *	return it, so calls can be nested.
 *
 *	vstring_free() releases the string and returns NULL, so that
 *	"vp = vstring_free(vp)" frees and clears in one step.
 *
 *	vstring_space() makes room for at least more bytes beyond the
 *	current length.
 *
 *	The strcpy/strcat/memcpy/memcat family replace or append; the "n"
 *	variants copy at most len bytes and stop at a null byte.
 *
 *	vstring_truncate() shortens the string to len bytes (a larger len
 *	is ignored).
 *
 *	vstring_sprintf() formats into the string; _append() adds to it.
 *
 *	vstring_export() destroys the VSTRING and hands its buffer to the
 *	caller, who frees it with myfree(). vstring_import() adopts a
 *	mymalloc()ed string without copying it.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* vstring_alloc - create an empty string */

VSTRING *vstring_alloc(size_t initial_size)
{
    VSTRING *vp = mymalloc(sizeof(*vp));

    vp->size = initial_size < 16 ? 16 : initial_size + 1;
    vp->data = mymalloc(vp->size);
    vp->len = 0;
    vp->data[0] = 0;
    return vp;
}

/* vstring_free - destroy a string */

VSTRING *vstring_free(VSTRING *vp)
{
    if (vp) {
        myfree(vp->data);
        myfree(vp);
    }
    return NULL;
}

/* vstring_space - make room for more bytes and a terminator */

void vstring_space(VSTRING *vp, size_t more)
{
    size_t need;

    if (more > SIZE_MAX - vp->len - 1)
        msg_panic("%s: length overflow", __func__);
    need = vp->len + more + 1;
    if (need <= vp->size)
        return;
    while (vp->size < need)
        vp->size = vp->size > SIZE_MAX / 2 ? need : vp->size * 2;
    vp->data = myrealloc(vp->data, vp->size);
}

/* vstring_memcat - append bytes */

VSTRING *vstring_memcat(VSTRING *vp, const void *data, size_t len)
{
    vstring_space(vp, len);
    if (len)
        memmove(vp->data + vp->len, data, len);
    vp->len += len;
    vp->data[vp->len] = 0;
    return vp;
}

/* vstring_memcpy - replace with bytes */

VSTRING *vstring_memcpy(VSTRING *vp, const void *data, size_t len)
{
    vp->len = 0;
    return vstring_memcat(vp, data, len);
}

/* vstring_strcpy - replace with a string */

VSTRING *vstring_strcpy(VSTRING *vp, const char *str)
{
    return vstring_memcpy(vp, str, strlen(str));
}

/* vstring_strncpy - replace with at most len bytes of a string */

VSTRING *vstring_strncpy(VSTRING *vp, const char *str, size_t len)
{
    const char *end = memchr(str, 0, len);

    return vstring_memcpy(vp, str, end ? (size_t)(end - str) : len);
}

/* vstring_strcat - append a string */

VSTRING *vstring_strcat(VSTRING *vp, const char *str)
{
    return vstring_memcat(vp, str, strlen(str));
}

/* vstring_strncat - append at most len bytes of a string */

VSTRING *vstring_strncat(VSTRING *vp, const char *str, size_t len)
{
    const char *end = memchr(str, 0, len);

    return vstring_memcat(vp, str, end ? (size_t)(end - str) : len);
}

/* vstring_addch - append one byte */

VSTRING *vstring_addch(VSTRING *vp, int ch)
{
    char c = (char)ch;

    return vstring_memcat(vp, &c, 1);
}

/* vstring_truncate - shorten a string */

VSTRING *vstring_truncate(VSTRING *vp, size_t len)
{
    if (len < vp->len) {
        vp->len = len;
        vp->data[len] = 0;
    }
    return vp;
}

/* vstring_vsprintf_append - format and append */

VSTRING *vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap)
{
    int saved_errno = errno; /* for %m in the second pass */
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(vp->data + vp->len, vp->size - vp->len, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        msg_panic("%s: bad format \"%s\"", __func__, fmt);
    if ((size_t)n >= vp->size - vp->len) {
        vstring_space(vp, n);
        errno = saved_errno;
        vsnprintf(vp->data + vp->len, vp->size - vp->len, fmt, ap);
    }
    vp->len += n;
    return vp;
}

/* vstring_sprintf - format into a string */

VSTRING *vstring_sprintf(VSTRING *vp, const char *fmt, ...)
{
    va_list ap;

    vp->len = 0;
    va_start(ap, fmt);
    vstring_vsprintf_append(vp, fmt, ap);
    va_end(ap);
    return vp;
}

/* vstring_sprintf_append - format and append */

VSTRING *vstring_sprintf_append(VSTRING *vp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf_append(vp, fmt, ap);
    va_end(ap);
    return vp;
}

/* vstring_export - hand the buffer to the caller */

char *vstring_export(VSTRING *vp)
{
    char *data = vp->data;

    myfree(vp);
    return data;
}

/* vstring_import - adopt an allocated string */

VSTRING *vstring_import(char *str)
{
    VSTRING *vp = mymalloc(sizeof(*vp));

    vp->data = str;
    vp->len = strlen(str);
    vp->size = vp->len + 1;
    return vp;
}
