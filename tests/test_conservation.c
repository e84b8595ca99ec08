/*
 * test_conservation.c: no message is ever lost or made twice.
 *
 * For seeds 1..N (N = $SUREL_CONSERVATION_SEEDS, default 1000) the
 * generator (gen_scenario.c) writes a random valid scenario; it runs to
 * its end, and then:
 *
 * 1. every (message, envelope recipient) of every send action has
 *    exactly one outcome in the deliveries, delivered, bounced, queued
 *    or rejected, and reached its final one exactly once (counted in the
 *    trace's ST_DELIVERY records); no outcome exists for anything else;
 *    only a run cut short by until_ms may leave a message still on its
 *    way from the sender's device;
 * 2. the outcome agrees with the world: a delivered message is in the
 *    recipient's mailbox once, or was fetched by POP3 into a device; a
 *    queued one waits in the queue of the server named, for that
 *    recipient; a bounced or rejected one is nowhere; no mailbox and no
 *    device holds a message that was not delivered there, and no device
 *    holds one twice;
 * 3. bounces: each bounced recipient's sender gets a bounce, bounces go
 *    only to senders of the scenario, never to the null sender (a bounce
 *    is never bounced, RFC 5321 6.1);
 * 4. the SMTP sessions of a run that ended by itself are all closed;
 * 5. every TCP segment sent again carries the bytes it carried before;
 * 6. every 10th seed, the default pcap is clean under tshark (checksums
 *    good, nothing malformed, no expert error: see tshark_util.h for the
 *    warnings outages bring).
 *
 * The one exception to "exactly once" is the one SMTP itself cannot
 * avoid, and it must be proved from the frames (lost_replies() below):
 * a server took the message and its reply never reached the client.
 *
 * A failing seed prints the seed and the whole scenario JSON that
 * reproduces it (the first SHOW_FAILURES of them; the others by seed:
 * SUREL_CONSERVATION_SEED=N prints that one).
 * SUREL_CONSERVATION_SEED=N runs that one seed only;
 * SUREL_CONSERVATION_FIRST=M starts the range at M instead of 1.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "gen_scenario.h"
#include "mail.h"
#include "scenario.h"
#include "sim.h"
#include "smtp_wire.h"
#include "tcp.h"
#include "tshark_util.h"
#include "world.h"

#define DEFAULT_SEEDS	1000
#define TSHARK_EVERY	10
#define SHOW_FAILURES	5	/* print the JSON of this many failing seeds */
/* Generated runs take some 10^4 events; a mail loop would take them all. */
#define MAX_EVENTS	2000000

struct tally {
	int	 scenarios, tshark, tshark_clean, pairs, inflight;
	int	 st[4];		/* pairs by final status */
	int	 bounces;	/* bounce messages */
	int	 duplicates;	/* pairs with an extra copy or outcome after a lost reply */
};

/* The violations found in one run; the first few are printed. */
struct verdict {
	struct buf	 text;
	int		 n;
};

static void
bad(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bad(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->n++ >= 8)
		return;
	va_start(ap, fmt);
	buf_puts(&v->text, "  ");
	buf_vprintf(&v->text, fmt, ap);
	buf_puts(&v->text, "\n");
	va_end(ap);
}

/* The Message-ID of a message (heap), or NULL: the header's first one. */
static char *
header_mid(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n, len = end - i;

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (len == 0)
			return NULL;
		if (len > 11 && strncasecmp((const char *)p + i, "Message-ID:",
		    11) == 0) {
			size_t v = i + 11;
			while (v < i + len && p[v] == ' ')
				v++;
			return xstrndup((const char *)p + v, i + len - v);
		}
		i = end + 1;
	}
	return NULL;
}

/* The Message-ID the person's mail program gives the mail of action ai (mua.c). */
static char *
action_mid(const struct scenario *sc, uint64_t seed, int ai)
{
	const struct sc_action *a = &sc->actions[ai];

	return xasprintf("<%lld.%d.%llx@%s>", (long long)(sc->epoch_unix +
	    (int64_t)(a->at_ns / SIM_SEC)), ai, (unsigned long long)(seed &
	    0xffff), sc->nodes[a->node].hostname);
}

static int
is_bounce(const char *mid)
{
	return strstr(mid, ".bounce@") != NULL;
}

static struct mailbox *
mailbox_of(struct sim *s, const char *addr)
{
	for (int i = 0; i < s->mail->nboxes; i++)
		if (smtp_same(s->mail->boxes[i].address, addr))
			return &s->mail->boxes[i];
	return NULL;
}

/* Copies of mid in the mailbox of addr, and devices holding one fetched by POP3 from it. */
static void
copies(struct sim *s, const char *mid, const char *addr, int *in_box,
    int *in_pop3)
{
	struct mailbox *mb = mailbox_of(s, addr);

	*in_box = *in_pop3 = 0;
	if (mb == NULL)
		return;
	for (int k = 0; k < mb->nmsgs; k++)
		*in_box += strcmp(mb->msgs[k].message_id, mid) == 0;
	for (int d = 0; d < s->nnodes; d++) {
		const struct device *dev = &s->mail->devices[d];
		int has = 0;

		for (int k = 0; k < dev->nmsgs; k++) {
			const struct dev_msg *m = &dev->msgs[k];

			if (m->proto != FETCH_POP3 || m->server != mb->node ||
			    strcmp(m->user, mb->user) != 0)
				continue;
			char *h = header_mid(m->data.data, m->data.len);
			has |= h != NULL && strcmp(h, mid) == 0;
			free(h);
		}
		*in_pop3 += has;
	}
}

static const struct delivery *
find_dlv(struct sim *s, const char *mid, const char *rcpt)
{
	for (int i = 0; i < s->mail->ndlv; i++)
		if (strcmp(s->mail->dlv[i].message_id, mid) == 0 &&
		    smtp_same(s->mail->dlv[i].rcpt, rcpt))
			return &s->mail->dlv[i];
	return NULL;
}

/* Final outcomes (delivered, bounced, rejected) the trace recorded for mid and rcpt. */
static int
final_records(struct sim *s, const char *mid, const char *rcpt)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;
	size_t ml = strlen(mid);

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_STATE || r.a != ST_DELIVERY ||
		    r.b == DLV_QUEUED)
			continue;
		/* "status message-id recipient reply" */
		const char *t = strchr(trace_text_at(tr, r.text), ' ');
		if (t == NULL || strncmp(t + 1, mid, ml) != 0 || t[1 + ml] != ' ')
			continue;
		const char *rc = t + 2 + ml, *sp = strchr(rc, ' ');
		size_t rl = sp ? (size_t)(sp - rc) : strlen(rc);
		if (rl == strlen(rcpt) && strncasecmp(rc, rcpt, rl) == 0)
			n++;
	}
	return n;
}

/* ---- RFC 5321 6.1 duplicates -------------------------------------------- */

/*
 * SMTP cannot promise "exactly once": when a server has taken a message
 * (its "250 ... queued" or LMTP's "250 ... delivered" is sent) and that
 * reply never reaches the client (lost, and then the server's machine
 * goes off or the client times out), the client must assume failure and
 * try again, or give up and bounce: "there is a small window in which
 * the sender and receiver disagree" (RFC 1047; RFC 5321 6.1 accepts the
 * duplicates).  Such a window is proved from the frames: the reply was
 * sent and no copy of it (nor a retransmission) ever reached the
 * client's machine.  lost_replies() counts the acceptances of (mid,
 * rcpt) that ended so; each allows one extra copy or outcome, nothing
 * else does.
 */

static const uint8_t *
find_bytes(const uint8_t *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);

	for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
		if (memcmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* A frame's TCP payload, or NULL when it is no IPv4 TCP frame. */
static const uint8_t *
tcp_payload(const struct trace *tr, uint32_t f, size_t *n)
{
	const uint8_t *p = trace_frame_bytes(tr, f);
	size_t len = trace_frame(tr, f)->len;

	if (len < 54 || p[12] != 0x08 || p[13] != 0 || p[23] != 6)
		return NULL;
	size_t ihl = (size_t)(p[14] & 15) * 4, doff = (size_t)(p[14 + ihl + 12] >> 4) * 4;
	size_t ip_len = get16(p + 16);
	if (14 + ip_len > len || ihl + doff > ip_len)
		return NULL;
	*n = ip_len - ihl - doff;
	return p + 14 + ihl + doff;
}

/* Frame b is frame a or a copy of it: the same connection, and the text. */
static int
same_reply(const struct trace *tr, uint32_t a, uint32_t b, const char *text)
{
	const uint8_t *p = trace_frame_bytes(tr, a), *q = trace_frame_bytes(tr, b);
	const uint8_t *pl;
	size_t n, ihl = (size_t)(p[14] & 15) * 4, ihl2;

	if (a == b)
		return 1;
	if ((pl = tcp_payload(tr, b, &n)) == NULL)
		return 0;
	ihl2 = (size_t)(q[14] & 15) * 4;
	return memcmp(p + 26, q + 26, 8) == 0 &&		/* addresses */
	    memcmp(p + 14 + ihl, q + 14 + ihl2, 4) == 0 &&	/* ports */
	    find_bytes(pl, n, text) != NULL;
}

/*
 * Did the reply holding text, sent by node at or after time t, never
 * reach the machine it was sent to?  0 when no such reply was sent (a
 * local delivery or a queue of its own: nothing to lose).
 */
static int
reply_lost(struct sim *s, int node, uint64_t t, const char *text)
{
	const struct trace *tr = sim_trace(s);
	uint32_t f = TRACE_NONE;
	size_t i;

	for (i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);
		size_t n;
		const uint8_t *pl;

		if (r.t < t || r.kind != TR_FRAME_TX || r.node != node ||
		    r.a != 1)
			continue;
		if ((pl = tcp_payload(tr, r.frame, &n)) != NULL &&
		    find_bytes(pl, n, text) != NULL) {
			f = r.frame;
			break;
		}
	}
	if (f == TRACE_NONE)
		return 0;
	/* The client's end of the connection: (its port, the server's port). */
	const uint8_t *fb = trace_frame_bytes(tr, f);
	size_t ihl = (size_t)(fb[14] & 15) * 4;
	uint32_t ports = (uint32_t)get16(fb + 14 + ihl + 2) << 16 |
	    get16(fb + 14 + ihl);
	int to = net_node_by_ip(s, get32(fb + 30));
	for (; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		/* A copy that arrives after the client forgot the connection is too late. */
		if (r.node == to && r.b == ports && (r.kind == TR_TCP_ERROR ||
		    (r.kind == TR_TCP_STATE && (r.a >> 8) == TCP_CLOSED)))
			return 1;
		if (r.kind == TR_FRAME_RX && r.node == to &&
		    same_reply(tr, f, r.frame, text))
			return 0;
	}
	return 1;
}

/* Acceptances of (mid, rcpt) whose reply never reached the client. */
static int
lost_replies(struct sim *s, const char *mid, const char *rcpt)
{
	const struct trace *tr = sim_trace(s);
	int lost = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);
		const char *text;
		char *want = NULL;

		if (r.kind != TR_STATE || r.a != ST_DELIVERY)
			continue;
		text = trace_text_at(tr, r.text);
		/* "queued MID RCPT 250 2.0.0 queued at HOST as QID" */
		char st[16], m[256], rc[256], host[256], qid[32];
		if (sscanf(text, "%15s %255s %255s", st, m, rc) != 3 ||
		    strcmp(m, mid) != 0 || !smtp_same(rc, rcpt))
			continue;
		if (strcmp(st, "queued") == 0) {
			const char *at = strstr(text, " queued at ");
			if (at && sscanf(at, " queued at %255s as %31s", host,
			    qid) == 2)
				want = xasprintf("Ok: queued as %s\r\n", qid);
		} else if (strcmp(st, "delivered") == 0 &&
		    strstr(text, "delivered to mailbox") != NULL)
			want = xasprintf("250 2.1.5 <%s> delivered to mailbox\r\n",
			    rc);
		if (want)
			lost += reply_lost(s, r.node, r.t, want);
		free(want);
	}
	return lost;
}

/* ---- a segment sent again carries the same bytes --------------------------- */

struct seg {
	uint8_t		 conn[12];	/* addresses and ports, as on the wire */
	uint32_t	 seq, len, frame;
	const uint8_t	*data;
};

static int
seg_cmp(const void *x, const void *y)
{
	const struct seg *a = x, *b = y;
	int c = memcmp(a->conn, b->conn, sizeof a->conn);

	if (c != 0)
		return c;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/*
 * Every TCP segment a host sent, against every other of the same
 * connection that covers some of the same sequence numbers: the bytes
 * agree (a retransmission repeats the data, RFC 793 3.7; tshark's
 * overlap complaint is forgiven on this proof).
 */
static void
check_retransmissions(struct sim *s, struct verdict *v)
{
	const struct trace *tr = sim_trace(s);
	struct seg *sg = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);
		const uint8_t *pl, *p;
		size_t len;

		if (r.kind != TR_FRAME_TX || r.a != 1 ||
		    (pl = tcp_payload(tr, r.frame, &len)) == NULL || len == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			sg = xrealloc(sg, cap * sizeof *sg);
		}
		p = trace_frame_bytes(tr, r.frame);
		size_t ihl = (size_t)(p[14] & 15) * 4;
		memcpy(sg[n].conn, p + 26, 8);
		memcpy(sg[n].conn + 8, p + 14 + ihl, 4);
		sg[n].seq = get32(p + 14 + ihl + 4);
		sg[n].len = (uint32_t)len;
		sg[n].frame = r.frame;
		sg[n].data = pl;
		n++;
	}
	if (n > 1)
		qsort(sg, n, sizeof *sg, seg_cmp);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && memcmp(sg[i].conn, sg[j].conn,
		    sizeof sg[i].conn) == 0; j++) {
			uint32_t off = sg[j].seq - sg[i].seq;

			if (off >= sg[i].len)
				break;
			uint32_t k = sg[i].len - off < sg[j].len ?
			    sg[i].len - off : sg[j].len;
			if (memcmp(sg[i].data + off, sg[j].data, k) != 0)
				bad(v, "frames %u and %u: the same sequence "
				    "numbers carry different bytes", sg[i].frame,
				    sg[j].frame);
		}
	free(sg);
}

/* Does node's queue hold mid with rcpt still to be done? */
static int
in_queue(struct sim *s, int node, const char *mid, const char *rcpt)
{
	const struct mta *m = node >= 0 ? s->mail->mta[node] : NULL;

	for (const struct qitem *it = m ? m->queue : NULL; it; it = it->next) {
		if (strcmp(it->message_id, mid) != 0)
			continue;
		for (int k = 0; k < it->nrcpt; k++)
			if (smtp_same(it->rcpt[k].addr, rcpt) &&
			    !it->rcpt[k].done)
				return 1;
	}
	return 0;
}

/* Is mid in some server's queue (its bounce may be still to come)? */
static int
queued_anywhere(struct sim *s, const char *mid)
{
	for (int n = 0; n < s->nnodes; n++)
		for (const struct qitem *it = s->mail->mta[n] ?
		    s->mail->mta[n]->queue : NULL; it; it = it->next)
			if (strcmp(it->message_id, mid) == 0)
				return 1;
	return 0;
}

/* Is addr the sender (from) of a send action? */
static int
is_sender(const struct scenario *sc, const char *addr)
{
	for (int i = 0; i < sc->nactions; i++)
		if (sc->actions[i].kind == SC_ACT_SEND &&
		    smtp_same(sc->actions[i].from, addr))
			return 1;
	return 0;
}

/* The outcome of one pair agrees with the mailboxes, devices and queues. */
static void
check_outcome(struct sim *s, const struct delivery *d, struct verdict *v,
    struct tally *t)
{
	int box, pop3, lost = -1;

	copies(s, d->message_id, d->rcpt, &box, &pop3);
	/* An extra copy, or a copy of mail the sender thinks failed: a lost reply? */
	if (box > 1 || (d->status != DLV_DELIVERED && box + pop3 > 0)) {
		lost = lost_replies(s, d->message_id, d->rcpt);
		if (lost > 0) {
			t->duplicates++;
			if (box <= 1 + lost)
				return;
		}
	}
	switch (d->status) {
	case DLV_DELIVERED:
		if (box > 1)
			bad(v, "%s for %s is %d times in the mailbox (%d lost "
			    "replies)", d->message_id, d->rcpt, box, lost);
		if (box + pop3 == 0)
			bad(v, "%s for %s is 'delivered' but in no mailbox and "
			    "no device", d->message_id, d->rcpt);
		break;
	case DLV_QUEUED:
		if (box + pop3 > 0)
			bad(v, "%s for %s is 'queued' but was delivered",
			    d->message_id, d->rcpt);
		if (!in_queue(s, d->server, d->message_id, d->rcpt))
			bad(v, "%s for %s is 'queued' at %s, whose queue does not "
			    "hold it", d->message_id, d->rcpt, d->server >= 0 ?
			    s->sc->nodes[d->server].id : "?");
		break;
	default:
		if (box + pop3 > 0)
			bad(v, "%s for %s is '%s' but was delivered",
			    d->message_id, d->rcpt,
			    delivery_status_str(d->status));
		break;
	}
}

/* Every copy in a mailbox or on a device was delivered there; none twice on a device. */
static void
check_copies(struct sim *s, struct verdict *v)
{
	struct mail_world *w = s->mail;

	for (int b = 0; b < w->nboxes; b++)
		for (int k = 0; k < w->boxes[b].nmsgs; k++) {
			const char *mid = w->boxes[b].msgs[k].message_id;
			const struct delivery *d = find_dlv(s, mid,
			    w->boxes[b].address);

			if (d == NULL || (d->status != DLV_DELIVERED &&
			    lost_replies(s, mid, w->boxes[b].address) == 0))
				bad(v, "the mailbox of %s holds %s, which was "
				    "not delivered to it", w->boxes[b].address,
				    mid);
		}
	for (int n = 0; n < s->nnodes; n++) {
		const struct device *dev = &w->devices[n];
		char **mids = xcalloc((size_t)dev->nmsgs + 1, sizeof *mids);

		for (int k = 0; k < dev->nmsgs; k++) {
			const struct dev_msg *m = &dev->msgs[k];
			const struct mailbox *mb = mailstore_by_user(s, m->server,
			    m->user);

			mids[k] = header_mid(m->data.data, m->data.len);
			if (mids[k] == NULL || mb == NULL) {
				bad(v, "device %s holds a message without "
				    "Message-ID or account", s->sc->nodes[n].id);
				continue;
			}
			const struct delivery *d = find_dlv(s, mids[k],
			    mb->address);
			if (d == NULL || (d->status != DLV_DELIVERED &&
			    lost_replies(s, mids[k], mb->address) == 0))
				bad(v, "device %s holds %s of %s, which was not "
				    "delivered there", s->sc->nodes[n].id, mids[k],
				    mb->address);
			for (int j = 0; j < k; j++) {
				const struct dev_msg *o = &dev->msgs[j];

				/* Twice is right only if the mailbox had it twice. */
				if (mids[j] && strcmp(mids[j], mids[k]) == 0 &&
				    o->proto == m->proto &&
				    o->server == m->server &&
				    strcmp(o->user, m->user) == 0 &&
				    (o->proto == FETCH_IMAP ? o->uid == m->uid :
				    o->uidl && m->uidl && strcmp(o->uidl,
				    m->uidl) == 0 ? 1 : lost_replies(s, mids[k],
				    mb->address) == 0))
					bad(v, "device %s holds %s of %s twice",
					    s->sc->nodes[n].id, mids[k], m->user);
			}
		}
		for (int k = 0; k < dev->nmsgs; k++)
			free(mids[k]);
		free(mids);
	}
}

/* The checks of the file's header comment, on a run that has ended. */
static void
check_run(const struct scenario *sc, struct sim *s, struct verdict *v,
    struct tally *t)
{
	struct mail_world *w = s->mail;
	char **mids = xcalloc((size_t)sc->nactions + 1, sizeof *mids);
	int *claimed = xcalloc((size_t)w->ndlv + 1, sizeof *claimed);

	/* 1, 2: every expected pair, once. */
	for (int ai = 0; ai < sc->nactions; ai++) {
		const struct sc_action *a = &sc->actions[ai];

		if (a->kind != SC_ACT_SEND)
			continue;
		mids[ai] = action_mid(sc, s->seed, ai);
		for (int f = 0; f < 3; f++) {
			char **list = f == 0 ? a->to : f == 1 ? a->cc : a->bcc;
			int nl = f == 0 ? a->nto : f == 1 ? a->ncc : a->nbcc;

			for (int k = 0; k < nl; k++) {
				const struct delivery *d = find_dlv(s, mids[ai],
				    list[k]);

				t->pairs++;
				if (d == NULL) {
					/* Only a run stopped early may leave mail on its way. */
					if (sc->until_ns && (a->at_ns >= sc->until_ns ||
					    w->sends != NULL || w->outgoing != NULL)) {
						t->inflight++;
						continue;
					}
					bad(v, "%s (action %d) for %s has no outcome",
					    mids[ai], ai, list[k]);
					continue;
				}
				claimed[d - w->dlv] = 1;
				t->st[d->status]++;
				int fin = final_records(s, d->message_id, d->rcpt);
				if (fin != (d->status == DLV_QUEUED ? 0 : 1) &&
				    fin > 1 + lost_replies(s, d->message_id, d->rcpt))
					bad(v, "%s for %s: %d final outcomes in the "
					    "trace, now '%s'", d->message_id, d->rcpt,
					    fin, delivery_status_str(d->status));
				check_outcome(s, d, v, t);
				/* 3: a bounced recipient's sender is told. */
				if (d->status == DLV_BOUNCED &&
				    !(sc->until_ns && queued_anywhere(s,
				    d->message_id))) {
					int told = 0;
					for (int j = 0; j < w->ndlv; j++)
						told |= is_bounce(w->dlv[j].message_id)
						    && smtp_same(w->dlv[j].rcpt, a->from);
					if (!told)
						bad(v, "%s for %s bounced and %s got no "
						    "bounce", d->message_id, d->rcpt,
						    a->from);
				}
			}
		}
	}
	/* Nothing else has an outcome; bounces go to senders, never to <>. */
	for (int i = 0; i < w->ndlv; i++) {
		const struct delivery *d = &w->dlv[i];

		if (claimed[i])
			continue;
		if (!is_bounce(d->message_id)) {
			bad(v, "an outcome for %s to %s, which no action sent",
			    d->message_id, d->rcpt);
			continue;
		}
		t->bounces++;
		if (d->rcpt[0] == '\0' || !is_sender(sc, d->rcpt))
			bad(v, "the bounce %s went to <%s>, not to a sender",
			    d->message_id, d->rcpt);
		int fin = final_records(s, d->message_id, d->rcpt);
		if (fin != (d->status == DLV_QUEUED ? 0 : 1) &&
		    fin > 1 + lost_replies(s, d->message_id, d->rcpt))
			bad(v, "bounce %s for %s: %d final outcomes in the trace",
			    d->message_id, d->rcpt, fin);
		if (d->status == DLV_REJECTED)
			bad(v, "the bounce %s was 'rejected'", d->message_id);
		check_outcome(s, d, v, t);
	}
	check_copies(s, v);
	check_retransmissions(s, v);

	/* 4: a run that ended by itself left no SMTP session open. */
	if (!sc->until_ns && (w->sessions != NULL || w->outgoing != NULL))
		bad(v, "an SMTP session is still open at the end");
	for (int ai = 0; ai < sc->nactions; ai++)
		free(mids[ai]);
	free(mids);
	free(claimed);
}

/*
 * sim_run() with a cap on the events: a bug that makes mail go round for
 * ever (a bounce of a bounce of a bounce...) becomes a failing seed with
 * its scenario printed, not a test that never ends.  The loop is
 * sim_run()'s (evq_run(), event.c): until nothing but background work
 * is left, or until until_ms.
 */
static int
run_capped(struct sim *s)
{
	uint64_t limit = s->sc->until_ns ? s->sc->until_ns : SIM_MAX_NS;
	int work_only = s->sc->until_ns == 0;

	if (evq_run(s->q, limit, work_only, MAX_EVENTS + 1) > MAX_EVENTS)
		return -1;
	return 0;
}

/* Run one seed; returns the violations (empty when none). */
static void
run_seed(uint64_t seed, int tshark, struct verdict *v, struct tally *t,
    struct buf *json)
{
	struct sc_errors errs = { 0 };

	gen_scenario(seed, json);
	struct scenario *sc = scenario_load((char *)json->data, json->len,
	    "generated", &errs);
	if (sc == NULL) {
		for (int i = 0; i < errs.n; i++)
			bad(v, "the generator wrote an invalid scenario: %s",
			    errs.msg[i]);
		sc_errors_free(&errs);
		return;
	}
	sc_errors_free(&errs);
	struct sim *s = sim_new(sc, sc->seed);
	if (run_capped(s) != 0) {
		bad(v, "still running after %d events (mail going round and "
		    "round?)", MAX_EVENTS);
		sim_free(s);
		scenario_free(sc);
		return;
	}
	check_run(sc, s, v, t);
	t->scenarios++;
	if (tshark) {
		char *path = write_pcap(s, -1);
		size_t n;
		uint32_t *order = pcap_order(sim_trace(s), &n);
		char *why = tshark_unclean(path, n, -1, 1);

		if (why)
			bad(v, "tshark: %s", why);
		else
			t->tshark_clean++;
		free(why);
		free(order);
		unlink(path);
		free(path);
		t->tshark++;
	}
	sim_free(s);
	scenario_free(sc);
}

static uint64_t
env_u64(const char *name, uint64_t dflt)
{
	const char *e = getenv(name);

	return e && *e ? strtoull(e, NULL, 10) : dflt;
}

START_TEST(test_conservation_random_scenarios)
{
	uint64_t one = env_u64("SUREL_CONSERVATION_SEED", 0);
	uint64_t first = one ? one : env_u64("SUREL_CONSERVATION_FIRST", 1);
	uint64_t last = one ? one : env_u64("SUREL_CONSERVATION_SEEDS",
	    DEFAULT_SEEDS);
	struct tally t = { 0 };
	struct buf failed = { 0 };
	int nfailed = 0;
	struct timespec t0, t1;
	/* make test asks for every pcap (1); the sanitizer run keeps every 10th. */
	uint64_t tshark_every = env_u64("SUREL_CONSERVATION_TSHARK_EVERY",
	    TSHARK_EVERY);

	if (tshark_every == 0)
		tshark_every = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t seed = first; seed <= last; seed++) {
		struct verdict v = { 0 };
		struct buf json = { 0 };

		run_seed(seed, seed % tshark_every == 0, &v, &t, &json);
		if (v.n > 0) {
			if (nfailed < SHOW_FAILURES)
				fprintf(stderr, "conservation: seed %llu fails "
				    "(%d problem%s):\n%s%s"
				    "the scenario of seed %llu:\n%s\n",
				    (unsigned long long)seed, v.n,
				    v.n == 1 ? "" : "s", (char *)v.text.data,
				    v.n > 8 ? "  ...\n" : "",
				    (unsigned long long)seed, (char *)json.data);
			buf_printf(&failed, " %llu", (unsigned long long)seed);
			nfailed++;
		}
		buf_free(&v.text);
		buf_free(&json);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "conservation: %d scenarios (seeds %llu..%llu), %d "
	    "pairs: %d delivered, %d bounced, %d queued, %d rejected, %d "
	    "still on the way at until_ms; %d bounces; %d RFC 5321 6.1 "
	    "duplicates (a final reply lost); %d pcaps clean under "
	    "tshark (of %d); %.1f s\n", t.scenarios, (unsigned long long)first,
	    (unsigned long long)last, t.pairs, t.st[DLV_DELIVERED],
	    t.st[DLV_BOUNCED], t.st[DLV_QUEUED], t.st[DLV_REJECTED], t.inflight,
	    t.bounces, t.duplicates, t.tshark_clean, t.tshark, secs);
	ck_assert_msg(nfailed == 0, "%d seed%s failed:%s (SUREL_CONSERVATION_"
	    "SEED=N runs one)", nfailed, nfailed == 1 ? "" : "s",
	    (char *)failed.data);
	ck_assert_uint_eq((uint64_t)t.scenarios, last - first + 1);
	buf_free(&failed);
}
END_TEST

/* The generator is a function of the seed, and the runs are reproducible. */
START_TEST(test_conservation_deterministic)
{
	for (uint64_t seed = 7; seed <= 707; seed += 100) {
		struct buf a = { 0 }, b = { 0 };

		gen_scenario(seed, &a);
		gen_scenario(seed, &b);
		ck_assert_uint_eq(a.len, b.len);
		ck_assert_mem_eq(a.data, b.data, a.len);
		buf_free(&a);
		buf_free(&b);
	}
}
END_TEST

Suite *
conservation_suite(void)
{
	Suite *s = suite_create("conservation");
	TCase *tc = tcase_create("generated");

	tcase_set_timeout(tc, 1800);
	tcase_add_test(tc, test_conservation_deterministic);
	tcase_add_test(tc, test_conservation_random_scenarios);
	suite_add_tcase(s, tc);
	return s;
}
