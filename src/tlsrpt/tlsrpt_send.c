/*++
 * NAME
 *	tlsrpt_send - make and deliver the reports of one finished period
 * SYNOPSIS
 *	#include "tlsrpt.h"
 *
 *	int	tlsrpt_send_period(const TLSRPT_CONFIG *config,
 *				const char *path, time_t start, int attempt,
 *				bool final);
 * DESCRIPTION
 *	tlsrpt_send_period() reads the spool file path, the records of the
 *	period that starts at start, and for each policy domain whose
 *	_smtp._tls TXT record asks for reports (tlsrpt_txt(3)) makes the
 *	JSON report (tlsrpt_report(3)), compresses it with gzip, and
 *	delivers it to each rua URI: "mailto:" as a message of RFC 8460
 *	section 5.3 (multipart/report; report-type="tlsrpt", with the
 *	TLS-Report-Domain and TLS-Report-Submitter headers and the report
 *	as an application/tlsrpt+gzip attachment; with "TLS-Required: No",
 *	so that a broken TLS set-up cannot hold it back), handed to our
 *	sendmail(1); "https:" as a POST of application/tlsrpt+gzip
 *	(https_post(3)). Each delivery is logged.
 *
 *	path is a file being reported (NAME.report), and attempt counts
 *	the attempts at its reports (1: the first). A delivery that
 *	succeeded is noted at once (tlsrpt_retry_sent_add()) and skipped in
 *	later attempts, so that no report goes out twice. A delivery that
 *	failed (sendmail failed, the HTTPS server did not answer 2xx or
 *	could not be reached), and a domain whose TXT record could not be
 *	looked up for now, are logged and left for a later attempt; with
 *	final, this is the last attempt, and the log says that tlsrpt gives
 *	up on them. It returns TLSRPT_SEND_DONE (nothing left to do),
 *	TLSRPT_SEND_PENDING (something to try again), or TLSRPT_SEND_ERROR
 *	when the file could not be read.
 * DIAGNOSTICS
 *	Logged: each report sent, each delivery that failed or that is
 *	given up, each domain whose TLSRPT policy is malformed or could not
 *	be looked up.
 * SEE ALSO
 *	tlsrpt(8), RFC 8460
 *--*/

/* System library. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "base64_code.h"
#include "msg.h"
#include "spawn_command.h"
#include "vstring.h"

/* Global library. */
#include "dns_resolver.h"
#include "gzip_data.h"
#include "https_fetch.h"
#include "mail_date.h"
#include "tlsrpt_report.h"
#include "tlsrpt_spool.h"
#include "tlsrpt_txt.h"

/* Application-specific. */
#include "tlsrpt.h"

#define TLSRPT_REPLY_MAX (64 * 1024) /* bytes of an HTTPS reply that we read */

/* One report of one domain, ready to deliver. */
typedef struct TLSRPT_SEND {
    const TLSRPT_CONFIG *config; /* not owned */
    const char *domain;          /* policy domain, not owned */
    const char *report_id;       /* not owned */
    time_t start;                /* period start */
    time_t end;                  /* period end, inclusive */
    VSTRING *gzip;               /* the compressed report, not owned */
} TLSRPT_SEND;

/* tlsrpt_send_add - a record into the aggregate */

static void tlsrpt_send_add(void *context, time_t unused_when, const TLSRPT_RECORD *record)
{
    tlsrpt_report_add(context, record);
}

/* tlsrpt_send_message - the RFC 8460 section 5.3 message */

static void tlsrpt_send_message(const TLSRPT_SEND *s, const char *rcpt, VSTRING *msg)
{
    const TLSRPT_CONFIG *config = s->config;
    VSTRING *b64 = vstring_alloc(VSTRING_LEN(s->gzip) * 4 / 3 + 10);
    VSTRING *date = vstring_alloc(40);
    char boundary[80];
    size_t len;

    snprintf(boundary, sizeof(boundary), "tlsrpt-%lld-%ld", (long long)s->start, (long)getpid());
    base64_encode(b64, vstring_str(s->gzip), VSTRING_LEN(s->gzip));
    vstring_sprintf(msg, "From: %s\n", config->sender);
    vstring_sprintf_append(msg, "To: %s\n", rcpt);
    vstring_sprintf_append(msg, "Date: %s\n", mail_date(date, time(NULL)));
    vstring_sprintf_append(msg, "Subject: Report Domain: %s Submitter: %s Report-ID: <%s>\n",
                           s->domain, config->submitter, s->report_id);
    vstring_sprintf_append(msg, "Message-ID: <%s>\n", s->report_id);
    vstring_sprintf_append(msg, "TLS-Report-Domain: %s\n", s->domain);
    vstring_sprintf_append(msg, "TLS-Report-Submitter: %s\n", config->submitter);
    /* A report about broken TLS must get through (RFC 8689 section 5). */
    vstring_sprintf_append(msg, "TLS-Required: No\n");
    vstring_sprintf_append(msg, "MIME-Version: 1.0\n");
    vstring_sprintf_append(msg,
                           "Content-Type: multipart/report; report-type=\"tlsrpt\";\n"
                           "\tboundary=\"%s\"\n\n",
                           boundary);
    vstring_sprintf_append(msg, "This is a MIME-formatted message.\n\n");
    vstring_sprintf_append(msg, "--%s\nContent-Type: text/plain; charset=us-ascii\n\n", boundary);
    vstring_sprintf_append(msg,
                           "This is an aggregate TLS report (RFC 8460) from %s\n"
                           "for the policy domain %s.\n\n",
                           config->submitter, s->domain);
    vstring_sprintf_append(msg, "--%s\nContent-Type: application/tlsrpt+gzip\n", boundary);
    vstring_sprintf_append(msg, "Content-Transfer-Encoding: base64\n");
    vstring_sprintf_append(msg,
                           "Content-Disposition: attachment;\n"
                           "\tfilename=\"%s!%s!%lld!%lld.json.gz\"\n\n",
                           config->submitter, s->domain, (long long)s->start,
                           (long long)s->end + 1);
    for (const char *cp = vstring_str(b64); *cp; cp += len) {
        len = strlen(cp) > 76 ? 76 : strlen(cp);
        vstring_memcat(msg, cp, len);
        vstring_addch(msg, '\n');
    }
    vstring_sprintf_append(msg, "\n--%s--\n", boundary);
    vstring_free(date);
    vstring_free(b64);
}

/* tlsrpt_send_mail - one report by mail, through sendmail */

static int tlsrpt_send_mail(const TLSRPT_SEND *s, const char *rcpt, VSTRING *why)
{
    const TLSRPT_CONFIG *config = s->config;
    VSTRING *msg = vstring_alloc(4096);
    VSTRING *path = vstring_alloc(100);
    VSTRING *sendmail = vstring_alloc(100);
    int fd, status = -1, wstatus;
    pid_t pid;

    /* The message goes through a file: sendmail reads it at its own pace. */
    tlsrpt_send_message(s, rcpt, msg);
    vstring_sprintf(path, "%s/message.%ld", config->spool_dir, (long)getpid());
    if ((fd = open(vstring_str(path), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) <
            0 ||
        write(fd, vstring_str(msg), VSTRING_LEN(msg)) != (ssize_t)VSTRING_LEN(msg) ||
        lseek(fd, 0, SEEK_SET) != 0) {
        vstring_sprintf(why, "write %s: %m", vstring_str(path));
    } else {
        const char *argv[] = {vstring_str(sendmail),
                              "-C",
                              config->config_directory,
                              "-i",
                              "-f",
                              config->sender,
                              "--",
                              rcpt,
                              NULL};

        vstring_sprintf(sendmail, "%s/sendmail", config->command_directory);
        argv[0] = vstring_str(sendmail);
        if ((pid = spawn_command(&(SPAWN_PROPS){.argv = argv,
                                                .stdin_fd = fd,
                                                .stdout_fd = SPAWN_FD_NULL,
                                                .stderr_fd = SPAWN_FD_INHERIT},
                                 why)) > 0) {
            if (spawn_wait(pid, config->report_timeout * 1000, &wstatus) < 0)
                vstring_sprintf(why, "%s did not finish in %ds", argv[0], config->report_timeout);
            else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
                vstring_sprintf(why, "%s failed (status 0x%x)", argv[0], wstatus);
            else
                status = 0;
        }
    }
    if (fd >= 0)
        close(fd);
    unlink(vstring_str(path));
    vstring_free(sendmail);
    vstring_free(path);
    vstring_free(msg);
    return status;
}

/* tlsrpt_send_https - one report by HTTPS POST */

static int tlsrpt_send_https(const TLSRPT_SEND *s, const char *url, VSTRING *why)
{
    VSTRING *reply = vstring_alloc(100);
    int status;

    status = https_post(&(HTTPS_FETCH_PROPS){.url = url,
                                             .CAfile = s->config->CAfile,
                                             .CApath = s->config->CApath,
                                             .timeout = s->config->report_timeout,
                                             .max_size = TLSRPT_REPLY_MAX},
                        "application/tlsrpt+gzip", vstring_str(s->gzip), VSTRING_LEN(s->gzip),
                        reply, why);
    vstring_free(reply);
    return status == HTTPS_FETCH_OK ? 0 : -1;
}

/* One attempt at the reports of a period. */
typedef struct TLSRPT_ATTEMPT {
    const char *path; /* the file being reported, not owned */
    HTABLE *sent;     /* deliveries done in earlier attempts, owned */
    int attempt;      /* 1: the first */
    bool final;       /* the last attempt */
    bool pending;     /* something failed: try again */
} TLSRPT_ATTEMPT;

/* tlsrpt_send_failed - log a failure, and note it for another attempt */

static void tlsrpt_send_failed(TLSRPT_ATTEMPT *a, const char *what, const char *why)
{
    if (a->final)
        msg_warn("%s: %s: giving up after %d attempt%s", what, why, a->attempt,
                 a->attempt == 1 ? "" : "s");
    else
        msg_warn("%s: %s: will try again", what, why);
    a->pending = true;
}

/* tlsrpt_send_uri - one report to one rua URI, unless an earlier attempt did it */

static void tlsrpt_send_uri(TLSRPT_ATTEMPT *a, const TLSRPT_SEND *s, const char *uri, VSTRING *why)
{
    VSTRING *what = vstring_alloc(100);
    int status;

    if (tlsrpt_retry_sent_find(a->sent, s->domain, uri)) {
        if (msg_verbose)
            msg_info("TLSRPT report for %s (%s) to %s: sent before", s->domain, s->report_id, uri);
    } else {
        if (strncasecmp(uri, "mailto:", 7) == 0)
            status = tlsrpt_send_mail(s, uri + 7, why);
        else
            status = tlsrpt_send_https(s, uri, why);
        if (status == 0) {
            msg_info("TLSRPT report for %s (%s) sent to %s", s->domain, s->report_id, uri);
            tlsrpt_retry_sent_add(a->path, s->domain, uri);
        } else {
            vstring_sprintf(what, "TLSRPT report for %s (%s) to %s", s->domain, s->report_id, uri);
            tlsrpt_send_failed(a, vstring_str(what), vstring_str(why));
        }
    }
    vstring_free(what);
}

/* tlsrpt_send_domain - the report of one domain to each of its rua URIs */

static void tlsrpt_send_domain(TLSRPT_ATTEMPT *a, const TLSRPT_CONFIG *config,
                               DNS_RESOLVER *resolver, const TLSRPT_REPORT *report,
                               const char *domain, time_t start)
{
    ARGV *rua = argv_alloc(2);
    VSTRING *why = vstring_alloc(100);
    VSTRING *json = vstring_alloc(1000);
    VSTRING *gzip = vstring_alloc(1000);
    VSTRING *id = vstring_alloc(100);
    TLSRPT_SEND s;
    int status;

    if ((status = tlsrpt_txt_lookup(resolver, domain, rua, why)) != TLSRPT_TXT_OK) {
        if (status == TLSRPT_TXT_RETRY) {
            vstring_sprintf(id, "TLSRPT policy of %s", domain);
            tlsrpt_send_failed(a, vstring_str(id), vstring_str(why));
        } else if (status != TLSRPT_TXT_NONE)
            msg_warn("TLSRPT policy of %s: %s: no report", domain, vstring_str(why));
        else if (msg_verbose)
            msg_info("%s: %s: no report", domain, vstring_str(why));
    } else {
        tlsrpt_report_datetime(id, start);
        vstring_sprintf_append(id, ".%s@%s", domain, config->submitter);
        s = (TLSRPT_SEND){.config = config,
                          .domain = domain,
                          .report_id = vstring_str(id),
                          .start = start,
                          .end = start + config->report_interval - 1,
                          .gzip = gzip};
        tlsrpt_report_json(report, domain,
                           &(TLSRPT_REPORT_META){.organization = config->organization,
                                                 .contact_info = config->contact_info,
                                                 .report_id = s.report_id,
                                                 .start = s.start,
                                                 .end = s.end},
                           false, json);
        if (gzip_data(vstring_str(json), VSTRING_LEN(json), gzip, why) < 0) {
            msg_warn("TLSRPT report for %s: %s", domain, vstring_str(why));
        } else {
            for (size_t i = 0; i < rua->argc; i++)
                tlsrpt_send_uri(a, &s, rua->argv[i], why);
        }
    }
    vstring_free(id);
    vstring_free(gzip);
    vstring_free(json);
    vstring_free(why);
    argv_free(rua);
}

/* tlsrpt_send_period - every report of one finished period */

int tlsrpt_send_period(const TLSRPT_CONFIG *config, const char *path, time_t start, int attempt,
                       bool final)
{
    TLSRPT_REPORT *report = tlsrpt_report_create();
    TLSRPT_ATTEMPT a = {.path = path, .attempt = attempt, .final = final};
    DNS_RESOLVER *resolver;
    VSTRING *why = vstring_alloc(100), *what = vstring_alloc(100);
    ARGV *domains;

    if (tlsrpt_spool_read(path, tlsrpt_send_add, report) < 0) {
        msg_warn("open %s: %m", path);
        tlsrpt_report_free(report);
        vstring_free(why);
        vstring_free(what);
        return TLSRPT_SEND_ERROR;
    }
    if ((resolver = dns_resolver_open(&config->resolver_props, why)) == NULL) {
        vstring_sprintf(what, "the TLSRPT reports of %s: %s", path, config->resolver_props.type);
        tlsrpt_send_failed(&a, vstring_str(what), vstring_str(why));
    } else {
        a.sent = tlsrpt_retry_sent(path);
        domains = tlsrpt_report_domains(report);
        for (size_t i = 0; i < domains->argc; i++)
            tlsrpt_send_domain(&a, config, resolver, report, domains->argv[i], start);
        argv_free(domains);
        htable_free(a.sent, NULL);
        dns_resolver_free(resolver);
    }
    tlsrpt_report_free(report);
    vstring_free(why);
    vstring_free(what);
    return a.pending ? TLSRPT_SEND_PENDING : TLSRPT_SEND_DONE;
}
