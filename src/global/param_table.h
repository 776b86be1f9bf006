/*
 * param_table.h - the table of every main.cf parameter
 *
 * One PARAM_INFO per parameter: its main.cf name, its type, its default
 * (which may refer to other parameters as $name, ${name?value}, ...), the
 * bounds of a number and how a time value without unit is read. The table
 * is split by subject into param_table_core.c, param_table_queue.c,
 * param_table_smtpd.c, param_table_smtp.c and param_table_tls.c; the names
 * and defaults come from mail_params.h. Adding a parameter takes a
 * VAR_/DEF_ pair there and one PARAM_*() line here.
 *
 * Per-transport parameters (<transport>_destination_concurrency_limit and
 * friends) are not listed one by one: param_service_find() matches them by
 * suffix.
 */
#ifndef PARAM_TABLE_H
#define PARAM_TABLE_H

#include <stddef.h>

#include "mail_params.h"
#include "vstring.h"

typedef struct CONFIG CONFIG;

typedef enum PARAM_TYPE {
    PARAM_TYPE_STR,  /* any text */
    PARAM_TYPE_LIST, /* text read as a list: whitespace, commas, {} groups */
    PARAM_TYPE_INT,  /* decimal integer within [min, max] */
    PARAM_TYPE_BOOL, /* yes/no/true/false */
    PARAM_TYPE_TIME, /* number with optional unit s m h d w, in seconds */
    PARAM_TYPE_SIZE, /* byte count (a long) within [min, max] */
} PARAM_TYPE;

/* A value check returns NULL when the (expanded) value is fine, else what was expected. */
typedef const char *(*PARAM_CHECK_FN)(const char *value);

/*
 * A computed default: the result is mystrdup()ed, the caller owns it; NULL
 * with the reason in why when a parameter it reads does not expand.
 */
typedef char *(*PARAM_COMPUTE_FN)(CONFIG *config, VSTRING *why);

#define PARAM_FLAG_RAW           (1 << 0) /* the value is used unexpanded */
#define PARAM_FLAG_UNIMPLEMENTED (1 << 1) /* accepted, but no program reads it */

#define PARAM_IMPLEMENTED(info) (((info)->flags & PARAM_FLAG_UNIMPLEMENTED) == 0)

typedef struct PARAM_INFO {
    const char *name;         /* main.cf name */
    PARAM_TYPE type;          /* what the value must look like */
    const char *defval;       /* default, unexpanded; NULL when computed */
    long min;                 /* lower bound (int, time, size) */
    long max;                 /* upper bound, 0 for none */
    char unit;                /* time: unit of a bare number */
    int flags;                /* PARAM_FLAG_* */
    PARAM_CHECK_FN check;     /* extra check of the expanded value, or NULL */
    PARAM_COMPUTE_FN compute; /* computes the default when defval is NULL */
} PARAM_INFO;

/* Lookup and enumeration (param_table.c). */
extern const PARAM_INFO *param_table_find(const char *name);
extern const PARAM_INFO *const *param_table_sorted(size_t *out_count);
extern const char *param_type_name(PARAM_TYPE type);

/* Per-transport parameters (param_service.c). */
typedef struct PARAM_SERVICE_SUFFIX {
    PARAM_INFO info; /* info.name is the suffix after "<transport>_" */
    int pipe_only;   /* defined only for pipe(8)/spawn(8) services */
} PARAM_SERVICE_SUFFIX;

extern const PARAM_SERVICE_SUFFIX param_service_suffixes[];
extern const PARAM_SERVICE_SUFFIX *param_service_match(const char *name, size_t *out_prefix_len);
extern int param_service_is_agent(const char *command, int *out_pipe);

/* Value checks (param_check.c). */
extern const char *param_check_tls_loglevel(const char *value);
extern const char *param_check_tls_level(const char *value);
extern const char *param_check_cipher_grade(const char *value);
extern const char *param_check_mynetworks_style(const char *value);
extern const char *param_check_inet_protocols(const char *value);
extern const char *param_check_compatibility_level(const char *value);
extern const char *param_check_dane_mx_policy(const char *value);
extern const char *param_check_line_length_limit(const char *value);

/* Computed defaults (config_compute.c). */
extern char *param_compute_myhostname(CONFIG *config, VSTRING *why);
extern char *param_compute_mydomain(CONFIG *config, VSTRING *why);
extern char *param_compute_mynetworks(CONFIG *config, VSTRING *why);
extern char *param_compute_process_id(CONFIG *config, VSTRING *why);
extern char *param_compute_process_name(CONFIG *config, VSTRING *why);

/* The table parts, each ending with an entry whose name is NULL. */
extern const PARAM_INFO param_table_core[];
extern const PARAM_INFO param_table_queue[];
extern const PARAM_INFO param_table_smtpd[];
extern const PARAM_INFO param_table_smtp[];
extern const PARAM_INFO param_table_tls[];

/*
 * Entry builders for the table parts. PARAM_STR(N) and friends build the
 * entry of an implemented parameter; PARAM_UNIMPLEMENTED(STR, N) (or INT,
 * TIME, ... with the same arguments) builds the entry of a parameter that
 * is accepted for compatibility but read by no program of this version.
 * Implementing a parameter means reading it in a program and changing its
 * line from the second form to the first (tests/integration/param_usage.sh
 * checks that the two stay in step with the code).
 */
#define PARAM_UNIMPLEMENTED(KIND, ...) PARAM_##KIND##_F(PARAM_FLAG_UNIMPLEMENTED, __VA_ARGS__)
#define PARAM_STR(N)                   PARAM_STR_F(0, N)
#define PARAM_LIST(N)                  PARAM_LIST_F(0, N)
#define PARAM_BOOL(N)                  PARAM_BOOL_F(0, N)
#define PARAM_RAW(N)                   PARAM_RAW_F(0, N)
#define PARAM_INT(N, MIN, MAX)         PARAM_INT_F(0, N, MIN, MAX)
#define PARAM_SIZE(N, MIN, MAX)        PARAM_SIZE_F(0, N, MIN, MAX)
#define PARAM_TIME(N, UNIT, MIN, MAX)  PARAM_TIME_F(0, N, UNIT, MIN, MAX)
#define PARAM_CHECKED(N, FN)           PARAM_CHECKED_F(0, N, FN)
#define PARAM_COMPUTED(N, TYPE, FN)    PARAM_COMPUTED_F(0, N, TYPE, FN)

/* The same with PARAM_FLAG_* bits F. */
#define PARAM_STR_F(F, N) {.name = VAR_##N, .type = PARAM_TYPE_STR, .defval = DEF_##N, .flags = (F)}
#define PARAM_LIST_F(F, N)                                                                         \
    {.name = VAR_##N, .type = PARAM_TYPE_LIST, .defval = DEF_##N, .flags = (F)}
#define PARAM_BOOL_F(F, N)                                                                         \
    {.name = VAR_##N, .type = PARAM_TYPE_BOOL, .defval = DEF_##N, .flags = (F)}
#define PARAM_RAW_F(F, N) PARAM_STR_F(PARAM_FLAG_RAW | (F), N)
#define PARAM_INT_F(F, N, MIN, MAX)                                                                \
    {.name = VAR_##N,                                                                              \
     .type = PARAM_TYPE_INT,                                                                       \
     .defval = DEF_##N,                                                                            \
     .min = (MIN),                                                                                 \
     .max = (MAX),                                                                                 \
     .flags = (F)}
#define PARAM_SIZE_F(F, N, MIN, MAX)                                                               \
    {.name = VAR_##N,                                                                              \
     .type = PARAM_TYPE_SIZE,                                                                      \
     .defval = DEF_##N,                                                                            \
     .min = (MIN),                                                                                 \
     .max = (MAX),                                                                                 \
     .flags = (F)}
#define PARAM_TIME_F(F, N, UNIT, MIN, MAX)                                                         \
    {.name = VAR_##N,                                                                              \
     .type = PARAM_TYPE_TIME,                                                                      \
     .defval = DEF_##N,                                                                            \
     .unit = (UNIT),                                                                               \
     .min = (MIN),                                                                                 \
     .max = (MAX),                                                                                 \
     .flags = (F)}
#define PARAM_CHECKED_F(F, N, FN)                                                                  \
    {.name = VAR_##N, .type = PARAM_TYPE_STR, .defval = DEF_##N, .check = (FN), .flags = (F)}
#define PARAM_COMPUTED_F(F, N, TYPE, FN)                                                           \
    {.name = VAR_##N, .type = (TYPE), .compute = (FN), .flags = (F)}
/* A number within [MIN, MAX] that FN checks further. */
#define PARAM_INT_CHECKED(N, MIN, MAX, FN)                                                         \
    {.name = VAR_##N,                                                                              \
     .type = PARAM_TYPE_INT,                                                                       \
     .defval = DEF_##N,                                                                            \
     .min = (MIN),                                                                                 \
     .max = (MAX),                                                                                 \
     .check = (FN)}
#define PARAM_END {.name = NULL}

#endif
