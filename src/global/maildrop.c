/*++
 * NAME
 *	maildrop - read and check a local submission in the maildrop queue
 * SYNOPSIS
 *	#include <maildrop.h>
 *
 *	int	maildrop_open(const char *id, const MAILDROP_LIMITS *limits,
 *				MAILDROP **out, VSTRING *why);
 *	uid_t	maildrop_uid(const MAILDROP *md);
 *	const char *maildrop_sender(const MAILDROP *md);
 *	size_t	maildrop_rcpt_count(const MAILDROP *md);
 *	const QUEUE_MSG_RCPT *maildrop_rcpt(const MAILDROP *md, size_t index);
 *	const char *maildrop_attr(const MAILDROP *md, const char *name);
 *	int	maildrop_dropped(const MAILDROP *md);
 *	int	maildrop_content_get(MAILDROP *md, VSTRING *buf);
 *	MAILDROP *maildrop_close(MAILDROP *md);
 * DESCRIPTION
 *	A maildrop file is a queue file (README_FILES/QUEUE_README) that
 *	sendmail wrote as the submitting user. Anyone allowed to submit mail
 *	can put anything into such a file, so maildrop_open() checks it
 *	before pickup believes a byte of it:
 * .IP \(bu
 *	maildrop/id (relative to the queue directory) must be a regular
 *	file with one link, not larger than limits->max_size; its owner is
 *	the submitting user (maildrop_uid()).
 * .IP \(bu
 *	its structure must be valid (queue_msg_open(3): record types, order,
 *	sizes, the end marker), with at most limits->max_rcpt recipients,
 *	none of them marked done, and no control characters in the sender
 *	or a recipient. A DSN ORCPT must pass xtext_orcpt_check(), a
 *	dsn_envid attribute xtext_envid_check() (RFC 3461 syntax, printable
 *	US-ASCII once decoded, length limits), so that neither can carry
 *	anything into an SMTP command or a delivery report.
 * .IP \(bu
 *	only the attributes that a user may set are believed: full_name
 *	(sendmail -F), dsn_envid, dsn_ret (FULL or HDRS), encoding (7bit
 *	or 8bitmime) and requiretls (yes: a stricter demand, never a
 *	privilege). Facts about a receiving session (client, HELO, TLS,
 *	SASL, protocol) and the other attributes are dropped;
 *	maildrop_dropped() counts them, so the caller can log it. A
 *	believed attribute with a malformed value makes the file bad.
 * .PP
 *	The result is MAILDROP_STAT_OK with the handle in *out, or
 *	MAILDROP_STAT_MISSING, MAILDROP_STAT_RETRY (a system error, or the
 *	writer still holds its lock), or MAILDROP_STAT_BAD (never deliver
 *	it), with the reason in why.
 *
 *	The accessors return what the file holds; strings belong to the
 *	handle. maildrop_attr() returns NULL for an attribute that is absent
 *	or not believed. maildrop_content_get() reads the next content
 *	record as queue_msg_content_get() does: REC_TYPE_NORM, REC_TYPE_CONT,
 *	0 at the end, -1 when the content is damaged. maildrop_close()
 *	releases everything and returns NULL; it does not remove the file.
 * SEE ALSO
 *	queue_msg(3), pickup(8), sendmail(1)
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "cleanup_client.h"
#include "mail_queue.h"
#include "maildrop.h"
#include "rec_type.h"
#include "xtext.h"

struct MAILDROP {
    QUEUE_MSG *msg; /* the open file, owned */
    uid_t uid;      /* the file's owner: the submitting user */
    int dropped;    /* attributes not believed */
};

/* Attributes a user may set, with their allowed values (NULL: any text). */
static const struct {
    const char *name;      /* attribute name */
    const char *values[3]; /* allowed values, or { NULL } */
} maildrop_allowed[] = {
    {CLEANUP_ATTR_FULL_NAME, {NULL}},           {REC_ATTR_DSN_ENVID, {NULL}},
    {REC_ATTR_DSN_RET, {"FULL", "HDRS", NULL}}, {REC_ATTR_ENCODING, {"7bit", "8bitmime", NULL}},
    {REC_ATTR_REQUIRETLS, {"yes", NULL}},
};

/* Attributes only a receiving server may set: dropped when present. */
static const char *const maildrop_denied[] = {
    REC_ATTR_CLIENT_NAME,     REC_ATTR_REVERSE_NAME,    REC_ATTR_CLIENT_ADDRESS,
    REC_ATTR_CLIENT_PORT,     REC_ATTR_HELO_NAME,       REC_ATTR_PROTOCOL_NAME,
    REC_ATTR_SASL_METHOD,     REC_ATTR_SASL_USERNAME,   REC_ATTR_TLS_PROTOCOL,
    REC_ATTR_TLS_CIPHER,      REC_ATTR_TLS_CIPHER_BITS, REC_ATTR_TLS_PEER_TRUST,
    REC_ATTR_TLS_PEER_CN,     REC_ATTR_TLS_PEER_FPRINT, REC_ATTR_LOG_IDENT,
    REC_ATTR_REWRITE_CONTEXT,
};

#define MAILDROP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* maildrop_text_ok - no control characters in an address */

static bool maildrop_text_ok(const char *text)
{
    for (const unsigned char *cp = (const unsigned char *)text; *cp; cp++)
        if (iscntrl(*cp))
            return false;
    return true;
}

/* maildrop_check_file - the file itself: type, links, size */

static int maildrop_check_file(const char *id, const MAILDROP_LIMITS *limits, uid_t *out_uid,
                               VSTRING *why)
{
    VSTRING *path = vstring_alloc(60);
    struct stat st;
    int status = MAILDROP_STAT_OK;

    mail_queue_path(path, MAIL_QUEUE_MAILDROP, id);
    if (lstat(vstring_str(path), &st) < 0) {
        vstring_sprintf(why, "%s: %m", vstring_str(path));
        status = errno == ENOENT ? MAILDROP_STAT_MISSING : MAILDROP_STAT_RETRY;
    } else if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
        vstring_sprintf(why, "%s: not a regular file with one link", vstring_str(path));
        status = MAILDROP_STAT_BAD;
    } else if (limits->max_size > 0 && st.st_size > limits->max_size) {
        vstring_sprintf(why, "%s: file size %lld exceeds the limit of %lld bytes",
                        vstring_str(path), (long long)st.st_size, limits->max_size);
        status = MAILDROP_STAT_BAD;
    }
    *out_uid = st.st_uid;
    vstring_free(path);
    return status;
}

/* maildrop_check_envelope - sender, recipients and attributes */

static int maildrop_check_envelope(MAILDROP *md, const char *id, const MAILDROP_LIMITS *limits,
                                   VSTRING *why)
{
    size_t count = queue_msg_rcpt_count(md->msg);
    const char *value, *problem;

    if (!maildrop_text_ok(queue_msg_sender(md->msg))) {
        vstring_sprintf(why, "maildrop/%s: control character in the sender", id);
        return MAILDROP_STAT_BAD;
    }
    if (limits->max_rcpt > 0 && count > limits->max_rcpt) {
        vstring_sprintf(why, "maildrop/%s: %zu recipients exceed the limit of %zu", id, count,
                        limits->max_rcpt);
        return MAILDROP_STAT_BAD;
    }
    for (size_t i = 0; i < count; i++) {
        const QUEUE_MSG_RCPT *rcpt = queue_msg_rcpt(md->msg, i);

        if (rcpt->done || *rcpt->address == 0 || !maildrop_text_ok(rcpt->address) ||
            (rcpt->orig_rcpt && !maildrop_text_ok(rcpt->orig_rcpt))) {
            vstring_sprintf(why, "maildrop/%s: malformed recipient", id);
            return MAILDROP_STAT_BAD;
        }
        if (rcpt->dsn_orcpt &&
            (problem = xtext_orcpt_check(rcpt->dsn_orcpt, strlen(rcpt->dsn_orcpt))) != NULL) {
            vstring_sprintf(why, "maildrop/%s: malformed DSN ORCPT of a recipient: %s", id,
                            problem);
            return MAILDROP_STAT_BAD;
        }
    }
    if ((value = queue_msg_attr(md->msg, REC_ATTR_DSN_ENVID)) != NULL &&
        (problem = xtext_envid_check(value, strlen(value))) != NULL) {
        vstring_sprintf(why, "maildrop/%s: malformed %s attribute: %s", id, REC_ATTR_DSN_ENVID,
                        problem);
        return MAILDROP_STAT_BAD;
    }
    for (size_t i = 0; i < MAILDROP_COUNT(maildrop_allowed); i++) {
        bool ok;

        value = queue_msg_attr(md->msg, maildrop_allowed[i].name);
        ok = value == NULL || maildrop_allowed[i].values[0] == NULL;

        for (int v = 0; !ok && maildrop_allowed[i].values[v]; v++)
            ok = strcmp(value, maildrop_allowed[i].values[v]) == 0;
        if (!ok) {
            vstring_sprintf(why, "maildrop/%s: bad %s value \"%s\"", id, maildrop_allowed[i].name,
                            maildrop_text_ok(value) ? value : "(control characters)");
            return MAILDROP_STAT_BAD;
        }
    }
    for (size_t i = 0; i < MAILDROP_COUNT(maildrop_denied); i++)
        if (queue_msg_attr(md->msg, maildrop_denied[i]) != NULL)
            md->dropped++;
    return MAILDROP_STAT_OK;
}

/* maildrop_open - open and check a maildrop file */

int maildrop_open(const char *id, const MAILDROP_LIMITS *limits, MAILDROP **out, VSTRING *why)
{
    MAILDROP *md;
    uid_t uid;
    QUEUE_MSG *msg;
    int status;

    *out = NULL;
    VSTRING_RESET(why);
    if ((status = maildrop_check_file(id, limits, &uid, why)) != MAILDROP_STAT_OK)
        return status;
    switch (queue_msg_open(MAIL_QUEUE_MAILDROP, id, QUEUE_MSG_FLAG_LOCK, &msg, why)) {
    case QUEUE_MSG_STAT_OK:
        break;
    case QUEUE_MSG_STAT_MISSING:
        return MAILDROP_STAT_MISSING;
    case QUEUE_MSG_STAT_CORRUPT:
        return MAILDROP_STAT_BAD;
    default:
        return MAILDROP_STAT_RETRY;
    }
    md = mycalloc(1, sizeof(*md));
    md->msg = msg;
    md->uid = uid;
    if ((status = maildrop_check_envelope(md, id, limits, why)) != MAILDROP_STAT_OK) {
        maildrop_close(md);
        return status;
    }
    *out = md;
    return MAILDROP_STAT_OK;
}

/* maildrop_uid - the submitting user */

uid_t maildrop_uid(const MAILDROP *md)
{
    return md->uid;
}

/* maildrop_sender - the sender as submitted */

const char *maildrop_sender(const MAILDROP *md)
{
    return queue_msg_sender(md->msg);
}

/* maildrop_rcpt_count - number of recipients */

size_t maildrop_rcpt_count(const MAILDROP *md)
{
    return queue_msg_rcpt_count(md->msg);
}

/* maildrop_rcpt - one recipient */

const QUEUE_MSG_RCPT *maildrop_rcpt(const MAILDROP *md, size_t index)
{
    return queue_msg_rcpt(md->msg, index);
}

/* maildrop_attr - a believed attribute */

const char *maildrop_attr(const MAILDROP *md, const char *name)
{
    for (size_t i = 0; i < MAILDROP_COUNT(maildrop_allowed); i++)
        if (strcmp(name, maildrop_allowed[i].name) == 0)
            return queue_msg_attr(md->msg, name);
    return NULL;
}

/* maildrop_dropped - attributes that were not believed */

int maildrop_dropped(const MAILDROP *md)
{
    return md->dropped;
}

/* maildrop_content_get - the next content record */

int maildrop_content_get(MAILDROP *md, VSTRING *buf)
{
    return queue_msg_content_get(md->msg, buf);
}

/* maildrop_close - release the file */

MAILDROP *maildrop_close(MAILDROP *md)
{
    queue_msg_close(md->msg);
    myfree(md);
    return NULL;
}
