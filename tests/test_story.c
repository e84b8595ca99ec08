/*
 * test_story.c: every step of ../shared/seed/STORY.md (S1 to S12) is in
 * the built-in default scenario, scenarios/default.json.
 *
 * How it knows: each step is a predicate over the default scenario's
 * trace (the frames with their bytes, the application messages, the
 * state changes) and over the sim's state at the end (mailboxes,
 * devices, deliveries).  The predicates are listed, in words, in
 * scenarios/README.md ("The story in the default scenario"); a predicate
 * that is false fails its own test with the step's name and what was
 * missing.  No SDL: the narration of S6 comes from sim/narrate.h and the
 * language files.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "message.h"
#include "narrate.h"
#include "tcp.h"
#include "world.h"
#include "helpers.h"

#define DEFAULT_FILE	"scenarios/default.json"

/* The default scenario, run once for the whole suite. */
static struct scenario *sc;
static struct sim *sim;
static const struct trace *tr;
static struct narr_lang *lang_en, *lang_id;
static char why[1024];

/* ---- reading the run ------------------------------------------------- */


static struct narr_lang *
load_lang(const char *path)
{
	size_t len;
	char *json = test_slurp(path, &len), *err = NULL;
	struct narr_lang *L = json ? narr_lang_parse(json, len, path, &err) :
	    NULL;

	if (L == NULL)
		fprintf(stderr, "%s: %s\n", path, err ? err : "cannot read");
	free(err);
	free(json);
	return L;
}

/* SUREL_STORY_FILE=other.json holds another scenario up to the same steps. */
static const char *
story_file(void)
{
	const char *f = getenv("SUREL_STORY_FILE");

	return f && *f ? f : DEFAULT_FILE;
}

static void
story_setup(void)
{
	struct sc_errors e = { 0 };
	size_t len;
	char *text = test_slurp(story_file(), &len);

	if (text == NULL)
		return;
	sc = scenario_load(text, len, story_file(), &e);
	free(text);
	sc_errors_free(&e);
	if (sc == NULL)
		return;
	sim = sim_new(sc, sc->seed);
	sim_run(sim);
	tr = sim_trace(sim);
	lang_en = load_lang("assets/lang/en.json");
	lang_id = load_lang("assets/lang/id.json");
}

static void
story_teardown(void)
{
	narr_lang_free(lang_en);
	narr_lang_free(lang_id);
	if (sim)
		sim_free(sim);
	scenario_free(sc);
	sim = NULL;
	sc = NULL;
}

/* A predicate says why it is false, for the failure message. */
static int
no(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return 0;
}

static int
node(const char *id)
{
	int i = scenario_node_index(sc, id);

	ck_assert_msg(i >= 0, "the default scenario has no node '%s'", id);
	return i;
}

static const char *
text_of(size_t i)
{
	const struct trace_rec r = trace_at(tr, i);

	return r.text ? trace_text_at(tr, r.text) : "";
}

/*
 * The first application message at or after record `from`, sent by
 * `from_node` to `to_node` (-1: anyone), whose text starts with `prefix`;
 * SIZE_MAX when none.
 */
static size_t
app_find(size_t from, int from_node, int to_node, const char *prefix)
{
	for (size_t i = from; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_APP || (from_node >= 0 &&
		    r.node != from_node) || (to_node >= 0 && r.peer != to_node))
			continue;
		if (strncmp(text_of(i), prefix, strlen(prefix)) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* The first TR_STATE of kind w at node (-1: any) whose text contains s. */
static size_t
state_find(size_t from, int at, enum state_what w, const char *s)
{
	for (size_t i = from; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_STATE && r.a == (uint32_t)w &&
		    (at < 0 || r.node == at) && (s == NULL ||
		    strstr(text_of(i), s) != NULL))
			return i;
	}
	return SIZE_MAX;
}

/* Whether len bytes p hold the string s. */
static int
holds(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	for (size_t k = 0; n > 0 && k + n <= len; k++)
		if (memcmp(p + k, s, n) == 0)
			return 1;
	return 0;
}

/* IPv4 over Ethernet II, as every frame here is: where the parts are. */
#define SEG_ETH		14
#define SEG_PROTO(p)	((p)[SEG_ETH + 9])
#define SEG_IPHL(p)	(((p)[SEG_ETH] & 15) * 4)
#define SEG_TOTAL(p)	(get16((p) + SEG_ETH + 2))

struct seg {
	uint16_t	 sport, dport;
	uint8_t		 flags;
	const uint8_t	*payload;
	size_t		 plen;
};

/* The TCP segment in frame f; 0 when f holds none. */
static int
tcp_seg(uint32_t f, struct seg *s)
{
	const uint8_t *p = trace_frame_bytes(tr, f);
	size_t len = trace_frame(tr, f)->len;

	if (len < SEG_ETH + 40 || SEG_PROTO(p) != 6)
		return 0;
	const uint8_t *t = p + SEG_ETH + SEG_IPHL(p);
	size_t thl = (size_t)(t[12] >> 4) * 4;
	s->sport = get16(t);
	s->dport = get16(t + 2);
	s->flags = t[13];
	s->payload = t + thl;
	s->plen = (size_t)SEG_TOTAL(p) - SEG_IPHL(p) - thl;
	return 1;
}

/* ---- S1 .. S12 -------------------------------------------------------- */

/*
 * S1: an e-mail is a text file plus attachments.  The bytes the sender's
 * laptop put on the wire to its server's submission port hold an RFC 5322
 * header, a multipart/mixed body and a base64 part for laporan.pdf; and
 * the copy the recipient's laptop downloaded parses back to that
 * attachment, 20000 bytes.
 */
static int
s1(void)
{
	int laptop = node("laptop-pengirim"), dst = node("laptop-penerima");
	int multipart = 0, base64 = 0, header = 0;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg s;

		if (trace_frame(tr, f)->origin != laptop || !tcp_seg(f, &s) ||
		    s.dport != 587)
			continue;
		header |= holds(s.payload, s.plen, "Subject: Laporan bulan ini");
		multipart |= holds(s.payload, s.plen,
		    "Content-Type: multipart/mixed; boundary=");
		base64 |= holds(s.payload, s.plen, "name=\"laporan.pdf\"") &&
		    holds(s.payload, s.plen, "Content-Transfer-Encoding: base64");
	}
	if (!header || !multipart || !base64)
		return no("the laptop's segments to port 587: Subject %d, "
		    "multipart/mixed %d, base64 part of laporan.pdf %d", header,
		    multipart, base64);
	const struct device *d = &sim->mail->devices[dst];
	for (int i = 0; i < d->nmsgs; i++) {
		struct msg_info mi;
		int ok = msg_parse(d->msgs[i].data.data, d->msgs[i].data.len,
		    &mi) == 0 && mi.natt == 1 &&
		    strcmp(mi.att[0].name, "laporan.pdf") == 0 &&
		    mi.att[0].size == 20000;
		msg_info_free(&mi);
		if (ok)
			return 1;
	}
	return no("the recipient's laptop holds no message with laporan.pdf "
	    "(20000 bytes) as its attachment");
}

/*
 * S2: cut into small packets.  No TCP segment of the run carries more
 * than the MSS (536 bytes here); the first message (28 kB) crosses from the
 * laptop in more than 50 full-size segments; and such a segment arrives
 * at the sender's server with a TTL below 64, passed on by a router
 * (TR_FRAME_TX of that frame at a router).
 */
static int
s2(void)
{
	int laptop = node("laptop-pengirim"), srv = node("mail-pengirim");
	int full = 0;
	uint32_t one = TRACE_NONE;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg s;

		if (!tcp_seg(f, &s))
			continue;
		if (s.plen > (size_t)sc->mss)
			return no("frame %u carries %zu bytes of TCP payload, more "
			    "than the MSS %d", f, s.plen, sc->mss);
		if (trace_frame(tr, f)->origin == laptop && s.dport == 587 &&
		    s.plen == (size_t)sc->mss) {
			full++;
			if (one == TRACE_NONE)
				one = f;
		}
	}
	if (full < 50)
		return no("only %d full-size (%d-byte) segments from the laptop",
		    full, sc->mss);
	int routed = 0, arrived = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.frame != one)
			continue;
		if (r.kind == TR_FRAME_TX && sc->nodes[r.node].kind ==
		    SC_ROUTER)
			routed = 1;
		if (r.kind == TR_FRAME_RX && r.node == srv && r.ttl < 64)
			arrived = 1;
	}
	if (!routed || !arrived)
		return no("segment %u: passed on by a router %d, reached "
		    "mail-pengirim with TTL < 64 %d", one, routed, arrived);
	return 1;
}

/*
 * S3: the client connects to its provider's server.  The laptop's TCP
 * goes CLOSED -> SYN-SENT -> ESTABLISHED towards port 587 of
 * mail-pengirim (a SYN, a SYN+ACK and an ACK on the wire), and then the
 * SMTP dialogue starts: the server's 220, the laptop's EHLO.
 */
static int
s3(void)
{
	int laptop = node("laptop-pengirim"), srv = node("mail-pengirim");
	size_t syn = SIZE_MAX, est = SIZE_MAX;
	int synf = 0, synack = 0;

	for (size_t i = 0; i < trace_count(tr) && est == SIZE_MAX; i++) {
		const struct trace_rec r = trace_at(tr, i);
		unsigned to = (r.a >> 8) & 255;

		if (r.kind != TR_TCP_STATE || r.node != laptop ||
		    r.peer != srv || (r.b & 0xffff) != 587)
			continue;
		if (syn == SIZE_MAX && to == TCP_SYN_SENT)
			syn = i;
		else if (syn != SIZE_MAX && to == TCP_ESTABLISHED)
			est = i;
	}
	if (est == SIZE_MAX)
		return no("no TCP connection from the laptop to port 587 of "
		    "mail-pengirim reaches ESTABLISHED");
	for (size_t i = syn; i <= est; i++) {
		const struct trace_rec r = trace_at(tr, i);
		struct seg s;

		if (r.kind != TR_FRAME_TX || !r.a || !tcp_seg(r.frame, &s))
			continue;
		synf |= s.dport == 587 && s.flags == 0x02;
		synack |= s.sport == 587 && s.flags == 0x12;
	}
	size_t g = app_find(est, srv, laptop, "S: 220 ");
	size_t e = g == SIZE_MAX ? g : app_find(g, laptop, srv, "C: EHLO ");
	if (!synf || !synack || e == SIZE_MAX)
		return no("SYN %d, SYN+ACK %d, then 220 and EHLO %d", synf,
		    synack, e != SIZE_MAX);
	return 1;
}

/*
 * S4: sender, recipient, content.  From the laptop to mail-pengirim, in
 * this order: MAIL FROM:<pengirim@...>, RCPT TO:<penerima@...>, DATA, the
 * message (whose last segment ends with CRLF "." CRLF), and the server's
 * 250 for it.
 */
static int
s4(void)
{
	int laptop = node("laptop-pengirim"), srv = node("mail-pengirim");
	static const char *const steps[] = {
		"C: MAIL FROM:<pengirim@pengirimmail.com>",
		"C: RCPT TO:<penerima@penerimamail.com>",
		"C: DATA", "C: (the message", "S: 250 2.0.0",
	};
	size_t at = 0;

	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		int from = steps[k][0] == 'C' ? laptop : srv;
		at = app_find(at, from, from == laptop ? srv : laptop, steps[k]);
		if (at == SIZE_MAX)
			return no("no \"%s\" after the steps before it", steps[k]);
	}
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg s;

		if (trace_frame(tr, f)->origin == laptop && tcp_seg(f, &s) &&
		    s.dport == 587 && s.plen >= 5 &&
		    memcmp(s.payload + s.plen - 5, "\r\n.\r\n", 5) == 0)
			return 1;
	}
	return no("no segment from the laptop ends the message with "
	    "CRLF \".\" CRLF");
}

/* The first message ("Laporan bulan ini") as the recipient's laptop downloaded it. */
static const struct buf *
first_mail(void)
{
	const struct device *d = &sim->mail->devices[node("laptop-penerima")];

	for (int i = 0; i < d->nmsgs; i++)
		if (holds(d->msgs[i].data.data, d->msgs[i].data.len,
		    "Subject: Laporan bulan ini"))
			return &d->msgs[i].data;
	return NULL;
}

/*
 * S5: from server to server, each hop adding a Received: line.  The copy
 * the recipient downloaded carries one Received: field written by each
 * server on the way, newest first: mx.penerimamail.com (to the mailbox
 * server, LMTP), relay.kurirmail.net, mail.pengirimmail.com; and the
 * SMTP sessions mail-pengirim -> relay -> mx-penerima happened.
 */
static int
s5(void)
{
	const struct buf *m = first_mail();
	static const char *const by[] = { "by pop.penerimamail.com",
	    "by mx.penerimamail.com", "by relay.kurirmail.net",
	    "by mail.pengirimmail.com" };

	if (m == NULL)
		return no("the recipient's laptop has not the first mail");
	const char *p = (const char *)m->data, *end = p + m->len;
	const char *hdr_end = strstr(p, "\r\n\r\n");
	int n = 0;
	const char *last = p;
	for (const char *q = p; q && q < hdr_end; q = strstr(q + 1,
	    "Received: "))
		if (strncmp(q, "Received: ", 10) == 0)
			n++;
	for (size_t k = 0; k < sizeof by / sizeof by[0]; k++) {
		const char *q = strstr(last, by[k]);
		if (q == NULL || q > hdr_end || q >= end)
			return no("no Received: line \"%s\" after the newer ones "
			    "(%d Received: lines)", by[k], n);
		last = q;
	}
	if (n != 4)
		return no("%d Received: lines, want 4 (one per server)", n);
	if (app_find(0, node("mail-pengirim"), node("relay"), "C: DATA") ==
	    SIZE_MAX || app_find(0, node("relay"), node("mx-penerima"),
	    "C: DATA") == SIZE_MAX)
		return no("the hops mail-pengirim -> relay -> mx-penerima are "
		    "not all there");
	return 1;
}

/*
 * S6: the server takes the domain from the recipient's address.  On the
 * hop from mail-pengirim to the relay, the step of RCPT TO:<penerima@...>
 * has the key smtp.rcpt_to and its sentence names penerimamail.com in
 * English and in Indonesian; and the relay's own question for the MX
 * (key dns.query.mx) names it too.
 */
static int
s6(void)
{
	size_t r = app_find(0, node("mail-pengirim"), node("relay"),
	    "C: RCPT TO:<penerima@penerimamail.com>");
	size_t q = app_find(0, node("relay"), node("dns"),
	    "query MX penerimamail.com");
	const struct narr_lang *L[2] = { lang_en, lang_id };
	static const char *const key[2] = { "smtp.rcpt_to", "dns.query.mx" };
	size_t at[2] = { r, q };

	if (lang_en == NULL || lang_id == NULL)
		return no("assets/lang/en.json or id.json cannot be read");
	for (int k = 0; k < 2; k++) {
		if (at[k] == SIZE_MAX)
			return no("no step for %s on the relay hop", key[k]);
		if (strcmp(narrate_key(sim, at[k]), key[k]) != 0)
			return no("step %zu has the key %s, not %s", at[k] + 1,
			    narrate_key(sim, at[k]), key[k]);
		for (int l = 0; l < 2; l++) {
			struct buf b = { 0 };
			narrate(sim, L[l], NULL, at[k], &b);
			int ok = b.data && strstr((char *)b.data,
			    "penerimamail.com") != NULL;
			if (!ok)
				no("the %s sentence of step %zu does not name "
				    "penerimamail.com: %s", l ? "id" : "en",
				    at[k] + 1, b.data ? (char *)b.data : "");
			buf_free(&b);
			if (!ok)
				return 0;
		}
	}
	return 1;
}

/*
 * S7: the same domain needs no trip.  The second mail's copy for
 * teman@pengirimmail.com lands in a mailbox on mail-pengirim itself, the
 * very server the laptop submitted it to; between the laptop's RCPT
 * TO:<teman@...> and that mailbox_add, mail-pengirim asks DNS nothing;
 * it never asks DNS about pengirimmail.com, and never passes a RCPT
 * TO:<teman@...> on to another node.
 */
static int
s7(void)
{
	int srv = node("mail-pengirim");
	size_t rc = app_find(0, node("laptop-pengirim"), srv,
	    "C: RCPT TO:<teman@pengirimmail.com>");
	size_t add = rc == SIZE_MAX ? rc : state_find(rc, -1, ST_MAILBOX_ADD,
	    "teman@pengirimmail.com");

	if (add == SIZE_MAX)
		return no("no copy for teman@pengirimmail.com was submitted and "
		    "stored");
	if (trace_at(tr, add).node != srv)
		return no("teman's copy was stored on %s, not on mail-pengirim",
		    sc->nodes[trace_at(tr, add).node].id);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_APP || r.node != srv)
			continue;
		if (r.a == APP_DNS && ((i > rc && i < add) ||
		    strstr(text_of(i), "pengirimmail.com") != NULL))
			return no("mail-pengirim asks DNS at step %zu: %s", i + 1,
			    text_of(i));
		if (strstr(text_of(i), "RCPT TO:<teman@") != NULL)
			return no("mail-pengirim passes teman's copy on at step "
			    "%zu", i + 1);
	}
	return 1;
}

/* The question type of a DNS message in a UDP frame f, or -1. */
static int
dns_qtype(uint32_t f, int *is_query)
{
	const uint8_t *p = trace_frame_bytes(tr, f);
	size_t len = trace_frame(tr, f)->len;

	if (len < SEG_ETH + 20 + 8 + 12 || SEG_PROTO(p) != 17)
		return -1;
	const uint8_t *u = p + SEG_ETH + SEG_IPHL(p);
	if (get16(u) != 53 && get16(u + 2) != 53)
		return -1;
	const uint8_t *d = u + 8, *end = p + len;
	*is_query = (d[2] & 0x80) == 0;
	const uint8_t *q = d + 12;
	while (q < end && *q != 0)
		q += *q + 1;
	if (q + 3 >= end)
		return -1;
	return get16(q + 1);
}

/*
 * S8: DNS finds the recipient's server.  The relay asks DNS, in UDP
 * frames to port 53: first a question of type MX for penerimamail.com,
 * answered "mx.penerimamail.com", then a question of type A for
 * mx.penerimamail.com, answered 10.2.0.25.
 */
static int
s8(void)
{
	int relay = node("relay"), dns = node("dns");
	size_t mx = app_find(0, relay, dns, "query MX penerimamail.com");
	size_t mxa = mx == SIZE_MAX ? mx : app_find(mx, dns, relay,
	    "answer penerimamail.com MX 10 mx.penerimamail.com");
	size_t a = mxa == SIZE_MAX ? mxa : app_find(mxa, relay, dns,
	    "query A mx.penerimamail.com");
	size_t aa = a == SIZE_MAX ? a : app_find(a, dns, relay,
	    "answer mx.penerimamail.com A 10.2.0.25");

	if (aa == SIZE_MAX)
		return no("the relay's MX question, its answer, the A question "
		    "and its answer are not all there, in order");
	/* The same on the wire: UDP to port 53, MX (15) before A (1). */
	int seen_mx = 0, seen_a_after = 0;
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		int query;
		int t = trace_frame(tr, f)->origin == relay ? dns_qtype(f,
		    &query) : -1;

		if (t == 15 && query)
			seen_mx = 1;
		if (t == 1 && query && seen_mx)
			seen_a_after = 1;
	}
	if (!seen_a_after)
		return no("no UDP frame from the relay to port 53 with an MX "
		    "question followed by one with an A question");
	return 1;
}

/*
 * S9: server to server, the recipient checked.  The relay gives RCPT
 * TO:<penerima@penerimamail.com> to mx-penerima, which answers 250
 * (the mailbox exists), and the delivery ends "delivered".  (The 550
 * for an unknown user is lesson 06, not the default.)
 */
static int
s9(void)
{
	int relay = node("relay"), mx = node("mx-penerima");
	size_t r = app_find(0, relay, mx, "C: RCPT TO:<penerima@penerimamail.com>");
	size_t ok = r == SIZE_MAX ? r : app_find(r, mx, relay, "S: 250 2.1.5");
	const struct mail_world *w = sim->mail;
	int delivered = 0;

	for (int i = 0; i < w->ndlv; i++)
		delivered += strcmp(w->dlv[i].rcpt,
		    "penerima@penerimamail.com") == 0 &&
		    w->dlv[i].status == DLV_DELIVERED &&
		    w->dlv[i].server == node("mailbox-penerima");
	if (ok == SIZE_MAX || delivered < 2)
		return no("relay -> mx RCPT TO and 250: %d; deliveries to "
		    "penerima: %d (want 2)", ok != SIZE_MAX, delivered);
	return 1;
}

/*
 * S10: the mailbox server keeps the mail until its owner logs in.  A
 * mailbox_add for penerima@penerimamail.com happens on mailbox-penerima
 * (the account's server, which has a user name and a password), after
 * the LMTP "250 ... delivered" and before the laptop logs in with POP3.
 */
static int
s10(void)
{
	int mb = node("mailbox-penerima");
	size_t lmtp = app_find(0, mb, node("mx-penerima"), "S: 250 2.1.5 "
	    "<penerima@penerimamail.com> delivered");
	size_t add = state_find(0, mb, ST_MAILBOX_ADD,
	    "penerima@penerimamail.com");
	size_t login = app_find(0, node("laptop-penerima"), mb, "C: USER ");
	int acct = 0;

	for (int i = 0; i < sc->naccounts; i++)
		acct |= sc->accounts[i].server == mb &&
		    strcmp(sc->accounts[i].user, "penerima") == 0 &&
		    sc->accounts[i].password[0] != '\0';
	if (!acct)
		return no("mailbox-penerima has no account with a user name and "
		    "a password");
	if (add == SIZE_MAX || lmtp == SIZE_MAX || login == SIZE_MAX ||
	    !(add < login) || trace_at(tr, add).b < 1)
		return no("mailbox_add %zu, LMTP delivered %zu, POP3 login "
		    "%zu: not in that order", add, lmtp, login);
	return 1;
}

/* Whether the application messages from `from` to `to` hold these, in order. */
static int
dialogue(int from, int to, size_t start, const char *const *want, int n,
    size_t *end)
{
	size_t at = start;

	for (int k = 0; k < n; k++) {
		at = app_find(at, from, to, want[k]);
		if (at == SIZE_MAX)
			return no("%s -> %s: no \"%s\" in its place",
			    sc->nodes[from].id, sc->nodes[to].id, want[k]);
		at++;
	}
	if (end)
		*end = at;
	return 1;
}

/*
 * S11: POP3 downloads and deletes.  The laptop says USER, PASS, STAT,
 * RETR, DELE, QUIT in that order; then the phone logs in, hears "0
 * messages", and at the end holds no mail fetched by POP3, while the
 * laptop holds the first mail.
 */
static int
s11(void)
{
	int laptop = node("laptop-penerima"), hp = node("hp-penerima");
	int mb = node("mailbox-penerima");
	static const char *const cmds[] = { "C: USER penerima", "C: PASS",
	    "C: STAT", "C: RETR 1", "C: DELE 1", "C: QUIT" };
	size_t end = 0;

	if (!dialogue(laptop, mb, 0, cmds, 6, &end))
		return 0;
	size_t user = app_find(end, hp, mb, "C: USER penerima");
	size_t zero = user == SIZE_MAX ? user : app_find(user, mb, hp,
	    "S: +OK penerima's maildrop has 0 messages");
	if (zero == SIZE_MAX)
		return no("the phone's POP3 login does not find 0 messages");
	const struct device *d = &sim->mail->devices[hp];
	for (int i = 0; i < d->nmsgs; i++)
		if (d->msgs[i].proto == FETCH_POP3)
			return no("the phone downloaded a mail by POP3");
	if (first_mail() == NULL)
		return no("the laptop does not hold the first mail");
	return 1;
}

/*
 * S12: IMAP keeps the mail on the server.  Both the laptop and the phone
 * say LOGIN, SELECT and FETCH to the mailbox server; both keep a copy of
 * the second mail ("Jadwal rapat"); the server still has it, flagged
 * \Seen.
 */
static int
s12(void)
{
	int mb = node("mailbox-penerima");
	int dev[2] = { node("laptop-penerima"), node("hp-penerima") };
	static const char *const cmds[] = { "C: a1 LOGIN penerima",
	    "C: a2 SELECT INBOX", "C: a4 UID FETCH" };
	const struct mailbox *box = NULL;

	for (int k = 0; k < 2; k++) {
		if (!dialogue(dev[k], mb, 0, cmds, 3, NULL))
			return 0;
		const struct device *d = &sim->mail->devices[dev[k]];
		int has = 0;
		for (int i = 0; i < d->nmsgs; i++)
			has |= d->msgs[i].proto == FETCH_IMAP &&
			    holds(d->msgs[i].data.data, d->msgs[i].data.len,
			    "Subject: Jadwal rapat");
		if (!has)
			return no("%s holds no IMAP copy of \"Jadwal rapat\"",
			    sc->nodes[dev[k]].id);
	}
	for (int i = 0; i < sim->mail->nboxes; i++)
		if (strcmp(sim->mail->boxes[i].address,
		    "penerima@penerimamail.com") == 0)
			box = &sim->mail->boxes[i];
	for (int i = 0; box && i < box->nmsgs; i++)
		if (holds(box->msgs[i].data.data, box->msgs[i].data.len,
		    "Subject: Jadwal rapat"))
			return (box->msgs[i].flags & MSGF_SEEN) ? 1 :
			    no("the server's copy is not flagged \\Seen");
	return no("the server no longer holds \"Jadwal rapat\"");
}

static const struct {
	const char	*name;
	int		(*holds)(void);
} story[] = {
	{ "S1 (an e-mail is a text file plus attachments)", s1 },
	{ "S2 (cut into small packets)", s2 },
	{ "S3 (the client connects to its provider's SMTP server)", s3 },
	{ "S4 (sender, recipient, content)", s4 },
	{ "S5 (server to server, one Received: per hop)", s5 },
	{ "S6 (the server takes the recipient's domain)", s6 },
	{ "S7 (same domain: no trip across the internet)", s7 },
	{ "S8 (DNS: MX, then A, over UDP)", s8 },
	{ "S9 (the recipient's server checks the recipient)", s9 },
	{ "S10 (the mailbox server keeps the mail)", s10 },
	{ "S11 (POP3 downloads and deletes)", s11 },
	{ "S12 (IMAP keeps the mail on the server)", s12 },
};

START_TEST(test_story_step)
{
	ck_assert_msg(sim != NULL, "%s does not load or run", story_file());
	why[0] = '\0';
	ck_assert_msg(story[_i].holds(), "%s is not in %s: %s", story[_i].name,
	    story_file(), why);
}
END_TEST

START_TEST(test_story_twelve_steps)
{
	ck_assert_int_eq(sizeof story / sizeof story[0], 12);
}
END_TEST

Suite *
story_suite(void)
{
	Suite *s = suite_create("story");
	TCase *tc = tcase_create("default");

	tcase_add_unchecked_fixture(tc, story_setup, story_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_story_step, 0,
	    (int)(sizeof story / sizeof story[0]));
	tcase_add_test(tc, test_story_twelve_steps);
	suite_add_tcase(s, tc);
	return s;
}
