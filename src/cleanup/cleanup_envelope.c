/*++
 * NAME
 *	cleanup_envelope - take the envelope records of a new message
 * SYNOPSIS
 *	#include "cleanup.h"
 *
 *	void	cleanup_envelope(CLEANUP_STATE *state, int type, VSTRING *buf);
 * DESCRIPTION
 *	cleanup_envelope() takes one record that the client sent before the
 *	content: an attribute (A), the sender (S), the original recipient
 *	(O), DSN ORCPT (o) and NOTIFY (n) of the next recipient, a
 *	recipient (R), or the end of the envelope (M). It checks the order
 *	(one sender, before any recipient and before the content; O, o and
 *	n only before an R) and the syntax, so that every file it commits
 *	reads back with queue_msg_open(): no null byte in any record;
 *	attribute names of lower-case letters, digits and '_'; no control
 *	character in the sender, the original recipient or a recipient; no
 *	empty recipient; a NOTIFY mask from 1 to 15; a DSN ORCPT and a
 *	dsn_envid attribute that pass xtext_orcpt_check() and
 *	xtext_envid_check() (RFC 3461). It writes the records into the
 *	queue file. Anything else is a protocol error (CLEANUP_STAT_BAD):
 *	the message is refused, with a warning that names the problem.
 *
 *	The CLEANUP_ATTR_FULL_NAME attribute is kept for a From: header
 *	that cleanup may add, and is not stored. CLEANUP_ATTR_HOLD and
 *	CLEANUP_ATTR_DISCARD (smtpd's HOLD and DISCARD actions) are not
 *	stored either: they decide where the message goes. The filter and
 *	redirect attributes (FILTER and REDIRECT) are kept, the last one
 *	wins, and stored after the content (cleanup_final(3)), where
 *	header_checks(5) actions may still replace them.
 *
 *	The sender and each recipient are rewritten (cleanup_addr(3):
 *	canonical form, canonical tables, masquerading); a recipient is
 *	then expanded through virtual_alias_maps, and each result is
 *	written once (a recipient already written with the same original
 *	recipient and DSN settings is dropped). The sender_bcc_maps and
 *	recipient_bcc_maps results, and always_bcc at the end of the
 *	envelope, become recipients too, with NOTIFY=NEVER. The original
 *	recipient of a rewritten address is the address as received,
 *	unless the client sent one. A failed lookup or a virtual alias
 *	limit refuses the message with a temporary error
 *	(CLEANUP_STAT_WRITE), with a warning.
 * DIAGNOSTICS
 *	Warnings: protocol errors, with the queue ID.
 *--*/

/* System library. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "argv.h"
#include "cleanup_client.h"
#include "rec_type.h"
#include "xtext.h"

/* Application-specific. */
#include "cleanup.h"

#define CLEANUP_ATTR_NAME_MAX 64 /* bytes in an attribute name */

/* cleanup_bad - a protocol error */

static void cleanup_bad(CLEANUP_STATE *state, const char *what)
{
    msg_warn("%s: cleanup protocol error: %s", state->queue_id, what);
    cleanup_error(state, CLEANUP_STAT_BAD, "%s", cleanup_strerror(CLEANUP_STAT_BAD));
}

/* cleanup_text_ok - no null byte and, for an address, no control character */

static bool cleanup_text_ok(const VSTRING *buf, bool address)
{
    const unsigned char *cp = (const unsigned char *)vstring_str(buf);

    for (size_t i = 0; i < VSTRING_LEN(buf); i++)
        if (cp[i] == 0 || (address && iscntrl(cp[i])))
            return false;
    return true;
}

/* cleanup_attr_name_ok - lower-case letters, digits and '_' */

static bool cleanup_attr_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > CLEANUP_ATTR_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) && name[i] != '_')
            return false;
    return true;
}

/* cleanup_envelope_log_attr - keep the facts that content log lines show */

static void cleanup_envelope_log_attr(CLEANUP_STATE *state, const char *name, const char *value)
{
    static const struct {
        const char *name; /* attribute */
        size_t offset;    /* where CLEANUP_STATE keeps it */
    } kept[] = {
        {REC_ATTR_CLIENT_NAME, offsetof(CLEANUP_STATE, client_name)},
        {REC_ATTR_CLIENT_ADDRESS, offsetof(CLEANUP_STATE, client_addr)},
        {REC_ATTR_PROTOCOL_NAME, offsetof(CLEANUP_STATE, log_proto)},
        {REC_ATTR_HELO_NAME, offsetof(CLEANUP_STATE, log_helo)},
    };

    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        if (strcmp(name, kept[i].name) == 0) {
            char **slot = (char **)((char *)state + kept[i].offset);

            myfree(*slot);
            *slot = mystrdup(value);
        }
}

/* cleanup_envelope_attr - one "name=value" record */

static void cleanup_envelope_attr(CLEANUP_STATE *state, VSTRING *buf)
{
    char *data = vstring_str(buf);
    char *eq = strchr(data, '=');

    const char *problem;

    if (eq == NULL || !cleanup_attr_name_ok(data, eq - data) || !cleanup_text_ok(buf, false)) {
        cleanup_bad(state, "malformed attribute record");
        return;
    }
    *eq = 0;
    if (strcmp(data, REC_ATTR_DSN_ENVID) == 0 &&
        (problem = xtext_envid_check(eq + 1, strlen(eq + 1))) != NULL) {
        msg_warn("%s: malformed DSN ENVID: %s", state->queue_id, problem);
        cleanup_bad(state, "malformed dsn_envid attribute");
        return;
    }
    if (strcmp(data, CLEANUP_ATTR_FULL_NAME) == 0) {
        vstring_strcpy(state->full_name, eq + 1);
        return;
    }
    if (strcmp(data, CLEANUP_ATTR_HOLD) == 0 || strcmp(data, CLEANUP_ATTR_DISCARD) == 0) {
        *(data[0] == 'h' ? &state->hold : &state->discard) = true;
        return;
    }
    if (strcmp(data, REC_ATTR_FILTER) == 0 || strcmp(data, REC_ATTR_REDIRECT) == 0) {
        char **slot = data[0] == 'f' ? &state->filter : &state->redirect;
        bool ok = eq[1] != 0;

        for (const char *cp = eq + 1; *cp; cp++)
            ok = ok && !iscntrl((unsigned char)*cp);
        if (!ok) {
            cleanup_bad(state, "malformed filter or redirect attribute");
            return;
        }
        myfree(*slot);
        *slot = mystrdup(eq + 1);
        return;
    }
    if (strcmp(data, REC_ATTR_CLIENT_ADDRESS) == 0) {
        myfree(state->client_address);
        state->client_address = mystrdup(eq + 1);
    } else if (strcmp(data, REC_ATTR_SASL_USERNAME) == 0 && eq[1]) {
        state->sasl_authenticated = true;
    }
    cleanup_envelope_log_attr(state, data, eq + 1);
    cleanup_count(state, VSTRING_LEN(buf));
    if (cleanup_writing(state) && queue_file_attr(state->qf, data, eq + 1) < 0)
        cleanup_write_failed(state);
}

/* cleanup_addr_defer - a lookup failed or a limit was hit: try again later */

static void cleanup_addr_defer(CLEANUP_STATE *state, const VSTRING *why)
{
    msg_warn("%s: %s", state->queue_id, vstring_str(why));
    cleanup_error(state, CLEANUP_STAT_WRITE, "%s", cleanup_strerror(CLEANUP_STAT_WRITE));
}

/* cleanup_out_rcpt - write one final recipient, unless it was written before */

static void cleanup_out_rcpt(CLEANUP_STATE *state, const QUEUE_RCPT *qr)
{
    VSTRING *key = vstring_alloc(100);

    vstring_sprintf(key, "%s\n%s\n%s\n%d", qr->address, qr->orig_rcpt ? qr->orig_rcpt : "",
                    qr->dsn_orcpt ? qr->dsn_orcpt : "", qr->dsn_notify);
    if (htable_find(state->dups, vstring_str(key)) == NULL) {
        htable_enter(state->dups, vstring_str(key), state);
        cleanup_count(state, strlen(qr->address) + (qr->orig_rcpt ? strlen(qr->orig_rcpt) : 0) +
                                 (qr->dsn_orcpt ? strlen(qr->dsn_orcpt) : 0));
        if (cleanup_writing(state) && queue_file_rcpt(state->qf, qr) < 0)
            cleanup_write_failed(state);
        state->rcpt_count++;
    }
    vstring_free(key);
}

/* cleanup_out_expand - a rewritten recipient through virtual_alias_maps */

static void cleanup_out_expand(CLEANUP_STATE *state, const char *address, const QUEUE_RCPT *proto)
{
    ARGV *list = argv_alloc(2);
    VSTRING *why = vstring_alloc(100);
    QUEUE_RCPT qr = *proto;

    if (cleanup_addr_expand(state->addr, address, list, why) < 0) {
        cleanup_addr_defer(state, why);
    } else {
        for (size_t i = 0; i < list->argc; i++) {
            qr.address = list->argv[i];
            cleanup_out_rcpt(state, &qr);
        }
    }
    argv_free(list);
    vstring_free(why);
}

/* cleanup_out_bcc - recipients added by a bcc table or always_bcc */

static void cleanup_out_bcc(CLEANUP_STATE *state, const ARGV *bcc)
{
    VSTRING *addr = vstring_alloc(100), *why = vstring_alloc(100);
    ARGV *none = argv_alloc(1);

    for (size_t i = 0; cleanup_writing(state) && i < bcc->argc; i++) {
        QUEUE_RCPT qr = {.orig_rcpt = bcc->argv[i], .dsn_notify = REC_NOTIFY_NEVER};

        if (cleanup_addr_recipient(state->addr, bcc->argv[i], addr, none, why) < 0)
            cleanup_addr_defer(state, why);
        else
            cleanup_out_expand(state, vstring_str(addr), &qr);
    }
    argv_free(none);
    vstring_free(addr);
    vstring_free(why);
}

/* cleanup_envelope_sender - the S record */

static void cleanup_envelope_sender(CLEANUP_STATE *state, VSTRING *buf)
{
    ARGV *bcc;
    VSTRING *why;

    if (state->have_sender || state->rcpt_count > 0) {
        cleanup_bad(state, state->have_sender ? "second sender" : "sender after a recipient");
        return;
    }
    if (!cleanup_text_ok(buf, true)) {
        cleanup_bad(state, "null byte or control character in the sender");
        return;
    }
    state->have_sender = true;
    bcc = argv_alloc(1);
    why = vstring_alloc(100);
    if (cleanup_addr_sender(state->addr, vstring_str(buf), state->sender, bcc, why) < 0)
        cleanup_addr_defer(state, why);
    cleanup_count(state, VSTRING_LEN(state->sender));
    if (cleanup_writing(state) && queue_file_sender(state->qf, vstring_str(state->sender)) < 0)
        cleanup_write_failed(state);
    cleanup_out_bcc(state, bcc);
    argv_free(bcc);
    vstring_free(why);
}

/* cleanup_envelope_notify - the n record */

static void cleanup_envelope_notify(CLEANUP_STATE *state, VSTRING *buf)
{
    const char *text = vstring_str(buf);

    if (!alldig(text) || VSTRING_LEN(buf) == 0 || VSTRING_LEN(buf) > 2 || atoi(text) < 1 ||
        atoi(text) > REC_NOTIFY_MASK) {
        cleanup_bad(state, "malformed DSN NOTIFY record");
        return;
    }
    state->dsn_notify = atoi(text);
}

/* cleanup_envelope_orig - the O record */

static void cleanup_envelope_orig(CLEANUP_STATE *state, VSTRING *buf)
{
    if (state->orig_rcpt != NULL || !cleanup_text_ok(buf, true)) {
        cleanup_bad(state, state->orig_rcpt ? "repeated original recipient record"
                                            : "null byte or control character in the original "
                                              "recipient");
        return;
    }
    state->orig_rcpt = mystrdup(vstring_str(buf));
}

/* cleanup_envelope_orcpt - the o record: "addr-type;xtext", "" for none */

static void cleanup_envelope_orcpt(CLEANUP_STATE *state, VSTRING *buf)
{
    const char *problem = NULL;

    if (state->dsn_orcpt != NULL) {
        cleanup_bad(state, "repeated DSN ORCPT record");
        return;
    }
    if (VSTRING_LEN(buf) == 0)
        return;
    if ((problem = xtext_orcpt_check(vstring_str(buf), VSTRING_LEN(buf))) != NULL) {
        msg_warn("%s: malformed DSN ORCPT: %s", state->queue_id, problem);
        cleanup_bad(state, "malformed DSN ORCPT record");
        return;
    }
    state->dsn_orcpt = mystrdup(vstring_str(buf));
}

/* cleanup_envelope_rcpt - the R record, with the pending O, o and n */

static void cleanup_envelope_rcpt(CLEANUP_STATE *state, VSTRING *buf)
{
    VSTRING *rcpt, *why;
    ARGV *bcc;
    QUEUE_RCPT qr;

    if (!state->have_sender || VSTRING_LEN(buf) == 0 || !cleanup_text_ok(buf, true)) {
        cleanup_bad(state, !state->have_sender ? "recipient before the sender"
                           : VSTRING_LEN(buf) == 0
                               ? "empty recipient"
                               : "null byte or control character in a recipient");
        return;
    }
    rcpt = vstring_alloc(100);
    why = vstring_alloc(100);
    bcc = argv_alloc(1);
    if (cleanup_addr_recipient(state->addr, vstring_str(buf), rcpt, bcc, why) < 0) {
        cleanup_addr_defer(state, why);
    } else {
        qr = (QUEUE_RCPT){
            .orig_rcpt = state->orig_rcpt,
            .dsn_orcpt = state->dsn_orcpt,
            .dsn_notify = state->dsn_notify,
        };
        if (qr.orig_rcpt == NULL && strcmp(vstring_str(rcpt), vstring_str(buf)) != 0)
            qr.orig_rcpt = vstring_str(buf);
        cleanup_out_expand(state, vstring_str(rcpt), &qr);
        cleanup_out_bcc(state, bcc);
        myfree(state->last_rcpt);
        state->last_rcpt = mystrdup(vstring_str(rcpt));
    }
    myfree(state->orig_rcpt);
    myfree(state->dsn_orcpt);
    state->orig_rcpt = state->dsn_orcpt = NULL;
    state->dsn_notify = 0;
    argv_free(bcc);
    vstring_free(why);
    vstring_free(rcpt);
}

/* cleanup_envelope - one envelope record */

void cleanup_envelope(CLEANUP_STATE *state, int type, VSTRING *buf)
{
    switch (type) {
    case REC_TYPE_ATTR:
        cleanup_envelope_attr(state, buf);
        break;
    case REC_TYPE_FROM:
        cleanup_envelope_sender(state, buf);
        break;
    case REC_TYPE_ORCP:
        cleanup_envelope_orig(state, buf);
        break;
    case REC_TYPE_DSN_ORCPT:
        cleanup_envelope_orcpt(state, buf);
        break;
    case REC_TYPE_DSN_NOTIFY:
        cleanup_envelope_notify(state, buf);
        break;
    case REC_TYPE_RCPT:
        cleanup_envelope_rcpt(state, buf);
        break;
    case REC_TYPE_MESG:
        if (!state->have_sender || VSTRING_LEN(buf) != 0 || state->orig_rcpt || state->dsn_orcpt ||
            state->dsn_notify) {
            cleanup_bad(state, state->have_sender ? "malformed end of envelope"
                                                  : "content before the sender");
            return;
        }
        if (cleanup_addr_always_bcc(state->addr)) {
            ARGV *bcc = argv_split(cleanup_addr_always_bcc(state->addr), ", \t");

            cleanup_out_bcc(state, bcc);
            argv_free(bcc);
        }
        cleanup_message_start(state);
        break;
    default:
        cleanup_bad(state, "unexpected record in the envelope");
        break;
    }
}
