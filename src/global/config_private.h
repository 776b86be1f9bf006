/*
 * config_private.h - what the config*.c modules share about a CONFIG
 *
 * Not for use outside config.c, config_expand.c, config_check.c and
 * config_compute.c.
 */
#ifndef CONFIG_PRIVATE_H
#define CONFIG_PRIVATE_H

#include "argv.h"
#include "htable.h"
#include "config.h"
#include "param_table.h"
#include "vstring.h"

/* One name=value pair in one layer. */
typedef struct CONFIG_ENTRY {
    char *name;   /* owned */
    char *value;  /* owned, unexpanded (or expanded, in the cache layer) */
    char *origin; /* owned: file name or override text, may be NULL */
    int line;     /* line in origin, 0 when not from a file */
} CONFIG_ENTRY;

/* A layer: names to entries, remembering insertion order. */
typedef struct CONFIG_TABLE {
    HTABLE *index;        /* owned, NULL until the first entry: name to entry */
    CONFIG_ENTRY **order; /* owned: the entries, in first-set order */
    size_t count;         /* entries in use */
    size_t size;          /* slots in order */
} CONFIG_TABLE;

struct CONFIG {
    char *config_dir;      /* owned: the directory of main.cf */
    char *main_cf_path;    /* owned: DIR/main.cf */
    CONFIG_TABLE main_cf;  /* main.cf settings */
    CONFIG_TABLE runtime;  /* set by the program itself */
    CONFIG_TABLE override; /* -o settings */
    CONFIG_TABLE computed; /* computed defaults, once computed */
    CONFIG_TABLE cache;    /* expanded values handed out */
    char **retired;        /* owned: expanded values from before a change */
    size_t retired_count;  /* entries in retired */
    size_t retired_size;   /* slots in retired */
    ARGV *services;        /* owned: master.cf service names with per-transport names */
    ARGV *expanding;       /* owned: names being expanded, for loop detection */
    ARGV *computing;       /* owned: computed defaults being computed (also in expanding) */
};

/* Layers (config.c). */
extern CONFIG_ENTRY *config_table_find(const CONFIG_TABLE *table, const char *name);
extern CONFIG_ENTRY *config_table_set(CONFIG_TABLE *table, const char *name, const char *value,
                                      const char *origin, int line);
extern void config_table_clear(CONFIG_TABLE *table);

/*
 * The unexpanded value in effect, with its table entry (config.c): NULL when
 * the name is defined nowhere, or when its default cannot be computed, and
 * then the reason is in why (which may be NULL; it is reset first).
 */
extern const char *config_raw_value(CONFIG *config, const char *name, const PARAM_INFO **out_info,
                                    CONFIG_SOURCE *out_source, const CONFIG_ENTRY **out_entry,
                                    VSTRING *why);
extern int config_in_argv(const ARGV *stack, const char *name);
extern const PARAM_INFO *config_param_info(const char *name);
extern const char *config_explicit_value(CONFIG *config, const char *name);
extern void config_where(CONFIG *config, const char *name, VSTRING *out);

/* Expansion (config_expand.c). */
extern const char *config_value_expanded(CONFIG *config, const char *name, VSTRING *why);

#endif
