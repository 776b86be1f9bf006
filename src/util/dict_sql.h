/*
 * dict_sql.h - what the SQL table types share: .cf files, query and
 * result expansion, the domain filter, result lists
 */
#ifndef DICT_SQL_H
#define DICT_SQL_H

#include <stddef.h>

#include "vstring.h"

typedef struct DICT_SQL_CF DICT_SQL_CF;
typedef struct DICT_SQL_DOMAIN DICT_SQL_DOMAIN;

/* Appends key to out, quoted for a string literal of the database. */
typedef void (*DICT_SQL_QUOTE_FN)(VSTRING *out, const char *key, void *context);

/* The parts of a query that a table's settings name. */
typedef struct DICT_SQL_QUERY {
    char *query;             /* query template; owned */
    char *result_format;     /* result_format; owned */
    int expansion_limit;     /* 0: no limit */
    DICT_SQL_DOMAIN *domain; /* domain filter, or NULL; owned */
} DICT_SQL_QUERY;

/* Results of dict_sql_expand(). */
#define DICT_SQL_EXPANDED   1 /* out holds the text */
#define DICT_SQL_SUPPRESSED 0 /* the key lacks a part that the template needs */

extern DICT_SQL_CF *dict_sql_cf_read(const char *path, VSTRING *why);
extern const char *dict_sql_cf_get(const DICT_SQL_CF *cf, const char *name, const char *defval);
extern int dict_sql_cf_int(const DICT_SQL_CF *cf, const char *name, int defval, VSTRING *why);
extern void dict_sql_cf_set(DICT_SQL_CF *cf, const char *name, const char *value);
extern void dict_sql_cf_free(DICT_SQL_CF *cf);
extern void dict_sql_host_order(const char *const *hosts, size_t count, size_t *order);

extern int dict_sql_query_init(DICT_SQL_QUERY *q, const DICT_SQL_CF *cf, VSTRING *why);
extern void dict_sql_query_free(DICT_SQL_QUERY *q);
extern int dict_sql_template_ok(const char *template, int is_query, VSTRING *why);
extern int dict_sql_expand(VSTRING *out, const char *template, const char *key, const char *value,
                           DICT_SQL_QUOTE_FN quote, void *context);
extern int dict_sql_key_ok(const DICT_SQL_QUERY *q, const char *key, VSTRING *why);
extern int dict_sql_result_add(const DICT_SQL_QUERY *q, VSTRING *result, int *count,
                               const char *key, const char *value, VSTRING *why);

#endif
