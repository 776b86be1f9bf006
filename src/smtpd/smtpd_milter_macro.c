/*++
 * NAME
 *	smtpd_milter_macro - the values of the milter macros in the SMTP server
 * SYNOPSIS
 *	#include "smtpd_milter.h"
 *
 *	const char *smtpd_milter_macro(const char *name, void *context);
 * DESCRIPTION
 *	smtpd_milter_macro() is the MILTER_MACRO_FN (milter(3)) of a
 *	session (context is the SMTPD_STATE): the value of a macro that
 *	milter_*_macros name, or NULL when it has none now. The value stays
 *	valid until the next call. The macros are those of Postfix's
 *	MILTER_README:
 *
 *	i		the queue ID, once the queue file is open (after the
 *			first accepted recipient)
 *	j		myhostname
 *	_		"name [address]" of the client
 *	{client_addr}, {client_port}, {client_name} (verified, or
 *	"unknown"), {client_ptr} (the reverse name, unverified)
 *	{client_resolve} OK (the name is verified), FORGED (the reverse
 *			name does not map back), TEMP (a lookup failed for
 *			now), FAIL (no name)
 *	{client_connections} the client's connections to this service
 *			(from anvil(8)), "0" when not counted
 *	{daemon_addr}, {daemon_port} our end of the connection
 *	{tls_version}, {cipher}, {cipher_bits} after STARTTLS;
 *	{cert_subject}, {cert_issuer} the client certificate's names
 *	{auth_type}, {auth_authen} after AUTH; {auth_author} MAIL AUTH=
 *	{mail_addr}, {mail_mailer}, {mail_host} the sender, and the
 *			transport and next hop that mail to it takes
 *	{rcpt_addr}, {rcpt_mailer}, {rcpt_host} the recipient, its
 *			transport and next hop; for a refused recipient
 *			(smtpd_milter_rcpt_rejected()) the text of the
 *			refusal, "error" and its enhanced status code
 *
 *	{daemon_name} and v are filled in by milter(3) from the settings.
 *	XXX The transport and next hop are resolved again for each macro
 *	that asks for them.
 *--*/

#include <stdio.h>
#include <string.h>

#include "vstring.h"

#include "rcpt_maps.h"

#include "smtpd_check.h"
#include "smtpd_milter.h"
#include "smtpd_tls.h"

/* smtpd_milter_macro_tls - TLS macros, or NULL */

static const char *smtpd_milter_macro_tls(SMTPD_STATE *state, const char *name, VSTRING *buf)
{
    const SMTPD_TLS_FACTS *tls = state->tls ? smtpd_tls_session_facts(state->tls) : NULL;

    if (tls == NULL)
        return NULL;
    if (strcmp(name, "{tls_version}") == 0)
        return tls->protocol;
    if (strcmp(name, "{cipher}") == 0)
        return tls->cipher;
    if (strcmp(name, "{cipher_bits}") == 0) {
        vstring_sprintf(buf, "%d", tls->usebits);
        return vstring_str(buf);
    }
    if (!tls->cert_present)
        return NULL;
    if (strcmp(name, "{cert_subject}") == 0)
        return tls->peer_cn;
    if (strcmp(name, "{cert_issuer}") == 0)
        return tls->issuer_cn;
    return NULL;
}

/* smtpd_milter_macro_resolve - "OK", "FORGED", "TEMP" or "FAIL" */

static const char *smtpd_milter_macro_resolve(const SMTPD_STATE *state)
{
    if (state->name_status == SMTPD_NAME_OK)
        return "OK";
    if (state->name_status == SMTPD_NAME_TEMP || state->reverse_status == SMTPD_NAME_TEMP)
        return "TEMP";
    if (state->reverse_status == SMTPD_NAME_OK)
        return "FORGED";
    return "FAIL";
}

/* smtpd_milter_macro_route - the transport (mailer) or next hop (host) of an address */

static const char *smtpd_milter_macro_route(SMTPD_STATE *state, const char *address, bool host,
                                            VSTRING *buf)
{
    VSTRING *other = vstring_alloc(64);
    int status;

    if (state->cfg->rcpt_maps == NULL || address == NULL || *address == 0) {
        vstring_free(other);
        return NULL;
    }
    status = host ? rcpt_maps_resolve(state->cfg->rcpt_maps, state->sender, address, other, buf)
                  : rcpt_maps_resolve(state->cfg->rcpt_maps, state->sender, address, buf, other);
    vstring_free(other);
    return status == 0 ? vstring_str(buf) : NULL;
}

/* smtpd_milter_macro_rejected - {rcpt_*} of a refused recipient: "550 5.1.1 text" */

static const char *smtpd_milter_macro_rejected(const char *reply, const char *name, VSTRING *buf)
{
    const char *text = reply + strspn(reply, "0123456789");
    size_t len;

    text += strspn(text, " -");
    len = strspn(text, "0123456789.");
    if (strcmp(name, "{rcpt_mailer}") == 0)
        return "error";
    if (strcmp(name, "{rcpt_host}") == 0) {
        if (len == 0)
            return NULL;
        vstring_strncpy(buf, text, len);
        return vstring_str(buf);
    }
    text += len;
    return text + strspn(text, " ");
}

/* smtpd_milter_macro - the value of a session macro */

const char *smtpd_milter_macro(const char *name, void *context)
{
    SMTPD_STATE *state = context;
    VSTRING *buf = state->milter_macro_buf;
    const char *sender = state->sender ? state->sender : state->args.address;
    const char *rcpt = state->sender ? state->args.address : NULL;
    const struct {
        const char *name;
        const char *value;
    } table[] = {
        {"i", state->queue_id},
        {"j", state->cfg->myhostname},
        {"{client_addr}", state->addr},
        {"{client_port}", state->port},
        {"{client_name}", state->name},
        {"{client_ptr}", state->reverse_name},
        {"{client_resolve}", smtpd_milter_macro_resolve(state)},
        {"{daemon_addr}", state->local_addr},
        {"{daemon_port}", state->local_port},
        {"{auth_type}", state->sasl_method},
        {"{auth_authen}", state->sasl_username},
        {"{auth_author}", state->sasl_sender},
        {"{mail_addr}", sender},
        {"{rcpt_addr}", rcpt},
    };

    if (strcmp(name, "_") == 0) {
        vstring_sprintf(buf, "%s [%s]", state->name, state->addr);
        return vstring_str(buf);
    }
    if (strcmp(name, "{client_connections}") == 0) {
        vstring_sprintf(buf, "%d", state->limits.connections);
        return vstring_str(buf);
    }
    if (state->milter_rcpt_reject && strncmp(name, "{rcpt_", 6) == 0)
        return smtpd_milter_macro_rejected(state->milter_rcpt_reject, name, buf);
    if (strcmp(name, "{mail_mailer}") == 0 || strcmp(name, "{mail_host}") == 0)
        return smtpd_milter_macro_route(state, sender, name[6] == 'h', buf);
    if (strcmp(name, "{rcpt_mailer}") == 0 || strcmp(name, "{rcpt_host}") == 0)
        return smtpd_milter_macro_route(state, rcpt, name[6] == 'h', buf);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].value && *table[i].value ? table[i].value : NULL;
    return smtpd_milter_macro_tls(state, name, buf);
}
