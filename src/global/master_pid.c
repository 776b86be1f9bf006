/*++
 * NAME
 *	master_pid - where master(8) keeps its locked pid file
 * SYNOPSIS
 *	#include <master_pid.h>
 *
 *	const char *master_pid_path(CONFIG *config, VSTRING *buf);
 *	int	master_pid_check(CONFIG *config, pid_t *out_pid, VSTRING *why);
 * DESCRIPTION
 *	master(8) holds the lock of master.pid in process_id_directory
 *	(relative to queue_directory unless absolute) for as long as it
 *	runs (pid_file(3)): one master per queue directory.
 *
 *	master_pid_path() writes the absolute file name into buf and
 *	returns it.
 *
 *	master_pid_check() returns 1 when a master runs (its process ID in
 *	out_pid when not NULL), 0 when none does, or -1 with a reason in why.
 * DIAGNOSTICS
 *	Returned.
 *--*/

/* Utility library. */
#include "pid_file.h"

/* Global library. */
#include "master_pid.h"

/* master_pid_path - the pid file name */

const char *master_pid_path(CONFIG *config, VSTRING *buf)
{
    const char *dir = config_get_str(config, VAR_PROCESS_ID_DIRECTORY);

    if (dir[0] == '/')
        vstring_sprintf(buf, "%s/%s", dir, MASTER_PID_FILE);
    else
        vstring_sprintf(buf, "%s/%s/%s", config_get_str(config, VAR_QUEUE_DIRECTORY), dir,
                        MASTER_PID_FILE);
    return vstring_str(buf);
}

/* master_pid_check - does a master run */

int master_pid_check(CONFIG *config, pid_t *out_pid, VSTRING *why)
{
    VSTRING *path = vstring_alloc(100);
    int status = pid_file_check(master_pid_path(config, path), out_pid, why);

    vstring_free(path);
    return status;
}
