/*++
 * NAME
 *	sweep_temp - remove abandoned temporary queue files, for tests
 * SYNOPSIS
 *	obj/tests/helpers/sweep_temp queue_directory queue [max_age]
 * DESCRIPTION
 *	sweep_temp runs mail_queue_sweep_temp(3) on one queue of
 *	queue_directory with max_age seconds (default 0) and prints the
 *	number of files removed. Files that a live writer holds locked are
 *	left alone whatever their age.
 * DIAGNOSTICS
 *	Exit status 1 when the queue directory cannot be entered.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"

int main(int argc, char **argv)
{
    msg_init("sweep_temp");
    if (argc < 3) {
        fprintf(stderr, "usage: sweep_temp queue_directory queue [max_age]\n");
        return 2;
    }
    if (chdir(argv[1]) < 0)
        msg_fatal("chdir %s: %m", argv[1]);
    printf("%d\n", mail_queue_sweep_temp(argv[2], argc > 3 ? atol(argv[3]) : 0));
    return 0;
}
