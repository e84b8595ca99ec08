/*
 * panel_events.c: the event list: one row per step (trace record) with
 * its time, who to whom, the protocol and a short summary; the current
 * step is lit and kept in the middle; a click jumps to a row's step.
 */
#include "ui.h"

#include <stdio.h>
#include <string.h>

/* RFC 793 section 3.2 state names, in the order of sim/'s enum tcp_state. */
static const char *const events_tcp_state[] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
	"TIME-WAIT",
};

static const char *
events_tcp(uint32_t s)
{
	return s < sizeof events_tcp_state / sizeof events_tcp_state[0] ?
	    events_tcp_state[s] : "?";
}

static unsigned
events_get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * The protocol a frame carries, by its ports (Ethernet, IPv4, TCP/UDP):
 * the scenario's services, then the well-known ports (ports.c).
 */
static enum app_proto
events_frame_proto(const struct scenario *sc, const struct trace *tr,
    uint32_t frame, int *tcp)
{
	const struct trace_frame *f = trace_frame(tr, frame);
	const uint8_t *p = trace_frame_bytes(tr, frame);

	*tcp = 0;
	if (f == NULL || p == NULL || f->len < 14 + 20 + 8 ||
	    events_get16(p + 12) != 0x0800)
		return APP_NONE;
	const uint8_t *ip = p + 14;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	if (ihl < 20 || 14 + ihl + 4 > f->len)
		return APP_NONE;
	const uint8_t *l4 = ip + ihl;
	*tcp = ip[9] == 6;
	int srv;
	int src = sim_node_by_ip(sc, (uint32_t)events_get16(ip + 12) << 16 |
	    events_get16(ip + 14));
	int dst = sim_node_by_ip(sc, (uint32_t)events_get16(ip + 16) << 16 |
	    events_get16(ip + 18));
	enum app_proto pr = sim_conn_proto(sc, src, events_get16(l4), dst,
	    events_get16(l4 + 2), &srv);
	if (*tcp && 14 + ihl + 20 <= f->len) {
		uint32_t thl = (uint32_t)(l4[12] >> 4) * 4;
		uint32_t tot = events_get16(ip + 2);
		if (ihl + thl >= tot)
			return APP_NONE;	/* no payload: bare TCP */
	}
	return pr;
}

/* The protocol chip of a record: what it carries, or APP_NONE and no chip. */
static int
events_chip(struct ui *u, const struct trace_rec *r, enum app_proto *p)
{
	int tcp;

	switch (r->kind) {
	case TR_APP:
		*p = (enum app_proto)r->a;
		return 1;
	case TR_FRAME_TX:
	case TR_FRAME_RX:
	case TR_FRAME_QUEUED:
	case TR_FRAME_DROP:
		if (r->frame == TRACE_NONE)
			return 0;
		*p = events_frame_proto(u->sc, u->tr, r->frame, &tcp);
		return 1;
	case TR_TCP_STATE:
	case TR_TCP_RETX:
	case TR_TCP_ERROR:
		*p = APP_NONE;
		return 1;
	}
	return 0;
}

int
panel_events_chip(struct ui *u, size_t rec, enum app_proto *p)
{
	if (rec >= trace_count(u->tr))
		return 0;
	return events_chip(u, trace_get(u->tr, rec), p);
}

void
panel_events_summary(struct ui *u, size_t rec, char *buf, size_t n)
{
	const struct trace_rec *r = trace_get(u->tr, rec);
	const struct trace_frame *f = r->frame != TRACE_NONE ?
	    trace_frame(u->tr, r->frame) : NULL;
	const char *text = r->text ? trace_text_at(u->tr, r->text) : "";
	unsigned len = f ? f->len : 0;
	static const enum word st[ST_NWHATS] = {
		[ST_MAILBOX_ADD] = W_ST_MAILBOX_ADD,
		[ST_MAILBOX_DEL] = W_ST_MAILBOX_DEL,
		[ST_QUEUE_ADD] = W_ST_QUEUE_ADD,
		[ST_QUEUE_DEL] = W_ST_QUEUE_DEL,
		[ST_QUEUE_RETRY] = W_ST_QUEUE_RETRY,
		[ST_DNS_CACHE_ADD] = W_ST_DNS_ADD,
		[ST_DNS_CACHE_EXPIRE] = W_ST_DNS_EXPIRE,
		[ST_CLIENT_STORE] = W_ST_CLIENT_STORE,
		[ST_DELIVERY] = W_ST_DELIVERY,
		[ST_SESSION] = W_ST_SESSION,
		[ST_RECAP] = W_ST_RECAP,
	};

	switch (r->kind) {
	case TR_FRAME_QUEUED:
		snprintf(buf, n, "%s, %u %s", ui_word(u, W_EV_WAITS), len,
		    ui_word(u, W_BYTES));
		break;
	case TR_FRAME_TX:
		snprintf(buf, n, "%s, %u %s, TTL %u", ui_word(u, r->a ?
		    W_EV_SENT : W_EV_FORWARDED), len, ui_word(u, W_BYTES),
		    r->ttl);
		break;
	case TR_FRAME_RX:
		snprintf(buf, n, "%s, %u %s", ui_word(u, W_EV_ARRIVES), len,
		    ui_word(u, W_BYTES));
		break;
	case TR_FRAME_DROP:
		snprintf(buf, n, "✕ %s: %s", ui_word(u, W_LOST),
		    drop_reason_name((enum drop_reason)r->a));
		break;
	case TR_NODE_STATE:
		snprintf(buf, n, "%s", ui_word(u, r->a ? W_EV_POWER_ON :
		    W_EV_POWER_OFF));
		break;
	case TR_LINK_STATE:
		snprintf(buf, n, "%s", ui_word(u, r->a ? W_EV_LINK_UP :
		    W_EV_LINK_DOWN));
		break;
	case TR_TCP_STATE:
		/* a: old state | new << 8; b: sport << 16 | dport (sim/tcp.c). */
		snprintf(buf, n, "TCP %s → %s (%u → %u)", events_tcp(r->a & 255),
		    events_tcp(r->a >> 8), r->b >> 16, r->b & 0xffff);
		break;
	case TR_TCP_RETX:
		snprintf(buf, n, "TCP %s (%s)", ui_word(u, W_EV_RETX),
		    retx_kind_name((enum tcp_retx_kind)r->b));
		break;
	case TR_TCP_ERROR:
		snprintf(buf, n, "%s", ui_word(u, W_EV_TCP_ERR));
		break;
	case TR_APP:
		snprintf(buf, n, "%s", text);
		break;
	case TR_STATE:
		if (r->a == ST_SESSION)
			/* A protocol's state has no count: "session: POP3 A -> B". */
			snprintf(buf, n, "%s: %s", ui_word(u, st[r->a]), text);
		else if (r->a < ST_NWHATS)
			snprintf(buf, n, "%s (%u): %s", ui_word(u, st[r->a]),
			    r->b, text);
		else
			snprintf(buf, n, "%s", text);
		break;
	default:
		snprintf(buf, n, "%s", trace_kind_name((enum trace_kind)r->kind));
	}
	/* One line: the trace keeps multi-line replies with their CRLFs. */
	for (char *c = buf; *c; c++)
		if (*c == '\r' || *c == '\n' || *c == '\t')
			*c = ' ';
}

/* Rows: the height of one, how many fit, and the record of the first. */
static void
events_rows(struct ui *u, int *row_h, int *top, int *nrows, long *first)
{
	const struct layout *L = &u->lay;
	int lh = text_line_height(u->text, FACE_SANS, L->font_small);
	long n = (long)trace_count(u->tr);

	*row_h = 2 * lh + layout_px(L, 6);
	*top = L->events.y + text_line_height(u->text, FACE_BOLD,
	    L->font_normal) + layout_px(L, 10);
	*nrows = (L->events.y + L->events.h - *top) / *row_h;
	if (*nrows < 1)
		*nrows = 1;
	/* The current step's record in the middle (record step-1; step 0 has none). */
	long cur = (long)u->app.step - 1;
	long f = cur - *nrows / 2 + u->app.scroll_events;
	if (f > n - *nrows)
		f = n - *nrows;
	if (f < 0)
		f = 0;
	*first = f;
}

long
panel_events_hit(struct ui *u, int x, int y)
{
	int row_h, top, nrows;
	long first;

	(void)x;
	events_rows(u, &row_h, &top, &nrows, &first);
	if (y < top)
		return -1;
	long i = first + (y - top) / row_h;
	if ((y - top) / row_h >= nrows || i >= (long)trace_count(u->tr))
		return -1;
	return i + 1;		/* the step just after record i */
}

void
panel_events_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int row_h, top, nrows, px = L->font_small;
	long first;
	char head[96], buf[512], when[48];

	snprintf(head, sizeof head, "%s (%zu) · ms", ui_word(u, W_EVENTS),
	    trace_count(u->tr));
	draw_panel(u, &L->events, head);
	events_rows(u, &row_h, &top, &nrows, &first);
	int pad = layout_px(L, 8), lh = text_line_height(u->text, FACE_SANS, px);
	SDL_Rect clip = { L->events.x + 1, top, L->events.w - 2,
	    L->events.y + L->events.h - top - 1 };
	SDL_RenderSetClipRect(u->r, &clip);
	for (int k = 0; k < nrows; k++) {
		long i = first + k;
		if (i >= (long)trace_count(u->tr))
			break;
		const struct trace_rec *r = trace_get(u->tr, (size_t)i);
		int y = top + k * row_h;
		int cur = (size_t)i + 1 == u->app.step;
		int x = L->events.x + pad, right = L->events.x + L->events.w - pad;

		if (cur)
			draw_fill(u->r, (SDL_Rect){ L->events.x + 1, y,
			    L->events.w - 2, row_h }, th->current);
		else if (k > 0)
			draw_fill(u->r, (SDL_Rect){ L->events.x + pad, y,
			    L->events.w - 2 * pad, 1 }, th->track);
		y += layout_px(L, 3);
		/* Time in milliseconds, with microseconds. */
		snprintf(when, sizeof when, "%.3f", (double)r->t / 1e6);
		x += text_draw(u->text, cur ? FACE_BOLD : FACE_SANS, px, th->text,
		    x, y, when) + pad;
		/* The protocol chip on the right. */
		enum app_proto p;
		if (events_chip(u, r, &p)) {
			struct theme_proto pc = theme_proto(p);
			const char *name = p == APP_NONE ? "TCP" : app_proto_name(p);
			if (r->kind == TR_FRAME_DROP) {
				pc.fill = th->lost;
				pc.ink = th->badge_text;
			}
			int w = text_width(u->text, FACE_BOLD, px, name) + pad;
			SDL_Rect chip = { right - w, y, w, lh };
			draw_round(u->r, chip, lh / 4, pc.fill);
			text_draw_center(u->text, FACE_BOLD, px, pc.ink,
			    chip.x + w / 2, y, name);
			right -= w + pad / 2;
		}
		int from, to;
		ui_record_ends(u, r, &from, &to);
		if (from >= 0 && to >= 0 && r->kind != TR_TCP_STATE &&
		    r->kind != TR_STATE)
			snprintf(buf, sizeof buf, "%s → %s", ui_node_short(u,
			    from), ui_node_short(u, to));
		else
			snprintf(buf, sizeof buf, "%s", ui_node_short(u,
			    from >= 0 ? from : to));
		text_draw_fit(u->text, cur ? FACE_BOLD : FACE_SANS, px, th->text,
		    x, y, right - x, buf);
		panel_events_summary(u, (size_t)i, buf, sizeof buf);
		text_draw_fit(u->text, FACE_SANS, px, cur ? th->text : th->dim,
		    L->events.x + pad, y + lh, L->events.w - 2 * pad, buf);
	}
	SDL_RenderSetClipRect(u->r, NULL);
}
