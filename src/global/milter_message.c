/*++
 * NAME
 *	milter_message - run a message through the milters
 * SYNOPSIS
 *	#include "milter.h"
 *
 *	MILTER_RESULT milters_message(MILTERS *milters, MILTER_MSG *msg);
 * DESCRIPTION
 *	milters_message() is described in milters(3). For each milter in
 *	turn it sends the header fields (name and value; the value without
 *	its leading white space unless the milter negotiated HDR_LEADSPC),
 *	the end of the headers, the body in chunks of at most 65535 bytes
 *	with CR LF line endings and the end of the message, each with the
 *	macros of its stage, leaving out what the milter asked to skip and
 *	reading no reply where it asked for none. The modification requests
 *	that come before the final reply are kept, checked against the
 *	actions that the milter negotiated, and applied to msg only when
 *	the final reply lets the message through.
 *--*/

#include <string.h>
#include <strings.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "milter_msg.h"
#include "milters_private.h"

/* Modification requests of one milter, kept until its final reply. */
typedef struct MILTER_EDITS {
    int *cmds;      /* reply command bytes, owned */
    VSTRING **data; /* their packets' data, owned */
    size_t count;   /* in use */
} MILTER_EDITS;

/* What each modification needs to have been negotiated. */
static const struct {
    int cmd;
    unsigned action;
} milter_edit_actions[] = {
    {MILTER_REPLY_ADDHEADER, MILTER_ACT_ADDHDRS},
    {MILTER_REPLY_INSHEADER, MILTER_ACT_ADDHDRS},
    {MILTER_REPLY_CHGHEADER, MILTER_ACT_CHGHDRS},
    {MILTER_REPLY_ADDRCPT, MILTER_ACT_ADDRCPT},
    {MILTER_REPLY_ADDRCPT_PAR, MILTER_ACT_ADDRCPT_PAR},
    {MILTER_REPLY_DELRCPT, MILTER_ACT_DELRCPT},
    {MILTER_REPLY_CHGFROM, MILTER_ACT_CHGFROM},
    {MILTER_REPLY_REPLBODY, MILTER_ACT_CHGBODY},
    {MILTER_REPLY_QUARANTINE, MILTER_ACT_QUARANTINE},
};

/* milter_edits_free - forget the kept requests */

static void milter_edits_free(MILTER_EDITS *edits)
{
    for (size_t i = 0; i < edits->count; i++)
        vstring_free(edits->data[i]);
    myfree(edits->cmds);
    myfree(edits->data);
    memset(edits, 0, sizeof(*edits));
}

/* milter_edits_keep - keep one request, if it was negotiated; 1: kept, 0: not an edit, -1 */

static int milter_edits_keep(MILTER_EDITS *edits, const MILTER *milter, int cmd, VSTRING *why)
{
    for (size_t i = 0; i < sizeof(milter_edit_actions) / sizeof(milter_edit_actions[0]); i++) {
        if (milter_edit_actions[i].cmd != cmd)
            continue;
        if ((milter->actions & milter_edit_actions[i].action) == 0) {
            vstring_sprintf(why, "modification '%c' was not negotiated", cmd);
            return -1;
        }
        edits->cmds = myrealloc(edits->cmds, (edits->count + 1) * sizeof(*edits->cmds));
        edits->data = myrealloc(edits->data, (edits->count + 1) * sizeof(*edits->data));
        edits->cmds[edits->count] = cmd;
        edits->data[edits->count] = vstring_alloc(VSTRING_LEN(milter->packet) + 1);
        vstring_memcpy(edits->data[edits->count], vstring_str(milter->packet),
                       VSTRING_LEN(milter->packet));
        edits->count++;
        return 1;
    }
    return 0;
}

/* milter_edits_header - milter_header_checks on the field that a request makes */

static MILTER_HEADER_VERDICT milter_edits_header(MILTERS *milters, const MILTER_REPLY *r,
                                                 bool leadspace, const char **out_name,
                                                 const char **out_value)
{
    MILTER_HEADER_VERDICT verdict;
    char *field;
    char *colon;

    if (milters->header_fn == NULL || (r->cmd == MILTER_REPLY_CHGHEADER && *r->value == 0))
        return MILTER_HEADER_KEEP;
    field = milter_msg_format_field(r->name, r->value, leadspace);
    vstring_truncate(milters->header_out, 0);
    verdict = milters->header_fn(milters->header_context, field, milters->header_out);
    myfree(field);
    if (verdict != MILTER_HEADER_REPLACE)
        return verdict;
    /* "Name: value": the value keeps its leading space (applied with leadspace). */
    if ((colon = strchr(vstring_str(milters->header_out), ':')) == NULL ||
        colon == vstring_str(milters->header_out))
        return MILTER_HEADER_KEEP;
    *colon = 0;
    *out_name = vstring_str(milters->header_out);
    *out_value = colon + 1;
    return MILTER_HEADER_REPLACE;
}

/* milter_edits_field - add, insert or change one header field, as judged */

static bool milter_edits_field(MILTERS *milters, const MILTER *milter, const MILTER_REPLY *r,
                               bool leadspace, MILTER_MSG *msg, MILTER_RESULT *out)
{
    const char *name = r->name, *value = r->value;

    switch (milter_edits_header(milters, r, leadspace, &name, &value)) {
    case MILTER_HEADER_REJECT:
        *out = milters_result(
            milters, vstring_str(milters->header_out)[0] == '4' ? MILTER_TEMPFAIL : MILTER_REJECT,
            vstring_str(milters->header_out), milter);
        return false;
    case MILTER_HEADER_DROP:
        if (r->cmd == MILTER_REPLY_CHGHEADER)
            milter_msg_change_header(msg, r->index, r->name, "", leadspace);
        return true;
    case MILTER_HEADER_REPLACE:
        leadspace = true;
        break;
    default:
        break;
    }
    if (r->cmd == MILTER_REPLY_ADDHEADER) {
        milter_msg_add_header(msg, name, value, leadspace);
    } else if (r->cmd == MILTER_REPLY_INSHEADER) {
        milter_msg_insert_header(msg, r->index, name, value, leadspace);
    } else if (strcasecmp(name, r->name) == 0) {
        milter_msg_change_header(msg, r->index, name, value, leadspace);
    } else {
        /* A replacement with another name: the changed field goes, the new one is added. */
        milter_msg_change_header(msg, r->index, r->name, "", leadspace);
        milter_msg_add_header(msg, name, value, leadspace);
    }
    return true;
}

/*
 * milter_edits_apply - apply the kept requests in order; true when one
 * asked for hold. A header field that milter_header_checks refuses ends
 * it with out set to the refusal.
 */
static bool milter_edits_apply(MILTERS *milters, const MILTER *milter, const MILTER_EDITS *edits,
                               MILTER_MSG *msg, MILTER_RESULT *out)
{
    bool leadspace = (milter->proto & MILTER_PROTO_HDR_LEADSPC) != 0;
    bool hold = false;
    MILTER_REPLY r;

    vstring_truncate(milters->body, 0);
    for (size_t i = 0; i < edits->count; i++) {
        if (milter_reply_parse(edits->cmds[i], vstring_str(edits->data[i]),
                               VSTRING_LEN(edits->data[i]), &r, milters->why) < 0)
            msg_panic("%s: kept a malformed request", __func__);
        switch (r.cmd) {
        case MILTER_REPLY_ADDHEADER:
        case MILTER_REPLY_INSHEADER:
        case MILTER_REPLY_CHGHEADER:
            if (!milter_edits_field(milters, milter, &r, leadspace, msg, out))
                return false;
            break;
        case MILTER_REPLY_ADDRCPT:
        case MILTER_REPLY_ADDRCPT_PAR:
            milter_msg_add_rcpt(msg, r.addr);
            break;
        case MILTER_REPLY_DELRCPT:
            (void)milter_msg_del_rcpt(msg, r.addr);
            break;
        case MILTER_REPLY_CHGFROM:
            milter_msg_change_sender(msg, r.addr);
            break;
        case MILTER_REPLY_REPLBODY:
            vstring_memcat(milters->body, r.data, r.len);
            break;
        case MILTER_REPLY_QUARANTINE:
            vstring_sprintf(milters->reason, "%s", r.text);
            hold = true;
            break;
        }
    }
    for (size_t i = 0; i < edits->count; i++) {
        if (edits->cmds[i] == MILTER_REPLY_REPLBODY) {
            milter_msg_replace_body(msg, vstring_str(milters->body), VSTRING_LEN(milters->body));
            break;
        }
    }
    return hold;
}

/* milter_message_step - send one content packet and take its reply; 1: stop this milter */

static int milter_message_step(MILTERS *milters, MILTER *milter, int stage, int cmd,
                               const char *data, size_t len, unsigned noreply, MILTER_RESULT *out)
{
    MILTER_REPLY reply;

    milter_conn_deadline(milter, milter->content_timeout);
    if (stage >= 0 ? milters_send_event(milters, milter, stage, cmd, data, len) < 0
                   : milter_conn_send(milter, cmd, data, len, milters->why) < 0)
        return -1;
    if (milter->proto & noreply)
        return 0;
    if (milters_read_reply(milters, milter, milter->content_timeout, &reply) < 0)
        return -1;
    if (cmd == MILTER_CMD_BODY && reply.cmd == MILTER_REPLY_SKIP)
        return 2;
    if (milters_verdict(milters, milter, &reply, false, out) < 0)
        return -1;
    return out->verdict != MILTER_CONTINUE || milter->state != MILTER_STATE_READY;
}

/* milter_message_headers - every header field */

static int milter_message_headers(MILTERS *milters, MILTER *milter, const MILTER_MSG *msg,
                                  MILTER_RESULT *out)
{
    VSTRING *data = milters->data;
    int status = 0;

    if (milter->proto & MILTER_PROTO_NOHDRS)
        return 0;
    for (size_t i = 0; status == 0 && i < milter_msg_header_count(msg); i++) {
        const char *field = milter_msg_header(msg, i);
        const char *colon = strchr(field, ':');
        size_t name_len = (size_t)(colon - field);
        const char *value = colon + 1;

        while (name_len > 0 && (field[name_len - 1] == ' ' || field[name_len - 1] == '\t'))
            name_len--;
        if (!(milter->proto & MILTER_PROTO_HDR_LEADSPC))
            value += strspn(value, " \t");
        vstring_strncpy(data, field, name_len);
        vstring_addch(data, 0);
        vstring_memcat(data, value, strlen(value) + 1);
        status = milter_message_step(milters, milter, -1, MILTER_CMD_HEADER, vstring_str(data),
                                     VSTRING_LEN(data), MILTER_PROTO_NR_HDR, out);
    }
    return status;
}

/* milter_message_body - the body in chunks, CR LF line endings */

static int milter_message_body(MILTERS *milters, MILTER *milter, const MILTER_MSG *msg,
                               MILTER_RESULT *out)
{
    VSTRING *chunk = milters->data;
    size_t len;
    const char *body = milter_msg_body(msg, &len);
    int status = 0;

    if (milter->proto & MILTER_PROTO_NOBODY)
        return 0;
    vstring_truncate(chunk, 0);
    for (size_t i = 0; i <= len && status == 0; i++) {
        if (i < len) {
            if (body[i] == '\n')
                vstring_addch(chunk, '\r');
            vstring_addch(chunk, body[i]);
        }
        if (VSTRING_LEN(chunk) >= MILTER_CHUNK_SIZE - 1 || (i == len && VSTRING_LEN(chunk) > 0)) {
            status = milter_message_step(milters, milter, -1, MILTER_CMD_BODY, vstring_str(chunk),
                                         VSTRING_LEN(chunk), MILTER_PROTO_NR_BODY, out);
            vstring_truncate(chunk, 0);
        }
    }
    return status == 2 ? 0 : status;
}

/* milter_message_end - end of message: requests, then the final reply */

static int milter_message_end(MILTERS *milters, MILTER *milter, MILTER_EDITS *edits,
                              MILTER_RESULT *out)
{
    MILTER_REPLY reply;
    int kept;

    milter_conn_deadline(milter, milter->content_timeout);
    if (milters_send_event(milters, milter, MILTER_MACRO_STAGE_EOM, MILTER_CMD_EOB, "", 0) < 0)
        return -1;
    for (;;) {
        if (milters_read_reply(milters, milter, milter->content_timeout, &reply) < 0)
            return -1;
        if ((kept = milter_edits_keep(edits, milter, reply.cmd, milters->why)) < 0)
            return -1;
        if (kept == 0)
            return milters_verdict(milters, milter, &reply, false, out);
        milter_conn_deadline(milter, milter->content_timeout);
    }
}

/* milter_message_one - the whole message to one milter; true: hold */

static int milter_message_one(MILTERS *milters, MILTER *milter, MILTER_MSG *msg, MILTER_RESULT *out,
                              bool *hold)
{
    MILTER_EDITS edits = {0};
    int status;

    *out = milters_continue();
    if ((status = milter_message_headers(milters, milter, msg, out)) == 0 &&
        !(milter->proto & MILTER_PROTO_NOEOH))
        status = milter_message_step(milters, milter, MILTER_MACRO_STAGE_EOH, MILTER_CMD_EOH, "", 0,
                                     MILTER_PROTO_NR_EOH, out);
    if (status == 0)
        status = milter_message_body(milters, milter, msg, out);
    if (status == 0)
        status = milter_message_end(milters, milter, &edits, out);
    if (status < 0) {
        milter_edits_free(&edits);
        *out = milters_fail(milters, milter, vstring_str(milters->why));
        if (milter->default_action == MILTER_DEFAULT_QUARANTINE) {
            vstring_sprintf(milters->reason, "milter %s failed", milter->name);
            *hold = true;
        }
        return -1;
    }
    if (out->verdict == MILTER_CONTINUE && milter_edits_apply(milters, milter, &edits, msg, out))
        *hold = true;
    milter_edits_free(&edits);
    if (milter->state == MILTER_STATE_READY || milter->state == MILTER_STATE_SKIP_MSG)
        milter->state = MILTER_STATE_READY;
    return 0;
}

/* milters_message - the content through every milter */

MILTER_RESULT milters_message(MILTERS *milters, MILTER_MSG *msg)
{
    MILTER_RESULT result = milters_continue();
    const char *hold_by = NULL;
    bool hold = false;

    vstring_truncate(milters->reason, 0);
    for (size_t i = 0; i < milters->count && result.verdict == MILTER_CONTINUE; i++) {
        MILTER *milter = milters->list[i];
        bool held = false;

        if (milter->state == MILTER_STATE_ERROR) {
            if (milter->default_action == MILTER_DEFAULT_QUARANTINE) {
                vstring_sprintf(milters->reason, "milter %s failed", milter->name);
                held = true;
            }
            result = milters_default(milters, milter);
        } else if (milter->state == MILTER_STATE_READY) {
            (void)milter_message_one(milters, milter, msg, &result, &held);
        } else if (milter->state == MILTER_STATE_SKIP_MSG) {
            milter->state = MILTER_STATE_READY;
        }
        if (held && !hold) {
            hold = true;
            hold_by = milter->name;
        }
    }
    if (result.verdict == MILTER_CONTINUE && hold) {
        result = milters_result(milters, MILTER_HOLD, NULL, NULL);
        result.milter = hold_by;
    }
    return result;
}
