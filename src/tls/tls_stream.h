/*
 * tls_stream.h - a TLS session under a VSTREAM
 *
 * After the handshake, tls_stream_start() points the stream's low-level
 * read and write functions at the session, so the SMTP code reads and
 * writes plaintext as before. The caller must discard buffered plaintext
 * (vstream_purge(stream, VSTREAM_PURGE_BOTH)) before the handshake, so
 * that nothing a peer pipelined after STARTTLS crosses into the TLS
 * session. tls_stream_stop() restores plain descriptor I/O.
 */
#ifndef TLS_STREAM_H
#define TLS_STREAM_H

#include <stdbool.h>

#include "vstream.h"
#include "tls.h"

extern void tls_stream_start(VSTREAM *stream, TLS_SESS_STATE *state);
extern void tls_stream_stop(VSTREAM *stream);
extern bool tls_stream_input_pending(VSTREAM *stream);

#endif
