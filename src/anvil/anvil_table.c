/*++
 * NAME
 *	anvil_table - connection counts and event rates per ident
 * SYNOPSIS
 *	#include "anvil.h"
 *
 *	ANVIL_TABLE *anvil_table_create(int time_unit);
 *	ANVIL_TABLE *anvil_table_free(ANVIL_TABLE *table);
 *	void	anvil_table_connect(ANVIL_TABLE *table, const char *ident,
 *				time_t now, int *out_count, int *out_rate);
 *	void	anvil_table_disconnect(ANVIL_TABLE *table, const char *ident,
 *				time_t now);
 *	int	anvil_table_event(ANVIL_TABLE *table, const char *ident,
 *				ANVIL_EVENT kind, time_t now);
 *	int	anvil_table_rate(ANVIL_TABLE *table, const char *ident,
 *				ANVIL_EVENT kind, time_t now);
 *	void	anvil_table_lookup(ANVIL_TABLE *table, const char *ident,
 *				time_t now, ANVIL_COUNTS *out_counts);
 *	void	anvil_table_expire(ANVIL_TABLE *table, time_t now);
 *	size_t	anvil_table_size(const ANVIL_TABLE *table);
 *	void	anvil_table_report(ANVIL_TABLE *table, ANVIL_REPORT_FN report,
 *				void *context);
 * DESCRIPTION
 *	An ANVIL_TABLE keeps, per ident ("service:address"), the number of
 *	connections open now and, for each ANVIL_EVENT kind, the number of
 *	events in the current window. A window opens with the first event
 *	of an ident and lasts time_unit seconds (anvil_rate_time_unit); the
 *	first event after it opens a new window with every rate at zero.
 *	now is the caller's clock, in seconds.
 *
 *	anvil_table_connect() counts a connection (open now, and one
 *	connection event) and returns both numbers. anvil_table_disconnect()
 *	counts one connection fewer; it never goes below zero.
 *	anvil_table_event() counts one event of kind and returns the rate,
 *	this one included; anvil_table_rate() returns it without counting
 *	(and without creating an entry). anvil_table_lookup() returns
 *	everything (zeros for an unknown ident).
 *
 *	anvil_table_expire() drops the idents that have no connection open
 *	and whose window has ended; anvil(8) calls it now and then so that
 *	memory follows the clients of the last time_unit.
 *	anvil_table_size() is the number of idents held.
 *
 *	The table also keeps, since the last report, the largest connection
 *	count, the largest rate of each kind and the largest table size,
 *	each with its ident and time. anvil_table_report() passes each one
 *	that is not zero to report as one line, in the words that log
 *	analysers know: "max connection rate 5/60s for (smtp:192.0.2.1) at
 *	Dec  7 10:00:00", "max connection count 5 for (...) at ...",
 *	"max message rate", "max recipient rate", "max newtls rate", "max
 *	auth rate", "max cache size 3 at ..."; then it forgets them.
 * SEE ALSO
 *	anvil(8)
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* Application-specific. */
#include "anvil.h"

/* One ident. */
typedef struct ANVIL_ENTRY {
    int count;                    /* connections open now */
    time_t start;                 /* when the current window opened */
    int rates[ANVIL_EVENT_COUNT]; /* events in the current window */
} ANVIL_ENTRY;

/* A maximum since the last report. */
typedef struct ANVIL_MAX {
    int value;   /* 0: nothing to report */
    char *ident; /* owned, or NULL */
    time_t when; /* when it was reached */
} ANVIL_MAX;

struct ANVIL_TABLE {
    HTABLE *entries;                       /* ident -> ANVIL_ENTRY, owned */
    int time_unit;                         /* window length, seconds */
    ANVIL_MAX max_count;                   /* connections open at once */
    ANVIL_MAX max_rate[ANVIL_EVENT_COUNT]; /* per kind */
    ANVIL_MAX max_size;                    /* idents held */
};

/* The words of the statistics lines, by kind. */
static const char *const anvil_event_names[ANVIL_EVENT_COUNT] = {
    [ANVIL_EVENT_CONNECT] = "connection",  [ANVIL_EVENT_MESSAGE] = "message",
    [ANVIL_EVENT_RECIPIENT] = "recipient", [ANVIL_EVENT_NEWTLS] = "newtls",
    [ANVIL_EVENT_AUTH] = "auth",
};

/* anvil_max_update - remember a new maximum */

static void anvil_max_update(ANVIL_MAX *max, int value, const char *ident, time_t now)
{
    if (value <= max->value)
        return;
    max->value = value;
    max->when = now;
    if (ident && (max->ident == NULL || strcmp(max->ident, ident) != 0)) {
        myfree(max->ident);
        max->ident = mystrdup(ident);
    }
}

/* anvil_window - restart the window when it has ended */

static void anvil_window(ANVIL_TABLE *table, ANVIL_ENTRY *entry, time_t now)
{
    if (now - entry->start >= table->time_unit || now < entry->start) {
        memset(entry->rates, 0, sizeof(entry->rates));
        entry->start = now;
    }
}

/* anvil_entry - an ident's entry, made when missing */

static ANVIL_ENTRY *anvil_entry(ANVIL_TABLE *table, const char *ident, time_t now)
{
    ANVIL_ENTRY *entry;

    if ((entry = htable_find(table->entries, ident)) == NULL) {
        entry = mycalloc(1, sizeof(*entry));
        entry->start = now;
        htable_enter(table->entries, ident, entry);
        anvil_max_update(&table->max_size, (int)htable_used(table->entries), NULL, now);
    } else {
        anvil_window(table, entry, now);
    }
    return entry;
}

/* anvil_table_create - an empty table */

ANVIL_TABLE *anvil_table_create(int time_unit)
{
    ANVIL_TABLE *table = mycalloc(1, sizeof(*table));

    if (time_unit <= 0)
        msg_panic("%s: bad time unit %d", __func__, time_unit);
    table->entries = htable_create(100);
    table->time_unit = time_unit;
    return table;
}

/* anvil_table_free - release everything */

ANVIL_TABLE *anvil_table_free(ANVIL_TABLE *table)
{
    htable_free(table->entries, myfree);
    myfree(table->max_count.ident);
    for (int i = 0; i < ANVIL_EVENT_COUNT; i++)
        myfree(table->max_rate[i].ident);
    myfree(table);
    return NULL;
}

/* anvil_table_connect - one more connection */

void anvil_table_connect(ANVIL_TABLE *table, const char *ident, time_t now, int *out_count,
                         int *out_rate)
{
    ANVIL_ENTRY *entry = anvil_entry(table, ident, now);

    entry->count++;
    anvil_max_update(&table->max_count, entry->count, ident, now);
    *out_count = entry->count;
    *out_rate = anvil_table_event(table, ident, ANVIL_EVENT_CONNECT, now);
}

/* anvil_table_disconnect - one connection fewer */

void anvil_table_disconnect(ANVIL_TABLE *table, const char *ident, time_t now)
{
    ANVIL_ENTRY *entry = htable_find(table->entries, ident);

    if (entry && entry->count > 0)
        entry->count--;
}

/* anvil_table_event - count one event, return the rate */

int anvil_table_event(ANVIL_TABLE *table, const char *ident, ANVIL_EVENT kind, time_t now)
{
    ANVIL_ENTRY *entry;

    if ((int)kind < 0 || kind >= ANVIL_EVENT_COUNT)
        msg_panic("%s: bad event kind %d", __func__, (int)kind);
    entry = anvil_entry(table, ident, now);
    entry->rates[kind]++;
    anvil_max_update(&table->max_rate[kind], entry->rates[kind], ident, now);
    return entry->rates[kind];
}

/* anvil_table_rate - the rate, not counting */

int anvil_table_rate(ANVIL_TABLE *table, const char *ident, ANVIL_EVENT kind, time_t now)
{
    ANVIL_ENTRY *entry;

    if ((int)kind < 0 || kind >= ANVIL_EVENT_COUNT)
        msg_panic("%s: bad event kind %d", __func__, (int)kind);
    if ((entry = htable_find(table->entries, ident)) == NULL)
        return 0;
    anvil_window(table, entry, now);
    return entry->rates[kind];
}

/* anvil_table_lookup - everything about an ident */

void anvil_table_lookup(ANVIL_TABLE *table, const char *ident, time_t now, ANVIL_COUNTS *out_counts)
{
    ANVIL_ENTRY *entry = htable_find(table->entries, ident);

    memset(out_counts, 0, sizeof(*out_counts));
    if (entry == NULL)
        return;
    anvil_window(table, entry, now);
    out_counts->count = entry->count;
    out_counts->conn_rate = entry->rates[ANVIL_EVENT_CONNECT];
    out_counts->mail_rate = entry->rates[ANVIL_EVENT_MESSAGE];
    out_counts->rcpt_rate = entry->rates[ANVIL_EVENT_RECIPIENT];
    out_counts->newtls_rate = entry->rates[ANVIL_EVENT_NEWTLS];
    out_counts->auth_rate = entry->rates[ANVIL_EVENT_AUTH];
}

/* anvil_table_expire - drop idle idents whose window has ended */

void anvil_table_expire(ANVIL_TABLE *table, time_t now)
{
    HTABLE_INFO **list = htable_list(table->entries);

    for (HTABLE_INFO **ht = list; *ht; ht++) {
        ANVIL_ENTRY *entry = (*ht)->value;

        if (entry->count == 0 && now - entry->start >= table->time_unit)
            htable_delete(table->entries, (*ht)->key, myfree);
    }
    myfree(list);
}

/* anvil_table_size - idents held */

size_t anvil_table_size(const ANVIL_TABLE *table)
{
    return htable_used(table->entries);
}

/* anvil_report_time - "Dec  7 10:00:00" */

static const char *anvil_report_time(time_t when, char *buf, size_t len)
{
    struct tm tm;

    if (localtime_r(&when, &tm) == NULL || strftime(buf, len, "%b %e %H:%M:%S", &tm) == 0)
        snprintf(buf, len, "%ld", (long)when);
    return buf;
}

/* anvil_table_report - the maxima since the last report, then forget them */

void anvil_table_report(ANVIL_TABLE *table, ANVIL_REPORT_FN report, void *context)
{
    char line[ANVIL_IDENT_MAX + 100], when[40];

    for (int i = 0; i < ANVIL_EVENT_COUNT; i++) {
        ANVIL_MAX *max = &table->max_rate[i];

        if (max->value > 0) {
            snprintf(line, sizeof(line), "max %s rate %d/%ds for (%s) at %s", anvil_event_names[i],
                     max->value, table->time_unit, max->ident,
                     anvil_report_time(max->when, when, sizeof(when)));
            report(line, context);
            max->value = 0;
        }
        /* The connection count follows the connection rate, as Postfix logs them. */
        if (i == ANVIL_EVENT_CONNECT && table->max_count.value > 0) {
            snprintf(line, sizeof(line), "max connection count %d for (%s) at %s",
                     table->max_count.value, table->max_count.ident,
                     anvil_report_time(table->max_count.when, when, sizeof(when)));
            report(line, context);
            table->max_count.value = 0;
        }
    }
    if (table->max_size.value > 0) {
        snprintf(line, sizeof(line), "max cache size %d at %s", table->max_size.value,
                 anvil_report_time(table->max_size.when, when, sizeof(when)));
        report(line, context);
        table->max_size.value = 0;
    }
}
