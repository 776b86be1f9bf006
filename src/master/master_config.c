/*++
 * NAME
 *	master_config - services from master.cf, at start-up and on reload
 * SYNOPSIS
 *	#include "master.h"
 *
 *	MASTER_SERV *master_config_services(const char *master_cf_path,
 *				CONFIG *config, VSTRING *why);
 *	void	master_config_bind(CONFIG *config);
 *	void	master_config_start(void);
 *	int	master_config_reload(VSTRING *why);
 * DESCRIPTION
 *	master_config_services() reads master.cf and builds the list of
 *	services in file order. Services named in master_service_disable
 *	("name.type" or just "type") are left out; a service type that
 *	master cannot run is left out with a warning; a later entry with
 *	the same name and type replaces an earlier one, with a warning. It
 *	returns the list, or NULL with a reason in why when master.cf
 *	cannot be read or is malformed (an empty master.cf is an error too).
 *
 *	master_config_bind() binds what the running master reads from config
 *	(the CONFIG it puts in effect, at start-up and with each reload)
 *	into master.settings.
 *
 *	master_config_start() starts every service of master.cf at start-up;
 *	any problem is fatal.
 *
 *	Both log a warning for each parameter that main.cf or a master.cf
 *	-o sets although this version does not implement it (see
 *	config_check_unimplemented()). master reports them once per start
 *	and reload, so that the daemons it runs (many processes, started
 *	often) do not repeat them.
 *
 *	master_config_reload() reads main.cf and master.cf again. When
 *	either is malformed it returns -1 with the reason in why and
 *	changes nothing. Otherwise every running service is retired (its
 *	children finish their current client and exit), the new services
 *	start, and a service whose listener is unchanged keeps it, so that
 *	no connection is refused during the reload. A removed service's
 *	socket or fifo file is removed. A new service that cannot start is
 *	logged and left out; the others run.
 * DIAGNOSTICS
 *	Fatal (master_config_start() only): bad master.cf, a listener that
 *	cannot be opened.
 *--*/

/* System library. */
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "maillog.h"

/* Master daemon. */
#include "master.h"

/* master_config_disabled - is a service listed in master_service_disable */

static bool master_config_disabled(const MASTER_CF_ENTRY *entry, CONFIG *config)
{
    ARGV *list = config_get_list(config, VAR_MASTER_SERVICE_DISABLE);
    VSTRING *key = vstring_alloc(50);
    bool found = false;

    vstring_sprintf(key, "%s.%s", entry->service, entry->type);
    for (size_t i = 0; i < list->argc && !found; i++)
        found =
            strcmp(list->argv[i], vstring_str(key)) == 0 || strcmp(list->argv[i], entry->type) == 0;
    argv_free(list);
    vstring_free(key);
    return found;
}

/* master_config_append - add a service, replacing one of the same name and type */

static void master_config_append(MASTER_SERV **list, MASTER_SERV *serv)
{
    MASTER_SERV **link;

    for (link = list; *link; link = &(*link)->next) {
        if (strcmp((*link)->name, serv->name) == 0 && strcmp((*link)->type, serv->type) == 0) {
            msg_warn("%s: duplicate service %s/%s replaces the one at %s", serv->origin, serv->name,
                     serv->type, (*link)->origin);
            serv->next = (*link)->next;
            master_ent_free(*link);
            *link = serv;
            return;
        }
    }
    *link = serv;
}

/* master_config_services - the services of master.cf */

MASTER_SERV *master_config_services(const char *master_cf_path, CONFIG *config, VSTRING *why)
{
    MASTER_CF *master_cf = master_cf_load(master_cf_path, why);
    MASTER_SERV *list = NULL;
    MASTER_SERV *serv;

    if (master_cf == NULL)
        return NULL;
    for (size_t i = 0; i < master_cf->count; i++) {
        if (master_config_disabled(master_cf->entries[i], config))
            continue;
        if ((serv = master_ent_build(master_cf->entries[i], config, why)) == NULL)
            msg_warn("%s: service ignored", vstring_str(why));
        else
            master_config_append(&list, serv);
    }
    master_cf_free(master_cf);
    if (list == NULL)
        vstring_sprintf(why, "%s: no service to run", master_cf_path);
    return list;
}

/* master_config_path - master.cf in the configuration directory */

static const char *master_config_path(VSTRING *buf)
{
    vstring_sprintf(buf, "%s/%s", master.config_dir, CONFIG_MASTER_CF);
    return vstring_str(buf);
}

/* master_config_warn - log a warning */

static void master_config_warn(CONFIG_REPORT_LEVEL unused_level, const char *text,
                               void *unused_context)
{
    msg_warn("%s", text);
}

/* master_config_unimplemented - warn about settings without effect */

static void master_config_unimplemented(const char *master_cf_path, CONFIG *config)
{
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *master_cf = master_cf_load(master_cf_path, why);

    (void)config_check_unimplemented(config, master_cf, master_config_warn, NULL);
    if (master_cf)
        master_cf_free(master_cf);
    vstring_free(why);
}

/* master_config_bind - the settings of the CONFIG in effect */

void master_config_bind(CONFIG *config)
{
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_MAIL_VERSION, &master.settings.mail_version),
        CONFIG_BIND_STR(VAR_INET_INTERFACES, &master.settings.inet_interfaces),
        CONFIG_BIND_STR(VAR_INET_PROTOCOLS, &master.settings.inet_protocols),
        CONFIG_BIND_TIME(VAR_SERVICE_THROTTLE_TIME, &master.settings.service_throttle_time),
        CONFIG_BIND_END,
    };

    config_bind(config, parameters);
}

/* master_config_start - start every service at start-up */

void master_config_start(void)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);

    master.services = master_config_services(master_config_path(path), master.config, why);
    if (master.services == NULL)
        msg_fatal("%s", vstring_str(why));
    master_config_unimplemented(master_config_path(path), master.config);
    for (MASTER_SERV *serv = master.services; serv; serv = serv->next)
        if (master_service_start(serv, why) < 0)
            msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    vstring_free(path);
}

/* master_config_report - collect configuration errors */

static void master_config_report(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    if (level == CONFIG_REPORT_ERROR)
        argv_add(context, text);
    else
        msg_warn("%s", text);
}

/* master_config_load - main.cf for a reload, without fatal errors */

static CONFIG *master_config_load(VSTRING *why)
{
    CONFIG *config = config_alloc(master.config_dir);
    ARGV *errors = argv_alloc(5);

    if (config_read_file(config, config_main_cf_path(config), why) < 0) {
        config_free(config);
        argv_free(errors);
        return NULL;
    }
    config_set_runtime(config, VAR_PROCESS_NAME, "master");
    if (config_validate(config, master_config_report, errors) > 0) {
        vstring_strcpy(why, errors->argv[0]);
        if (errors->argc > 1)
            vstring_sprintf_append(why, " (and %zu more errors)", errors->argc - 1);
        config_free(config);
        argv_free(errors);
        return NULL;
    }
    argv_free(errors);
    if (strcmp(config_get_str(config, VAR_QUEUE_DIRECTORY), master.queue_dir) != 0) {
        vstring_sprintf(why, "%s changed: stop and start the mail system to move it",
                        VAR_QUEUE_DIRECTORY);
        config_free(config);
        return NULL;
    }
    return config;
}

/* master_config_successor - the new service with the same name and type */

static MASTER_SERV *master_config_successor(MASTER_SERV *list, const MASTER_SERV *old)
{
    for (MASTER_SERV *serv = list; serv; serv = serv->next)
        if (strcmp(serv->name, old->name) == 0 && strcmp(serv->type, old->type) == 0)
            return serv;
    return NULL;
}

/* master_config_path_used - does a new service use this socket file */

static bool master_config_path_used(MASTER_SERV *list, const char *path)
{
    for (MASTER_SERV *serv = list; serv; serv = serv->next)
        if (serv->socket_path && strcmp(serv->socket_path, path) == 0)
            return true;
    return false;
}

/* master_config_replace - retire the old services, handing over listeners */

static void master_config_replace(MASTER_SERV *old_list, MASTER_SERV *new_list)
{
    MASTER_SERV *old;
    MASTER_SERV *next;
    MASTER_SERV *succ;

    for (old = old_list; old; old = next) {
        next = old->next;
        succ = master_config_successor(new_list, old);
        if (succ && succ->listen_count == 0 && strcmp(succ->listen_key, old->listen_key) == 0) {
            master_avail_off(old);
            succ->listen_fds = old->listen_fds;
            succ->listen_count = old->listen_count;
            old->listen_fds = NULL;
            old->listen_count = 0;
            myfree(succ->args->argv[MASTER_ARG_LISTEN_COUNT]);
            succ->args->argv[MASTER_ARG_LISTEN_COUNT] =
                mystrdup(old->args->argv[MASTER_ARG_LISTEN_COUNT]);
        } else if (old->socket_path && !master_config_path_used(new_list, old->socket_path)) {
            (void)unlink(old->socket_path);
        }
        master_service_retire(old);
        old->next = master.retired;
        master.retired = old;
        master_service_release(old);
    }
}

/* master_config_reload - re-read main.cf and master.cf */

int master_config_reload(VSTRING *why)
{
    VSTRING *path = vstring_alloc(100);
    CONFIG *config;
    MASTER_SERV *new_list;
    MASTER_SERV **link;
    CONFIG *old_config;

    if ((config = master_config_load(why)) == NULL) {
        vstring_free(path);
        return -1;
    }
    if ((new_list = master_config_services(master_config_path(path), config, why)) == NULL) {
        config_free(config);
        vstring_free(path);
        return -1;
    }
    old_config = master.config;
    master.config = config;
    master_config_bind(config);
    config_set_current(config);
    if (maillog_init(config, "master", path) < 0)
        msg_warn("%s", vstring_str(path));
    master_config_unimplemented(master_config_path(path), config);
    master_config_replace(master.services, new_list);
    master.services = new_list;
    for (link = &master.services; *link;) {
        MASTER_SERV *serv = *link;

        if (master_service_start(serv, why) < 0) {
            msg_warn("%s: service not started", vstring_str(why));
            *link = serv->next;
            master_ent_free(serv);
        } else {
            link = &serv->next;
        }
    }
    config_free(old_config);
    vstring_free(path);
    return 0;
}
