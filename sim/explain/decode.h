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

#include <stddef.h>
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

/*
 * A row says its field twice: in English (field, value), as the tests
 * and a Wireshark user read it, and as keys for the window to put in the
 * student's language: key names the field ("ip.ttl", "tcp.seq": Wireshark's
 * display filter names where it has one), vkey the words of the value
 * ("v.bytes": "{1} bytes") and arg the value's language-free parts (the
 * numbers, addresses and protocol words), which fill vkey's {1} {2} {3}.
 * An argument may name a word itself, as "{w.dns.response}" (a DNS
 * header's flags are a list of them).  The English of every key is
 * decode_field_en() and decode_value_en(); the other languages are in
 * assets/lang/CODE.json ("fields" and "values"), read by narrate.h.
 */
#define DECODE_NARGS	3

struct decode_row {
	int		 layer;		/* enum decode_layer */
	const char	*layer_name;	/* "Ethernet", "IPv4", "TCP", "UDP", "DNS", "SMTP", ..., "IMF" (static) */
	char		 field[32];
	char		 value[128];	/* printable ASCII; cut with "..." where longer */
	uint32_t	 offset, length;	/* the field's bytes in the frame; always within it */
	const char	*key;		/* one of decode_field_keys(), or "imf.field": a header field's own name (static) */
	const char	*vkey;		/* one of decode_value_keys(); NULL: value has no words */
	char		 arg[DECODE_NARGS][96];	/* vkey's {1}..{3} */
};

/*
 * Enough rows for any frame a scenario makes: a full segment of empty
 * text lines, one row per CRLF at the largest MSS (1460: 730 rows),
 * after the rows of Ethernet, IPv4 and TCP.
 */
#define DECODE_MAX_ROWS	1024

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

/*
 * The keys of the fields (without "imf.field", whose name is the header
 * field's own) and of the words of values, in a fixed order; *n gets the
 * count.  decode_*_en() is a key's English, NULL for a key not listed.
 */
const char *const *decode_field_keys(size_t *n);
const char *const *decode_value_keys(size_t *n);
const char *decode_field_en(const char *key);
const char *decode_value_en(const char *key);
/*
 * Write into out (NUL-terminated, cap bytes) template t with {1}..{3}
 * from row's arg, each "{w.KEY}" inside an argument given by word(KEY)
 * (NULL: the English); returns out.  The English value of a row is
 * decode_fill(decode_value_en(row->vkey), row, NULL, ...).
 */
char	*decode_fill(const char *t, const struct decode_row *row,
	    const char *(*word)(const char *key, void *arg), void *warg,
	    char *out, size_t cap);

#endif
