/*++
 * NAME
 *	tlsrpt_spool - the TLSRPT collector's records on disk
 * SYNOPSIS
 *	#include "tlsrpt_spool.h"
 *
 *	time_t	tlsrpt_spool_period(time_t when, int interval);
 *	void	tlsrpt_spool_name(VSTRING *out, time_t period_start);
 *	int	tlsrpt_spool_parse_name(const char *name, time_t *out_start);
 *	void	tlsrpt_spool_format(VSTRING *out, time_t when,
 *				const TLSRPT_RECORD *record);
 *	int	tlsrpt_spool_read(const char *path, TLSRPT_SPOOL_FN fn,
 *				void *context);
 *	long long tlsrpt_spool_repair(int fd, const char *path);
 * DESCRIPTION
 *	tlsrpt_spool_period() returns the start of the report period of
 *	interval seconds that holds the time when.
 *
 *	tlsrpt_spool_name() writes the file name of the period that starts
 *	at period_start ("YYYYMMDDTHHMMSSZ", UTC) into out.
 *	tlsrpt_spool_parse_name() reads such a name (alone, or followed by
 *	".report") back; it returns 0, or -1 for any other name.
 *
 *	tlsrpt_spool_format() writes one record, received at the time
 *	when, as a spool line with its newline into out.
 *
 *	tlsrpt_spool_read() calls fn for each well-formed line of the file
 *	path. It returns the number of lines it could not read (a line
 *	cut short by a crash, say; each is skipped with a warning), or -1
 *	when the file cannot be opened.
 *
 *	tlsrpt_spool_repair() cuts a last line without its newline (a
 *	write that a crash or a full disk cut short: that record was never
 *	acknowledged) off the end of the spool file open on fd (path names
 *	it in the warning), so that the next record appended starts a line
 *	of its own instead of being glued to the remains. It returns the
 *	number of bytes removed (0: the file ends with a whole line), or -1
 *	after an I/O error (logged).
 * DIAGNOSTICS
 *	Warnings: a malformed line, a record cut short, an I/O error.
 * SEE ALSO
 *	tlsrpt(8), posttlsrpt(1), xtext(3)
 *--*/

/* System library. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "tlsrpt_spool.h"
#include "xtext.h"

#define TLSRPT_SPOOL_FIELDS 11 /* time and the ten record fields */

/* tlsrpt_spool_period - the start of the period that holds when */

time_t tlsrpt_spool_period(time_t when, int interval)
{
    if (interval <= 0)
        msg_panic("%s: bad interval %d", __func__, interval);
    return when - when % interval;
}

/* tlsrpt_spool_name - the file name of a period */

void tlsrpt_spool_name(VSTRING *out, time_t period_start)
{
    struct tm tm;
    char buf[32];

    gmtime_r(&period_start, &tm);
    strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    vstring_strcpy(out, buf);
}

/* tlsrpt_spool_parse_name - a period file name back to its start */

int tlsrpt_spool_parse_name(const char *name, time_t *out_start)
{
    struct tm tm = {0};
    const char *end;

    if (strlen(name) < TLSRPT_SPOOL_NAME_LEN)
        return -1;
    end = name + TLSRPT_SPOOL_NAME_LEN;
    if (*end != 0 && strcmp(end, TLSRPT_SPOOL_REPORT) != 0)
        return -1;
    for (int i = 0; i < TLSRPT_SPOOL_NAME_LEN; i++) {
        char c = name[i];

        if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' : (c < '0' || c > '9'))
            return -1;
    }
    if (sscanf(name, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out_start = timegm(&tm);
    return *out_start == (time_t)-1 ? -1 : 0;
}

/* tlsrpt_spool_field - one encoded field and its separator */

static void tlsrpt_spool_field(VSTRING *out, const char *value)
{
    vstring_addch(out, '\t');
    if (value)
        xtext_quote_append(out, value, strlen(value));
}

/* tlsrpt_spool_format - one record as a line */

void tlsrpt_spool_format(VSTRING *out, time_t when, const TLSRPT_RECORD *rec)
{
    vstring_sprintf(out, "%lld", (long long)when);
    tlsrpt_spool_field(out, rec->policy_domain);
    tlsrpt_spool_field(out, rec->policy_type);
    tlsrpt_spool_field(out, rec->policy_strings);
    tlsrpt_spool_field(out, rec->mx_host);
    tlsrpt_spool_field(out, rec->result);
    tlsrpt_spool_field(out, rec->sending_ip);
    tlsrpt_spool_field(out, rec->receiving_mx);
    tlsrpt_spool_field(out, rec->receiving_helo);
    tlsrpt_spool_field(out, rec->receiving_ip);
    tlsrpt_spool_field(out, rec->reason);
    vstring_addch(out, '\n');
}

/* tlsrpt_spool_line - one line to a record; -1 when malformed */

static int tlsrpt_spool_line(char *line, VSTRING **fields, time_t *out_when, TLSRPT_RECORD *rec)
{
    char *cp = line, *field, *end;
    int n = 0;
    long long when = 0;

    while ((field = strsep(&cp, "\t")) != NULL) {
        if (n >= TLSRPT_SPOOL_FIELDS)
            return -1;
        if (n == 0) {
            errno = 0;
            when = strtoll(field, &end, 10);
            if (errno || *field == 0 || *end != 0 || when < 0)
                return -1;
        } else if (xtext_unquote(fields[n], field, strlen(field)) < 0) {
            return -1;
        }
        n++;
    }
    if (n != TLSRPT_SPOOL_FIELDS)
        return -1;
    *out_when = (time_t)when;
    *rec = (TLSRPT_RECORD){
        .policy_domain = vstring_str(fields[1]),
        .policy_type = vstring_str(fields[2]),
        .policy_strings = vstring_str(fields[3]),
        .mx_host = vstring_str(fields[4]),
        .result = vstring_str(fields[5]),
        .sending_ip = vstring_str(fields[6]),
        .receiving_mx = vstring_str(fields[7]),
        .receiving_helo = vstring_str(fields[8]),
        .receiving_ip = vstring_str(fields[9]),
        .reason = vstring_str(fields[10]),
    };
    if (*rec->policy_domain == 0 || !tlsrpt_policy_type_ok(rec->policy_type) ||
        !tlsrpt_result_ok(rec->result))
        return -1;
    return 0;
}

/* tlsrpt_spool_read - every record of a period file */

int tlsrpt_spool_read(const char *path, TLSRPT_SPOOL_FN fn, void *context)
{
    FILE *fp;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    VSTRING *fields[TLSRPT_SPOOL_FIELDS];
    TLSRPT_RECORD rec;
    time_t when = 0;
    int bad = 0, lineno = 0;

    if ((fp = fopen(path, "r")) == NULL)
        return -1;
    for (int i = 0; i < TLSRPT_SPOOL_FIELDS; i++)
        fields[i] = vstring_alloc(50);
    while ((len = getline(&line, &size, fp)) > 0) {
        lineno++;
        /* A line without its newline was cut short: it is not read. */
        if (line[len - 1] == '\n')
            line[len - 1] = 0;
        if (line[len - 1] != 0 || tlsrpt_spool_line(line, fields, &when, &rec) < 0) {
            msg_warn("%s: line %d: malformed TLSRPT record: skipped", path, lineno);
            bad++;
            continue;
        }
        fn(context, when, &rec);
    }
    for (int i = 0; i < TLSRPT_SPOOL_FIELDS; i++)
        vstring_free(fields[i]);
    free(line);
    fclose(fp);
    return bad;
}

/* tlsrpt_spool_whole_end - the offset just after the last newline; -1: read error */

static off_t tlsrpt_spool_whole_end(int fd, off_t size)
{
    char buf[512];
    ssize_t len;

    for (off_t pos = size; pos > 0; pos -= len) {
        len = pos > (off_t)sizeof(buf) ? (ssize_t)sizeof(buf) : (ssize_t)pos;
        if (pread(fd, buf, (size_t)len, pos - len) != len)
            return -1;
        for (ssize_t i = len; i > 0; i--)
            if (buf[i - 1] == '\n')
                return pos - len + i;
    }
    return 0;
}

/* tlsrpt_spool_repair - remove a record cut short from the end of a spool file */

long long tlsrpt_spool_repair(int fd, const char *path)
{
    struct stat st;
    off_t keep;

    if (fstat(fd, &st) < 0) {
        msg_warn("fstat %s: %m", path);
        return -1;
    }
    if ((keep = tlsrpt_spool_whole_end(fd, st.st_size)) < 0) {
        msg_warn("read %s: %m", path);
        return -1;
    }
    if (keep == st.st_size)
        return 0;
    if (ftruncate(fd, keep) < 0) {
        msg_warn("truncate %s: %m", path);
        return -1;
    }
    msg_warn("%s: removed %lld bytes at its end: a TLSRPT record cut short", path,
             (long long)(st.st_size - keep));
    return (long long)(st.st_size - keep);
}
