/*++
 * NAME
 *	sendmail_enqueue - write a submitted message into the maildrop queue
 * SYNOPSIS
 *	#include "sendmail.h"
 *
 *	int	sendmail_enqueue(CONFIG *config, const SENDMAIL_OPTS *opts);
 * DESCRIPTION
 *	sendmail_enqueue() reads a message from standard input and writes
 *	it as a maildrop file (queue_file(3), mode 0444, owned by the
 *	submitting user) in the maildrop directory of queue_directory,
 *	through postdrop(1) when this process cannot write there
 *	(maildrop_post(3)), then
 *	wakes pickup(8) through public/$pickup_service_name. It returns
 *	the exit status (0); errors are fatal with a sysexits(3) status.
 *
 *	The envelope: the attributes full_name (the sender's full name
 *	for a From: header that cleanup may add), dsn_envid, dsn_ret and
 *	encoding when given; the sender (-f, else the login name); the
 *	command-line recipients, each argument parsed as an address list.
 *	An argument that holds no address is taken as it is; one with a
 *	control character is not, nor one with a control character and an
 *	address addr_parse(3) refuses: then nothing is queued (EX_DATAERR).
 *
 *	The input: line endings are LF or CRLF as sendmail_fix_line_endings
 *	says (always: a CR before the LF is removed; strict: only when the
 *	first line ends in CRLF; never). Unless -i or -oi was given, a line
 *	with a single "." ends the message. A first line that starts with
 *	"From " (a mailbox separator) is dropped. Bcc: and Resent-Bcc:
 *	headers are dropped. With -t, the addresses in the To:, Cc: and
 *	Bcc: headers (the Resent- ones instead, when the message has any
 *	Resent- header) are added to the recipients, after the content, as
 *	the queue file format provides; a recipient is not added twice.
 *	A header address that addr_parse(3) refuses (one with a control
 *	character, for example) is left out with a warning that names the
 *	header and the problem.
 *
 *	message_size_limit applies to the file as written: a larger message
 *	is refused ("message file too big") and nothing is queued.
 * DIAGNOSTICS
 *	Fatal: no recipients (EX_USAGE), a message too big or a
 *	command-line recipient with a control character (EX_DATAERR),
 *	a queue file that cannot be written (EX_TEMPFAIL).
 * SEE ALSO
 *	sendmail(1), pickup(8), header_scan(3), addr_parse(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"

/* Global library. */
#include "addr_parse.h"
#include "cleanup_client.h"
#include "header_scan.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "mail_trigger.h"
#include "maildrop.h"
#include "maildrop_post.h"
#include "queue_file.h"
#include "rec_type.h"
#include "record.h"
#include "user_acl.h"
#include "xtext.h"

/* Application-specific. */
#include "sendmail.h"

/* How CRLF line endings are handled. */
enum sendmail_crlf {
    SENDMAIL_CRLF_ALWAYS, /* remove a CR before every LF */
    SENDMAIL_CRLF_STRICT, /* only when the first line ends in CRLF */
    SENDMAIL_CRLF_NEVER,  /* keep the input as it is */
};

/* One submission. */
typedef struct SENDMAIL_STATE {
    const SENDMAIL_OPTS *opts; /* the command line */
    QUEUE_FILE *qf;            /* the maildrop file, owned */
    long size_limit;           /* message_size_limit, 0: none */
    long long size;            /* file bytes so far */
    HTABLE *seen;              /* recipients so far, lower case, owned */
    int rcpt_count;            /* recipients written */
    ARGV *rcpts;               /* To, Cc, Bcc addresses, owned */
    ARGV *resent_rcpts;        /* Resent-To, -Cc, -Bcc addresses, owned */
    bool resent;               /* a Resent- header was seen */
} SENDMAIL_STATE;

/* The file being written, for removal when a fatal error ends the process. */
static MAILDROP_POST *sendmail_post;

/* sendmail_cleanup - remove an unfinished maildrop file on a fatal error */

static void sendmail_cleanup(void)
{
    if (sendmail_post)
        sendmail_post = maildrop_post_close(sendmail_post);
}

/* sendmail_write_failed - the maildrop file cannot be written */

static _Noreturn void sendmail_write_failed(SENDMAIL_STATE *state)
{
    msg_fatal_status(EX_TEMPFAIL, "%s: cannot write the message into the %s queue: %m",
                     queue_file_id(state->qf), MAIL_QUEUE_MAILDROP);
}

/* sendmail_count - account for one record against message_size_limit */

static void sendmail_count(SENDMAIL_STATE *state, size_t len)
{
    state->size += rec_size(len);
    if (state->size_limit > 0 && state->size > state->size_limit)
        msg_fatal_status(EX_DATAERR, "message file too big (message_size_limit is %ld bytes)",
                         state->size_limit);
}

/* sendmail_attr - one envelope attribute */

static void sendmail_attr(SENDMAIL_STATE *state, const char *name, const char *value)
{
    sendmail_count(state, strlen(name) + 1 + strlen(value));
    if (queue_file_attr(state->qf, name, value) < 0)
        sendmail_write_failed(state);
}

/* sendmail_rcpt - one recipient, unless it was given before */

static void sendmail_rcpt(SENDMAIL_STATE *state, const char *address)
{
    char *key = lowercase(mystrdup(address));

    if (htable_find(state->seen, key) == NULL) {
        htable_enter(state->seen, key, "");
        sendmail_count(state, strlen(address));
        if (queue_file_rcpt(state->qf, &(QUEUE_RCPT){.address = address,
                                                     .dsn_notify = state->opts->dsn_notify}) < 0)
            sendmail_write_failed(state);
        state->rcpt_count++;
    }
    myfree(key);
}

/* sendmail_envelope - attributes, sender and command-line recipients */

static void sendmail_envelope(SENDMAIL_STATE *state)
{
    const SENDMAIL_OPTS *opts = state->opts;
    const char *full_name = sendmail_full_name(opts->full_name);
    const char *sender = opts->sender ? opts->sender : sendmail_login_name();
    VSTRING *buf = vstring_alloc(100);
    ARGV *addrs = argv_alloc(4);

    if (full_name)
        sendmail_attr(state, CLEANUP_ATTR_FULL_NAME, full_name);
    if (opts->dsn_envid)
        sendmail_attr(state, REC_ATTR_DSN_ENVID,
                      vstring_str(xtext_quote(buf, opts->dsn_envid, strlen(opts->dsn_envid))));
    if (opts->dsn_ret)
        sendmail_attr(state, REC_ATTR_DSN_RET, opts->dsn_ret);
    if (opts->encoding)
        sendmail_attr(state, REC_ATTR_ENCODING, opts->encoding);
    sendmail_count(state, strlen(sender));
    if (queue_file_sender(state->qf, sender) < 0)
        sendmail_write_failed(state);
    for (size_t i = 0; i < opts->rcpts->argc; i++) {
        const char *arg = opts->rcpts->argv[i];

        argv_truncate(addrs, 0);
        if (addr_parse_list(arg, strlen(arg), addrs, buf) == 0 && *arg) {
            if (addr_has_control(arg, strlen(arg)))
                msg_fatal_status(EX_DATAERR, "recipient address with a control character: %s",
                                 vstring_str(buf));
            argv_add(addrs, arg);
        } else if (addr_has_control(arg, strlen(arg)) && VSTRING_LEN(buf) > 0) {
            msg_fatal_status(EX_DATAERR, "bad recipient address list: %s", vstring_str(buf));
        }
        for (size_t j = 0; j < addrs->argc; j++)
            sendmail_rcpt(state, addrs->argv[j]);
    }
    argv_free(addrs);
    vstring_free(buf);
}

/* sendmail_header - one header: extract, drop Bcc, write the rest */

static void sendmail_header(SENDMAIL_STATE *state, const char *text, size_t len)
{
    static const char *const normal[] = {"To", "Cc", "Bcc"};
    static const char *const resent[] = {"Resent-To", "Resent-Cc", "Resent-Bcc"};
    const char *value, *nl;
    size_t value_len;
    VSTRING *why = vstring_alloc(40);

    if (len >= 7 && strncasecmp(text, "Resent-", 7) == 0)
        state->resent = true;
    for (int i = 0; i < 3; i++) {
        const char *name = NULL;

        value = header_value(text, len, &value_len);

        if (state->opts->extract && header_name_is(text, len, normal[i])) {
            name = normal[i];
            addr_parse_list(value, value_len, state->rcpts, why);
        }
        if (state->opts->extract && header_name_is(text, len, resent[i])) {
            name = resent[i];
            addr_parse_list(value, value_len, state->resent_rcpts, why);
        }
        if (name && VSTRING_LEN(why) > 0)
            msg_warn("%s: header: %s; that address is left out", name, vstring_str(why));
    }
    vstring_free(why);
    if (header_name_is(text, len, "Bcc") || header_name_is(text, len, "Resent-Bcc"))
        return;
    while ((nl = memchr(text, '\n', len)) != NULL) {
        sendmail_count(state, nl - text);
        if (queue_file_line(state->qf, text, nl - text) < 0)
            sendmail_write_failed(state);
        len -= nl + 1 - text;
        text = nl + 1;
    }
    sendmail_count(state, len);
    if (queue_file_line(state->qf, text, len) < 0)
        sendmail_write_failed(state);
}

/* sendmail_content_cb - what the header scanner found */

static void sendmail_content_cb(void *context, int what, const char *text, size_t len, int partial)
{
    SENDMAIL_STATE *state = context;
    int ret;

    if (what == HEADER_SCAN_HEADER) {
        sendmail_header(state, text, len);
    } else if (what == HEADER_SCAN_BODY) {
        sendmail_count(state, len);
        ret = partial ? queue_file_partial(state->qf, text, len)
                      : queue_file_line(state->qf, text, len);
        if (ret < 0)
            sendmail_write_failed(state);
    }
}

/* sendmail_crlf_mode - sendmail_fix_line_endings */

static enum sendmail_crlf sendmail_crlf_mode(const SENDMAIL_CONFIG *config)
{
    const char *value = config->fix_line_endings;

    if (strcasecmp(value, "always") == 0)
        return SENDMAIL_CRLF_ALWAYS;
    if (strcasecmp(value, "strict") == 0)
        return SENDMAIL_CRLF_STRICT;
    if (strcasecmp(value, "never") == 0)
        return SENDMAIL_CRLF_NEVER;
    msg_fatal_status(EX_CONFIG, "bad %s value \"%s\": expected always, strict or never",
                     VAR_SENDMAIL_FIX_LINE_ENDINGS, value);
}

/* sendmail_read - the message from standard input, through the header scanner */

static void sendmail_read(SENDMAIL_STATE *state, const SENDMAIL_CONFIG *config, HEADER_SCAN *scan)
{
    VSTREAM *in = vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_READ | VSTREAM_FLAG_NOCLOSE);
    VSTRING *buf = vstring_alloc(QUEUE_FILE_LINE_CHUNK);
    enum sendmail_crlf crlf = sendmail_crlf_mode(config);
    bool line_start = true, first_line = true, skipping = false;
    int last;

    while ((last = vstream_gets(in, buf, QUEUE_FILE_LINE_CHUNK)) != VSTREAM_EOF) {
        bool complete = last == '\n';
        char *data = vstring_str(buf);
        size_t len = VSTRING_LEN(buf) - (complete ? 1 : 0);

        if (complete && len > 0 && data[len - 1] == '\r') {
            if (first_line && crlf == SENDMAIL_CRLF_STRICT)
                crlf = SENDMAIL_CRLF_ALWAYS;
            if (crlf == SENDMAIL_CRLF_ALWAYS)
                len--;
        }
        if (line_start && state->opts->dot_ends_input && complete && len == 1 && data[0] == '.')
            break;
        if (first_line && line_start && len >= 5 && strncmp(data, "From ", 5) == 0)
            skipping = true;
        if (!skipping)
            header_scan_line(scan, data, len, !complete);
        if (complete) {
            first_line = skipping = false;
        }
        line_start = complete;
    }
    if (vstream_ferror(in))
        msg_fatal_status(EX_IOERR, "read the message from standard input: %m");
    vstream_close(in);
    vstring_free(buf);
}

/* sendmail_extracted - the -t recipients, after the content */

static void sendmail_extracted(SENDMAIL_STATE *state)
{
    ARGV *list = state->resent ? state->resent_rcpts : state->rcpts;

    for (size_t i = 0; i < list->argc; i++)
        sendmail_rcpt(state, list->argv[i]);
}

/* sendmail_wakeup - tell pickup about the new file */

static void sendmail_wakeup(const SENDMAIL_CONFIG *config)
{
    VSTRING *why = vstring_alloc(100);
    char request = MAIL_TRIGGER_WAKEUP;

    if (mail_trigger(MAIL_CLASS_PUBLIC, config->pickup_service, &request, 1,
                     config->trigger_timeout, why) < 0 &&
        msg_verbose)
        msg_info("no pickup wake-up: %s (the message is picked up later)", vstring_str(why));
    vstring_free(why);
}

/* sendmail_enqueue - read the message and queue it */

int sendmail_enqueue(const SENDMAIL_CONFIG *config, const SENDMAIL_OPTS *opts)
{
    SENDMAIL_STATE state = {
        .opts = opts,
        .size_limit = config->message_size_limit,
        .seen = htable_create(10),
        .rcpts = argv_alloc(4),
        .resent_rcpts = argv_alloc(1),
    };
    VSTRING *why = vstring_alloc(100);
    VSTRING *postdrop;
    HEADER_SCAN *scan;

    if (opts->rcpts->argc == 0 && !opts->extract)
        msg_fatal_status(EX_USAGE, "Recipient addresses must be specified on the command line "
                                   "or via the -t option");
    /* postdrop enforces it for users who cannot write into maildrop; all get the answer here. */
    user_acl_require(VAR_AUTHORIZED_SUBMIT_USERS, config->submit_users, "submit mail");
    postdrop = vstring_alloc(100);
    vstring_sprintf(postdrop, "%s/postdrop", config->command_directory);
    if ((sendmail_post = maildrop_post_create(vstring_str(postdrop), config->config_dir, why)) ==
        NULL)
        msg_fatal_status(EX_TEMPFAIL, "%s of %s", vstring_str(why), config->queue_directory);
    state.qf = maildrop_post_file(sendmail_post);
    msg_cleanup(sendmail_cleanup);
    sendmail_envelope(&state);
    if (queue_file_content(state.qf) < 0)
        sendmail_write_failed(&state);
    scan = header_scan_create(config->header_size_limit, sendmail_content_cb, &state);
    sendmail_read(&state, config, scan);
    header_scan_finish(scan);
    header_scan_free(scan);
    if (queue_file_extra(state.qf) < 0)
        sendmail_write_failed(&state);
    sendmail_extracted(&state);
    if (state.rcpt_count == 0)
        msg_fatal_status(EX_USAGE, "No recipient addresses found in message header");
    if (maildrop_post_commit(sendmail_post, why) < 0)
        msg_fatal_status(EX_TEMPFAIL, "%s: cannot write the message into the %s queue: %s",
                         queue_file_id(state.qf), MAIL_QUEUE_MAILDROP, vstring_str(why));
    if (msg_verbose)
        msg_info("%s: queued for pickup", queue_file_id(state.qf));
    sendmail_post = maildrop_post_close(sendmail_post);
    vstring_free(postdrop);
    vstring_free(why);
    sendmail_wakeup(config);
    htable_free(state.seen, NULL);
    argv_free(state.rcpts);
    argv_free(state.resent_rcpts);
    return SENDMAIL_EX_OK;
}
