/*
 * vstring.h - growable, length-counted, binary-safe strings
 *
 * The buffer always has a null byte after the last counted byte, so
 * vstring_str() is a valid C string for text content.
 */
#ifndef VSTRING_H
#define VSTRING_H

#include <stdarg.h>
#include <stddef.h>

typedef struct VSTRING {
    char *data;  /* buffer, owned */
    size_t len;  /* bytes in use, excluding the terminator */
    size_t size; /* bytes allocated, including room for the terminator */
} VSTRING;

extern VSTRING *vstring_alloc(size_t initial_size);
extern VSTRING *vstring_free(VSTRING *vp);
extern void vstring_space(VSTRING *vp, size_t more);
extern VSTRING *vstring_strcpy(VSTRING *vp, const char *str);
extern VSTRING *vstring_strncpy(VSTRING *vp, const char *str, size_t len);
extern VSTRING *vstring_strcat(VSTRING *vp, const char *str);
extern VSTRING *vstring_strncat(VSTRING *vp, const char *str, size_t len);
extern VSTRING *vstring_memcpy(VSTRING *vp, const void *data, size_t len);
extern VSTRING *vstring_memcat(VSTRING *vp, const void *data, size_t len);
extern VSTRING *vstring_addch(VSTRING *vp, int ch);
extern VSTRING *vstring_truncate(VSTRING *vp, size_t len);
extern VSTRING *vstring_sprintf(VSTRING *vp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern VSTRING *vstring_sprintf_append(VSTRING *vp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern VSTRING *vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
extern char *vstring_export(VSTRING *vp);
extern VSTRING *vstring_import(char *str);

#define vstring_str(vp)   ((vp)->data)
#define VSTRING_LEN(vp)   ((vp)->len)
#define vstring_end(vp)   ((vp)->data + (vp)->len)
#define VSTRING_RESET(vp) vstring_truncate((vp), 0)
#define vstring_empty(vp) ((vp)->len == 0)

#endif
