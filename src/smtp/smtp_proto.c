/*++
 * NAME
 *	smtp_proto - the SMTP session state machine
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_session_run(SMTP_SESSION *session);
 *	int	smtp_session_reuse(SMTP_SESSION *session);
 * DESCRIPTION
 *	smtp_session_run() runs one session on a connected stream, from the
 *	greeting to QUIT, through named states:
 *
 *	WRAPPER   (smtp_tls_wrappermode) the TLS handshake right after
 *		  connecting.
 *	GREETING  the server's 220 greeting (smtp_helo_timeout); anything
 *		  else: "host %s refused to talk to me: %s", a soft failure
 *		  for 5xx when smtp_skip_5xx_greeting is on.
 *	EHLO      EHLO with smtp_helo_name, the features of the reply
 *		  except the keywords that smtp_discard_ehlo_keywords (or
 *		  the server's address in smtp_discard_ehlo_keyword_address_maps)
 *		  names, logged as "discarding EHLO keywords: ..." unless the
 *		  list says silent-discard; a 5xx reply before TLS falls
 *		  back to HELO.
 *	HELO      HELO, no features.
 *
 *	The LMTP client (config->lmtp) always goes from GREETING to EHLO,
 *	which sends LHLO with lmtp_lhlo_name; it has no HELO fallback: a
 *	failed LHLO fails the server.
 *	STARTTLS  when the TLS level and the server's offer say so
 *		  (smtp_starttls.c); afterwards EHLO again inside TLS,
 *		  features learned afresh.
 *	AUTH      SMTP AUTH after the last EHLO (smtp_sasl.c), when SASL
 *		  is on, there are credentials for the server and it
 *		  offered AUTH; nothing happens otherwise.
 *	XFER      MAIL, RCPT and DATA (pipelined when the server offers
 *		  PIPELINING), the message, the final reply.
 *	RSET      instead of QUIT when the connection may be cached
 *		  (smtp_cache.c): RSET within smtp_rset_timeout; a single
 *		  250 line marks it kept, anything else leads to QUIT.
 *	QUIT      QUIT (the reply is read unless smtp_skip_quit_response).
 *	ABORT     a failure was recorded: QUIT without waiting, unless the
 *		  connection is broken.
 *
 *	It returns SMTP_OK when the session ended normally, SMTP_FAIL when
 *	the server failed (the reasons are recorded).
 *
 *	smtp_session_reuse() runs one more transaction on a cached
 *	connection, from XFER on.
 * DIAGNOSTICS
 *	State transitions are logged with -v.
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "ehlo_mask.h"
#include "maps.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

typedef enum SMTP_PROTO_STATE {
    SMTP_STATE_WRAPPER,
    SMTP_STATE_GREETING,
    SMTP_STATE_EHLO,
    SMTP_STATE_HELO,
    SMTP_STATE_STARTTLS,
    SMTP_STATE_AUTH,
    SMTP_STATE_XFER,
    SMTP_STATE_RSET,
    SMTP_STATE_QUIT,
    SMTP_STATE_ABORT,
    SMTP_STATE_DONE,
} SMTP_PROTO_STATE;

static const char *smtp_state_names[] = {
    "WRAPPER", "GREETING", "EHLO", "HELO",  "STARTTLS", "AUTH",
    "XFER",    "RSET",     "QUIT", "ABORT", "DONE",
};

/* smtp_enter_state - change state, with a trace */

static SMTP_PROTO_STATE smtp_enter_state(SMTP_SESSION *session, SMTP_PROTO_STATE old,
                                         SMTP_PROTO_STATE new)
{
    if (msg_verbose)
        msg_info("%s: state %s -> %s", session->namaddr, smtp_state_names[old],
                 smtp_state_names[new]);
    return new;
}

/* smtp_greeting - the server's greeting */

static SMTP_PROTO_STATE smtp_greeting(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    SMTP_RESP *resp = &session->resp;

    session->doing = "receiving the initial server greeting";
    if (smtp_chat_resp(session, config->helo_timeout) != SMTP_OK)
        return SMTP_STATE_ABORT;
    if (resp->code / 100 != 2) {
        char dsn[sizeof(resp->dsn)];

        snprintf(dsn, sizeof(dsn), "%s", resp->dsn);
        if (resp->code / 100 != 5 || config->skip_5xx_greeting)
            dsn[0] = '4';
        smtp_site_fail(session->state, session->relay, dsn, "host %s refused to talk to me: %s",
                       session->namaddr, vstring_str(resp->text));
        return SMTP_STATE_ABORT;
    }
    if (config->lmtp)
        return SMTP_STATE_EHLO;
    if (config->never_send_ehlo ||
        (!config->always_send_ehlo && strcasestr(vstring_str(resp->text), "ESMTP") == NULL))
        return SMTP_STATE_HELO;
    return SMTP_STATE_EHLO;
}

/* smtp_ehlo_xforward - the attributes of "XFORWARD NAME ADDR ..." */

static void smtp_ehlo_xforward(SMTP_SESSION *session, const char *words)
{
    static const struct {
        const char *name;
        int bit;
    } table[] = {
        {"NAME", SMTP_XFORWARD_NAME},     {"ADDR", SMTP_XFORWARD_ADDR},
        {"PORT", SMTP_XFORWARD_PORT},     {"PROTO", SMTP_XFORWARD_PROTO},
        {"HELO", SMTP_XFORWARD_HELO},     {"IDENT", SMTP_XFORWARD_IDENT},
        {"SOURCE", SMTP_XFORWARD_SOURCE}, {"LOGIN", SMTP_XFORWARD_LOGIN},
    };
    char *copy = mystrdup(words);
    char *cp = copy;
    char *word;

    session->features |= SMTP_FEATURE_XFORWARD;
    while ((word = mystrtok(&cp, " \t")) != NULL)
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
            if (strcasecmp(word, table[i].name) == 0)
                session->xforward |= table[i].bit;
    myfree(copy);
}

/* smtp_ehlo_keyword - one EHLO reply line, unless its keyword is discarded */

static void smtp_ehlo_keyword(SMTP_SESSION *session, const char *line, int discard)
{
    char *copy, *cp, *word, *arg;

    copy = cp = mystrdup(line);
    if ((word = mystrtok(&cp, " \t=")) != NULL && (ehlo_mask_keyword(word) & discard) == 0) {
        arg = mystrtok(&cp, " \t");
        if (strncasecmp(line, "AUTH", 4) == 0 && (line[4] == ' ' || line[4] == '='))
            smtp_sasl_ehlo(session, line);
        else if (strcasecmp(word, "XFORWARD") == 0)
            smtp_ehlo_xforward(session, line + 8);
        else if (strcasecmp(word, "PIPELINING") == 0)
            session->features |= SMTP_FEATURE_PIPELINING;
        else if (strcasecmp(word, "8BITMIME") == 0)
            session->features |= SMTP_FEATURE_8BITMIME;
        else if (strcasecmp(word, "STARTTLS") == 0)
            session->features |= SMTP_FEATURE_STARTTLS;
        else if (strcasecmp(word, "DSN") == 0)
            session->features |= SMTP_FEATURE_DSN;
        else if (strcasecmp(word, "REQUIRETLS") == 0 && session->tls != NULL)
            session->features |= SMTP_FEATURE_REQUIRETLS;
        else if (strcasecmp(word, "SIZE") == 0) {
            session->features |= SMTP_FEATURE_SIZE;
            session->size_limit = arg && alldig(arg) && strlen(arg) < 19 ? atoll(arg) : 0;
        }
    }
    myfree(copy);
}

/*
 * smtp_ehlo_discard - the keywords to ignore from this server: its
 * address in smtp_discard_ehlo_keyword_address_maps, else
 * smtp_discard_ehlo_keywords (lmtp_* for LMTP), logged unless the list
 * says silent-discard
 */
static int smtp_ehlo_discard(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    const char *words = NULL;
    VSTRING *names;
    int mask;

    if (config->discard_ehlo_maps)
        words = maps_find(config->discard_ehlo_maps, session->addr, 0);
    if (words == NULL)
        words = config->discard_ehlo;
    if ((mask = ehlo_mask(words)) != 0 && (mask & EHLO_MASK_SILENT) == 0) {
        names = vstring_alloc(50);
        msg_info("discarding EHLO keywords: %s", ehlo_mask_str(names, mask));
        vstring_free(names);
    }
    return mask;
}

/* smtp_ehlo_features - learn the features from the EHLO reply */

static void smtp_ehlo_features(SMTP_SESSION *session)
{
    ARGV *lines = session->resp.lines;
    int discard = smtp_ehlo_discard(session);

    session->features = SMTP_FEATURE_ESMTP;
    session->xforward = 0;
    session->size_limit = 0;
    myfree(session->sasl_mechs);
    session->sasl_mechs = NULL;
    session->sasl_mechs_old = false;
    /* The first line names the server; each further line is one keyword. */
    for (size_t i = 1; i < lines->argc; i++)
        if (strlen(lines->argv[i]) > 4)
            smtp_ehlo_keyword(session, lines->argv[i] + 4, discard);
}

/* smtp_ehlo - EHLO (LHLO) and its features */

static SMTP_PROTO_STATE smtp_ehlo(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    SMTP_RESP *resp = &session->resp;
    const char *verb = config->lmtp ? "LHLO" : "EHLO";
    int wanted;

    session->doing =
        config->lmtp ? "performing the LHLO handshake" : "performing the EHLO handshake";
    if (smtp_chat_cmd(session, "%s %s", verb, config->helo_name) != SMTP_OK ||
        smtp_chat_resp(session, config->helo_timeout) != SMTP_OK)
        return SMTP_STATE_ABORT;
    if (resp->code / 100 == 5 && session->tls == NULL && !config->lmtp)
        return SMTP_STATE_HELO;
    if (resp->code / 100 != 2) {
        smtp_resp_fail(session, verb);
        return SMTP_STATE_ABORT;
    }
    smtp_ehlo_features(session);
    if (resp->lines->argc > 0)
        smtp_tlsrpt_helo(session, resp->lines->argv[0]);
    if (session->tls)
        return SMTP_STATE_AUTH;
    wanted = smtp_starttls_wanted(session);
    return wanted < 0 ? SMTP_STATE_ABORT : wanted ? SMTP_STATE_STARTTLS : SMTP_STATE_AUTH;
}

/* smtp_helo - HELO */

static SMTP_PROTO_STATE smtp_helo(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    int wanted;

    session->doing = "performing the HELO handshake";
    session->features = 0;
    session->size_limit = 0;
    if (smtp_chat_cmd(session, "HELO %s", config->helo_name) != SMTP_OK ||
        smtp_chat_resp(session, config->helo_timeout) != SMTP_OK)
        return SMTP_STATE_ABORT;
    if (session->resp.code / 100 != 2) {
        smtp_resp_fail(session, "HELO");
        return SMTP_STATE_ABORT;
    }
    if (session->resp.lines->argc > 0)
        smtp_tlsrpt_helo(session, session->resp.lines->argv[0]);
    wanted = smtp_starttls_wanted(session);
    return wanted < 0 ? SMTP_STATE_ABORT : SMTP_STATE_XFER;
}

/* smtp_quit - end the session */

static SMTP_PROTO_STATE smtp_quit(SMTP_SESSION *session, bool wait)
{
    if (session->broken)
        return SMTP_STATE_DONE;
    session->doing = "sending QUIT";
    if (smtp_chat_cmd(session, "QUIT") != SMTP_OK)
        return SMTP_STATE_DONE;
    /* The outcomes are recorded: a lost connection now changes nothing. */
    session->broken = true;
    smtp_chat_quit_end(session, wait);
    session->broken = false;
    return SMTP_STATE_DONE;
}

/* smtp_rset - a clean session before it is cached */

static SMTP_PROTO_STATE smtp_rset(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;

    session->doing = "sending RSET";
    session->broken = true; /* the outcomes are recorded: a failure here changes nothing */
    session->kept = smtp_chat_cmd(session, "RSET") == SMTP_OK &&
                    smtp_chat_resp(session, config->rset_timeout) == SMTP_OK &&
                    session->resp.code == 250 && session->resp.lines->argc == 1 &&
                    !smtp_chat_input_pending(session);
    session->broken = false;
    return session->kept ? SMTP_STATE_DONE : SMTP_STATE_QUIT;
}

/* smtp_session_loop - run the states from the given one */

static int smtp_session_loop(SMTP_SESSION *session, SMTP_PROTO_STATE state)
{
    SMTP_PROTO_STATE next;
    int status = SMTP_OK;

    while (state != SMTP_STATE_DONE) {
        /* TLS from the start, or a reused session: the TLS outcome is known (else see
         * smtp_starttls_wanted()). */
        if (state == SMTP_STATE_WRAPPER || state == SMTP_STATE_XFER)
            smtp_tls_feature_session(session, true);
        switch (state) {
        case SMTP_STATE_WRAPPER:
            next = smtp_tls_wrapper(session) == SMTP_OK ? SMTP_STATE_GREETING : SMTP_STATE_ABORT;
            break;
        case SMTP_STATE_GREETING:
            next = smtp_greeting(session);
            break;
        case SMTP_STATE_EHLO:
            next = smtp_ehlo(session);
            break;
        case SMTP_STATE_HELO:
            next = smtp_helo(session);
            break;
        case SMTP_STATE_STARTTLS:
            next = smtp_starttls(session) == SMTP_OK
                       ? (session->tls ? SMTP_STATE_EHLO : SMTP_STATE_AUTH)
                       : SMTP_STATE_ABORT;
            break;
        case SMTP_STATE_AUTH:
            next = smtp_sasl_login(session) == SMTP_OK ? SMTP_STATE_XFER : SMTP_STATE_ABORT;
            break;
        case SMTP_STATE_XFER:
            next = smtp_xfer(session) != SMTP_OK ? SMTP_STATE_ABORT
                   : smtp_cache_wanted(session)  ? SMTP_STATE_RSET
                                                 : SMTP_STATE_QUIT;
            break;
        case SMTP_STATE_RSET:
            next = smtp_rset(session);
            break;
        case SMTP_STATE_QUIT:
            next = smtp_quit(session, true);
            break;
        case SMTP_STATE_ABORT:
        default:
            status = SMTP_FAIL;
            next = smtp_quit(session, false);
            break;
        }
        state = smtp_enter_state(session, state, next);
    }
    return status;
}

/* smtp_session_run - one session on a new connection */

int smtp_session_run(SMTP_SESSION *session)
{
    return smtp_session_loop(session, session->state->config->tls_wrappermode
                                          ? SMTP_STATE_WRAPPER
                                          : SMTP_STATE_GREETING);
}

/* smtp_session_reuse - one more transaction on a cached connection */

int smtp_session_reuse(SMTP_SESSION *session)
{
    return smtp_session_loop(session, SMTP_STATE_XFER);
}
