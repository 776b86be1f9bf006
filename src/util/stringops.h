/*
 * stringops.h - small in-place string operations
 */
#ifndef STRINGOPS_H
#define STRINGOPS_H

#define BLANKS " \t\r\n"

extern char *mystrtok(char **bufp, const char *delim);
extern char *mystrtok_braced(char **bufp, const char *delim);
extern const char *strip_braces(char **strp);
extern char *trim_blanks(char *str);
extern char *lowercase(char *str);
extern char *uppercase(char *str);
extern const char *split_nameval(char *buf, char **out_name, char **out_value);
extern int alldig(const char *str);

#endif
