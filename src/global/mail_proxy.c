/*++
 * NAME
 *	mail_proxy - where the proxy: tables of a program find proxymap(8)
 * SYNOPSIS
 *	#include <mail_proxy.h>
 *
 *	void	mail_proxy_init(CONFIG *config, bool command);
 * DESCRIPTION
 *	mail_proxy_init() hands the settings of proxy: tables to
 *	dict_proxy(3): the service names (proxymap_service_name,
 *	proxywrite_service_name) and the limits of their connections
 *	(ipc_timeout, ipc_idle, ipc_ttl). A daemon (command false) reaches
 *	the services through "private/" relative to its current directory,
 *	which is queue_directory, also inside a chroot jail; a command
 *	(postmap, postalias) through "$queue_directory/private/".
 * DIAGNOSTICS
 *	Fatal: a bad parameter value (config(3)).
 * SEE ALSO
 *	dict_proxy(3), proxymap(8)
 *--*/

/* Utility library. */
#include "dict_proxy.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"
#include "mail_proxy.h"

/* mail_proxy_init - configure the proxy: client of this process */

void mail_proxy_init(CONFIG *config, bool command)
{
    VSTRING *dir = vstring_alloc(100);

    if (command)
        vstring_sprintf(dir, "%s/%s", config_get_str(config, VAR_QUEUE_DIRECTORY), PROXY_CLASS);
    else
        vstring_strcpy(dir, PROXY_CLASS);
    dict_proxy_init(vstring_str(dir), config_get_str(config, VAR_PROXYMAP_SERVICE_NAME),
                    config_get_str(config, VAR_PROXYWRITE_SERVICE_NAME),
                    config_get_time(config, VAR_IPC_TIMEOUT), config_get_time(config, VAR_IPC_IDLE),
                    config_get_time(config, VAR_IPC_TTL));
    vstring_free(dir);
}
