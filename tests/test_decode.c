/*
 * test_decode.c: sim/decode.c, the inspector's rows, on frames of a real
 * run of the default scenario (a SYN with its MSS option, a DNS answer,
 * SMTP commands and replies, a message's header) and on frames made by
 * hand (POP3 and IMAP carrying a message, broken headers): exact values
 * and the exact bytes each row covers.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "eth.h"
#include "helpers.h"
#include "util.h"

static struct decode_row rows[DECODE_MAX_ROWS];

/* sim_decode() on record i. */
static int
decode_at(const struct trace *tr, size_t i, struct decode_row *out, int max)
{
	struct trace_rec r = trace_at(tr, i);

	return sim_decode(tr, &r, out, max);
}

struct drun {
	struct scenario	*sc;
	struct sim	*s;
	const struct trace *tr;
};

static struct drun
drun_default(void)
{
	FILE *f = fopen("scenarios/default.json", "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;
	struct sc_errors errs = { 0 };
	struct drun r;

	ck_assert_ptr_nonnull(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	r.sc = scenario_load((char *)b.data, b.len, "default.json", &errs);
	ck_assert_int_eq(errs.n, 0);
	buf_free(&b);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	r.tr = sim_trace(r.s);
	return r;
}

static void
drun_free(struct drun *r)
{
	sim_free(r->s);
	scenario_free(r->sc);
}

/* The nth row (0-based) of this layer and field; fails the test when absent. */
static const struct decode_row *
row_nth(int n, int layer, const char *field, int nth)
{
	for (int i = 0; i < n; i++)
		if (rows[i].layer == layer && strcmp(rows[i].field, field) == 0 &&
		    nth-- == 0)
			return &rows[i];
	ck_abort_msg("no row %d/%s", layer, field);
	return NULL;
}

static const struct decode_row *
row(int n, int layer, const char *field)
{
	return row_nth(n, layer, field, 0);
}

static int
count_rows(int n, int layer, const char *field)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += rows[i].layer == layer && (field == NULL ||
		    strcmp(rows[i].field, field) == 0);
	return k;
}

static void
assert_row(int n, int layer, const char *field, uint32_t off, uint32_t len,
    const char *value)
{
	const struct decode_row *r = row(n, layer, field);

	ck_assert_str_eq(r->value, value);
	ck_assert_uint_eq(r->offset, off);
	ck_assert_uint_eq(r->length, len);
}

/* The first record of kind k that the creating node sent (a = 1) and that matches. */
static size_t
find_tx(const struct trace *tr, int (*match)(const uint8_t *, uint32_t))
{
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_TX && r.a &&
		    match(trace_frame_bytes(tr, r.frame),
		    trace_frame(tr, r.frame)->len))
			return i;
	}
	ck_abort_msg("no such frame");
	return 0;
}

static int
is_syn(const uint8_t *p, uint32_t len)
{
	return len >= 54 && p[23] == 6 && p[47] == 0x02;
}

static int
is_dns_answer(const uint8_t *p, uint32_t len)
{
	return len >= 54 && p[23] == 17 && get16(p + 34) == 53;
}

static int
is_ehlo(const uint8_t *p, uint32_t len)
{
	return len > 58 && p[23] == 6 && memcmp(p + 54, "EHLO", 4) == 0;
}

static int
is_ehlo_reply(const uint8_t *p, uint32_t len)
{
	return len > 58 && p[23] == 6 && memcmp(p + 54, "250-", 4) == 0;
}

static int
is_message_start(const uint8_t *p, uint32_t len)
{
	return len > 60 && p[23] == 6 && memcmp(p + 54, "Date: ", 6) == 0;
}

static int
is_relayed_start(const uint8_t *p, uint32_t len)
{
	return len > 60 && p[23] == 6 && memcmp(p + 54, "Received: ", 10) == 0;
}

static int
is_mx_answer(const uint8_t *p, uint32_t len)
{
	/* From port 53, one answer of type MX (after the question). */
	return is_dns_answer(p, len) && get16(p + 48) == 1 &&
	    get16(p + 52) == 1;
}

/* A bare ACK from the client (port 587), after the handshake. */
static int
is_client_ack(const uint8_t *p, uint32_t len)
{
	return len >= 54 && p[23] == 6 && get16(p + 36) == 587 &&
	    p[47] == 0x10 && get16(p + 16) == 40;
}

/* After both SYNs offered Window Scale, the window reads as what it means. */
START_TEST(test_decode_scaled_window)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_client_ack);
	const struct trace_rec rec = trace_at(r.tr, i);
	int n = sim_decode(r.tr, &rec, rows, DECODE_MAX_ROWS);

	assert_row(n, DECODE_TRANSPORT, "Window", 48, 2,
	    "32768 x4 = 131072");
	drun_free(&r);
}
END_TEST

/*
 * The initial sequence number of frame f's side, read the slow way: back
 * through every earlier frame to the latest SYN of the same direction.
 * The decoder finds it in an index (decode.c, syn_index); both must agree.
 */
static int
slow_isn(const struct trace *tr, uint32_t frame, uint32_t *isn)
{
	const uint8_t *p = trace_frame_bytes(tr, frame);
	uint32_t src = get32(p + 26), dst = get32(p + 30);
	uint16_t sport = get16(p + 34), dport = get16(p + 36);

	for (uint32_t f = frame + 1; f-- > 0; ) {
		const uint8_t *q = trace_frame_bytes(tr, f);
		if (trace_frame(tr, f)->len < 54 || q[23] != 6 ||
		    get32(q + 26) != src || get32(q + 30) != dst ||
		    get16(q + 34) != sport || get16(q + 36) != dport ||
		    !(q[47] & 0x02))
			continue;
		*isn = get32(q + 38);
		return 1;
	}
	return 0;
}

/* Every TCP frame of the default story: its relative sequence number as the slow way says. */
START_TEST(test_decode_relative_seq_everywhere)
{
	struct drun r = drun_default();
	size_t checked = 0;

	for (size_t i = 0; i < trace_count(r.tr); i++) {
		const struct trace_rec rec = trace_at(r.tr, i);
		if (rec.kind != TR_FRAME_TX || rec.a != 1)
			continue;
		const uint8_t *p = trace_frame_bytes(r.tr, rec.frame);
		uint32_t isn;
		if (trace_frame(r.tr, rec.frame)->len < 54 || p[23] != 6 ||
		    !slow_isn(r.tr, rec.frame, &isn))
			continue;
		int n = sim_decode(r.tr, &rec, rows, DECODE_MAX_ROWS);
		const struct decode_row *row = row_nth(n, DECODE_TRANSPORT,
		    "Sequence number", 0);
		char want[64];
		snprintf(want, sizeof want, "%u", get32(p + 38) - isn);
		ck_assert_str_eq(row->arg[1], want);
		checked++;
	}
	ck_assert_uint_gt(checked, 500);
	drun_free(&r);
}
END_TEST

START_TEST(test_decode_syn)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_syn);
	const struct trace_rec rec = trace_at(r.tr, i);
	int n = sim_decode(r.tr, &rec, rows, DECODE_MAX_ROWS);

	/* 27 rows of headers: 62 bytes with MSS, NOP and Window Scale, no padding. */
	ck_assert_int_eq(n, 27);
	ck_assert_int_eq(count_rows(n, DECODE_ETH, "Padding"), 0);
	/* Ethernet on link 0 (laptop -> ISP), direction 0. */
	ck_assert_int_eq(rec.link, 0);
	assert_row(n, DECODE_ETH, "Destination", 0, 6, "02:53:00:00:00:02");
	assert_row(n, DECODE_ETH, "Source", 6, 6, "02:53:00:00:00:01");
	assert_row(n, DECODE_ETH, "Type", 12, 2, "0x0800 (IPv4)");
	ck_assert_str_eq(rows[0].layer_name, "Ethernet");
	/* IPv4. */
	assert_row(n, DECODE_IPV4, "Version", 14, 1, "4");
	assert_row(n, DECODE_IPV4, "Header length", 14, 1, "20 bytes (5)");
	assert_row(n, DECODE_IPV4, "Total length", 16, 2, "48 bytes");
	assert_row(n, DECODE_IPV4, "Identification", 18, 2, "0x0001 (1)");
	assert_row(n, DECODE_IPV4, "Flags", 20, 1, "0x2 (Don't fragment)");
	assert_row(n, DECODE_IPV4, "Time to live", 22, 1, "64");
	assert_row(n, DECODE_IPV4, "Protocol", 23, 1, "6 (TCP)");
	assert_row(n, DECODE_IPV4, "Header checksum", 24, 2,
	    "0x26a3 (correct)");
	assert_row(n, DECODE_IPV4, "Source address", 26, 4, "10.1.0.10");
	assert_row(n, DECODE_IPV4, "Destination address", 30, 4, "10.1.0.25");
	ck_assert_str_eq(row(n, DECODE_IPV4, "Version")->layer_name, "IPv4");
	/* TCP, with the MSS option (RFC 9293 3.2, kind 2). */
	assert_row(n, DECODE_TRANSPORT, "Source port", 34, 2, "49152");
	assert_row(n, DECODE_TRANSPORT, "Destination port", 36, 2,
	    "587 (submission)");
	assert_row(n, DECODE_TRANSPORT, "Sequence number", 38, 4,
	    "4141113532 (relative 0)");
	assert_row(n, DECODE_TRANSPORT, "Acknowledgment number", 42, 4,
	    "0 (not used: no ACK flag)");
	assert_row(n, DECODE_TRANSPORT, "Header length", 46, 1,
	    "28 bytes (7)");
	assert_row(n, DECODE_TRANSPORT, "Flags", 46, 2, "0x002 (SYN)");
	assert_row(n, DECODE_TRANSPORT, "Window", 48, 2, "65535");
	assert_row(n, DECODE_TRANSPORT, "Checksum", 50, 2, "0x59b8 (correct)");
	assert_row(n, DECODE_TRANSPORT, "Urgent pointer", 52, 2, "0");
	assert_row(n, DECODE_TRANSPORT, "Maximum segment size", 54, 4,
	    "536 bytes");
	/* RFC 7323 2: NOP, then Window Scale, shift 2 (a 128 KiB buffer). */
	assert_row(n, DECODE_TRANSPORT, "No-operation", 58, 1, "padding");
	assert_row(n, DECODE_TRANSPORT, "Window scale", 59, 3,
	    "shift 2 (multiply by 4)");
	ck_assert_str_eq(row(n, DECODE_TRANSPORT, "Flags")->layer_name, "TCP");
	ck_assert_int_eq(count_rows(n, DECODE_APP, NULL), 0);

	/*
	 * The same frame as the ISP forwards it onto link 1, direction 1:
	 * that link's MAC addresses, TTL 63, the checksum redone.
	 */
	size_t j;
	for (j = i + 1; j < trace_count(r.tr); j++)
		if (trace_at(r.tr, j).kind == TR_FRAME_TX &&
		    trace_at(r.tr, j).frame == rec.frame)
			break;
	ck_assert_uint_lt(j, trace_count(r.tr));
	n = decode_at(r.tr, j, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(trace_at(r.tr, j).link, 1);
	ck_assert_int_eq(trace_at(r.tr, j).dir, 1);
	assert_row(n, DECODE_ETH, "Destination", 0, 6, "02:53:00:00:01:01");
	assert_row(n, DECODE_ETH, "Source", 6, 6, "02:53:00:00:01:02");
	assert_row(n, DECODE_IPV4, "Time to live", 22, 1, "63");
	assert_row(n, DECODE_IPV4, "Header checksum", 24, 2,
	    "0x27a3 (correct)");
	assert_row(n, DECODE_TRANSPORT, "Checksum", 50, 2, "0x59b8 (correct)");

	/* The SYN-ACK: its own ISN, and our ISN + 1 acknowledged. */
	for (j = i + 1; j < trace_count(r.tr); j++) {
		const struct trace_rec x = trace_at(r.tr, j);
		if (x.kind == TR_FRAME_TX && x.a &&
		    trace_frame_bytes(r.tr, x.frame)[47] == 0x12)
			break;
	}
	n = decode_at(r.tr, j, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_TRANSPORT, "Flags", 46, 2, "0x012 (SYN, ACK)");
	assert_row(n, DECODE_TRANSPORT, "Acknowledgment number", 42, 4,
	    "4141113533 (relative 1)");
	ck_assert_ptr_nonnull(strstr(row(n, DECODE_TRANSPORT,
	    "Sequence number")->value, "(relative 0)"));
	drun_free(&r);
}
END_TEST

/* A language whose words are the English ones in capitals. */
static const char *
upper_word(const char *key, void *arg)
{
	static char buf[8][64];
	static int k;
	const char *en = decode_value_en(key);
	char *o = buf[k++ % 8];
	size_t i = 0;

	(void)arg;
	for (; en && en[i] && i + 1 < sizeof buf[0]; i++)
		o[i] = (char)toupper((unsigned char)en[i]);
	o[i] = '\0';
	return o;
}

START_TEST(test_decode_dns_answer)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_dns_answer);
	int n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);

	ck_assert_int_eq(n, 28);
	assert_row(n, DECODE_IPV4, "Protocol", 23, 1, "17 (UDP)");
	assert_row(n, DECODE_TRANSPORT, "Source port", 34, 2, "53 (DNS)");
	assert_row(n, DECODE_TRANSPORT, "Destination port", 36, 2, "56344");
	assert_row(n, DECODE_TRANSPORT, "Length", 38, 2, "63 bytes");
	assert_row(n, DECODE_TRANSPORT, "Checksum", 40, 2, "0x445f (correct)");
	assert_row(n, DECODE_TRANSPORT, "Payload", 42, 55, "55 bytes");
	ck_assert_str_eq(row(n, DECODE_TRANSPORT, "Length")->layer_name,
	    "UDP");
	assert_row(n, DECODE_APP, "Transaction ID", 42, 2, "0x397b");
	assert_row(n, DECODE_APP, "Flags", 44, 2,
	    "0x8500 (response, authoritative, recursion desired, NOERROR)");
	assert_row(n, DECODE_APP, "Questions", 46, 2, "1");
	assert_row(n, DECODE_APP, "Answer RRs", 48, 2, "1");
	assert_row(n, DECODE_APP, "Authority RRs", 50, 2, "0");
	assert_row(n, DECODE_APP, "Additional RRs", 52, 2, "0");
	/* 4 m a i l 12 p e n g i r i m m a i l 3 c o m 0, type, class: 27 bytes. */
	assert_row(n, DECODE_APP, "Question", 54, 27,
	    "mail.pengirimmail.com A IN");
	/* A pointer to the question's name (2), type, class, TTL, length (10), the address (4). */
	assert_row(n, DECODE_APP, "Answer", 81, 16,
	    "mail.pengirimmail.com A 10.1.0.25 (TTL 3600)");
	ck_assert_str_eq(row(n, DECODE_APP, "Answer")->layer_name, "DNS");

	/*
	 * The same rows as keys, for the window's language (issue 11.7): the
	 * field by its Wireshark name, the value's words by a template whose
	 * arguments hold no words, only numbers and the words' own keys.
	 */
	const struct decode_row *fl = row(n, DECODE_APP, "Flags");
	ck_assert_str_eq(fl->key, "dns.flags");
	ck_assert_str_eq(fl->vkey, "v.dns.flags");
	ck_assert_str_eq(fl->arg[0], "0x8500");
	ck_assert_str_eq(fl->arg[1], "{w.dns.response}, {w.dns.aa}, "
	    "{w.dns.rd}, NOERROR");
	char out[128];
	ck_assert_str_eq(decode_fill("{1} [{2}]", fl, upper_word, NULL, out,
	    sizeof out), "0x8500 [RESPONSE, AUTHORITATIVE, RECURSION DESIRED, "
	    "NOERROR]");
	ck_assert_str_eq(row(n, DECODE_TRANSPORT, "Checksum")->vkey,
	    "v.checksum.good");
	ck_assert_str_eq(row(n, DECODE_IPV4, "Time to live")->key, "ip.ttl");
	ck_assert_ptr_null(row(n, DECODE_IPV4, "Time to live")->vkey);
	ck_assert_str_eq(row(n, DECODE_APP, "Question")->key, "dns.qry");
	/* A field's key says its name, a value's key its words. */
	ck_assert_str_eq(decode_field_en("tcp.seq"), "Sequence number");
	ck_assert_str_eq(decode_value_en("v.checksum.good"), "{1} (correct)");
	ck_assert_ptr_null(decode_field_en("no.such"));

	/* The MX answer, with the exchange's address in the additional section. */
	i = find_tx(r.tr, is_mx_answer);
	n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_APP, "Question", 54, 22, "penerimamail.com MX IN");
	assert_row(n, DECODE_APP, "Answer", 76, 19,
	    "penerimamail.com MX 10 mx.penerimamail.com (TTL 3600)");
	assert_row(n, DECODE_APP, "Additional", 95, 16,
	    "mx.penerimamail.com A 10.2.0.25 (TTL 3600)");
	ck_assert_uint_eq(rows[n - 1].offset + rows[n - 1].length,
	    trace_frame(r.tr, trace_at(r.tr, i).frame)->len);

	/* The query: recursion desired, no answers yet. */
	size_t q = 0;
	while (trace_at(r.tr, q).kind != TR_FRAME_TX)
		q++;
	n = decode_at(r.tr, q, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(n, 27);
	assert_row(n, DECODE_APP, "Flags", 44, 2,
	    "0x0100 (query, recursion desired)");
	assert_row(n, DECODE_TRANSPORT, "Destination port", 36, 2, "53 (DNS)");
	drun_free(&r);
}
END_TEST

START_TEST(test_decode_smtp)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_ehlo);
	int n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);

	ck_assert_int_eq(n, 26);
	/* After the 39 bytes of the 220 greeting and the SYN. */
	assert_row(n, DECODE_TRANSPORT, "Sequence number", 38, 4,
	    "4141113533 (relative 1)");
	assert_row(n, DECODE_TRANSPORT, "Acknowledgment number", 42, 4,
	    "755319961 (relative 40)");
	assert_row(n, DECODE_TRANSPORT, "Flags", 46, 2, "0x018 (PSH, ACK)");
	assert_row(n, DECODE_TRANSPORT, "Payload", 54, 28, "28 bytes");
	/* One command, its CRLF included in its bytes. */
	assert_row(n, DECODE_APP, "Command", 54, 28,
	    "EHLO laptop-pengirim.local");
	ck_assert_str_eq(rows[n - 1].layer_name, "SMTP");

	/* The multi-line reply: one row per line. */
	i = find_tx(r.tr, is_ehlo_reply);
	n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(count_rows(n, DECODE_APP, "Reply"), 6);
	const struct decode_row *a = row_nth(n, DECODE_APP, "Reply", 0);
	ck_assert_str_eq(a->value,
	    "250-mail.pengirimmail.com greets laptop-pengirim.local");
	ck_assert_uint_eq(a->offset, 54);
	ck_assert_uint_eq(a->length, 56);
	a = row_nth(n, DECODE_APP, "Reply", 1);
	ck_assert_str_eq(a->value, "250-PIPELINING");
	ck_assert_uint_eq(a->offset, 110);
	ck_assert_uint_eq(a->length, 16);
	a = row_nth(n, DECODE_APP, "Reply", 5);
	ck_assert_str_eq(a->value, "250 ENHANCEDSTATUSCODES");
	ck_assert_uint_eq(a->offset + a->length,
	    trace_frame(r.tr, trace_at(r.tr, i).frame)->len);
	drun_free(&r);
}
END_TEST

/* The first segment of the message after DATA: lines of data, and its header fields. */
START_TEST(test_decode_imf)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_message_start);
	int n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);

	ck_assert_int_eq(count_rows(n, DECODE_APP, "Command"), 0);
	assert_row(n, DECODE_APP, "Data", 54, 39,
	    "Date: Mon, 05 Jan 2026 08:00:00 +0700");
	ck_assert_int_eq(count_rows(n, DECODE_IMF, NULL), 8);
	assert_row(n, DECODE_IMF, "Date", 54, 39,
	    "Mon, 05 Jan 2026 08:00:00 +0700");
	assert_row(n, DECODE_IMF, "From", 93, 33, "pengirim@pengirimmail.com");
	assert_row(n, DECODE_IMF, "To", 126, 31, "penerima@penerimamail.com");
	assert_row(n, DECODE_IMF, "Subject", 157, 28, "Laporan bulan ini");
	assert_row(n, DECODE_IMF, "Message-ID", 185, 52,
	    "<1767574800.0.1@laptop-pengirim.local>");
	assert_row(n, DECODE_IMF, "Content-Type", 279, 55,
	    "multipart/mixed; boundary=\"=_surel_0_1\"");
	ck_assert_str_eq(row(n, DECODE_IMF, "Date")->layer_name, "IMF");
	/* The header ends at the empty line: the MIME part's own header is not the message's. */
	ck_assert_int_eq(count_rows(n, DECODE_APP, "Data") > 10, 1);

	/* As the provider relays it: a folded Received: field, unfolded. */
	i = find_tx(r.tr, is_relayed_start);
	n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);
	const struct decode_row *rc = row(n, DECODE_IMF, "Received");
	ck_assert_uint_eq(rc->offset, 54);
	ck_assert_uint_eq(rc->length, 197);
	ck_assert_str_eq(rc->value, "from laptop-pengirim.local "
	    "(laptop-pengirim.local [10.1.0.10]) by mail.pengirimmail.com "
	    "(surel) with ESMTPA id 20001 for <p...");
	assert_row(n, DECODE_IMF, "Date", 251, 39,
	    "Mon, 05 Jan 2026 08:00:00 +0700");
	/* A continuation line shows its tab as a space. */
	ck_assert_str_eq(row_nth(n, DECODE_APP, "Data", 1)->value,
	    " by mail.pengirimmail.com (surel) with ESMTPA id 20001");
	drun_free(&r);
}
END_TEST

/* Every frame record of the run decodes within its frame, every checksum correct. */
START_TEST(test_decode_every_frame)
{
	struct drun r = drun_default();
	int frames = 0;

	for (size_t i = 0; i < trace_count(r.tr); i++) {
		const struct trace_rec rec = trace_at(r.tr, i);

		if (rec.frame == TRACE_NONE) {
			ck_assert_int_eq(sim_decode(r.tr, &rec, rows,
			    DECODE_MAX_ROWS), 0);
			continue;
		}
		uint32_t len = trace_frame(r.tr, rec.frame)->len;
		int n = sim_decode(r.tr, &rec, rows, DECODE_MAX_ROWS);

		ck_assert_int_gt(n, 20);
		ck_assert_int_lt(n, DECODE_MAX_ROWS);
		for (int k = 0; k < n; k++) {
			ck_assert_uint_le(rows[k].offset + rows[k].length, len);
			ck_assert_ptr_nonnull(rows[k].layer_name);
			ck_assert(strstr(rows[k].value, "incorrect") == NULL);
			ck_assert(strstr(rows[k].value, "malformed") == NULL);
		}
		ck_assert_ptr_nonnull(strstr(row(n, DECODE_IPV4,
		    "Header checksum")->value, "(correct)"));
		ck_assert_ptr_nonnull(strstr(row(n, DECODE_TRANSPORT,
		    "Checksum")->value, "(correct)"));
		frames++;
	}
	ck_assert_int_gt(frames, 1000);

	/* max bounds the rows, and they are the first ones. */
	size_t i = find_tx(r.tr, is_ehlo_reply);
	struct decode_row all[DECODE_MAX_ROWS];
	int n = decode_at(r.tr, i, all, DECODE_MAX_ROWS);
	ck_assert_int_eq(decode_at(r.tr, i, rows, 4), 4);
	ck_assert_int_eq(memcmp(rows, all, 4 * sizeof *rows), 0);
	ck_assert_int_gt(n, 4);
	ck_assert_int_eq(decode_at(r.tr, i, rows, 0), 0);
	ck_assert_int_eq(sim_decode(r.tr, NULL, rows, 4), 0);
	drun_free(&r);
}
END_TEST

/* ---- frames made by hand ---- */

/*
 * Ethernet + IPv4 + TCP (20 bytes, ACK|PSH) + payload, checksums right,
 * into a fresh frame of tr; returns its TX record on link 0.
 */
static struct trace_rec
hand_tcp(struct trace *tr, uint16_t sport, uint16_t dport, const char *text)
{
	size_t pl = strlen(text);
	uint32_t len = (uint32_t)(ETH_HLEN + 40 + pl);
	uint32_t f = trace_frame_new(tr, 0, 0, len);
	uint8_t *p = trace_frame_wbytes(tr, f), *ip = p + ETH_HLEN;
	uint8_t *t = ip + 20, ph[12];

	eth_header(p, 0, 0);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(40 + pl));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, 0x0a000001);
	put32(ip + 16, 0x0a000002);
	put16(ip + 10, cksum_fold(cksum_add(0, ip, 20)));
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, 1000);
	put32(t + 8, 2000);
	t[12] = 5 << 4;
	t[13] = 0x18;
	put16(t + 14, 65535);
	memcpy(t + 20, text, pl);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)(20 + pl));
	put16(t + 16, cksum_fold(cksum_add(cksum_add(0, ph, 12), t, 20 + pl)));
	uint32_t i = trace_add(tr, &(struct trace_rec){ .t = 0,
	    .kind = TR_FRAME_TX, .node = 0, .peer = 1, .link = 0, .frame = f,
	    .ttl = 64, .a = 1 });
	return trace_at(tr, i);
}

START_TEST(test_decode_pop3_imap_by_hand)
{
	struct trace *tr = trace_new();
	struct trace_rec r;
	int n;

	/* A POP3 RETR answer: the status, then the message. */
	r = hand_tcp(tr, 110, 49200, "+OK 64 octets\r\nSubject: hi\r\n"
	    "\tthere\r\nFrom: a@b\r\n\r\nbody\r\n.\r\n");
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_TRANSPORT, "Checksum", 50, 2,
	    row(n, DECODE_TRANSPORT, "Checksum")->value);
	ck_assert_ptr_nonnull(strstr(row(n, DECODE_TRANSPORT,
	    "Checksum")->value, "(correct)"));
	assert_row(n, DECODE_TRANSPORT, "Source port", 34, 2, "110 (POP3)");
	assert_row(n, DECODE_APP, "Reply", 54, 15, "+OK 64 octets");
	ck_assert_str_eq(rows[n - 1].layer_name, "IMF");
	ck_assert_int_eq(count_rows(n, DECODE_APP, "Data"), 6);
	assert_row(n, DECODE_IMF, "Subject", 69, 21, "hi there");
	assert_row(n, DECODE_IMF, "From", 90, 11, "a@b");
	ck_assert_int_eq(count_rows(n, DECODE_IMF, NULL), 2);
	ck_assert_str_eq(row(n, DECODE_APP, "Reply")->layer_name, "POP3");

	/* POP3 commands, pipelined. */
	r = hand_tcp(tr, 49200, 110, "USER penerima\r\nPASS rahasia\r\n");
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_APP, "Command", 54, 15, "USER penerima");
	ck_assert_str_eq(row_nth(n, DECODE_APP, "Command", 1)->value,
	    "PASS rahasia");

	/* IMAP: a tagged command; a FETCH answer with a literal holding a header. */
	r = hand_tcp(tr, 49201, 143, "a1 LOGIN penerima rahasia\r\n");
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_APP, "Command", 54, 27,
	    "a1 LOGIN penerima rahasia");
	ck_assert_str_eq(rows[n - 1].layer_name, "IMAP");
	r = hand_tcp(tr, 143, 49201, "* 1 FETCH (BODY[] {30}\r\n"
	    "To: x@y\r\nSubject: s\r\n\r\nb\r\n)\r\na2 OK FETCH done\r\n");
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_APP, "Response", 54, 24,
	    "* 1 FETCH (BODY[] {30}");
	assert_row(n, DECODE_IMF, "To", 78, 9, "x@y");
	assert_row(n, DECODE_IMF, "Subject", 87, 12, "s");
	ck_assert_str_eq(row_nth(n, DECODE_APP, "Response", 1)->value,
	    "a2 OK FETCH done");
	/* A line with no end yet: the rest of the segment. */
	r = hand_tcp(tr, 25, 49202, "250 2.0.0 Ok\r\n354 go");
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_APP, "Reply", 54, 14, "250 2.0.0 Ok");
	ck_assert_str_eq(row_nth(n, DECODE_APP, "Reply", 1)->value, "354 go");
	ck_assert_uint_eq(row_nth(n, DECODE_APP, "Reply", 1)->length, 6);
	trace_free(tr);
}
END_TEST

/* Broken headers: rows that say so, never a read past the frame. */
START_TEST(test_decode_broken)
{
	struct trace *tr = trace_new();
	struct trace_rec r = hand_tcp(tr, 25, 49200, "220 hi\r\n");
	uint8_t *p = trace_frame_wbytes(tr, r.frame);
	int n;

	/* An IPv4 header length of 60 in a frame that has 62 bytes. */
	p[14] = 0x4f;
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	ck_assert_ptr_nonnull(strstr(row(n, DECODE_IPV4, "Header")->value,
	    "bad header length"));
	p[14] = 0x45;
	/* A total length beyond the frame: decoded as far as it goes. */
	put16(p + 16, 1000);
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_IPV4, "Total length", 16, 2,
	    "1000 bytes (only 48 in the frame)");
	/* trace_frame_on_link() redid the checksum for this link. */
	ck_assert_ptr_nonnull(strstr(row(n, DECODE_IPV4,
	    "Header checksum")->value, "(correct)"));
	assert_row(n, DECODE_APP, "Reply", 54, 8, "220 hi");
	/* A TCP header length past the segment. */
	put16(p + 16, 48);
	p[46] = 0xf0;
	n = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_TRANSPORT, "Header length", 46, 1,
	    "60 bytes (15) (invalid)");
	ck_assert_int_eq(count_rows(n, DECODE_APP, NULL), 0);
	/*
	 * Not IPv4 at all, as its creator made it (no link: on a link the
	 * Ethernet header is the link's, IPv4).
	 */
	p[12] = 0x86;
	p[13] = 0xdd;
	uint32_t k = trace_add(tr, &(struct trace_rec){ .kind = TR_FRAME_DROP,
	    .node = 0, .peer = -1, .link = -1, .frame = r.frame });
	n = decode_at(tr, k, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(n, 3);
	assert_row(n, DECODE_ETH, "Type", 12, 2, "0x86dd");

	/* A frame of 10 bytes. */
	uint32_t f = trace_frame_new(tr, 0, 0, 10);
	uint32_t i = trace_add(tr, &(struct trace_rec){ .kind = TR_FRAME_DROP,
	    .node = 0, .peer = -1, .link = -1, .frame = f });
	n = decode_at(tr, i, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(n, 1);
	assert_row(n, DECODE_ETH, "Frame", 0, 10,
	    "10 bytes: too short for an Ethernet header");
	trace_free(tr);
}
END_TEST

static int
is_pure_ack(const uint8_t *p, uint32_t len)
{
	return len >= 54 && p[23] == 6 && get16(p + 16) == 40 &&
	    p[47] == 0x10;
}

/*
 * IEEE 802.3 3.2.8: a bare ACK (54 bytes) is padded to 60 with zeros;
 * the IPv4 total length still says 40, and the six bytes get their own
 * row at the end, in the Ethernet layer, not a TCP payload.
 */
START_TEST(test_decode_padding)
{
	struct drun r = drun_default();
	size_t i = find_tx(r.tr, is_pure_ack);
	int n = decode_at(r.tr, i, rows, DECODE_MAX_ROWS);

	ck_assert_uint_eq(trace_frame(r.tr, trace_at(r.tr, i).frame)->len,
	    60);
	assert_row(n, DECODE_IPV4, "Total length", 16, 2, "40 bytes");
	ck_assert_int_eq(count_rows(n, DECODE_TRANSPORT, "Payload"), 0);
	ck_assert_int_eq(count_rows(n, DECODE_APP, NULL), 0);
	ck_assert_str_eq(rows[n - 1].key, "eth.padding");
	ck_assert_int_eq(rows[n - 1].layer, DECODE_ETH);
	ck_assert_str_eq(rows[n - 1].layer_name, "Ethernet");
	assert_row(n, DECODE_ETH, "Padding", 54, 6,
	    "6 zero bytes (minimum 60)");
	ck_assert_str_eq(rows[n - 1].vkey, "v.eth.padding");
	ck_assert_str_eq(rows[n - 1].arg[0], "6");
	ck_assert_int_eq(count_rows(n, DECODE_ETH, "Trailer"), 0);
	drun_free(&r);

	/* Bytes after the packet that are not padding: a trailer. */
	struct trace *tr = trace_new();
	struct trace_rec h = hand_tcp(tr, 25, 49200, "220 hi\r\n");
	uint8_t *p = trace_frame_wbytes(tr, h.frame);

	n = sim_decode(tr, &h, rows, DECODE_MAX_ROWS);
	ck_assert_int_eq(count_rows(n, DECODE_ETH, "Padding"), 0);
	ck_assert_int_eq(count_rows(n, DECODE_ETH, "Trailer"), 0);
	put16(p + 16, 46);		/* the packet stops before "\r\n" */
	n = sim_decode(tr, &h, rows, DECODE_MAX_ROWS);
	assert_row(n, DECODE_ETH, "Trailer", 60, 2, "2 bytes after the packet");
	ck_assert_str_eq(rows[n - 1].key, "eth.trailer");
	trace_free(tr);
}
END_TEST

/*
 * Submission on port 2587 (ports.c): every frame that carries the SMTP
 * conversation is decoded as SMTP, and its port is named "submission".
 */
START_TEST(test_decode_configured_port)
{
	size_t len;
	char *text = test_slurp("tests/good/submission_2587.json", &len);
	struct sc_errors errs = { 0 };
	struct scenario *sc;
	struct sim *s;
	int frames = 0;

	ck_assert_ptr_nonnull(text);
	sc = scenario_load(text, len, "submission_2587.json", &errs);
	ck_assert_int_eq(errs.n, 0);
	free(text);
	s = sim_new(sc, sc->seed);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_FRAME_TX ||
		    !test_tcp_data_on_port(tr, &r, 2587))
			continue;
		int n = sim_decode_in(sc, tr, &r, rows, DECODE_MAX_ROWS), smtp = 0;
		int named = 0;

		for (int k = 0; k < n; k++) {
			smtp += strcmp(rows[k].layer_name, "SMTP") == 0;
			named += strcmp(rows[k].value, "2587 (submission)") == 0;
		}
		ck_assert_msg(smtp > 0, "record %zu: no SMTP rows", i);
		ck_assert_int_eq(named, 1);
		frames++;
	}
	ck_assert_int_gt(frames, 10);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_decode_syn);
	tcase_add_test(tc, test_decode_scaled_window);
	tcase_add_test(tc, test_decode_relative_seq_everywhere);
	tcase_add_test(tc, test_decode_dns_answer);
	tcase_add_test(tc, test_decode_smtp);
	tcase_add_test(tc, test_decode_imf);
	tcase_add_test(tc, test_decode_every_frame);
	tcase_add_test(tc, test_decode_pop3_imap_by_hand);
	tcase_add_test(tc, test_decode_broken);
	tcase_add_test(tc, test_decode_configured_port);
	tcase_add_test(tc, test_decode_padding);
	suite_add_tcase(s, tc);
	return s;
}
