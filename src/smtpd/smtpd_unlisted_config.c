/*++
 * NAME
 *	smtpd_unlisted_config - the settings of the unlisted address checks
 * SYNOPSIS
 *	#include "smtpd_unlisted.h"
 *
 *	void	smtpd_unlisted_config(SMTPD_CONFIG *cfg, CONFIG *config);
 *	void	smtpd_unlisted_free(SMTPD_CONFIG *cfg);
 * DESCRIPTION
 *	smtpd_unlisted_config() binds the address classes and the
 *	recipient tables (rcpt_maps(3): local_recipient_maps,
 *	virtual_alias_maps, virtual_mailbox_maps, relay_recipient_maps,
 *	the canonical tables, the unknown_*_reject_code settings,
 *	smtpd_reject_unlisted_recipient and smtpd_reject_unlisted_sender)
 *	into cfg->rcpt_maps. A malformed domain list is fatal.
 *	smtpd_unlisted_free() releases them.
 * SEE ALSO
 *	smtpd_unlisted(3), rcpt_maps(3)
 *--*/

/* Utility library. */
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "rcpt_maps.h"

/* Application-specific. */
#include "smtpd_config.h"
#include "smtpd_unlisted.h"

/* smtpd_unlisted_config - bind the settings and open the tables */

void smtpd_unlisted_config(SMTPD_CONFIG *cfg, CONFIG *config)
{
    RCPT_MAPS_SETTINGS settings = {0};
    const CONFIG_BIND parameters[] = {
        RCPT_MAPS_SETTINGS_BIND(&settings),
        CONFIG_BIND_END,
    };
    VSTRING *why = vstring_alloc(100);

    config_bind(config, parameters);
    if ((cfg->rcpt_maps = rcpt_maps_create(&settings, why)) == NULL)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
}

/* smtpd_unlisted_free - release the tables */

void smtpd_unlisted_free(SMTPD_CONFIG *cfg)
{
    if (cfg->rcpt_maps)
        cfg->rcpt_maps = rcpt_maps_free(cfg->rcpt_maps);
}
