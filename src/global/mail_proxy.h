/*
 * mail_proxy.h - where the proxy: tables of a program find proxymap(8)
 */
#ifndef MAIL_PROXY_H
#define MAIL_PROXY_H

#include <stdbool.h>

#include "config.h"

extern void mail_proxy_init(CONFIG *config, bool command);

#endif
