/*
 * readlline.h - read logical lines of a configuration or table file
 *
 * A logical line starts with non-blank text; lines that start with white
 * space continue it. Empty lines, blank lines and comment lines (first
 * non-blank character '#') are skipped, also in the middle of a logical
 * line.
 */
#ifndef READLLINE_H
#define READLLINE_H

#include <stdio.h>

#include "vstring.h"

extern int readlline(VSTRING *buf, FILE *fp, const char *path, int *lineno, int *first_line);

#endif
