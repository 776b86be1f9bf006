/*
 * tlsproxy_proto.h - the protocol between tlsproxy(8) and its users
 *
 * One session per connection to private/tlsproxy (tlsproxy_service_name):
 *
 *	1. The user sends a request: the protocol version, the remote
 *	   endpoint for log lines ("[addr]:port"), the role, the time limit
 *	   of the handshake and the server id (the session cache name).
 *	2. tlsproxy answers with one status: TLSPROXY_STAT_OK when it can
 *	   take the role, TLSPROXY_STAT_FAIL when not (TLS disabled or
 *	   unusable: the reason is in tlsproxy's log); it then closes.
 *	3. The user sends the remote peer's socket (fd_pass(3)). The status
 *	   read in between keeps the descriptor apart from the request bytes.
 *	4. tlsproxy does the TLS handshake with the peer, then relays
 *	   plaintext on this connection to and from the peer's TLS session,
 *	   until either side ends: the end of this connection ends the TLS
 *	   session with close_notify, the end of the TLS session (or a failed
 *	   handshake) closes this connection.
 *
 * The client role (TLSPROXY_FLAG_ROLE_CLIENT, the smtp client's TLS
 * connection reuse) differs in two places: the request also carries the
 * client's engine and connection settings and an idle limit
 * (tls_proxy(3): "init.*" and "start.*" attributes, and
 * TLSPROXY_ATTR_IDLE), and after the handshake, before any plaintext,
 * tlsproxy sends one message with its outcome and the facts about the
 * session and the server (tls_proxy_facts_print()); after a failed
 * handshake it then closes.
 *
 * Bump TLSPROXY_PROTO_VERSION when this changes.
 */
#ifndef TLSPROXY_PROTO_H
#define TLSPROXY_PROTO_H

#define TLSPROXY_PROTO_VERSION 2 /* sent as TLSPROXY_ATTR_VERSION */

#define TLSPROXY_ATTR_VERSION  "version"         /* int: TLSPROXY_PROTO_VERSION */
#define TLSPROXY_ATTR_ENDPOINT "remote_endpoint" /* str: "[addr]:port" of the peer */
#define TLSPROXY_ATTR_FLAGS    "flags"           /* int: TLSPROXY_FLAG_* */
#define TLSPROXY_ATTR_TIMEOUT  "timeout"         /* int: handshake time limit, seconds */
#define TLSPROXY_ATTR_SERVERID "server_id"       /* str: session cache id, "smtpd" */
#define TLSPROXY_ATTR_STATUS   "status"          /* int: TLSPROXY_STAT_* */
#define TLSPROXY_ATTR_IDLE     "idle_timeout"    /* int: client role: idle limit, seconds */

#define TLSPROXY_FLAG_ROLE_SERVER (1 << 0) /* be the TLS server to the peer */
#define TLSPROXY_FLAG_ROLE_CLIENT (1 << 1) /* be the TLS client to the peer */

#define TLSPROXY_STAT_FAIL 0 /* no TLS here: the session ends */
#define TLSPROXY_STAT_OK   1 /* send the peer's socket */

#endif
