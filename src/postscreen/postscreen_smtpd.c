/*++
 * NAME
 *	postscreen_smtpd - the built-in SMTP engine
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_smtpd_start(PSC_STATE *state, bool greet);
 *	void	psc_smtpd_cancel(PSC_STATE *state);
 * DESCRIPTION
 *	postscreen is no SMTP proxy. After the 220 greeting it talks SMTP
 *	itself to two kinds of client, and never accepts mail from them:
 *
 *	A client that failed a test under "enforce" (or is denylisted under
 *	"enforce"): every RCPT gets the reply of its first failure ("550
 *	5.5.1 Protocol error", "550 5.7.1 Service unavailable; client
 *	[addr] blocked using NAME", ...), logged "NOQUEUE: reject: RCPT
 *	from [addr]:port: REPLY; from=<...>, to=<...>, proto=ESMTP,
 *	helo=<...>".
 *
 *	A client with deep protocol tests due (postscreen_pipelining_enable,
 *	postscreen_non_smtp_command_enable, postscreen_bare_newline_enable):
 *	every RCPT gets "450 4.3.2 Service currently unavailable". A client
 *	that gets as far as RCPT without failing passes ("PASS NEW" when it
 *	ends the session), and may deliver when it comes back: the cache
 *	then sends it straight to smtpd(8).
 *
 *	The tests: "COMMAND PIPELINING from [addr]:port after VERB: TEXT"
 *	(input that arrived ahead of a reply; PIPELINING is never
 *	announced), "NON-SMTP COMMAND from [addr]:port after VERB: LINE"
 *	(postscreen_forbidden_commands, a verb that does not start with a
 *	letter, or a header "Label:"), "BARE NEWLINE from [addr]:port after
 *	LINE" (a line ended by LF alone). The limits: "COMMAND COUNT LIMIT",
 *	"COMMAND LENGTH LIMIT" and "COMMAND TIME LIMIT from [addr]:port
 *	after VERB" end the session.
 *
 *	STARTTLS (postscreen_tls_security_level may or encrypt) goes through
 *	tlsproxy(8) (postscreen_starttls(3)); inside TLS the session starts
 *	over and EHLO no longer offers it. At encrypt, every command but
 *	HELO, EHLO, STARTTLS, NOOP and QUIT gets "530 5.7.0 Must issue a
 *	STARTTLS command first" before STARTTLS.
 *
 *	With postscreen_command_filter, each command line (without leading
 *	white space) is first looked up in that table; a value replaces the
 *	command ("[addr]:port: replacing command "X" with "Y""). A table that
 *	fails to answer ends the session with "421 4.3.0 host Server
 *	configuration error".
 *
 *	psc_smtpd_start() sends "220 " and smtpd_banner when greet is true
 *	(not after a pregreet failure: that client has spoken already) and
 *	reads commands. psc_smtpd_cancel() stops the command timer.
 * DIAGNOSTICS
 *	Logged only.
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "ehlo_mask.h"
#include "mail_params.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_SMTPD_DEFER "450 4.3.2 Service currently unavailable"

/* What a command handler tells the loop. */
#define PSC_SMTPD_NEXT    0 /* read the next command */
#define PSC_SMTPD_GONE    1 /* the state has been freed */
#define PSC_SMTPD_SUSPEND 2 /* stop reading until psc_smtpd_resume() */

typedef int (*PSC_SMTPD_FN)(PSC_STATE *state, char *args);

typedef struct PSC_SMTPD_CMD {
    const char *verb; /* upper case */
    PSC_SMTPD_FN fn;  /* handler */
    int flags;        /* PSC_SMTPD_CMD_FLAG_* */
} PSC_SMTPD_CMD;

#define PSC_SMTPD_CMD_FLAG_PRE_TLS (1 << 0) /* allowed before STARTTLS at level encrypt */

/* psc_smtpd_reply - one reply; PSC_SMTPD_GONE when the client is gone */

static int psc_smtpd_reply(PSC_STATE *state, const char *text)
{
    if (psc_write(state, "%s", text) < 0) {
        psc_hangup(state, "tests after SMTP handshake");
        return PSC_SMTPD_GONE;
    }
    return PSC_SMTPD_NEXT;
}

/* psc_smtpd_conclude - the end of the session: pass what was passed, disconnect */

static int psc_smtpd_conclude(PSC_STATE *state, bool hangup)
{
    if (state->deep_reached && !psc_any_fail(state))
        psc_pass_new(state);
    if (hangup)
        psc_hangup(state, "tests after SMTP handshake");
    else
        psc_disconnect(state);
    return PSC_SMTPD_GONE;
}

/* psc_smtpd_finish_tests - RCPT: the deep tests pass (logged when the session ends) */

static void psc_smtpd_finish_tests(PSC_STATE *state)
{
    if (state->deep_reached)
        return;
    state->deep_reached = true;
    for (int i = PSC_TEST_PIPEL; i <= PSC_TEST_BARLF; i++)
        if (state->test[i] == PSC_TODO)
            state->test[i] = PSC_PASS;
}

/* psc_smtpd_helo - HELO */

static int psc_smtpd_helo(PSC_STATE *state, char *args)
{
    if (*args == 0)
        return psc_smtpd_reply(state, "501 Syntax: HELO hostname");
    if (state->helo)
        myfree(state->helo);
    state->helo = mystrdup(args);
    state->esmtp = false;
    if (state->sender)
        myfree(state->sender);
    state->sender = NULL;
    if (psc_write(state, "250 %s", psc.cfg.myhostname) < 0) {
        psc_hangup(state, "tests after SMTP handshake");
        return PSC_SMTPD_GONE;
    }
    return PSC_SMTPD_NEXT;
}

/* psc_smtpd_discard_mask - the EHLO keywords hidden from this client; -1 when a lookup failed */

static int psc_smtpd_discard_mask(PSC_STATE *state)
{
    const char *words;
    int mask;

    if (psc.discard_ehlo_maps == NULL)
        return psc.discard_ehlo;
    if ((words = maps_find(psc.discard_ehlo_maps, state->client_addr, 0)) == NULL) {
        if (psc.discard_ehlo_maps->error == 0)
            return psc.discard_ehlo;
        msg_warn("%s: %s", state->namaddr, maps_reason(psc.discard_ehlo_maps));
        return -1;
    }
    /* As in Postfix: only a per-client list other than the default is logged,
     * as "[addr]port" without a colon. */
    mask = ehlo_mask(words);
    if (mask != 0 && mask != psc.discard_ehlo && !(mask & EHLO_MASK_SILENT))
        msg_info("[%s]%s: discarding EHLO keywords: %s", state->client_addr, state->client_port,
                 ehlo_mask_str(state->scratch, mask));
    return mask;
}

/* psc_smtpd_ehlo_line - one keyword line, unless discarded */

static void psc_smtpd_ehlo_line(VSTRING *reply, int discard, int bit, const char *text)
{
    if (!(discard & bit))
        vstring_sprintf_append(reply, "250-%s\r\n", text);
}

/* psc_smtpd_ehlo - EHLO, without PIPELINING */

static int psc_smtpd_ehlo(PSC_STATE *state, char *args)
{
    VSTRING *reply;
    char *last, *cp;
    int discard;
    int status;

    if (*args == 0)
        return psc_smtpd_reply(state, "501 Syntax: EHLO hostname");
    if ((discard = psc_smtpd_discard_mask(state)) < 0) {
        (void)psc_write(state, "421 4.3.0 %s Server local data error", psc.cfg.myhostname);
        psc_disconnect(state);
        return PSC_SMTPD_GONE;
    }
    if (state->helo)
        myfree(state->helo);
    state->helo = mystrdup(args);
    state->esmtp = true;
    if (state->sender)
        myfree(state->sender);
    state->sender = NULL;
    state->ehlo_discard = discard;
    reply = vstring_alloc(200);
    vstring_sprintf(reply, "250-%s\r\n", psc.cfg.myhostname);
    if (psc.cfg.message_size_limit > 0)
        vstring_sprintf(state->scratch, "SIZE %ld", psc.cfg.message_size_limit);
    else
        vstring_strcpy(state->scratch, "SIZE");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_SIZE, vstring_str(state->scratch));
    if (!psc.cfg.disable_vrfy)
        psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_VRFY, "VRFY");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_ETRN, "ETRN");
    if (psc.tls_level != TLS_LEV_NONE && !state->using_tls)
        psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_STARTTLS, "STARTTLS");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_ENHANCEDSTATUSCODES, "ENHANCEDSTATUSCODES");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_8BITMIME, "8BITMIME");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_DSN, "DSN");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_SMTPUTF8, "SMTPUTF8");
    psc_smtpd_ehlo_line(reply, discard, EHLO_MASK_CHUNKING, "CHUNKING");
    /* Without the last CRLF; the last line is "250 ", not "250-". */
    vstring_truncate(reply, VSTRING_LEN(reply) - 2);
    for (last = cp = vstring_str(reply); (cp = strstr(cp, "\r\n")) != NULL; last = cp)
        cp += 2;
    last[3] = ' ';
    status = psc_smtpd_reply(state, vstring_str(reply));
    vstring_free(reply);
    return status;
}

/* psc_smtpd_address - the address of "FROM:<addr> ..." or "TO:<addr> ..." */

static const char *psc_smtpd_address(char *args, const char *label, VSTRING *out)
{
    size_t len = strlen(label);
    char *cp, *end;

    if (strncasecmp(args, label, len) != 0)
        return NULL;
    cp = args + len;
    while (*cp == ' ')
        cp++;
    if (*cp == '<') {
        if ((end = strchr(cp, '>')) == NULL)
            return NULL;
        vstring_strncpy(out, cp + 1, (size_t)(end - cp - 1));
    } else {
        vstring_strncpy(out, cp, strcspn(cp, " "));
    }
    return vstring_str(out);
}

/* psc_smtpd_mail - MAIL FROM */

static int psc_smtpd_mail(PSC_STATE *state, char *args)
{
    const char *addr;

    if (psc.cfg.helo_required && state->helo == NULL)
        return psc_smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
    if (state->sender)
        return psc_smtpd_reply(state, "503 5.5.1 Error: nested MAIL command");
    if ((addr = psc_smtpd_address(args, "FROM:", state->scratch)) == NULL)
        return psc_smtpd_reply(state, "501 5.5.4 Syntax: MAIL FROM:<address>");
    state->sender = mystrdup(addr);
    return psc_smtpd_reply(state, "250 2.1.0 Ok");
}

/* psc_smtpd_refusal - the reply to RCPT and VRFY */

static const char *psc_smtpd_refusal(const PSC_STATE *state)
{
    return state->reject_reply ? state->reject_reply : PSC_SMTPD_DEFER;
}

/* psc_smtpd_rcpt - RCPT TO: always refused */

static int psc_smtpd_rcpt(PSC_STATE *state, char *args)
{
    const char *addr;
    char *rcpt;

    if (state->sender == NULL)
        return psc_smtpd_reply(state, "503 5.5.1 Error: need MAIL command");
    if ((addr = psc_smtpd_address(args, "TO:", state->scratch)) == NULL)
        return psc_smtpd_reply(state, "501 5.5.4 Syntax: RCPT TO:<address>");
    rcpt = mystrdup(addr);
    msg_info("NOQUEUE: reject: RCPT from %s: %s; from=<%s>, to=<%s>, proto=%s, helo=<%s>",
             state->namaddr, psc_smtpd_refusal(state), state->sender, rcpt,
             state->esmtp ? "ESMTP" : "SMTP", state->helo ? state->helo : "");
    myfree(rcpt);
    if (psc_smtpd_reply(state, psc_smtpd_refusal(state)) == PSC_SMTPD_GONE)
        return PSC_SMTPD_GONE;
    psc_smtpd_finish_tests(state);
    return PSC_SMTPD_NEXT;
}

/* psc_smtpd_data - DATA and BDAT: nothing to deliver; the session ends */

static int psc_smtpd_data(PSC_STATE *state, char *unused_args)
{
    msg_info("%s without valid RCPT from %s", state->last_verb, state->namaddr);
    (void)psc_write(state, "%s",
                    state->sender ? "554 5.5.1 Error: no valid recipients"
                                  : "554 5.5.1 Error: need MAIL command");
    return psc_smtpd_conclude(state, false);
}

/* psc_smtpd_rset - RSET */

static int psc_smtpd_rset(PSC_STATE *state, char *unused_args)
{
    if (state->sender)
        myfree(state->sender);
    state->sender = NULL;
    return psc_smtpd_reply(state, "250 2.0.0 Ok");
}

/* psc_smtpd_noop - NOOP */

static int psc_smtpd_noop(PSC_STATE *state, char *unused_args)
{
    return psc_smtpd_reply(state, "250 2.0.0 Ok");
}

/* psc_smtpd_vrfy - VRFY */

static int psc_smtpd_vrfy(PSC_STATE *state, char *unused_args)
{
    if (psc.cfg.disable_vrfy)
        return psc_smtpd_reply(state, "502 5.5.1 VRFY command is disabled");
    return psc_smtpd_reply(state, psc_smtpd_refusal(state));
}

/* psc_smtpd_etrn - ETRN */

static int psc_smtpd_etrn(PSC_STATE *state, char *unused_args)
{
    return psc_smtpd_reply(state, "458 Unable to queue messages");
}

/* psc_smtpd_timer_cb - postscreen_command_time_limit */

static void psc_smtpd_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    PSC_STATE *state = context;

    msg_info("COMMAND TIME LIMIT from %s after %s", state->namaddr, state->last_verb);
    (void)psc_write(state, "421 4.4.2 %s Error: timeout exceeded", psc.cfg.myhostname);
    psc_disconnect(state);
}

/* The engine's loop runs through the command table and back; STARTTLS resumes it. */
static void psc_smtpd_resume(PSC_STATE *state);

/* psc_smtpd_resume_cb - STARTTLS is over: read commands again */

static void psc_smtpd_resume_cb(PSC_STATE *state)
{
    /* RFC 3207 section 4.2: inside TLS the session starts over. */
    if (state->using_tls) {
        if (state->helo)
            myfree(state->helo);
        state->helo = NULL;
        if (state->sender)
            myfree(state->sender);
        state->sender = NULL;
        state->esmtp = false;
    }
    psc_smtpd_resume(state);
}

/* psc_smtpd_starttls - STARTTLS: tlsproxy(8) takes the TLS server role */

static int psc_smtpd_starttls(PSC_STATE *state, char *args)
{
    if (*args)
        return psc_smtpd_reply(state, "501 5.5.4 Syntax: STARTTLS");
    if (state->using_tls)
        return psc_smtpd_reply(state, "554 5.5.1 Error: TLS already active");
    if (psc.tls_level == TLS_LEV_NONE || (state->ehlo_discard & EHLO_MASK_STARTTLS))
        return psc_smtpd_reply(state, "502 5.5.1 Error: command not implemented");
    event_disable_readwrite(psc.loop, state->fd);
    event_timer_cancel(psc.loop, psc_smtpd_timer_cb, state);
    psc_starttls_open(state, psc_smtpd_resume_cb);
    return PSC_SMTPD_SUSPEND;
}

/* psc_smtpd_quit - QUIT */

static int psc_smtpd_quit(PSC_STATE *state, char *unused_args)
{
    (void)psc_write(state, "221 2.0.0 Bye");
    return psc_smtpd_conclude(state, false);
}

static const PSC_SMTPD_CMD psc_smtpd_cmds[] = {
    {"HELO", psc_smtpd_helo, PSC_SMTPD_CMD_FLAG_PRE_TLS},
    {"EHLO", psc_smtpd_ehlo, PSC_SMTPD_CMD_FLAG_PRE_TLS},
    {"MAIL", psc_smtpd_mail, 0},
    {"RCPT", psc_smtpd_rcpt, 0},
    {"DATA", psc_smtpd_data, 0},
    {"BDAT", psc_smtpd_data, 0},
    {"RSET", psc_smtpd_rset, 0},
    {"NOOP", psc_smtpd_noop, PSC_SMTPD_CMD_FLAG_PRE_TLS},
    {"VRFY", psc_smtpd_vrfy, 0},
    {"ETRN", psc_smtpd_etrn, 0},
    {"STARTTLS", psc_smtpd_starttls, PSC_SMTPD_CMD_FLAG_PRE_TLS},
    {"QUIT", psc_smtpd_quit, PSC_SMTPD_CMD_FLAG_PRE_TLS},
    {NULL, NULL, 0},
};

/* psc_smtpd_forbidden - not SMTP at all? */

static bool psc_smtpd_forbidden(const char *verb)
{
    const ARGV *words = psc.cfg.forbidden_commands;
    size_t len = strlen(verb);

    if (len == 0)
        return false;
    if (!isalpha((unsigned char)verb[0]) || (len > 1 && verb[len - 1] == ':'))
        return true;
    for (size_t i = 0; i < words->argc; i++)
        if (strcasecmp(words->argv[i], verb) == 0)
            return true;
    return false;
}

/* psc_smtpd_command - one command line (terminator removed) */

static int psc_smtpd_command(PSC_STATE *state, char *line)
{
    char *args = line;
    char *verb;
    const PSC_SMTPD_CMD *cmd;

    while (*args == ' ')
        args++;
    verb = args;
    args += strcspn(args, " ");
    if (*args)
        *args++ = 0;
    while (*args == ' ')
        args++;
    if (psc_smtpd_forbidden(verb)) {
        if (state->test[PSC_TEST_NSMTP] == PSC_TODO) {
            *(verb + strlen(verb)) = *args ? ' ' : 0;
            msg_info("NON-SMTP COMMAND from %s after %s: %s", state->namaddr, state->last_verb,
                     psc_printable(state->scratch, verb, strlen(verb)));
            if (psc_fail(state, PSC_TEST_NSMTP, "521 5.7.0 Error: I can break rules, too. Goodbye.",
                         "550 5.5.1 Protocol error"))
                return PSC_SMTPD_GONE;
        }
        return psc_smtpd_reply(state, "502 5.5.2 Error: command not recognized");
    }
    for (cmd = psc_smtpd_cmds; cmd->verb; cmd++)
        if (strcasecmp(cmd->verb, verb) == 0)
            break;
    if (cmd->verb == NULL)
        return psc_smtpd_reply(state, "502 5.5.2 Error: command not recognized");
    state->last_verb = cmd->verb;
    if (psc.tls_level == TLS_LEV_ENCRYPT && !state->using_tls &&
        !(cmd->flags & PSC_SMTPD_CMD_FLAG_PRE_TLS))
        return psc_smtpd_reply(state, "530 5.7.0 Must issue a STARTTLS command first");
    return cmd->fn(state, args);
}

/* psc_smtpd_filter - postscreen_command_filter; PSC_SMTPD_GONE when the session ended */

static int psc_smtpd_filter(PSC_STATE *state, VSTRING *line)
{
    char *key = vstring_str(line) + strspn(vstring_str(line), " \t");
    const char *value;

    if (memchr(vstring_str(line), 0, VSTRING_LEN(line)) != NULL)
        return PSC_SMTPD_NEXT;
    if ((value = maps_find(psc.command_filter, key, 0)) != NULL) {
        msg_info("%s: replacing command \"%.100s\" with \"%.100s\"", state->namaddr, key, value);
        vstring_strcpy(state->scratch, value);
        vstring_strcpy(line, vstring_str(state->scratch));
    } else if (psc.command_filter->error) {
        /* A filter that cannot answer must not let the raw command through. */
        msg_warn("%s: %s lookup error for \"%.100s\": %s", state->namaddr,
                 VAR_POSTSCREEN_COMMAND_FILTER, key, maps_reason(psc.command_filter));
        (void)psc_write(state, "421 4.3.0 %s Server configuration error", psc.cfg.myhostname);
        psc_disconnect(state);
        return PSC_SMTPD_GONE;
    }
    return PSC_SMTPD_NEXT;
}

/* psc_smtpd_line - take one line off the input and serve it */

static int psc_smtpd_line(PSC_STATE *state, size_t len)
{
    VSTRING *line = vstring_alloc(len + 1);
    bool bare_lf = len < 2 || vstring_str(state->input)[len - 2] != '\r';
    int status;

    vstring_strncpy(line, vstring_str(state->input), len - (bare_lf ? 1 : 2));
    memmove(vstring_str(state->input), vstring_str(state->input) + len,
            VSTRING_LEN(state->input) - len);
    vstring_truncate(state->input, VSTRING_LEN(state->input) - len);
    if (++state->command_count > psc.cfg.command_count_limit && psc.cfg.command_count_limit > 0) {
        msg_info("COMMAND COUNT LIMIT from %s after %s", state->namaddr, state->last_verb);
        (void)psc_write(state, "421 4.7.0 %s Error: too many commands", psc.cfg.myhostname);
        vstring_free(line);
        return psc_smtpd_conclude(state, false);
    }
    if (bare_lf && state->test[PSC_TEST_BARLF] == PSC_TODO) {
        msg_info("BARE NEWLINE from %s after %s", state->namaddr,
                 psc_printable(state->scratch, vstring_str(line), VSTRING_LEN(line)));
        if (psc_fail(state, PSC_TEST_BARLF, "521 5.5.1 Protocol error",
                     "550 5.5.1 Protocol error")) {
            vstring_free(line);
            return PSC_SMTPD_GONE;
        }
    }
    if (psc.command_filter && psc_smtpd_filter(state, line) == PSC_SMTPD_GONE) {
        vstring_free(line);
        return PSC_SMTPD_GONE;
    }
    if (VSTRING_LEN(state->input) > 0 && state->test[PSC_TEST_PIPEL] == PSC_TODO) {
        char *verb = mystrndup(vstring_str(line), strcspn(vstring_str(line), " "));

        msg_info(
            "COMMAND PIPELINING from %s after %.100s: %s", state->namaddr, verb,
            psc_printable(state->scratch, vstring_str(state->input), VSTRING_LEN(state->input)));
        myfree(verb);
        if (psc_fail(state, PSC_TEST_PIPEL, "521 5.5.1 Protocol error",
                     "550 5.5.1 Protocol error")) {
            vstring_free(line);
            return PSC_SMTPD_GONE;
        }
    }
    status = psc_smtpd_command(state, vstring_str(line));
    vstring_free(line);
    return status;
}

/* psc_smtpd_drain - serve the complete lines of the input; PSC_SMTPD_NEXT when all served */

static int psc_smtpd_drain(PSC_STATE *state)
{
    char *nl;
    int status;

    while ((nl = memchr(vstring_str(state->input), '\n', VSTRING_LEN(state->input))) != NULL)
        if ((status = psc_smtpd_line(state, (size_t)(nl - vstring_str(state->input)) + 1)) !=
            PSC_SMTPD_NEXT)
            return status;
    if (psc.cfg.line_length_limit > 0 &&
        VSTRING_LEN(state->input) > (size_t)psc.cfg.line_length_limit) {
        msg_info("COMMAND LENGTH LIMIT from %s after %s", state->namaddr, state->last_verb);
        (void)psc_write(state, "521 5.5.2 %s Error: command too long", psc.cfg.myhostname);
        psc_disconnect(state);
        return PSC_SMTPD_GONE;
    }
    return PSC_SMTPD_NEXT;
}

/* psc_smtpd_read_cb - client input */

static void psc_smtpd_read_cb(EVENT_LOOP *loop, int fd, int unused_events, void *context)
{
    PSC_STATE *state = context;
    char buf[4096];
    ssize_t got;

    do
        got = recv(fd, buf, sizeof(buf), 0);
    while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (got <= 0) {
        (void)psc_smtpd_conclude(state, true);
        return;
    }
    vstring_memcat(state->input, buf, (size_t)got);
    if (psc_smtpd_drain(state) != PSC_SMTPD_NEXT)
        return;
    event_timer_cancel(loop, psc_smtpd_timer_cb, state);
    event_timer_add(loop, psc.cfg.command_time_limit * 1000, psc_smtpd_timer_cb, state);
}

/* psc_smtpd_resume - read commands again after a suspension */

static void psc_smtpd_resume(PSC_STATE *state)
{
    if (psc_smtpd_drain(state) != PSC_SMTPD_NEXT)
        return;
    if (event_enable_read(psc.loop, state->fd, psc_smtpd_read_cb, state) < 0)
        msg_fatal("watch client descriptor %d: %m", state->fd);
    event_timer_add(psc.loop, psc.cfg.command_time_limit * 1000, psc_smtpd_timer_cb, state);
}

/* psc_smtpd_start - greet and serve */

void psc_smtpd_start(PSC_STATE *state, bool greet)
{
    state->engine = true;
    state->ehlo_discard = psc.discard_ehlo;
    if (greet && psc_write(state, "220 %s", psc_banner()) < 0) {
        psc_hangup(state, "tests after SMTP handshake");
        return;
    }
    if (event_enable_read(psc.loop, state->fd, psc_smtpd_read_cb, state) < 0)
        msg_fatal("watch client descriptor %d: %m", state->fd);
    event_timer_add(psc.loop, psc.cfg.command_time_limit * 1000, psc_smtpd_timer_cb, state);
}

/* psc_smtpd_cancel - stop the command timer */

void psc_smtpd_cancel(PSC_STATE *state)
{
    event_timer_cancel(psc.loop, psc_smtpd_timer_cb, state);
}
