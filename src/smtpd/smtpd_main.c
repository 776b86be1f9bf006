/*++
 * NAME
 *	smtpd_main - the SMTP server program
 * SYNOPSIS
 *	smtpd [generic daemon options]
 *
 *	smtpd -S [-c config_dir] [-o name=value]
 * DESCRIPTION
 *	main() hands the server to the single-server loop of mail_server(3):
 *	master(8) passes the listening socket, each process serves one
 *	connection at a time.
 *
 *	smtpd_pre_jail() runs with the privileges the process started with
 *	(root in production): it reads the configuration, opens the access
 *	tables and builds the TLS context, reading the private keys, before
 *	the framework drops to mail_owner and perhaps chroots.
 *
 *	smtpd_service() serves one client, then returns the memory that
 *	the session freed to the system, so that an idle process holds
 *	only what the next client needs.
 *
 *	With -S the process serves standard input. Run by anybody other
 *	than mail_owner or root, that is the stand-alone mode of
 *	"sendmail -bs": no access restrictions, no TLS (no key is read, no
 *	cache touched, nothing logged about TLS), log lines go to the
 *	maillog only (not to the user's standard error), and mail goes into
 *	the maildrop queue for pickup. Run as mail_owner or root, it is an
 *	ordinary session on an inherited connection.
 * DIAGNOSTICS
 *	Fatal: configuration errors, naming the parameter.
 *--*/

#include <malloc.h>
#include <stdbool.h>
#include <unistd.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_owner.h"
#include "mail_server.h"

#include "smtpd.h"
#include "smtpd_config.h"

static SMTPD_CONFIG *smtpd_cfg; /* the process settings, made by smtpd_pre_jail() */

/* smtpd_stand_alone - is this a user's "sendmail -bs"? */

static bool smtpd_stand_alone(MAIL_SERVER *server)
{
    MAIL_OWNER owner;
    VSTRING *why;
    bool user;

    if (!server->stand_alone || getuid() == 0)
        return false;
    why = vstring_alloc(100);
    user = mail_owner_lookup(server->config, &owner, why) < 0 || owner.uid != getuid();
    vstring_free(why);
    return user;
}

/* smtpd_pre_jail - configuration, tables and keys, with full privileges */

static void smtpd_pre_jail(MAIL_SERVER *server)
{
    bool stand_alone = smtpd_stand_alone(server);

    /* The user of "sendmail -bs" sees the SMTP dialogue, not our log. */
    if (stand_alone)
        msg_stderr_enable(0);
    smtpd_cfg = smtpd_config_init(server->config, server->service, stand_alone);
}

/* smtpd_service - one client */

static void smtpd_service(MAIL_SERVER *server, VSTREAM *client)
{
    SMTPD_STATE *state = smtpd_state_alloc(smtpd_cfg, client, client, smtpd_cfg->stand_alone);

    /* "smtpd pass": postscreen says who the client is (its PROXY protocol peer, say). */
    state->pass_peer = server->pass_peer;
    smtpd_session(state);
    smtpd_state_free(state);
    /* Idle smtpd processes are many: give the session's freed memory back. */
    malloc_trim(0);
}

/* main - program entry */

int main(int argc, char **argv)
{
    single_server_main(argc, argv, smtpd_service,
                       &(MAIL_SERVER_PROPS){
                           .pre_jail = smtpd_pre_jail,
                       });
}
