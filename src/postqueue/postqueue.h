/*
 * postqueue.h - the queue listing of postqueue -p and mailq
 */
#ifndef POSTQUEUE_H
#define POSTQUEUE_H

#include "vstream.h"

extern int postqueue_show(VSTREAM *out);

#endif
