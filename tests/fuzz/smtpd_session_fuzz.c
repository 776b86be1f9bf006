/*++
 * NAME
 *	smtpd_session_fuzz - fuzz the SMTP server session with client bytes
 * SUMMARY
 *	libFuzzer harness for smtpd_session() in src/smtpd
 * DESCRIPTION
 *	The input is what an SMTP client sends: it is put behind a memory
 *	stream in place of the connection, and a whole smtpd session runs
 *	on it (greeting, command reading, HELO/EHLO, MAIL, RCPT, DATA, BDAT,
 *	RSET, NOOP, VRFY, QUIT...) until the input ends or the session does.
 *	The configuration is a fixed main.cf in a temporary directory
 *	(smtpd_error_sleep_time = 0, so that errors do not sleep; the queue
 *	directory is empty, so that a transaction fails where it would hand
 *	the message to cleanup, as with a stopped cleanup service).
 *
 *	Properties: every reply line that the session writes is a
 *	three-digit code, then ' ' or '-', then text without a CR or LF of
 *	its own, and ends in CRLF; no memory error, leak or undefined
 *	behaviour.
 *
 *	Fatal errors: nothing a client sends may stop smtpd ("Nothing is
 *	fatal; I/O failures end the session", smtpd_chat(3)), so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING), like a panic.
 * SEE ALSO
 *	smtpd(8), RFC 5321, tests/fuzz/README
 *--*/

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "smtpd.h"
#include "smtpd_config.h"

#include "fuzz.h"

struct smtpd_session_job {
    const SMTPD_CONFIG *cfg; /* the server configuration */
    const uint8_t *data;     /* the client's bytes */
    size_t size;             /* their length */
};

/* smtpd_session_check - the replies are well-formed lines */

static void smtpd_session_check(const VSTRING *out)
{
    const char *cp = vstring_str(out);
    const char *end = cp + VSTRING_LEN(out);
    const char *eol;

    for (; cp < end; cp = eol + 2) {
        if ((eol = memchr(cp, '\r', end - cp)) == NULL || eol + 1 >= end || eol[1] != '\n')
            msg_panic("reply without CRLF: \"%.*s\"", (int)(end - cp), cp);
        if (eol - cp < 3 || !isdigit((unsigned char)cp[0]) || !isdigit((unsigned char)cp[1]) ||
            !isdigit((unsigned char)cp[2]) || (eol - cp > 3 && cp[3] != ' ' && cp[3] != '-'))
            msg_panic("malformed reply line: \"%.*s\"", (int)(eol - cp), cp);
        if (memchr(cp, '\n', eol - cp) != NULL)
            msg_panic("reply line with a bare LF: \"%.*s\"", (int)(eol - cp), cp);
    }
}

/* smtpd_session_run - one session */

static void smtpd_session_run(void *context)
{
    struct smtpd_session_job *job = context;
    VSTRING *input = vstring_alloc(job->size + 1);
    VSTRING *output = vstring_alloc(1000);
    VSTREAM *in;
    VSTREAM *out;
    SMTPD_STATE *state;

    vstring_memcpy(input, job->data, job->size);
    in = vstream_memopen(input, VSTREAM_FLAG_READ);
    out = vstream_memopen(output, VSTREAM_FLAG_WRITE);
    state = smtpd_state_alloc(job->cfg, in, out, false);
    smtpd_session(state);
    smtpd_state_free(state);
    vstream_close(in);
    vstream_close(out);
    smtpd_session_check(output);
    vstring_free(input);
    vstring_free(output);
}

/* smtpd_session_config - the server configuration, once */

static void smtpd_session_config(void *context)
{
    static const char main_cf[] = "myhostname = mx.example.com\n"
                                  "mydomain = example.com\n"
                                  "mynetworks = 127.0.0.0/8\n"
                                  "smtpd_error_sleep_time = 0\n"
                                  "smtpd_timeout = 10s\n"
                                  "smtpd_recipient_restrictions = permit_mynetworks, "
                                  "reject_unauth_destination\n";
    const SMTPD_CONFIG **cfg = context;
    const char *path = fuzz_tempfile("main.cf", main_cf, sizeof(main_cf) - 1);
    char dir[4096];
    CONFIG *config;

    snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
    config = config_load(dir);
    config_override(config, "queue_directory", dir);
    config_set_current(config);
    *cfg = smtpd_config_init(config, "smtp", false);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const SMTPD_CONFIG *cfg;
    struct smtpd_session_job job;

    fuzz_init("smtpd_session_fuzz");
    if (cfg == NULL)
        fuzz_call(smtpd_session_config, (void *)&cfg, FUZZ_FATAL_FINDING);
    job.cfg = cfg;
    job.data = data;
    job.size = size;
    fuzz_call(smtpd_session_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
