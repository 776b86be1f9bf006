/*
 * dict_mem.h - read-only in-memory tables, for table types that load text
 */
#ifndef DICT_MEM_H
#define DICT_MEM_H

#include "dict.h"

extern DICT *dict_mem_create(const char *type, const char *name, int open_flags, int dict_flags);
extern void dict_mem_add(DICT *dict, const char *key, const char *value, int line);
extern DICT *dict_mem_finish(DICT *dict, const char *origin);

#endif
