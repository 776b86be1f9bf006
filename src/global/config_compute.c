/*++
 * NAME
 *	config_compute - defaults that depend on the system
 * SYNOPSIS
 *	#include <param_table.h>
 *
 *	char	*param_compute_myhostname(CONFIG *config, VSTRING *why);
 *	char	*param_compute_mydomain(CONFIG *config, VSTRING *why);
 *	char	*param_compute_mynetworks(CONFIG *config, VSTRING *why);
 *	char	*param_compute_process_id(CONFIG *config, VSTRING *why);
 *	char	*param_compute_process_name(CONFIG *config, VSTRING *why);
 * DESCRIPTION
 *	Each function returns the default of one parameter as a mystrdup()ed
 *	string; the CONFIG computes it once and keeps it. The parameters a
 *	computation reads are expanded without fatal errors: when one does
 *	not expand (it refers back to the parameter being computed, say
 *	"myhostname = host.$mydomain" for mydomain's default), the function
 *	returns NULL with the reason ("parameter expansion loop: ...") in
 *	why, and the CONFIG reports it for the parameter that was asked for.
 *
 *	param_compute_myhostname() returns gethostname(), with
 *	".$mydomain" appended when the name has no dot (mydomain as set in
 *	main.cf or by -o when that is a plain name, else "localdomain").
 *	No DNS lookup is made.
 *
 *	param_compute_mydomain() returns $myhostname without its first
 *	label, or "localdomain" when that would leave fewer than two labels.
 *
 *	param_compute_mynetworks() lists the networks of the machine's
 *	interfaces according to $mynetworks_style: "host" lists each address
 *	(a.b.c.d/32, [x::y]/128), "subnet" each interface's network, "class"
 *	each IPv4 address's class A, B or C network (IPv6 as subnet).
 *	IPv4 networks come first, then IPv6 ones, each once, limited to the
 *	families of $inet_protocols; with inet_interfaces = loopback-only
 *	only loopback interfaces count.
 *
 *	param_compute_process_id() and param_compute_process_name() return
 *	the process id and the program name (msg_init()).
 * BUGS
 *	Other inet_interfaces settings than all and loopback-only do not
 *	narrow the interfaces that mynetworks lists.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "config_private.h"

#define CONFIG_DEFAULT_DOMAIN "localdomain" /* when no domain can be found */

/* param_compute_myhostname - host name, made fully qualified */

char *param_compute_myhostname(CONFIG *config, VSTRING *why)
{
    char name[256];
    const char *domain = CONFIG_DEFAULT_DOMAIN;
    const char *raw;
    VSTRING *result;

    if (gethostname(name, sizeof(name) - 1) < 0 || *name == 0)
        snprintf(name, sizeof(name), "localhost");
    name[sizeof(name) - 1] = 0;
    if (strchr(name, '.'))
        return mystrdup(name);
    raw = config_explicit_value(config, VAR_MYDOMAIN);
    if (raw && *raw && strchr(raw, '$') == NULL)
        domain = raw;
    result = vstring_alloc(100);
    vstring_sprintf(result, "%s.%s", name, domain);
    return vstring_export(result);
}

/* param_compute_mydomain - $myhostname without its first label */

char *param_compute_mydomain(CONFIG *config, VSTRING *why)
{
    const char *host = config_value_expanded(config, VAR_MYHOSTNAME, why);
    const char *dot;

    if (host == NULL)
        return NULL;
    dot = strchr(host, '.');
    if (dot == NULL || strchr(dot + 1, '.') == NULL)
        return mystrdup(CONFIG_DEFAULT_DOMAIN);
    return mystrdup(dot + 1);
}

/* config_prefix_len - number of one bits in a netmask */

static int config_prefix_len(const unsigned char *mask, size_t len)
{
    int bits = 0;

    for (size_t i = 0; i < len; i++)
        for (int b = 7; b >= 0; b--)
            bits += (mask[i] >> b) & 1;
    return bits;
}

/* config_network - apply a prefix to an address in place */

static void config_network(unsigned char *addr, size_t len, int prefix)
{
    for (size_t i = 0; i < len; i++) {
        int keep = prefix - (int)(8 * i);

        if (keep <= 0)
            addr[i] = 0;
        else if (keep < 8)
            addr[i] &= (unsigned char)(0xff << (8 - keep));
    }
}

/* config_ipv4_class_prefix - classful prefix of an IPv4 address */

static int config_ipv4_class_prefix(const unsigned char *addr)
{
    if (addr[0] < 128)
        return 8;
    if (addr[0] < 192)
        return 16;
    return 24;
}

/* config_add_network - format one interface's entry and add it once */

static void config_add_network(ARGV *list, const struct ifaddrs *ifa, const char *style)
{
    int family = ifa->ifa_addr->sa_family;
    int ipv6 = family == AF_INET6;
    size_t len = ipv6 ? 16 : 4;
    unsigned char addr[16];
    int prefix = (int)len * 8;
    char text[INET6_ADDRSTRLEN + 10];
    char buf[INET6_ADDRSTRLEN];

    memcpy(addr,
           ipv6 ? (void *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr
                : (void *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr,
           len);
    if (strcmp(style, "host") != 0 && ifa->ifa_netmask)
        prefix =
            config_prefix_len(ipv6 ? (void *)&((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr
                                   : (void *)&((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr,
                              len);
    if (strcmp(style, "class") == 0 && !ipv6)
        prefix = config_ipv4_class_prefix(addr);
    if (!ipv6 && addr[0] == 127) /* the whole loopback net, whatever the style */
        prefix = 8;
    config_network(addr, len, prefix);
    inet_ntop(family, addr, buf, sizeof(buf));
    snprintf(text, sizeof(text), ipv6 ? "[%s]/%d" : "%s/%d", buf, prefix);
    for (size_t i = 0; i < list->argc; i++)
        if (strcmp(list->argv[i], text) == 0)
            return;
    argv_add(list, text);
}

/* param_compute_mynetworks - networks of the local interfaces */

char *param_compute_mynetworks(CONFIG *config, VSTRING *why)
{
    const char *style = config_value_expanded(config, VAR_MYNETWORKS_STYLE, why);
    const char *protocols = style ? config_value_expanded(config, VAR_INET_PROTOCOLS, why) : NULL;
    const char *interfaces =
        protocols ? config_value_expanded(config, VAR_INET_INTERFACES, why) : NULL;
    int want4, want6, loopback_only;
    struct ifaddrs *ifap = NULL;
    ARGV *v4, *v6;
    char *result;

    if (interfaces == NULL)
        return NULL;
    want4 = strstr(protocols, "all") || strstr(protocols, "ipv4");
    want6 = strstr(protocols, "all") || strstr(protocols, "ipv6");
    loopback_only = strstr(interfaces, "loopback-only") != NULL;
    v4 = argv_alloc(10);
    v6 = argv_alloc(10);
    if (getifaddrs(&ifap) < 0)
        msg_warn("%s: cannot list network interfaces: %m", __func__);
    for (struct ifaddrs *ifa = ifap; ifa; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP) ||
            (loopback_only && !(ifa->ifa_flags & IFF_LOOPBACK)))
            continue;
        if (ifa->ifa_addr->sa_family == AF_INET && want4)
            config_add_network(v4, ifa, style);
        else if (ifa->ifa_addr->sa_family == AF_INET6 && want6)
            config_add_network(v6, ifa, style);
    }
    if (ifap)
        freeifaddrs(ifap);
    for (size_t i = 0; i < v6->argc; i++)
        argv_add(v4, v6->argv[i]);
    result = argv_join(v4, " ");
    argv_free(v4);
    argv_free(v6);
    return result;
}

/* param_compute_process_id - this process */

char *param_compute_process_id(CONFIG *config, VSTRING *why)
{
    char buf[32];

    (void)config;
    (void)why;
    snprintf(buf, sizeof(buf), "%ld", (long)getpid());
    return mystrdup(buf);
}

/* param_compute_process_name - this program */

char *param_compute_process_name(CONFIG *config, VSTRING *why)
{
    (void)config;
    (void)why;
    return mystrdup(msg_program());
}
