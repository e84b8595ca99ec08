/*
 * decode.h: a frame of the trace as the inspector shows it: one row per
 * field, layer by layer, each with the bytes it occupies in the frame so
 * that the hex dump can light them up (shared/STYLE.md: the window sees
 * packet details only through these rows, never a protocol's structs).
 *
 * Layers: 0 Ethernet, 1 IPv4, 2 TCP or UDP, 3 the application (DNS,
 * SMTP, LMTP, POP3, IMAP, by well-known port), 4 IMF (the header fields
 * of a message, where the payload carries them).
 */
#ifndef SUREL_DECODE_H
#define SUREL_DECODE_H

#include <stdint.h>

#include "trace.h"

struct scenario;

enum decode_layer {
	DECODE_ETH,
	DECODE_IPV4,
	DECODE_TRANSPORT,
	DECODE_APP,
	DECODE_IMF,
};

struct decode_row {
	int		 layer;		/* enum decode_layer */
	const char	*layer_name;	/* "Ethernet", "IPv4", "TCP", "UDP", "DNS", "SMTP", ..., "IMF" (static) */
	char		 field[32];
	char		 value[128];	/* printable ASCII; cut with "..." where longer */
	uint32_t	 offset, length;	/* the field's bytes in the frame; always within it */
};

/* Enough rows for any frame a scenario makes (a full segment of short text lines included). */
#define DECODE_MAX_ROWS	512

/*
 * Decode the frame of r (a TR_FRAME_TX, _RX, _QUEUED or _DROP record,
 * or any record that names a frame) as it was where r happened: on that
 * link, with that link's MAC addresses and r's TTL (trace_frame_on_link).
 * Writes at most max rows and returns how many; 0 when r names no frame.
 * Never reads outside the frame, whatever its bytes.
 */
int	 sim_decode(const struct trace *tr, const struct trace_rec *r,
	    struct decode_row *rows, int max);
/* The same, reading ports by the scenario's configured services (ports.h). */
int	 sim_decode_in(const struct scenario *sc, const struct trace *tr,
	    const struct trace_rec *r, struct decode_row *rows, int max);

#endif
