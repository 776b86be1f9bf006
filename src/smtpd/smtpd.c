/*++
 * NAME
 *	smtpd - the SMTP server: command table and session loop
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	void	smtpd_session(SMTPD_STATE *state);
 * DESCRIPTION
 *	smtpd_session() serves one SMTP client on the streams of state, from
 *	the greeting to the disconnect line, and returns when the client
 *	quit, went away, timed out, or was told to go. It does not close the
 *	streams or free the state.
 *
 *	The command table lists each verb with its check and proceed steps
 *	(smtpd_cmd.h) and whether it is allowed before STARTTLS when TLS is
 *	required. The loop reads a command, looks it up, and counts it for
 *	the disconnect line ("disconnect from host[addr] ehlo=1 mail=1
 *	rcpt=0/1 quit=1 commands=3/4": successes, or successes/attempts).
 *	A failed command counts as an error of the client; after
 *	smtpd_hard_error_limit errors the session ends with "421 4.7.0 host
 *	Error: too many errors". Commands that only a web browser or a
 *	confused TLS client would send (smtpd_forbidden_commands, a verb
 *	that does not start with a letter, a header "Label:") end the
 *	session at once with 221.
 *
 *	With smtpd_command_filter, each command line (without leading
 *	white space and the CR) is first looked up in that table; a value
 *	replaces the command ("host[addr]: replacing command "X" with "Y"").
 *	A table that fails to answer ends the session with "421 4.3.0 host
 *	Server configuration error".
 *
 *	HELO, EHLO, NOOP, RSET, VRFY and ETRN beyond smtpd_junk_command_limit
 *	count as errors too. Before the greeting, a client with too many
 *	connections or too frequent ones is told so and disconnected
 *	(smtpd_limits(3)).
 *
 *	A client that smtpd_client_restrictions refuse at connect time
 *	(smtpd_delay_reject = no) gets the rejection instead of the greeting,
 *	and "503 5.7.0 Error: access denied for host[addr]" for everything
 *	but QUIT.
 *
 *	The session's way out is always the same: a "lost connection after
 *	CMD", "timeout after CMD" (with "421 4.4.2 host Error: timeout
 *	exceeded" to the client) or nothing, then the TLS shutdown, then the
 *	disconnect line.
 *--*/

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>

#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_params.h"
#include "maps.h"
#include "match_list.h"

#include "smtpd.h"
#include "smtpd_cmd.h"
#include "smtpd_milter.h"
#include "smtpd_tls.h"

/* Command flags. */
#define SMTPD_CMD_FLAG_PRE_TLS (1 << 0) /* allowed before STARTTLS when TLS is required */
#define SMTPD_CMD_FLAG_JUNK    (1 << 1) /* costs nothing: counts toward smtpd_junk_command_limit */
#define SMTPD_CMD_FLAG_LAST    (1 << 2) /* RFC 2920: must end a group of pipelined commands */

typedef struct SMTPD_CMD {
    const char *verb;     /* upper case, as sent */
    const char *counter;  /* name in the disconnect line */
    SMTPD_CMD_FN check;   /* syntax and state, or NULL */
    SMTPD_CMD_FN proceed; /* policy and action, or NULL */
    int flags;            /* SMTPD_CMD_FLAG_* */
} SMTPD_CMD;

static const SMTPD_CMD smtpd_cmd_table[] = {
    {"HELO", "helo", smtp_check_helo, smtp_proceed_helo,
     SMTPD_CMD_FLAG_PRE_TLS | SMTPD_CMD_FLAG_JUNK | SMTPD_CMD_FLAG_LAST},
    {"EHLO", "ehlo", smtp_check_helo, smtp_proceed_ehlo,
     SMTPD_CMD_FLAG_PRE_TLS | SMTPD_CMD_FLAG_JUNK | SMTPD_CMD_FLAG_LAST},
    {"STARTTLS", "starttls", smtp_check_starttls, smtp_proceed_starttls,
     SMTPD_CMD_FLAG_PRE_TLS | SMTPD_CMD_FLAG_LAST},
    {"AUTH", "auth", smtp_check_auth, smtp_proceed_auth, SMTPD_CMD_FLAG_LAST},
    {"MAIL", "mail", smtp_check_mail, smtp_proceed_mail, 0},
    {"RCPT", "rcpt", smtp_check_rcpt, smtp_proceed_rcpt, 0},
    {"DATA", "data", smtp_check_data, smtp_proceed_data, SMTPD_CMD_FLAG_LAST},
    {"RSET", "rset", smtp_check_no_args, smtp_proceed_rset, SMTPD_CMD_FLAG_JUNK},
    {"NOOP", "noop", NULL, smtp_proceed_noop,
     SMTPD_CMD_FLAG_PRE_TLS | SMTPD_CMD_FLAG_JUNK | SMTPD_CMD_FLAG_LAST},
    {"VRFY", "vrfy", smtp_check_vrfy, smtp_proceed_vrfy, SMTPD_CMD_FLAG_JUNK | SMTPD_CMD_FLAG_LAST},
    {"ETRN", "etrn", smtp_check_etrn, smtp_proceed_etrn, SMTPD_CMD_FLAG_JUNK},
    {"QUIT", "quit", NULL, smtp_proceed_quit, SMTPD_CMD_FLAG_PRE_TLS | SMTPD_CMD_FLAG_LAST},
    {"XFORWARD", "xforward", smtp_check_xforward, smtp_proceed_xforward, 0},
    {"XCLIENT", "xclient", smtp_check_xclient, smtp_proceed_xclient, 0},
};

#define SMTPD_CMD_COUNT (sizeof(smtpd_cmd_table) / sizeof(smtpd_cmd_table[0]))

_Static_assert(SMTPD_CMD_COUNT <= SMTPD_CMD_MAX, "SMTPD_CMD_MAX is too small");

/* smtpd_cmd_find - a verb's table entry, or -1 */

static int smtpd_cmd_find(const char *verb)
{
    for (size_t i = 0; i < SMTPD_CMD_COUNT; i++)
        if (strcasecmp(smtpd_cmd_table[i].verb, verb) == 0)
            return (int)i;
    return -1;
}

/* smtpd_cmd_forbidden - is this not SMTP at all? */

static bool smtpd_cmd_forbidden(const SMTPD_STATE *state, const char *verb)
{
    const ARGV *words = state->cfg->forbidden_commands;
    size_t len = strlen(verb);

    if (!isalpha((unsigned char)verb[0]) || (len > 1 && verb[len - 1] == ':'))
        return true;
    for (size_t i = 0; words && i < words->argc; i++)
        if (strcasecmp(words->argv[i], verb) == 0)
            return true;
    return false;
}

/* smtpd_printable - a command line as safe log text */

static const char *smtpd_printable(VSTRING *out, const char *text, size_t len)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < len && i < 100; i++)
        vstring_addch(out, isprint((unsigned char)text[i]) ? text[i] : '?');
    return vstring_str(out);
}

/* smtpd_pending - input that the client sent ahead of our reply */

static size_t smtpd_pending(SMTPD_STATE *state)
{
    int count = 0;

    if (vstream_peek(state->in) > 0)
        return vstream_peek(state->in);
    if (!SMTPD_TLS_ACTIVE(state) && ioctl(vstream_fileno(state->in), FIONREAD, &count) == 0 &&
        count > 0)
        return (size_t)count;
    return 0;
}

/* smtpd_pipelining_text - the commands sent ahead, as log text without SASL secrets */

static void smtpd_pipelining_text(VSTRING *text, const char *data, size_t len, bool after_auth)
{
    bool line_start = true;

    VSTRING_RESET(text);
    for (size_t i = 0; i < len && VSTRING_LEN(text) < 100; i++) {
        unsigned char ch = data[i];

        /* What follows AUTH may be a SASL response: never log it. */
        if (after_auth || (line_start && len - i >= 5 && strncasecmp(data + i, "AUTH ", 5) == 0)) {
            vstring_strcat(text, after_auth ? "..." : "AUTH ...");
            return;
        }
        line_start = ch == '\n';
        if (ch == '\r')
            vstring_strcat(text, "\\r");
        else if (ch == '\n')
            vstring_strcat(text, "\\n");
        else
            vstring_addch(text, isprint(ch) ? ch : '?');
    }
}

/* smtpd_pipelining_check - commands sent ahead where RFC 2920 does not allow it */

static bool smtpd_pipelining_check(SMTPD_STATE *state, const SMTPD_CMD *cmd)
{
    VSTRING *text;

    if (state->ill_pipelining || state->stand_alone ||
        (!(cmd->flags & SMTPD_CMD_FLAG_LAST) && strncmp(state->protocol, "ESMTP", 5) == 0) ||
        smtpd_pending(state) == 0)
        return false;
    state->ill_pipelining = true;
    text = vstring_alloc(100);
    smtpd_pipelining_text(text, vstream_peek_data(state->in), vstream_peek(state->in),
                          cmd->proceed == smtp_proceed_auth);
    msg_info("improper command pipelining after %s from %s: %s", cmd->verb, state->namaddr,
             vstring_str(text));
    vstring_free(text);
    return true;
}

/* smtpd_split - verb and argument text, trimmed */

static char *smtpd_split(char *line, char **out_args)
{
    char *verb = line + strspn(line, " \t");
    char *end = verb + strlen(verb);
    char *args;

    while (end > verb && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = 0;
    args = verb + strcspn(verb, " \t");
    if (*args)
        *args++ = 0;
    *out_args = args + strspn(args, " \t");
    return verb;
}

/* smtpd_run - check, then proceed */

static int smtpd_run(SMTPD_STATE *state, const SMTPD_CMD *cmd, char *args)
{
    /* An authorized proxy may still change the client (XCLIENT). */
    if (state->client_reject && cmd->proceed != smtp_proceed_quit &&
        !(cmd->proceed == smtp_proceed_xclient && state->xclient_ok)) {
        smtpd_reply(state, "503 5.7.0 Error: access denied for %s", state->namaddr);
        return -1;
    }
    if (!(cmd->flags & SMTPD_CMD_FLAG_PRE_TLS) && smtpd_starttls_required(state)) {
        smtpd_reply(state, "530 5.7.0 Must issue a STARTTLS command first");
        return -1;
    }
    if (cmd->check && cmd->check(state, args) < 0)
        return -1;
    if (cmd->proceed && cmd->proceed(state, args) < 0)
        return -1;
    return 0;
}

/* smtpd_filter_command - smtpd_command_filter; false: the session ends */

static bool smtpd_filter_command(SMTPD_STATE *state)
{
    MAPS *filter = state->cfg->command_filter;
    char *key = vstring_str(state->line) + strspn(vstring_str(state->line), " \t");
    size_t len = strlen(key);
    const char *value;

    if (len > 0 && key[len - 1] == '\r')
        key[len - 1] = 0;
    if ((value = maps_find(filter, key, 0)) != NULL) {
        msg_info("%s: replacing command \"%.100s\" with \"%.100s\"", state->namaddr, key, value);
        vstring_strcpy(state->scratch, value);
        vstring_strcpy(state->line, vstring_str(state->scratch));
    } else if (filter->error) {
        /* A filter that cannot answer must not let the raw command through. */
        msg_warn("%s: %s lookup error for \"%.100s\": %s", state->namaddr, VAR_SMTPD_COMMAND_FILTER,
                 key, maps_reason(filter));
        smtpd_close(state, "421 4.3.0 %s Server configuration error", state->cfg->myhostname);
        return false;
    }
    return true;
}

/* smtpd_dispatch - one command */

static void smtpd_dispatch(SMTPD_STATE *state)
{
    char *line = vstring_str(state->line);
    size_t len = VSTRING_LEN(state->line);
    char *verb, *args;
    int index;

    if (memchr(line, 0, len) == NULL && state->cfg->command_filter) {
        if (!smtpd_filter_command(state))
            return;
        line = vstring_str(state->line);
        len = VSTRING_LEN(state->line);
    }
    if (memchr(line, 0, len) != NULL || *(verb = smtpd_split(line, &args)) == 0) {
        smtpd_reply(state, "500 5.5.2 Error: bad syntax");
        state->error_count++;
        return;
    }
    if (smtpd_cmd_forbidden(state, verb)) {
        if (*args)
            verb[strlen(verb)] = ' ';
        msg_warn("non-SMTP command from %s: %s", state->namaddr,
                 smtpd_printable(state->scratch, verb, strlen(verb)));
        smtpd_close(state, "221 2.7.0 Error: I can break rules, too. Goodbye.");
        return;
    }
    if ((index = smtpd_cmd_find(verb)) < 0) {
        state->where = "UNKNOWN";
        state->unknown_total++;
        state->error_count++;
        if (*args)
            verb[strlen(verb)] = ' ';
        if (smtpd_milter_unknown(state, verb) == 0)
            smtpd_reply(state, "502 5.5.2 Error: command not recognized");
        return;
    }
    state->where = smtpd_cmd_table[index].verb;
    state->cmd_total[index]++;
    /* A client that talks ahead where it may not is not a mail client. */
    if (smtpd_pipelining_check(state, &smtpd_cmd_table[index]) && state->cfg->forbid_unauth_pipe) {
        state->error_count++;
        smtpd_close(state, "554 5.5.0 Error: SMTP protocol synchronization");
        return;
    }
    if (smtpd_run(state, &smtpd_cmd_table[index], args) == 0)
        state->cmd_ok[index]++;
    else
        state->error_count++;
    if (smtpd_cmd_table[index].flags & SMTPD_CMD_FLAG_JUNK)
        smtpd_limits_junk(state);
}

/* smtpd_error_limit - stop a client that only makes errors */

static void smtpd_error_limit(SMTPD_STATE *state)
{
    if (state->end != SMTPD_END_NONE || state->error_count < state->cfg->hard_error_limit)
        return;
    msg_info("too many errors after %s from %s", state->where, state->namaddr);
    smtpd_close(state, "421 4.7.0 %s Error: too many errors", state->cfg->myhostname);
}

/* smtpd_where - the stage for a log line, with the DATA byte count */

static const char *smtpd_where(SMTPD_STATE *state)
{
    if (strcmp(state->where, "DATA") != 0)
        return state->where;
    vstring_sprintf(state->scratch, "DATA (%ld bytes)", state->data_size);
    return vstring_str(state->scratch);
}

/* smtpd_disconnect_line - "disconnect from ... ehlo=1 ... commands=N" */

static void smtpd_disconnect_line(SMTPD_STATE *state)
{
    VSTRING *text = vstring_alloc(128);
    int ok = 0, total = state->unknown_total;

    vstring_sprintf(text, "disconnect from %s", state->namaddr);
    for (size_t i = 0; i < SMTPD_CMD_COUNT; i++) {
        if (state->cmd_total[i] == 0)
            continue;
        ok += state->cmd_ok[i];
        total += state->cmd_total[i];
        if (state->cmd_ok[i] == state->cmd_total[i])
            vstring_sprintf_append(text, " %s=%d", smtpd_cmd_table[i].counter, state->cmd_ok[i]);
        else
            vstring_sprintf_append(text, " %s=%d/%d", smtpd_cmd_table[i].counter, state->cmd_ok[i],
                                   state->cmd_total[i]);
    }
    if (state->unknown_total)
        vstring_sprintf_append(text, " unknown=0/%d", state->unknown_total);
    if (ok == total)
        vstring_sprintf_append(text, " commands=%d", ok);
    else
        vstring_sprintf_append(text, " commands=%d/%d", ok, total);
    msg_info("%s", vstring_str(text));
    vstring_free(text);
}

/* smtpd_session_end - the one way out */

static void smtpd_session_end(SMTPD_STATE *state)
{
    switch (state->end) {
    case SMTPD_END_EOF:
        msg_info("lost connection after %s from %s", smtpd_where(state), state->namaddr);
        break;
    case SMTPD_END_TIMEOUT:
        msg_info("timeout after %s from %s", smtpd_where(state), state->namaddr);
        vstream_clearerr(state->out);
        vstream_set_timeout(state->out, 10);
        smtpd_reply(state, "421 4.4.2 %s Error: timeout exceeded", state->cfg->myhostname);
        (void)smtpd_flush(state);
        break;
    default:
        break;
    }
    smtpd_mail_reset(state);
    smtpd_milter_end(state);
    smtpd_limits_disconnect(state);
    if (state->tls)
        state->tls = smtpd_tls_session_stop(
            state->tls, state->in, state->end == SMTPD_END_EOF || state->end == SMTPD_END_TIMEOUT);
    smtpd_disconnect_line(state);
}

/* smtpd_session_start - before the greeting */

static int smtpd_session_start(SMTPD_STATE *state)
{
    const SMTPD_CONFIG *cfg = state->cfg;
    int fd = vstream_fileno(state->in);

    smtpd_peer_init(state);
    msg_info("connect from %s", state->namaddr);
    if (strcmp(state->port, "unknown") != 0)
        (void)sock_set_nodelay(fd, 1);
    vstream_set_timeout(state->in, cfg->timeout);
    if (state->out != state->in)
        vstream_set_timeout(state->out, cfg->timeout);
    state->bare_lf_strict = !match_list_addr(cfg->bare_lf_exclusions, state->addr);
    state->xforward_ok = !state->stand_alone && cfg->xforward_hosts &&
                         match_list_namadr(cfg->xforward_hosts, state->name, state->addr);
    state->xclient_ok = !state->stand_alone && cfg->xclient_hosts &&
                        match_list_namadr(cfg->xclient_hosts, state->name, state->addr);
    if (cfg->tls_wrappermode && !state->stand_alone && smtpd_starttls_wrapper(state) < 0)
        return -1;
    return 0;
}

/* smtpd_session - serve one client */

void smtpd_session(SMTPD_STATE *state)
{
    if (smtpd_session_start(state) == 0 && smtpd_limits_connect(state) == 0) {
        if (smtpd_policy_connect(state) == 0 && smtpd_milter_connect(state) == 0)
            smtpd_reply(state, "220 %s", state->cfg->banner);
        while (state->end == SMTPD_END_NONE && smtpd_read_command(state) == 0) {
            smtpd_dispatch(state);
            smtpd_error_limit(state);
        }
    }
    smtpd_session_end(state);
}
