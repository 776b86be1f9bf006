/*++
 * NAME
 *	tls_stream - a TLS session under a VSTREAM
 * SYNOPSIS
 *	#include <tls_stream.h>
 *
 *	void	tls_stream_start(VSTREAM *stream, TLS_SESS_STATE *state);
 *	void	tls_stream_stop(VSTREAM *stream);
 *	bool	tls_stream_input_pending(VSTREAM *stream);
 * DESCRIPTION
 *	tls_stream_start() makes the stream read and write through the
 *	session (vstream_set_io()); the stream's per-operation deadline
 *	applies to each TLS read and write. Buffered plaintext must have
 *	been purged by the caller before the handshake.
 *
 *	tls_stream_stop() restores plain descriptor I/O. The session itself
 *	is stopped by tls_server_stop() or tls_client_stop().
 *
 *	tls_stream_input_pending() tells whether input is waiting in the
 *	stream buffer or inside the TLS engine, so that a caller never polls
 *	the socket while data is already here (pipelining checks).
 *--*/

#include "vstream.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_stream.h"

/* tls_stream_read - VSTREAM read function */

static ssize_t tls_stream_read(int unused_fd, void *buf, size_t len, int timeout_ms, void *context)
{
    return tls_bio_read(context, buf, len, timeout_ms);
}

/* tls_stream_write - VSTREAM write function */

static ssize_t tls_stream_write(int unused_fd, const void *buf, size_t len, int timeout_ms,
                                void *context)
{
    return tls_bio_write(context, buf, len, timeout_ms);
}

/* tls_stream_start - read and write through the session */

void tls_stream_start(VSTREAM *stream, TLS_SESS_STATE *state)
{
    vstream_set_io(stream, tls_stream_read, tls_stream_write, state);
}

/* tls_stream_stop - back to plain I/O */

void tls_stream_stop(VSTREAM *stream)
{
    vstream_set_io(stream, NULL, NULL, NULL);
}

/* tls_stream_input_pending - input waiting above or inside the engine */

bool tls_stream_input_pending(VSTREAM *stream)
{
    TLS_SESS_STATE *state = vstream_context(stream);

    if (vstream_peek(stream) > 0)
        return true;
    return state && state->engine && tls_bio_input_pending(state);
}
