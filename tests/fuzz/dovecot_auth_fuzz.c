/*++
 * NAME
 *	dovecot_auth_fuzz - fuzz the Dovecot auth protocol parser
 * SUMMARY
 *	libFuzzer harness for dovecot_auth_proto(3)
 * DESCRIPTION
 *	The input is what a Dovecot auth server sends: it is cut into lines
 *	at LF as the Dovecot SASL back end reads them (a line is at most
 *	DOVECOT_AUTH_LINE_MAX bytes with its LF), the lines go to the
 *	handshake parser until it completes or refuses, and the lines after
 *	a completed handshake go to the reply parser, as replies to AUTH and
 *	CONT would. Each line is also unescaped, and escaped text made of
 *	it must unescape to the line again.
 *
 *	Properties: a completed handshake has at most DOVECOT_AUTH_MECH_MAX
 *	mechanisms, each named by 1 to 20 upper-case RFC 4422 characters,
 *	no two alike; the mechanism list for EHLO under every security
 *	option is those names separated by single spaces, and never holds a
 *	private mechanism or, with noplaintext, a plaintext one; an accepted
 *	reply has a request id from 1, an OK reply names a printable user of
 *	at most DOVECOT_AUTH_USER_MAX bytes, a CONT reply carries base64,
 *	and a reason holds no control character and fits
 *	DOVECOT_AUTH_REASON_MAX; AUTH and CONT lines formatted with a
 *	reply's data as the response are single lines. No memory error,
 *	leak or undefined behaviour.
 *
 *	Fatal errors: a server's bytes must never stop smtpd, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	dovecot_auth_proto(3), sasl_dovecot_server(3), tests/fuzz/README
 *--*/

#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "dovecot_auth_proto.h"
#include "sasl_secopts.h"

#include "fuzz.h"

struct dovecot_auth_job {
    const uint8_t *data; /* the server's bytes */
    size_t size;         /* their length */
};

/* dovecot_check_text - no byte below 0x20 or 0x7f, at most max bytes */

static void dovecot_check_text(const char *what, const VSTRING *text, size_t max)
{
    if (VSTRING_LEN(text) > max)
        msg_panic("%s of %zu bytes", what, VSTRING_LEN(text));
    for (size_t i = 0; i < VSTRING_LEN(text); i++) {
        unsigned char ch = (unsigned char)vstring_str(text)[i];

        if (ch < 0x20 || ch == 0x7f)
            msg_panic("%s with byte 0x%02x", what, ch);
    }
}

/* dovecot_check_handshake - a completed handshake */

static void dovecot_check_handshake(const DOVECOT_AUTH_HANDSHAKE *hs)
{
    static const int options[] = {0,
                                  SASL_SECOPT_NOPLAINTEXT,
                                  SASL_SECOPT_NOANONYMOUS,
                                  SASL_SECOPT_NODICTIONARY | SASL_SECOPT_NOACTIVE,
                                  SASL_SECOPT_MUTUAL_AUTH,
                                  SASL_SECOPT_FORWARD_SECRECY};
    VSTRING *list = vstring_alloc(100);

    if (hs->mech_count > DOVECOT_AUTH_MECH_MAX)
        msg_panic("%zu mechanisms", hs->mech_count);
    for (size_t i = 0; i < hs->mech_count; i++) {
        const char *name = hs->mechs[i].name;
        size_t len = strlen(name);

        if (len == 0 || len > DOVECOT_AUTH_MECH_NAME_MAX ||
            strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != len)
            msg_panic("mechanism name \"%s\"", name);
        if (dovecot_auth_mech_find(hs, name) != &hs->mechs[i])
            msg_panic("mechanism %s announced twice", name);
    }
    for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
        char *cp, *word;

        dovecot_auth_mech_list(hs, options[k], list);
        if (VSTRING_LEN(list) > 0 && (vstring_str(list)[0] == ' ' || vstring_end(list)[-1] == ' ' ||
                                      strstr(vstring_str(list), "  ") != NULL))
            msg_panic("mechanism list \"%s\"", vstring_str(list));
        for (cp = vstring_str(list); (word = strsep(&cp, " ")) != NULL;) {
            const DOVECOT_AUTH_MECH *mech;

            if (*word == 0)
                continue;
            if ((mech = dovecot_auth_mech_find(hs, word)) == NULL)
                msg_panic("listed mechanism %s was not announced", word);
            if ((mech->flags & DOVECOT_MECH_PRIVATE) ||
                ((options[k] & SASL_SECOPT_NOPLAINTEXT) && (mech->flags & DOVECOT_MECH_PLAINTEXT)))
                msg_panic("mechanism %s listed under options 0x%x", word, options[k]);
        }
    }
    vstring_free(list);
}

/* dovecot_check_reply - an accepted reply, and the requests made of it */

static void dovecot_check_reply(const DOVECOT_AUTH_REPLY *reply)
{
    static const DOVECOT_AUTH_REQUEST request = {.service = "smtp", .remote_addr = "192.0.2.1"};
    VSTRING *out = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    const char *data = vstring_str(reply->data);

    if (reply->id == 0)
        msg_panic("reply with request id 0");
    if (reply->type == DOVECOT_AUTH_REPLY_OK && VSTRING_LEN(reply->user) == 0)
        msg_panic("OK reply without a user");
    dovecot_check_text("user", reply->user, DOVECOT_AUTH_USER_MAX);
    dovecot_check_text("reason", reply->reason, DOVECOT_AUTH_REASON_MAX);
    if (!dovecot_auth_base64_ok(data, VSTRING_LEN(reply->data)) ||
        strlen(data) != VSTRING_LEN(reply->data))
        msg_panic("CONT data that is not base64");
    if (dovecot_auth_format_cont(out, reply->id, data, why) < 0)
        msg_panic("CONT line refused for base64 data: %s", vstring_str(why));
    if (strchr(vstring_str(out), '\n') != vstring_end(out) - 1)
        msg_panic("CONT request is not one line");
    if (dovecot_auth_format_auth(out, reply->id, "PLAIN", &request, data, why) < 0)
        msg_panic("AUTH line refused for base64 data: %s", vstring_str(why));
    if (strchr(vstring_str(out), '\n') != vstring_end(out) - 1)
        msg_panic("AUTH request is not one line");
    vstring_free(out);
    vstring_free(why);
}

/* dovecot_check_escape - escaping the unescaped line gives it back */

static void dovecot_check_escape(const char *line, size_t len, VSTRING *plain, VSTRING *again)
{
    VSTRING *escaped = vstring_alloc(len + 10);

    if (dovecot_auth_unescape(plain, line, len) == 0 &&
        strlen(vstring_str(plain)) == VSTRING_LEN(plain)) {
        dovecot_auth_escape(escaped, vstring_str(plain));
        if (memchr(vstring_str(escaped), '\t', VSTRING_LEN(escaped)) ||
            memchr(vstring_str(escaped), '\n', VSTRING_LEN(escaped)))
            msg_panic("escaped text holds a TAB or LF");
        if (dovecot_auth_unescape(again, vstring_str(escaped), VSTRING_LEN(escaped)) < 0 ||
            VSTRING_LEN(again) != VSTRING_LEN(plain) ||
            memcmp(vstring_str(again), vstring_str(plain), VSTRING_LEN(plain)) != 0)
            msg_panic("escape round trip changed the text");
    }
    vstring_free(escaped);
}

/* dovecot_auth_run - one server's output */

static void dovecot_auth_run(void *context)
{
    struct dovecot_auth_job *job = context;
    const char *cp = (const char *)job->data;
    const char *end = cp + job->size;
    DOVECOT_AUTH_HANDSHAKE hs;
    DOVECOT_AUTH_REPLY *reply = dovecot_auth_reply_alloc();
    VSTRING *why = vstring_alloc(100);
    VSTRING *plain = vstring_alloc(100);
    VSTRING *again = vstring_alloc(100);
    int status = DOVECOT_AUTH_HS_MORE;

    dovecot_auth_handshake_init(&hs);
    while (cp < end) {
        const char *nl = memchr(cp, '\n', (size_t)(end - cp));
        size_t len = nl ? (size_t)(nl - cp) : (size_t)(end - cp);

        /* The back end reads at most DOVECOT_AUTH_LINE_MAX bytes with the LF. */
        if (nl == NULL || len >= DOVECOT_AUTH_LINE_MAX)
            break;
        dovecot_check_escape(cp, len, plain, again);
        if (status == DOVECOT_AUTH_HS_MORE) {
            status = dovecot_auth_handshake_line(&hs, cp, len, why);
            if (status == DOVECOT_AUTH_HS_DONE)
                dovecot_check_handshake(&hs);
            else if (status == DOVECOT_AUTH_HS_ERROR)
                break;
        } else if (dovecot_auth_reply_parse(reply, cp, len, why) == 0) {
            dovecot_check_reply(reply);
        }
        cp += len + 1;
    }
    dovecot_auth_reply_free(reply);
    vstring_free(why);
    vstring_free(plain);
    vstring_free(again);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dovecot_auth_job job = {data, size};

    fuzz_init("dovecot_auth_fuzz");
    fuzz_call(dovecot_auth_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
