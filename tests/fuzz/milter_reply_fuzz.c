/*++
 * NAME
 *	milter_reply_fuzz - fuzz the milter client's packet reader and reply parser
 * SUMMARY
 *	libFuzzer harness for milter_conn_recv(), milter_reply_parse(),
 *	milter_reply_optneg() and the MILTER_MSG editors
 * DESCRIPTION
 *	The input is what a milter sends: it is written into one end of a
 *	socket pair and the milter client reads packets from the other end
 *	with milter_conn_recv(), as it does after each event, until the input
 *	ends. The first packet is also read as a negotiation answer; every
 *	packet goes through milter_reply_parse(), and the modification
 *	requests that it accepts are applied to a small message, which is
 *	then replayed line by line.
 *
 *	Properties: a REPLYCODE that the parser accepts is a 4xx or 5xx
 *	reply with the same code on every line; header names that it accepts
 *	are non-empty and have no colon, white space or control character;
 *	after the edits every header field of the message starts with a
 *	name and a colon, and no replayed line contains a line feed; no
 *	memory error, leak or undefined behaviour.
 *
 *	Fatal errors: a milter's reply must never stop the SMTP server, so
 *	a msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	milter(3), tests/fuzz/README
 *--*/

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "milter_conn.h"
#include "milter_msg.h"
#include "milter_reply.h"

#include "fuzz.h"

struct milter_reply_job {
    const uint8_t *data; /* the milter's bytes */
    size_t size;         /* their length */
};

/* milter_reply_check_name - an accepted header name */

static void milter_reply_check_name(const char *name)
{
    if (*name == 0)
        msg_panic("empty header name accepted");
    for (const unsigned char *cp = (const unsigned char *)name; *cp; cp++)
        if (*cp <= ' ' || *cp >= 0x7f || *cp == ':')
            msg_panic("header name with byte 0x%02x accepted", *cp);
}

/* milter_reply_check_code - an accepted REPLYCODE */

static void milter_reply_check_code(const char *text)
{
    const char *line = text;

    if (text[0] != '4' && text[0] != '5')
        msg_panic("reply code %.3s accepted", text);
    while ((line = strstr(line, "\r\n")) != NULL) {
        line += 2;
        if (*line && strncmp(line, text, 3) != 0)
            msg_panic("lines with different reply codes accepted");
    }
}

/* milter_reply_apply - apply one accepted request to the message */

static void milter_reply_apply(MILTER_MSG *msg, const MILTER_REPLY *r)
{
    switch (r->cmd) {
    case MILTER_REPLY_ADDHEADER:
        milter_reply_check_name(r->name);
        milter_msg_add_header(msg, r->name, r->value, false);
        break;
    case MILTER_REPLY_INSHEADER:
        milter_reply_check_name(r->name);
        milter_msg_insert_header(msg, r->index, r->name, r->value, true);
        break;
    case MILTER_REPLY_CHGHEADER:
        milter_reply_check_name(r->name);
        milter_msg_change_header(msg, r->index, r->name, r->value, false);
        break;
    case MILTER_REPLY_ADDRCPT:
    case MILTER_REPLY_ADDRCPT_PAR:
        milter_msg_add_rcpt(msg, r->addr);
        break;
    case MILTER_REPLY_DELRCPT:
        (void)milter_msg_del_rcpt(msg, r->addr);
        break;
    case MILTER_REPLY_CHGFROM:
        milter_msg_change_sender(msg, r->addr);
        break;
    case MILTER_REPLY_REPLBODY:
        milter_msg_replace_body(msg, r->data, r->len);
        break;
    case MILTER_REPLY_REPLYCODE:
        milter_reply_check_code(r->text);
        break;
    }
}

/* milter_reply_sink_* - replay checks */

static int milter_reply_sink_sender(void *context, const char *sender, const char *envid, int ret)
{
    return 0;
}

static int milter_reply_sink_rcpt(void *context, const char *rcpt, const char *orcpt, int notify)
{
    return 0;
}

static int milter_reply_sink_line(void *context, const char *data, size_t len, bool partial)
{
    if (memchr(data, '\n', len) != NULL)
        msg_panic("replayed line with a line feed");
    return 0;
}

/* milter_reply_check_msg - the edited message is still well-formed */

static void milter_reply_check_msg(const MILTER_MSG *msg)
{
    static const MILTER_MSG_SINK sink = {
        .sender = milter_reply_sink_sender,
        .rcpt = milter_reply_sink_rcpt,
        .line = milter_reply_sink_line,
    };

    for (size_t i = 0; i < milter_msg_header_count(msg); i++) {
        const char *field = milter_msg_header(msg, i);
        size_t name_len = strcspn(field, ": \t");

        if (name_len == 0 || strchr(field, ':') == NULL)
            msg_panic("header field without a name: \"%.40s\"", field);
    }
    if (milter_msg_replay(msg, &sink, NULL) != 0)
        msg_panic("replay failed");
}

/* milter_reply_run - read and apply every packet */

static void milter_reply_run(void *context)
{
    struct milter_reply_job *job = context;
    MILTER defaults = {.fd = -1, .protocol = 6, .command_timeout = 1, .content_timeout = 1};
    VSTRING *why = vstring_alloc(100);
    MILTER *milter = milter_conn_create("inet:127.0.0.1:1", &defaults, why);
    MILTER_MSG *msg = milter_msg_create();
    int pair[2];
    int cmd;
    bool first = true;

    if (milter == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
        msg_fatal("set-up: %m");
    if (write(pair[1], job->data, job->size) != (ssize_t)job->size)
        msg_fatal("set-up: write: %m");
    (void)close(pair[1]);
    milter->fd = pair[0];
    milter_msg_sender(msg, "sender@example.test", NULL, 0);
    milter_msg_rcpt(msg, "rcpt@example.test", NULL, 0);
    milter_msg_line(msg, "Subject: test", 13, false);
    milter_msg_line(msg, "X-Two: one", 10, false);
    milter_msg_line(msg, "\tcontinued", 10, false);
    milter_msg_line(msg, "", 0, false);
    milter_msg_line(msg, "body", 4, false);
    milter_conn_deadline(milter, 1);
    while (milter_conn_recv(milter, &cmd, why) == 0) {
        MILTER_REPLY reply;
        MILTER_OPTNEG optneg;

        if (first)
            (void)milter_reply_optneg(vstring_str(milter->packet), VSTRING_LEN(milter->packet),
                                      &optneg, why);
        first = false;
        if (milter_reply_parse(cmd, vstring_str(milter->packet), VSTRING_LEN(milter->packet),
                               &reply, why) == 0)
            milter_reply_apply(msg, &reply);
    }
    milter_reply_check_msg(msg);
    milter_msg_free(msg);
    milter_conn_free(milter);
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct milter_reply_job job = {data, size};

    fuzz_init("milter_reply_fuzz");
    fuzz_call(milter_reply_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
