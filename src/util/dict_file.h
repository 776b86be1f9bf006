/*
 * dict_file.h - helpers for tables built from text: entry syntax, file values
 */
#ifndef DICT_FILE_H
#define DICT_FILE_H

#include "vstring.h"

extern const char *dict_entry_split(char *line, char **out_key, char **out_value);
extern int dict_file_to_b64(VSTRING *out, const char *filenames, VSTRING *why);

#endif
