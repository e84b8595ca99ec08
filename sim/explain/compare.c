/*
 * compare.c: the original and a what-if side by side (compare.h).
 *
 * What became of each message and recipient is the mail world's own
 * record of it (struct delivery: the summary's "deliveries"); when it
 * happened, and the retries on the way, are read back from the trace's
 * ST_DELIVERY and ST_QUEUE_RETRY records (their "msgid" and "to"
 * arguments).  Nothing here runs a simulation.
 */
#include "compare.h"

#include "mail.h"
#include "world.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One run's rows, before the two are joined. */
struct side {
	char		**key;		/* the message's origin key + " " + rcpt */
	struct cmp_row	*row;		/* only subject, rcpt, bounce and a */
	int		 n, cap;
};

static const char *
arg_of(const struct trace_say *y, const char *name, size_t *n)
{
	const struct trace_say_arg *a = trace_say_arg_named(y, name);

	if (a == NULL)
		return NULL;
	*n = a->value_len;
	return a->value;
}

static const struct mail_origin *
origin_of(const struct sim *s, const char *mid, size_t n)
{
	for (int i = 0; i < s->mail->norigins; i++) {
		const struct mail_origin *o = &s->mail->origins[i];

		if (strlen(o->message_id) == n &&
		    memcmp(o->message_id, mid, n) == 0)
			return o;
	}
	return NULL;
}

/*
 * Where a message came from, the same in both runs: "a3" for action 3's
 * send, "b(a3)" for the bounce about it.  A message of unknown origin
 * keeps its Message-ID.
 */
static void
origin_key(const struct sim *s, const char *mid, size_t n, int depth,
    struct buf *out)
{
	const struct mail_origin *o = origin_of(s, mid, n);

	if (o != NULL && o->action >= 0)
		buf_printf(out, "a%d", o->action);
	else if (o != NULL && o->about != NULL && depth < 8) {
		buf_puts(out, "b(");
		origin_key(s, o->about, strlen(o->about), depth + 1, out);
		buf_putc(out, ')');
	} else
		buf_printf(out, "m%.*s", (int)n, mid);
}

static char *
row_key(const struct sim *s, const char *mid, size_t midn, const char *rcpt,
    size_t rn)
{
	struct buf b = { 0 };

	origin_key(s, mid, midn, 0, &b);
	buf_putc(&b, ' ');
	for (size_t i = 0; i < rn; i++)
		buf_putc(&b, (char)tolower((unsigned char)rcpt[i]));
	return (char *)b.data;
}

static int
side_find(const struct side *sd, const char *key)
{
	for (int i = 0; i < sd->n; i++)
		if (strcmp(sd->key[i], key) == 0)
			return i;
	return -1;
}

static struct cmp_row *
side_add(struct side *sd, char *key)
{
	if (sd->n == sd->cap) {
		sd->cap = sd->cap ? sd->cap * 2 : 16;
		sd->key = xrealloc(sd->key, (size_t)sd->cap * sizeof *sd->key);
		sd->row = xrealloc(sd->row, (size_t)sd->cap * sizeof *sd->row);
	}
	sd->key[sd->n] = key;
	memset(&sd->row[sd->n], 0, sizeof sd->row[sd->n]);
	return &sd->row[sd->n++];
}

static void
side_read(const struct sim *s, struct side *sd)
{
	const struct mail_world *w = s->mail;
	const struct scenario *sc = s->sc;

	/* The outcome of each message and recipient, from the mail world. */
	for (int i = 0; i < w->ndlv; i++) {
		const struct delivery *d = &w->dlv[i];
		const struct mail_origin *o = origin_of(s, d->message_id,
		    strlen(d->message_id));
		struct cmp_row *r = side_add(sd, row_key(s, d->message_id,
		    strlen(d->message_id), d->rcpt, strlen(d->rcpt)));

		r->bounce = o != NULL && o->about != NULL;
		/* A bounce is named by the message it reports on. */
		const struct mail_origin *about = r->bounce ?
		    origin_of(s, o->about, strlen(o->about)) : NULL;
		r->subject = xstrdup(about ? about->subject : o ? o->subject :
		    "");
		r->rcpt = xstrdup(d->rcpt);
		r->a.status = d->status == DLV_DELIVERED ? CMP_DELIVERED :
		    d->status == DLV_BOUNCED ? CMP_BOUNCED :
		    d->status == DLV_REJECTED ? CMP_REJECTED : CMP_QUEUED;
		r->a.reply = xstrdup(d->reply ? d->reply : "");
		r->a.server = xstrdup(sc->nodes[d->server].id);
	}
	/* A send none of whose recipients reached a server yet. */
	for (int i = 0; i < w->norigins; i++) {
		const struct mail_origin *o = &w->origins[i];
		const struct sc_action *act;

		if (o->action < 0 || o->action >= sc->nactions)
			continue;
		act = &sc->actions[o->action];
		for (int l = 0; l < 3; l++) {
			char **v = l == 0 ? act->to : l == 1 ? act->cc : act->bcc;
			int nv = l == 0 ? act->nto : l == 1 ? act->ncc : act->nbcc;

			for (int k = 0; k < nv; k++) {
				char *key = row_key(s, o->message_id,
				    strlen(o->message_id), v[k], strlen(v[k]));
				if (side_find(sd, key) >= 0) {
					free(key);
					continue;
				}
				struct cmp_row *r = side_add(sd, key);
				r->subject = xstrdup(o->subject);
				r->rcpt = xstrdup(v[k]);
				r->a.status = CMP_ONTHEWAY;
				r->a.reply = xstrdup("");
				r->a.server = xstrdup("");
			}
		}
	}
	/* When: the last ST_DELIVERY of that status, and every retry. */
	const struct trace *tr = sim_trace(s);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		struct trace_say y;
		const char *mid, *to;
		size_t midn, ton;
		int k;

		if (rec.kind != TR_STATE || (rec.a != ST_DELIVERY &&
		    rec.a != ST_QUEUE_RETRY) ||
		    !trace_say_read(tr, rec.say, &y) ||
		    (mid = arg_of(&y, "msgid", &midn)) == NULL ||
		    (to = arg_of(&y, "to", &ton)) == NULL)
			continue;
		char *key = row_key(s, mid, midn, to, ton);
		k = side_find(sd, key);
		free(key);
		if (k < 0)
			continue;
		struct cmp_fate *f = &sd->row[k].a;
		if (rec.a == ST_QUEUE_RETRY) {
			const char *ms;
			size_t msn;
			if (f->nretries < CMP_MAX_RETRIES &&
			    (ms = arg_of(&y, "retry_ms", &msn)) != NULL)
				f->retry_ns[f->nretries] =
				    strtoull(ms, NULL, 10) * 1000000ULL;
			f->nretries++;
		} else if ((rec.b == DLV_DELIVERED &&
		    f->status == CMP_DELIVERED) ||
		    (rec.b == DLV_BOUNCED && f->status == CMP_BOUNCED) ||
		    (rec.b == DLV_REJECTED && f->status == CMP_REJECTED) ||
		    (rec.b == DLV_QUEUED && f->status == CMP_QUEUED))
			f->t_ns = rec.t;
	}
}

static void
fate_free(struct cmp_fate *f)
{
	free(f->reply);
	free(f->server);
}

static int
fate_same(const struct cmp_fate *x, const struct cmp_fate *y)
{
	if (x->status != y->status || x->t_ns != y->t_ns ||
	    x->nretries != y->nretries)
		return 0;
	if ((x->reply == NULL) != (y->reply == NULL))
		return 0;
	return x->reply == NULL || strcmp(x->reply, y->reply) == 0;
}

/* The Message-IDs a holder has, as origin keys, joined. */
static char *
held_keys(const struct sim *s, int device, int i, int *n)
{
	struct buf b = { 0 };

	buf_puts(&b, "");
	if (device) {
		const struct device *d = &s->mail->devices[i];
		for (int k = 0; k < d->nmsgs; k++) {
			origin_key(s, d->msgs[k].message_id,
			    strlen(d->msgs[k].message_id), 0, &b);
			buf_putc(&b, ' ');
		}
		*n = d->nmsgs;
	} else {
		const struct mailbox *mb = &s->mail->boxes[i];
		for (int k = 0; k < mb->nmsgs; k++) {
			const char *m = mb->msgs[k].message_id ?
			    mb->msgs[k].message_id : "";
			origin_key(s, m, strlen(m), 0, &b);
			buf_putc(&b, ' ');
		}
		*n = mb->nmsgs;
	}
	return (char *)b.data;
}

static void
holders(const struct sim *a, const struct sim *b, struct compare *out)
{
	const struct scenario *sc = a->sc;
	int cap = 0;

	for (int dev = 0; dev < 2; dev++) {
		int n = dev ? a->nnodes : a->mail->nboxes;

		for (int i = 0; i < n; i++) {
			int na, nb;
			char *ka = held_keys(a, dev, i, &na);
			char *kb = held_keys(b, dev, i, &nb);

			if (strcmp(ka, kb) != 0) {
				if (out->nholders == cap) {
					cap = cap ? cap * 2 : 8;
					out->holders = xrealloc(out->holders,
					    (size_t)cap * sizeof *out->holders);
				}
				struct cmp_holder *h =
				    &out->holders[out->nholders++];
				h->device = dev;
				h->name = xstrdup(dev ? sc->nodes[i].id :
				    sc->accounts[i].address);
				h->server = xstrdup(dev ? "" :
				    sc->nodes[sc->accounts[i].server].id);
				h->na = na;
				h->nb = nb;
			}
			free(ka);
			free(kb);
		}
	}
}

void
compare_sims(const struct sim *a, const struct sim *b, struct compare *out)
{
	struct side sa = { 0 }, sb = { 0 };
	int cap = 0;

	memset(out, 0, sizeof *out);
	side_read(a, &sa);
	side_read(b, &sb);
	cap = sa.n + sb.n;
	out->rows = xcalloc((size_t)cap + 1, sizeof *out->rows);
	/* The original's rows in its order, then what only the what-if has. */
	for (int i = 0; i < sa.n; i++) {
		struct cmp_row *r = &out->rows[out->nrows++];
		int k = side_find(&sb, sa.key[i]);

		*r = sa.row[i];
		if (k >= 0) {
			r->b = sb.row[k].a;
			sb.row[k].a = (struct cmp_fate){ 0 };
		} else
			r->b = (struct cmp_fate){ .status = CMP_ABSENT };
	}
	for (int i = 0; i < sb.n; i++) {
		if (side_find(&sa, sb.key[i]) >= 0) {
			free(sb.row[i].subject);
			free(sb.row[i].rcpt);
			fate_free(&sb.row[i].a);
			continue;
		}
		struct cmp_row *r = &out->rows[out->nrows++];

		*r = sb.row[i];
		r->b = r->a;
		r->a = (struct cmp_fate){ .status = CMP_ABSENT };
	}
	for (int i = 0; i < out->nrows; i++) {
		out->rows[i].differs = !fate_same(&out->rows[i].a,
		    &out->rows[i].b);
		out->ndiffer += out->rows[i].differs;
	}
	for (int i = 0; i < sa.n; i++)
		free(sa.key[i]);
	for (int i = 0; i < sb.n; i++)
		free(sb.key[i]);
	free(sa.key);
	free(sa.row);
	free(sb.key);
	free(sb.row);
	holders(a, b, out);
}

void
compare_free(struct compare *c)
{
	for (int i = 0; i < c->nrows; i++) {
		free(c->rows[i].subject);
		free(c->rows[i].rcpt);
		fate_free(&c->rows[i].a);
		fate_free(&c->rows[i].b);
	}
	free(c->rows);
	for (int i = 0; i < c->nholders; i++) {
		free(c->holders[i].name);
		free(c->holders[i].server);
	}
	free(c->holders);
	memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------- */
/* In words */

static void	fill(struct buf *out, const char *w, const char *a1,
		    const char *a2, const char *a3);
static void	secs(char out[32], uint64_t ns);

static const char *
word(const struct narr_lang *L, const struct narr_lang *en, const char *key)
{
	const char *w = L ? narr_lang_word(L, "words", key) : NULL;

	if (w == NULL && en != NULL)
		w = narr_lang_word(en, "words", key);
	return w != NULL ? w : key;
}

/* The word for key with {1}, {2}, {3} filled. */
/* A time in the language's words: "61 s", or "120.0 h" past two hours. */
static void
at_time(struct buf *out, const struct narr_lang *L, const struct narr_lang *en,
    uint64_t ns)
{
	char t[32];

	secs(t, ns);
	fill(out, word(L, en, ns >= 7200 * 1000000000ULL ? "cmp.hours" :
	    "cmp.seconds"), t, NULL, NULL);
}

static void
fill(struct buf *out, const char *w, const char *a1, const char *a2,
    const char *a3)
{
	for (const char *p = w; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			const char *v = p[1] == '1' ? a1 : p[1] == '2' ? a2 : a3;
			buf_puts(out, v ? v : "");
			p += 2;
		} else
			buf_putc(out, *p);
	}
}

/* Seconds as a person reads them: "1.2", "61", never "61.0". */
static void
secs(char out[32], uint64_t ns)
{
	double s = (double)ns / 1e9;

	/* Past two hours, in hours ("120.0"), the caller's word says so. */
	if (s >= 7200) {
		snprintf(out, 32, "%.1f", s / 3600);
		return;
	}
	if (s < 100 && llabs((long long)(s * 10 + 0.5) % 10) != 0)
		snprintf(out, 32, "%.1f", s);
	else
		snprintf(out, 32, "%.0f", s);
}

/*
 * "5.1.1" (RFC 3463) where the reply has one, else its code, else ""
 * (a local reason, in English: the JSON has it).
 */
static void
status_code(const char *reply, char out[64])
{
	for (const char *p = reply; *p; p++) {
		if ((p[0] == '2' || p[0] == '4' || p[0] == '5') &&
		    p[1] == '.' && isdigit((unsigned char)p[2]) &&
		    (p == reply || p[-1] == ' ')) {
			size_t n = strcspn(p, " ");
			snprintf(out, 64, "%.*s", (int)(n < 63 ? n : 63), p);
			return;
		}
	}
	if (isdigit((unsigned char)reply[0]))
		snprintf(out, 64, "%.3s", reply);
	else
		out[0] = '\0';
}

void
compare_fate_text(const struct cmp_fate *f, const struct narr_lang *L,
    const struct narr_lang *en, struct buf *out)
{
	char code[64];

	if (f->status == CMP_ABSENT) {
		buf_puts(out, word(L, en, "cmp.absent"));
		return;
	}
	if (f->nretries > 0) {
		buf_puts(out, word(L, en, "cmp.queued"));
		buf_puts(out, ", ");
		struct buf times = { 0 };
		char n[16];

		/* A long wait is told by its first retry and how many. */
		for (int i = 0; i < f->nretries &&
		    i < (f->nretries > 3 ? 1 : 3); i++) {
			if (i)
				buf_puts(&times, ", ");
			at_time(&times, L, en, f->retry_ns[i]);
		}
		snprintf(n, sizeof n, "%d", f->nretries);
		fill(out, word(L, en, f->nretries > 3 ? "cmp.retried_n" :
		    "cmp.retried"), (char *)times.data, n, NULL);
		buf_free(&times);
		buf_puts(out, ", ");
	}
	struct buf at = { 0 };
	at_time(&at, L, en, f->t_ns);
	status_code(f->reply ? f->reply : "", code);
	switch (f->status) {
	case CMP_DELIVERED:
		fill(out, word(L, en, "cmp.delivered"), (char *)at.data,
		    f->server, NULL);
		break;
	case CMP_BOUNCED:
		fill(out, word(L, en, code[0] ? "cmp.bounced" :
		    "cmp.bounced_gave_up"), code, (char *)at.data, NULL);
		break;
	case CMP_REJECTED:
		fill(out, word(L, en, "cmp.rejected"), code, (char *)at.data,
		    NULL);
		break;
	case CMP_QUEUED:
		fill(out, word(L, en, "cmp.still_queued"), f->server, NULL,
		    NULL);
		break;
	case CMP_ONTHEWAY:
	case CMP_ABSENT:
		buf_puts(out, word(L, en, "cmp.on_the_way"));
		break;
	}
	buf_free(&at);
}

void
compare_text(const struct compare *c, const struct narr_lang *L,
    const struct narr_lang *en, struct buf *out)
{
	char n1[16], n2[16];

	buf_puts(out, word(L, en, "cmp.title"));
	buf_putc(out, '\n');
	for (int i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		buf_puts(out, r->differs ? "* " : "  ");
		if (r->bounce)
			fill(out, word(L, en, "cmp.bounce_of"), r->subject,
			    NULL, NULL);
		else
			buf_printf(out, "\"%s\"", r->subject);
		buf_printf(out, " -> %s: ", r->rcpt);
		compare_fate_text(&r->a, L, en, out);
		buf_puts(out, " | ");
		if (r->differs)
			compare_fate_text(&r->b, L, en, out);
		else
			buf_puts(out, word(L, en, "cmp.same"));
		buf_putc(out, '\n');
	}
	buf_puts(out, word(L, en, "cmp.at_end"));
	buf_putc(out, '\n');
	if (c->nholders == 0) {
		buf_puts(out, "  ");
		buf_puts(out, word(L, en, "cmp.no_holder"));
		buf_putc(out, '\n');
	}
	for (int i = 0; i < c->nholders; i++) {
		const struct cmp_holder *h = &c->holders[i];

		snprintf(n1, sizeof n1, "%d", h->na);
		snprintf(n2, sizeof n2, "%d", h->nb);
		buf_puts(out, "* ");
		fill(out, word(L, en, h->device ? "cmp.device" :
		    "cmp.mailbox"), h->name, h->server, NULL);
		buf_puts(out, ": ");
		fill(out, word(L, en, "cmp.messages"), n1, NULL, NULL);
		buf_puts(out, " | ");
		fill(out, word(L, en, "cmp.messages"), n2, NULL, NULL);
		buf_putc(out, '\n');
	}
}

static const char *const cmp_status_str[] = { "absent", "queued",
    "delivered", "bounced", "rejected", "on_the_way" };

static void
fate_json(const struct cmp_fate *f, struct buf *out)
{
	buf_printf(out, "{\"status\": \"%s\"", cmp_status_str[f->status]);
	if (f->status != CMP_ABSENT) {
		buf_printf(out, ", \"at_ms\": %.3f, \"server\": ",
		    (double)f->t_ns / 1e6);
		buf_json_str(out, f->server ? f->server : "");
		buf_puts(out, ", \"reply\": ");
		buf_json_str(out, f->reply ? f->reply : "");
		buf_printf(out, ", \"retries\": %d, \"retried_at_ms\": [",
		    f->nretries);
		for (int i = 0; i < f->nretries && i < CMP_MAX_RETRIES; i++)
			buf_printf(out, "%s%.3f", i ? ", " : "",
			    (double)f->retry_ns[i] / 1e6);
		buf_putc(out, ']');
	}
	buf_putc(out, '}');
}

void
compare_json(const struct compare *c, struct buf *out)
{
	buf_printf(out, "{\n  \"surel_compare\": 1,\n  \"differ\": %d,\n"
	    "  \"messages\": [", c->ndiffer);
	for (int i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		buf_puts(out, i ? ",\n    {\"subject\": " : "\n    {\"subject\": ");
		buf_json_str(out, r->subject);
		buf_puts(out, ", \"recipient\": ");
		buf_json_str(out, r->rcpt);
		buf_printf(out, ", \"bounce\": %s, \"differs\": %s,\n"
		    "     \"original\": ", r->bounce ? "true" : "false",
		    r->differs ? "true" : "false");
		fate_json(&r->a, out);
		buf_puts(out, ",\n     \"what_if\": ");
		fate_json(&r->b, out);
		buf_putc(out, '}');
	}
	buf_puts(out, c->nrows ? "\n  ],\n  \"holders\": [" :
	    "],\n  \"holders\": [");
	for (int i = 0; i < c->nholders; i++) {
		const struct cmp_holder *h = &c->holders[i];

		buf_printf(out, "%s{\"kind\": \"%s\", \"name\": ",
		    i ? ",\n    " : "\n    ", h->device ? "device" : "mailbox");
		buf_json_str(out, h->name);
		if (!h->device) {
			buf_puts(out, ", \"server\": ");
			buf_json_str(out, h->server);
		}
		buf_printf(out, ", \"original\": %d, \"what_if\": %d}",
		    h->na, h->nb);
	}
	buf_puts(out, c->nholders ? "\n  ]\n}\n" : "]\n}\n");
}
