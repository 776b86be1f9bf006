/*++
 * NAME
 *	tls_proxy - TLS client settings and session facts over tlsproxy(8)
 * SYNOPSIS
 *	#include "tls_proxy.h"
 *
 *	int	tls_proxy_client_print(VSTREAM *stream,
 *				const TLS_CLIENT_INIT_PROPS *init,
 *				const TLS_CLIENT_START_PROPS *start);
 *	int	tls_proxy_client_scan(TLS_PROXY_CLIENT *client, HTABLE *table);
 *	void	tls_proxy_client_free(TLS_PROXY_CLIENT *client);
 *	const char *tls_proxy_init_key(VSTRING *out,
 *				const TLS_CLIENT_INIT_PROPS *init);
 *
 *	int	tls_proxy_facts_print(VSTREAM *stream,
 *				const TLS_SESS_STATE *state, bool pq_suspect,
 *				bool tls12_retry_ok);
 *	TLS_SESS_STATE *tls_proxy_facts_scan(VSTREAM *stream,
 *				const char *namaddr, int log_mask,
 *				bool *out_pq_suspect, bool *out_tls12_retry_ok);
 * DESCRIPTION
 *	tls_proxy_client_print() appends the engine settings init (without
 *	the global params and the cache callbacks: tlsproxy has its own,
 *	and caches sessions when init->session_timeout > 0) and the
 *	connection settings start (without ctx, stream, fd, transport, dane
 *	and the out_* pointers) to the message being written on stream, as
 *	"init.NAME" and "start.NAME" attributes; a null string is left out.
 *	It neither ends the message nor flushes (ATTR_FLAG_MORE). Result: 0
 *	or -1.
 *
 *	tls_proxy_client_scan() takes the table that attr_scan_table()
 *	filled with such a message (client takes it over, also on failure)
 *	and sets client->init and client->start pointing into it, and
 *	client->init_key to tls_proxy_init_key() of the result. It returns
 *	0, or -1 for a malformed number. tls_proxy_client_free() releases
 *	what it holds.
 *
 *	tls_proxy_init_key() writes every member of init that
 *	tls_proxy_client_print() sends into out, one "name=value" line
 *	each, and returns the text: two processes with the same text build
 *	the same engine.
 *
 *	tls_proxy_facts_print() sends one message: the outcome of a
 *	handshake (state NULL: it failed, with the two retry hints of
 *	tls_client_start()) and the public facts of the session state.
 *	tls_proxy_facts_scan() reads it and returns a new state holding
 *	those facts and no SSL object (TLS_PROXY_STATE()), with namaddr
 *	and log_mask for the receiver's log lines, or NULL when the
 *	handshake failed or the message was malformed (the hints are set
 *	when given). Free it with tls_sess_free(). The names of protocols,
 *	ciphers and algorithms are kept for the life of the process, as
 *	OpenSSL's static names are.
 * DIAGNOSTICS
 *	Warnings: malformed messages.
 *--*/

/* System library. */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* TLS library. */
#include "tls.h"
#include "tls_proxy.h"

/* One string or number member of a props struct, by offset. */
typedef struct TLS_PROXY_FIELD {
    const char *name; /* attribute name */
    size_t offset;    /* of the member */
    char type;        /* 's' const char *, 'i' int, 'u' unsigned, 'b' bool, 'l' long */
} TLS_PROXY_FIELD;

#define INIT_FIELD(member, type)  {"init." #member, offsetof(TLS_CLIENT_INIT_PROPS, member), type}
#define START_FIELD(member, type) {"start." #member, offsetof(TLS_CLIENT_START_PROPS, member), type}
#define FACT_FIELD(member, type)  {"tls." #member, offsetof(TLS_SESS_STATE, member), type}

static const TLS_PROXY_FIELD tls_proxy_init_fields[] = {
    INIT_FIELD(param_prefix, 's'),    INIT_FIELD(log_param, 's'),
    INIT_FIELD(log_level, 's'),       INIT_FIELD(verifydepth, 'i'),
    INIT_FIELD(cache_type, 's'),      INIT_FIELD(session_timeout, 'i'),
    INIT_FIELD(chain_files, 's'),     INIT_FIELD(cert_file, 's'),
    INIT_FIELD(key_file, 's'),        INIT_FIELD(dcert_file, 's'),
    INIT_FIELD(dkey_file, 's'),       INIT_FIELD(eccert_file, 's'),
    INIT_FIELD(eckey_file, 's'),      INIT_FIELD(CAfile, 's'),
    INIT_FIELD(CApath, 's'),          INIT_FIELD(mdalg, 's'),
    INIT_FIELD(protocols, 's'),       INIT_FIELD(mandatory_protocols, 's'),
    INIT_FIELD(ciphers, 's'),         INIT_FIELD(mandatory_ciphers, 's'),
    INIT_FIELD(exclude_ciphers, 's'), INIT_FIELD(mandatory_exclude_ciphers, 's'),
    INIT_FIELD(dane_digests, 's'),
};

static const TLS_PROXY_FIELD tls_proxy_start_fields[] = {
    START_FIELD(timeout, 'i'),
    START_FIELD(tls_level, 'i'),
    START_FIELD(nexthop, 's'),
    START_FIELD(host, 's'),
    START_FIELD(addr, 's'),
    START_FIELD(port, 'u'),
    START_FIELD(namaddr, 's'),
    START_FIELD(serverid, 's'),
    START_FIELD(helo, 's'),
    START_FIELD(sni, 's'),
    START_FIELD(protocols, 's'),
    START_FIELD(cipher_grade, 's'),
    START_FIELD(cipher_exclusions, 's'),
    START_FIELD(match, 's'),
    START_FIELD(tafile, 's'),
    START_FIELD(enable_rpk, 'b'),
    START_FIELD(pq_mode, 'i'),
    START_FIELD(tls12_max, 'b'),
};

/* Facts: 'o' strings owned by the state, 's' names kept for the process. */
static const TLS_PROXY_FIELD tls_proxy_fact_fields[] = {
    FACT_FIELD(level, 'i'),
    FACT_FIELD(peer_CN, 'o'),
    FACT_FIELD(issuer_CN, 'o'),
    FACT_FIELD(peer_cert_fprint, 'o'),
    FACT_FIELD(peer_pkey_fprint, 'o'),
    FACT_FIELD(matched_name, 'o'),
    FACT_FIELD(peer_status, 'i'),
    FACT_FIELD(verify_result, 'l'),
    FACT_FIELD(verify_depth, 'i'),
    FACT_FIELD(session_reused, 'b'),
    FACT_FIELD(protocol, 's'),
    FACT_FIELD(cipher_name, 's'),
    FACT_FIELD(cipher_usebits, 'i'),
    FACT_FIELD(cipher_algbits, 'i'),
    FACT_FIELD(kex_name, 's'),
    FACT_FIELD(kex_curve, 's'),
    FACT_FIELD(kex_bits, 'i'),
    FACT_FIELD(srvr_sig_name, 's'),
    FACT_FIELD(srvr_sig_curve, 's'),
    FACT_FIELD(srvr_sig_bits, 'i'),
    FACT_FIELD(srvr_sig_dgst, 's'),
    FACT_FIELD(clnt_sig_name, 's'),
    FACT_FIELD(clnt_sig_curve, 's'),
    FACT_FIELD(clnt_sig_bits, 'i'),
    FACT_FIELD(clnt_sig_dgst, 's'),
    FACT_FIELD(srvr_rpk, 'b'),
    FACT_FIELD(clnt_rpk, 'b'),
};

#define TLS_PROXY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define TLS_PROXY_ATTR_HANDSHAKE "tls.handshake"      /* int: 1 done, 0 failed */
#define TLS_PROXY_ATTR_PQ        "tls.pq_suspect"     /* int: tls_client_start() hint */
#define TLS_PROXY_ATTR_TLS12     "tls.tls12_retry_ok" /* int: tls_client_start() hint */

static HTABLE *tls_proxy_names; /* names kept for the process: key and value the same */

/* tls_proxy_print_fields - the members of one struct, as attributes */

static int tls_proxy_print_fields(VSTREAM *stream, const void *base, const TLS_PROXY_FIELD *fields,
                                  size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *member = (const char *)base + fields[i].offset;
        int status;

        switch (fields[i].type) {
        case 's':
        case 'o': {
            const char *value = *(const char *const *)member;

            if (value == NULL)
                continue;
            status = attr_print(stream, ATTR_FLAG_MORE, SEND_ATTR_STR(fields[i].name, value),
                                ATTR_TYPE_END);
            break;
        }
        case 'i':
            status = attr_print(stream, ATTR_FLAG_MORE,
                                SEND_ATTR_INT(fields[i].name, *(const int *)member), ATTR_TYPE_END);
            break;
        case 'u':
            status = attr_print(stream, ATTR_FLAG_MORE,
                                SEND_ATTR_LONG(fields[i].name, (long)*(const unsigned *)member),
                                ATTR_TYPE_END);
            break;
        case 'b':
            status =
                attr_print(stream, ATTR_FLAG_MORE,
                           SEND_ATTR_INT(fields[i].name, *(const bool *)member), ATTR_TYPE_END);
            break;
        default:
            status =
                attr_print(stream, ATTR_FLAG_MORE,
                           SEND_ATTR_LONG(fields[i].name, *(const long *)member), ATTR_TYPE_END);
            break;
        }
        if (status != 0)
            return -1;
    }
    return 0;
}

/* tls_proxy_name - a name kept for the life of the process */

static const char *tls_proxy_name(const char *name)
{
    const char *kept;

    if (tls_proxy_names == NULL)
        tls_proxy_names = htable_create(20);
    if ((kept = htable_find(tls_proxy_names, name)) == NULL) {
        char *copy = mystrdup(name);

        htable_enter(tls_proxy_names, copy, copy);
        kept = copy;
    }
    return kept;
}

/* tls_proxy_scan_fields - the members of one struct, from the table; 0 or -1 */

static int tls_proxy_scan_fields(const HTABLE *table, void *base, const TLS_PROXY_FIELD *fields,
                                 size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *member = (char *)base + fields[i].offset;
        const char *text = attr_table_str(table, fields[i].name);
        long value = 0;

        if (fields[i].type == 's' || fields[i].type == 'o') {
            if (text == NULL)
                continue;
            if (fields[i].type == 'o') {
                myfree(*(char **)member);
                *(char **)member = mystrdup(text);
            } else {
                *(const char **)member = text;
            }
            continue;
        }
        if (text == NULL)
            continue;
        if (attr_table_long(table, fields[i].name, &value) < 0)
            return -1;
        switch (fields[i].type) {
        case 'i':
            if (value < INT_MIN || value > INT_MAX)
                return -1;
            *(int *)member = (int)value;
            break;
        case 'u':
            if (value < 0 || value > (long)UINT_MAX)
                return -1;
            *(unsigned *)member = (unsigned)value;
            break;
        case 'b':
            *(bool *)member = value != 0;
            break;
        default:
            *(long *)member = value;
            break;
        }
    }
    return 0;
}

/* tls_proxy_client_print - engine and connection settings, as attributes */

int tls_proxy_client_print(VSTREAM *stream, const TLS_CLIENT_INIT_PROPS *init,
                           const TLS_CLIENT_START_PROPS *start)
{
    if (tls_proxy_print_fields(stream, init, tls_proxy_init_fields,
                               TLS_PROXY_COUNT(tls_proxy_init_fields)) < 0)
        return -1;
    return tls_proxy_print_fields(stream, start, tls_proxy_start_fields,
                                  TLS_PROXY_COUNT(tls_proxy_start_fields));
}

/* tls_proxy_init_key - the engine settings as one text */

const char *tls_proxy_init_key(VSTRING *out, const TLS_CLIENT_INIT_PROPS *init)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < TLS_PROXY_COUNT(tls_proxy_init_fields); i++) {
        const char *member = (const char *)init + tls_proxy_init_fields[i].offset;

        if (tls_proxy_init_fields[i].type == 's') {
            const char *value = *(const char *const *)member;

            vstring_sprintf_append(out, "%s=%s%s\n", tls_proxy_init_fields[i].name,
                                   value ? "=" : "", value ? value : "");
        } else {
            vstring_sprintf_append(out, "%s=%d\n", tls_proxy_init_fields[i].name,
                                   *(const int *)member);
        }
    }
    return vstring_str(out);
}

/* tls_proxy_client_scan - settings from a request table */

int tls_proxy_client_scan(TLS_PROXY_CLIENT *client, HTABLE *table)
{
    *client = (TLS_PROXY_CLIENT){.table = table, .init_key = vstring_alloc(500)};
    if (tls_proxy_scan_fields(table, &client->init, tls_proxy_init_fields,
                              TLS_PROXY_COUNT(tls_proxy_init_fields)) < 0 ||
        tls_proxy_scan_fields(table, &client->start, tls_proxy_start_fields,
                              TLS_PROXY_COUNT(tls_proxy_start_fields)) < 0)
        return -1;
    tls_proxy_init_key(client->init_key, &client->init);
    return 0;
}

/* tls_proxy_client_free - release a request's settings */

void tls_proxy_client_free(TLS_PROXY_CLIENT *client)
{
    if (client->table)
        attr_table_free(client->table);
    if (client->init_key)
        vstring_free(client->init_key);
    *client = (TLS_PROXY_CLIENT){0};
}

/* tls_proxy_facts_print - the outcome of a handshake and the session's facts */

int tls_proxy_facts_print(VSTREAM *stream, const TLS_SESS_STATE *state, bool pq_suspect,
                          bool tls12_retry_ok)
{
    if (attr_print(stream, ATTR_FLAG_MORE, SEND_ATTR_INT(TLS_PROXY_ATTR_HANDSHAKE, state != NULL),
                   SEND_ATTR_INT(TLS_PROXY_ATTR_PQ, pq_suspect),
                   SEND_ATTR_INT(TLS_PROXY_ATTR_TLS12, tls12_retry_ok), ATTR_TYPE_END) != 0)
        return -1;
    if (state && tls_proxy_print_fields(stream, state, tls_proxy_fact_fields,
                                        TLS_PROXY_COUNT(tls_proxy_fact_fields)) < 0)
        return -1;
    if (attr_print(stream, ATTR_FLAG_NONE, ATTR_TYPE_END) != 0)
        return -1;
    return vstream_fflush(stream) == 0 ? 0 : -1;
}

/* tls_proxy_facts_names - keep the names that OpenSSL would have kept */

static void tls_proxy_facts_names(TLS_SESS_STATE *state)
{
    for (size_t i = 0; i < TLS_PROXY_COUNT(tls_proxy_fact_fields); i++) {
        const char **member;

        if (tls_proxy_fact_fields[i].type != 's')
            continue;
        member = (const char **)((char *)state + tls_proxy_fact_fields[i].offset);
        if (*member)
            *member = tls_proxy_name(*member);
    }
}

/* tls_proxy_facts_scan - a state with the facts that tlsproxy sent */

TLS_SESS_STATE *tls_proxy_facts_scan(VSTREAM *stream, const char *namaddr, int log_mask,
                                     bool *out_pq_suspect, bool *out_tls12_retry_ok)
{
    HTABLE *table = htable_create(40);
    TLS_SESS_STATE *state = NULL;
    long done = 0, hint = 0;

    if (attr_scan_table(stream, ATTR_FLAG_NONE,
                        &(ATTR_OPTS){.peer = "tlsproxy", .value_max = 4096, .count_max = 64},
                        table) < 0 ||
        attr_table_long(table, TLS_PROXY_ATTR_HANDSHAKE, &done) < 0) {
        msg_warn("%s: malformed or missing handshake result from the tlsproxy service", namaddr);
        attr_table_free(table);
        return NULL;
    }
    if (out_pq_suspect)
        *out_pq_suspect = attr_table_long(table, TLS_PROXY_ATTR_PQ, &hint) == 0 && hint != 0;
    if (out_tls12_retry_ok)
        *out_tls12_retry_ok = attr_table_long(table, TLS_PROXY_ATTR_TLS12, &hint) == 0 && hint != 0;
    if (done) {
        state = tls_sess_alloc(false, namaddr, log_mask);
        if (tls_proxy_scan_fields(table, state, tls_proxy_fact_fields,
                                  TLS_PROXY_COUNT(tls_proxy_fact_fields)) < 0) {
            msg_warn("%s: malformed TLS session facts from the tlsproxy service", namaddr);
            tls_sess_free(state);
            state = NULL;
        } else {
            tls_proxy_facts_names(state);
        }
    }
    attr_table_free(table);
    return state;
}
