/*++
 * NAME
 *	virtual - the virtual mailbox delivery agent
 * SYNOPSIS
 *	virtual [options] (started by master(8))
 * DESCRIPTION
 *	virtual delivers mail for virtual mailbox domains: each recipient
 *	has a mailbox under virtual_mailbox_base and an owner, none of
 *	which needs an account in the password file. For each recipient of
 *	a request:
 *	.IP \(bu
 *	virtual_mailbox_maps gives the mailbox, looked up as the full
 *	address, the address without its extension (recipient_delimiter),
 *	and "@domain". The value is a path under virtual_mailbox_base; one
 *	that ends in "/" is a Maildir, else an mbox file. Not found: bounced
 *	(5.1.1 unknown user: "address").
 *	.IP \(bu
 *	virtual_uid_maps and virtual_gid_maps give the owner's uid and gid,
 *	looked up the same way ("static:5000" gives one for all). A uid
 *	below virtual_minimum_uid, uid 0 whatever that says, or a value that
 *	is not a number defers the recipient ("mail system configuration
 *	error") with a warning that names the table.
 *	.IP \(bu
 *	The mailbox is written by a child process with that uid and gid
 *	(mailbox_write(3)), which creates missing directories; an mbox file
 *	is locked as virtual_mailbox_lock says, and no mbox file or Maildir
 *	file may grow beyond virtual_mailbox_limit bytes (0: no limit): a
 *	delivery over the limit bounces (5.2.2).
 *	.PP
 *	Run without root privileges (a test instance), it can deliver only
 *	as the uid it runs as and defers other recipients saying so.
 * DIAGNOSTICS
 *	Fatal: a table that cannot be opened, an empty virtual_mailbox_base,
 *	an unknown virtual_mailbox_lock type. A table lookup error defers the
 *	recipient (4.3.0). Outcomes are logged by deliver_request(3).
 * CONFIGURATION PARAMETERS
 *	virtual_mailbox_base, virtual_mailbox_maps, virtual_uid_maps,
 *	virtual_gid_maps, virtual_minimum_uid, virtual_mailbox_limit,
 *	virtual_mailbox_lock, recipient_delimiter, myhostname,
 *	deliver_lock_attempts, deliver_lock_delay, stale_lock_time.
 * SEE ALSO
 *	virtual(8), mailbox_write(3), qmgr(8)
 *--*/

/* System library. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "deliver_request.h"
#include "mail_addr_find.h"
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_server.h"
#include "mailbox_write.h"
#include "maps.h"

/* What main.cf says (strings owned by the CONFIG, tables by virtual_post_jail()). */
typedef struct VIRTUAL_CONFIG {
    const char *mailbox_base;        /* virtual_mailbox_base */
    const char *mailbox_maps_names;  /* virtual_mailbox_maps */
    const char *uid_maps_names;      /* virtual_uid_maps */
    const char *gid_maps_names;      /* virtual_gid_maps */
    int minimum_uid;                 /* virtual_minimum_uid */
    long mailbox_limit;              /* virtual_mailbox_limit, bytes, 0: none */
    const char *mailbox_lock;        /* virtual_mailbox_lock */
    const char *recipient_delimiter; /* recipient_delimiter */
    const char *myhostname;          /* Maildir file names */
    int lock_attempts;               /* deliver_lock_attempts */
    int lock_delay;                  /* deliver_lock_delay, seconds */
    int stale_lock_time;             /* stale_lock_time, seconds */
    int lock_flags;                  /* virtual_mailbox_lock, parsed */
    bool privileged;                 /* running as root */
    uid_t owner_uid;                 /* mail_owner: the effective ids outside deliveries */
    gid_t owner_gid;                 /* mail_owner's group */
    MAPS *mailbox_maps;              /* the tables */
    MAPS *uid_maps;
    MAPS *gid_maps;
} VIRTUAL_CONFIG;

static VIRTUAL_CONFIG virtual_config;

/* The outcome of one recipient. */
typedef struct VIRTUAL_RESULT {
    int outcome;     /* DELIVER_OUTCOME_* */
    const char *dsn; /* RFC 3463 status, static */
    VSTRING *reason; /* text for the log and the DSN */
} VIRTUAL_RESULT;

/* virtual_priv_root - effective root, for mailbox work */

static void virtual_priv_root(void)
{
    if (virtual_config.privileged && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("%s: cannot regain root privileges: %m", __func__);
}

/* virtual_priv_owner - effective mail_owner, for queue files and status logs */

static void virtual_priv_owner(void)
{
    if (virtual_config.privileged &&
        (setegid(virtual_config.owner_gid) < 0 || seteuid(virtual_config.owner_uid) < 0))
        msg_fatal("%s: cannot become mail_owner: %m", __func__);
}

/* virtual_find - look an address up in one table; NULL: not found or error */

static const char *virtual_find(MAPS *maps, const char *address)
{
    return mail_addr_find(maps, address,
                          &(MAIL_ADDR_FIND_OPTS){
                              .strategy = MAIL_ADDR_FIND_FULL | MAIL_ADDR_FIND_AT_DOMAIN,
                              .delimiters = *virtual_config.recipient_delimiter
                                                ? virtual_config.recipient_delimiter
                                                : NULL,
                          },
                          NULL);
}

/* virtual_id - the uid or gid of a recipient; 0 found, -1 result set */

static int virtual_id(MAPS *maps, const char *param, const char *address, bool is_uid, long *out_id,
                      VIRTUAL_RESULT *result)
{
    const char *value = virtual_find(maps, address);
    char *end;

    if (value == NULL) {
        if (maps->error) {
            result->dsn = "4.3.0";
            vstring_sprintf(result->reason, "%s lookup error for %s", param, address);
        } else {
            msg_warn("recipient %s: not found in %s", address, param);
            result->dsn = "4.3.5";
            vstring_strcpy(result->reason, "mail system configuration error");
        }
        return -1;
    }
    errno = 0;
    *out_id = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != 0 || *out_id < 0 ||
        (is_uid && (*out_id == 0 || *out_id < virtual_config.minimum_uid))) {
        msg_warn("recipient %s: bad %s %s in %s", address, is_uid ? "uid" : "gid", value, param);
        result->dsn = "4.3.5";
        vstring_strcpy(result->reason, "mail system configuration error");
        return -1;
    }
    return 0;
}

/* virtual_mailbox_path - the mailbox of a recipient; 0 found, -1 result set */

static int virtual_mailbox_path(const char *address, VSTRING *path, bool *out_maildir,
                                VIRTUAL_RESULT *result)
{
    const char *value = virtual_find(virtual_config.mailbox_maps, address);
    size_t len;

    if (value == NULL) {
        if (virtual_config.mailbox_maps->error) {
            result->dsn = "4.3.0";
            vstring_sprintf(result->reason, "%s lookup error for %s", VAR_VIRTUAL_MAILBOX_MAPS,
                            address);
        } else {
            result->outcome = DELIVER_OUTCOME_BOUNCED;
            result->dsn = "5.1.1";
            vstring_sprintf(result->reason, "unknown user: \"%s\"", address);
        }
        return -1;
    }
    len = strlen(value);
    *out_maildir = len > 0 && value[len - 1] == '/';
    while (len > 0 && value[len - 1] == '/')
        len--;
    if (len == 0 || strstr(value, "/../") != NULL || strncmp(value, "../", 3) == 0) {
        msg_warn("recipient %s: bad mailbox \"%s\" in %s", address, value,
                 VAR_VIRTUAL_MAILBOX_MAPS);
        result->dsn = "4.3.5";
        vstring_strcpy(result->reason, "mail system configuration error");
        return -1;
    }
    while (*value == '/')
        value++, len--;
    vstring_sprintf(path, "%s/%.*s", virtual_config.mailbox_base, (int)len, value);
    return 0;
}

/* virtual_deliver - one recipient */

static void virtual_deliver(DELIVER_REQUEST *request, const char *address, VIRTUAL_RESULT *result)
{
    VSTRING *path = vstring_alloc(100);
    long uid, gid;
    bool maildir = false;
    MAILBOX_TARGET target;
    int status;

    result->outcome = DELIVER_OUTCOME_DEFERRED;
    if (virtual_mailbox_path(address, path, &maildir, result) < 0 ||
        virtual_id(virtual_config.uid_maps, VAR_VIRTUAL_UID_MAPS, address, true, &uid, result) <
            0 ||
        virtual_id(virtual_config.gid_maps, VAR_VIRTUAL_GID_MAPS, address, false, &gid, result) <
            0) {
        vstring_free(path);
        return;
    }
    if (!virtual_config.privileged && (uid_t)uid != geteuid()) {
        result->dsn = "4.3.0";
        vstring_sprintf(result->reason,
                        "cannot deliver as uid %ld: the virtual delivery agent runs without root "
                        "privileges, as uid %ld",
                        uid, (long)geteuid());
        vstring_free(path);
        return;
    }
    target = (MAILBOX_TARGET){
        .msg = request->msg,
        .path = vstring_str(path),
        .maildir = maildir,
        .delivered_to = address,
        .uid = (uid_t)uid,
        .gid = (gid_t)gid,
        .privileged = virtual_config.privileged,
        .make_dirs = true,
        .lock_flags = virtual_config.lock_flags,
        .lock_attempts = virtual_config.lock_attempts,
        .lock_delay = virtual_config.lock_delay,
        .stale_lock_time = virtual_config.stale_lock_time,
        .myhostname = virtual_config.myhostname,
        .size_limit = virtual_config.mailbox_limit,
    };
    virtual_priv_root();
    status = mailbox_write(&target, result->reason);
    virtual_priv_owner();
    if (status == MAILBOX_SENT) {
        result->outcome = DELIVER_OUTCOME_SENT;
        result->dsn = "2.0.0";
        vstring_sprintf(result->reason, "delivered to %s", maildir ? "maildir" : "mailbox");
    } else if (status == MAILBOX_BOUNCE) {
        result->outcome = DELIVER_OUTCOME_BOUNCED;
        result->dsn = "5.2.2";
    } else {
        result->dsn = "4.2.0";
        if (VSTRING_LEN(result->reason) == 0)
            vstring_strcpy(result->reason, "mailbox delivery failed");
    }
    vstring_free(path);
}

/* virtual_service - one delivery request */

static void virtual_service(MAIL_SERVER *unused_server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request = deliver_request_receive(client, why);
    VIRTUAL_RESULT result = {.reason = vstring_alloc(100)};

    for (size_t i = 0; request && i < request->rcpt_count; i++) {
        DELIVER_STATUS status = {.relay = "virtual"};

        if (!deliver_rcpt_pending(request, i))
            continue;
        VSTRING_RESET(result.reason);
        virtual_deliver(request, request->rcpts[i].address, &result);
        status.dsn = result.dsn;
        status.reason = vstring_str(result.reason);
        deliver_outcome(request, i, result.outcome, &status);
    }
    if (request)
        deliver_request_finish(request);
    vstring_free(result.reason);
    vstring_free(why);
}

/* virtual_maps - open one table parameter */

static MAPS *virtual_maps(const char *param, const char *names)
{
    if (names == NULL || *names == 0)
        msg_fatal("parameter %s is empty: the virtual delivery agent needs it", param);
    return maps_create(param, names, DICT_FLAG_LOCK);
}

/* virtual_post_jail - tables and settings; mail_owner's ids outside deliveries */

static void virtual_post_jail(MAIL_SERVER *server)
{
    VSTRING *why = vstring_alloc(100);

    virtual_config.privileged = geteuid() == 0;
    if (virtual_config.privileged) {
        MAIL_OWNER owner;

        if (mail_owner_lookup(server->config, &owner, why) < 0)
            msg_fatal("%s", vstring_str(why));
        virtual_config.owner_uid = owner.uid;
        virtual_config.owner_gid = owner.gid;
    }
    if (*virtual_config.mailbox_base != '/')
        msg_fatal("parameter %s must be an absolute pathname, not \"%s\"", VAR_VIRTUAL_MAILBOX_BASE,
                  virtual_config.mailbox_base);
    if (mailbox_lock_parse(virtual_config.mailbox_lock, &virtual_config.lock_flags, why) < 0)
        msg_fatal("parameter %s: %s", VAR_VIRTUAL_MAILBOX_LOCK, vstring_str(why));
    virtual_config.mailbox_maps =
        virtual_maps(VAR_VIRTUAL_MAILBOX_MAPS, virtual_config.mailbox_maps_names);
    virtual_config.uid_maps = virtual_maps(VAR_VIRTUAL_UID_MAPS, virtual_config.uid_maps_names);
    virtual_config.gid_maps = virtual_maps(VAR_VIRTUAL_GID_MAPS, virtual_config.gid_maps_names);
    virtual_priv_owner();
    if (!virtual_config.privileged)
        msg_info("running without root privileges: delivering only as uid %ld", (long)geteuid());
    vstring_free(why);
}

/* main - bind the parameters and serve */

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_BASE, &virtual_config.mailbox_base),
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_MAPS, &virtual_config.mailbox_maps_names),
        CONFIG_BIND_STR(VAR_VIRTUAL_UID_MAPS, &virtual_config.uid_maps_names),
        CONFIG_BIND_STR(VAR_VIRTUAL_GID_MAPS, &virtual_config.gid_maps_names),
        CONFIG_BIND_INT(VAR_VIRTUAL_MINIMUM_UID, &virtual_config.minimum_uid),
        CONFIG_BIND_SIZE(VAR_VIRTUAL_MAILBOX_LIMIT, &virtual_config.mailbox_limit),
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_LOCK, &virtual_config.mailbox_lock),
        CONFIG_BIND_STR(VAR_RECIPIENT_DELIMITER, &virtual_config.recipient_delimiter),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &virtual_config.myhostname),
        CONFIG_BIND_INT(VAR_DELIVER_LOCK_ATTEMPTS, &virtual_config.lock_attempts),
        CONFIG_BIND_TIME(VAR_DELIVER_LOCK_DELAY, &virtual_config.lock_delay),
        CONFIG_BIND_TIME(VAR_STALE_LOCK_TIME, &virtual_config.stale_lock_time),
        CONFIG_BIND_END,
    };

    single_server_main(argc, argv, virtual_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = parameters,
                           .post_jail = virtual_post_jail,
                       });
}
