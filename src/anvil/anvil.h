/*
 * anvil.h - the parts of anvil(8)
 *
 * anvil.c runs the daemon: it reads requests (anvil_client.h has the
 * protocol), remembers which client connection registered which
 * connections, and logs the statistics. anvil_table.c does the counting
 * itself, with the time passed in, so that a test can drive it.
 */
#ifndef ANVIL_H
#define ANVIL_H

#include <stddef.h>
#include <time.h>

#include "anvil_client.h"

/* The kinds of rated events. */
typedef enum ANVIL_EVENT {
    ANVIL_EVENT_CONNECT,   /* connections */
    ANVIL_EVENT_MESSAGE,   /* MAIL FROM */
    ANVIL_EVENT_RECIPIENT, /* RCPT TO */
    ANVIL_EVENT_NEWTLS,    /* full TLS handshakes */
    ANVIL_EVENT_AUTH,      /* AUTH commands */
    ANVIL_EVENT_COUNT,     /* number of kinds */
} ANVIL_EVENT;

typedef struct ANVIL_TABLE ANVIL_TABLE;

/* Receives one statistics line (without "statistics: "). */
typedef void (*ANVIL_REPORT_FN)(const char *line, void *context);

/* anvil_table.c */
extern ANVIL_TABLE *anvil_table_create(int time_unit);
extern ANVIL_TABLE *anvil_table_free(ANVIL_TABLE *table);
extern void anvil_table_connect(ANVIL_TABLE *table, const char *ident, time_t now, int *out_count,
                                int *out_rate);
extern void anvil_table_disconnect(ANVIL_TABLE *table, const char *ident, time_t now);
extern int anvil_table_event(ANVIL_TABLE *table, const char *ident, ANVIL_EVENT kind, time_t now);
extern int anvil_table_rate(ANVIL_TABLE *table, const char *ident, ANVIL_EVENT kind, time_t now);
extern void anvil_table_lookup(ANVIL_TABLE *table, const char *ident, time_t now,
                               ANVIL_COUNTS *out_counts);
extern void anvil_table_expire(ANVIL_TABLE *table, time_t now);
extern size_t anvil_table_size(const ANVIL_TABLE *table);
extern void anvil_table_report(ANVIL_TABLE *table, ANVIL_REPORT_FN report, void *context);

#endif
