/*
 * panel_inspector.c: the packet inspector: the selected packet (or, when
 * none is chosen, the packet of the current step) as its layers and
 * fields, and its bytes as a hex dump in which the chosen field's bytes
 * are lit.  The rows come from sim_decode() (layer, field, value,
 * offset, length), so the inspector never sees a protocol's structs
 * (shared/STYLE.md, the sim -> render boundary).  Each row is put in the
 * window's language by its keys: the field's name from the language
 * file's "fields", the words of its value from "values", with the
 * row's numbers and addresses put back in; where the file has neither,
 * the row's English.
 *
 * What it shows (issue 12): a clicked packet, else the packet of the
 * step the narration tells (panel_narration_step(): at story level the
 * level's step, not the record playing under it).  That step's own frame
 * where it is one; for an application message, the first frame after
 * it from the same node that carries application bytes (the message on
 * the wire); for anything else (a change of state, a TCP state), the
 * latest frame at or before it, the packet that brought it about.  While
 * a question is open nothing after its step is shown.  A packet opens at
 * its application layer, that layer's heading chosen so its bytes are
 * lit; each line of the payload and each header field is shown in full,
 * wrapped over as many rows as it needs, and the rows scroll.
 */
#include "ui.h"
#include "decode.h"
#include "evtext.h"
#include "narrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct insp_row {
	int		 layer;		/* 1: a layer's heading */
	int		 cont;		/* 1: the rest of the row above, wrapped */
	const char	*key;		/* the field's (decode.h), NULL for a heading */
	char		 text[192];
	uint32_t	 off, len;
};

struct ui_inspect {
	long		 rec;		/* record the bytes come from, -1: none */
	int		 lang;		/* the language the rows are in (app.lang) */
	uint32_t	 frame;
	uint8_t		*bytes;
	uint32_t	 nbytes;
	struct insp_row	*row;
	int		 nrows, cap;
	int		 fresh;		/* rows just built: open at the application layer */
	int		 transport_row;	/* its heading row, -1 where none */
	int		 app_row;	/* the application layer's heading row, -1 where none */
	int		 auto_field;	/* the row chosen on opening, -1: none */
	int		 shown_sel;	/* the chosen row last brought into sight */
	int		 wrap_w, wrap_px;	/* the width and size the rows are wrapped at */
	int		 wrap_pad;	/* a wrapped row's further indent */
	SDL_Rect	 rows_box;	/* where the rows were drawn, for clicks */
	int		 row_h, first_row;
	int		 hex_per, hex_ascii, hex_right;	/* the dump as last drawn */
};

static struct insp_row *
insp_push(struct ui_inspect *in, int layer, const char *text, uint32_t off,
    uint32_t len)
{
	if (in->nrows == in->cap) {
		int cap = in->cap ? in->cap * 2 : 32;
		struct insp_row *p = realloc(in->row, (size_t)cap * sizeof *p);
		if (p == NULL)
			return NULL;
		in->row = p;
		in->cap = cap;
	}
	struct insp_row *r = &in->row[in->nrows++];
	r->layer = layer;
	r->cont = 0;
	r->key = NULL;
	snprintf(r->text, sizeof r->text, "%s", text);
	r->off = off;
	r->len = len;
	return r;
}

/* A word of a value in language L (decode_fill's callback). */
static const char *
insp_word(const char *key, void *L)
{
	return narr_lang_word(L, "values", key);
}

/* Row r as "name: value" in language L (NULL: English), into buf. */
void
panel_inspector_row_words(const struct narr_lang *L,
    const struct decode_row *r, char *buf, size_t cap)
{
	const char *name = r->key ? narr_lang_word(L, "fields", r->key) : NULL;
	const char *t = r->vkey ? narr_lang_word(L, "values", r->vkey) : NULL;
	char value[256];

	if (t != NULL)
		decode_fill(t, r, insp_word, (void *)L, value, sizeof value);
	snprintf(buf, cap, "%s: %s", name ? name : r->field, t ? value :
	    r->value);
}

/*
 * The full text of a row of text (a line of SMTP, POP3 or IMAP, a
 * header field) from the frame's own bytes, where decode cut its value
 * short ("..."): the line without its CRLF, a header field's value after
 * its colon, unfolded (RFC 5322 2.2.3: a CRLF before white space is
 * removed).  0 where the row is not such a row or was not cut.
 */
static int
insp_full(const struct ui_inspect *in, const struct decode_row *r,
    char *out, size_t cap)
{
	size_t vl = strlen(r->value), k = 0;

	if (r->vkey != NULL || (r->layer != DECODE_APP &&
	    r->layer != DECODE_IMF) || vl + 1 < sizeof r->value ||
	    strcmp(r->value + vl - 3, "...") != 0 ||
	    r->offset + r->length > in->nbytes || cap == 0)
		return 0;
	const uint8_t *p = in->bytes + r->offset;
	uint32_t n = r->length, i = 0;
	if (r->layer == DECODE_IMF) {
		while (i < n && p[i] != ':')
			i++;
		i++;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
	}
	for (; i < n && k + 1 < cap; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			continue;
		out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] :
		    p[i] == '\t' ? ' ' : '.';
	}
	out[k] = '\0';
	return 1;
}

/*
 * A field row, wrapped: a row of the application or of a message's
 * header is never cut short; its text goes on over the rows it needs.
 */
static void
insp_field(struct ui *u, struct ui_inspect *in, const struct decode_row *r,
    const char *text)
{
	char **lines = NULL;
	int nl = 0;

	if (r->layer == DECODE_APP || r->layer == DECODE_IMF)
		nl = text_lines(u->text, FACE_SANS, in->wrap_px, in->wrap_w, text,
		    &lines);
	if (nl > 1) {
		/* The rest, one indent narrower: where the first line ends in text. */
		const char *t = text, *f = lines[0];
		while (*f != '\0' && *t != '\0') {
			if (*t == *f)
				f++;
			t++;
		}
		while (*t == ' ')
			t++;
		char *first = lines[0];
		lines[0] = NULL;
		text_lines_free(lines, nl);
		char **rest = NULL;
		int nr = text_lines(u->text, FACE_SANS, in->wrap_px, in->wrap_w -
		    in->wrap_pad, t, &rest);
		struct insp_row *rw = insp_push(in, 0, first, r->offset,
		    r->length);
		free(first);
		if (rw != NULL)
			rw->key = r->key;
		for (int i = 0; i < nr; i++) {
			rw = insp_push(in, 0, rest[i], r->offset, r->length);
			if (rw == NULL)
				break;
			rw->key = r->key;
			rw->cont = 1;
		}
		text_lines_free(rest, nr);
		return;
	}
	{
		struct insp_row *rw = insp_push(in, 0, text, r->offset,
		    r->length);
		if (rw != NULL)
			rw->key = r->key;
		text_lines_free(lines, nl);
	}
}

/*
 * The layers and fields of record rec's frame, from sim_decode(): a
 * heading row per layer (covering all of its bytes), then its fields.
 */
static void
insp_decode(struct ui *u, struct ui_inspect *in, const struct trace_rec *r)
{
	static struct decode_row rows[DECODE_MAX_ROWS];
	int n = sim_decode_in(u->sc, u->tr, r, rows, DECODE_MAX_ROWS);
	char buf[192];
	char *full = malloc(in->nbytes + sizeof buf + 1);

	if (n <= 0 || full == NULL) {
		insp_push(in, 1, ui_word(u, W_NO_DECODE), 0, in->nbytes);
		free(full);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (i == 0 || rows[i].layer != rows[i - 1].layer ||
		    rows[i].layer_name != rows[i - 1].layer_name) {
			if (rows[i].layer == DECODE_TRANSPORT &&
			    in->transport_row < 0)
				in->transport_row = in->nrows;
			if (rows[i].layer == DECODE_APP && in->app_row < 0)
				in->app_row = in->nrows;
			uint32_t lo = rows[i].offset, hi = lo + rows[i].length;
			for (int j = i; j < n && rows[j].layer == rows[i].layer &&
			    rows[j].layer_name == rows[i].layer_name; j++) {
				if (rows[j].offset < lo)
					lo = rows[j].offset;
				if (rows[j].offset + rows[j].length > hi)
					hi = rows[j].offset + rows[j].length;
			}
			insp_push(in, 1, rows[i].layer_name ? rows[i].layer_name :
			    "?", lo, hi - lo);
		}
		panel_inspector_row_words(u->lang[u->app.lang], &rows[i], buf,
		    sizeof buf);
		size_t bl = strlen(buf);
		if (insp_full(in, &rows[i], full + bl, in->nbytes + 1)) {
			/* The name as the row words it, then the whole value. */
			struct decode_row nv = rows[i];
			nv.value[0] = '\0';
			panel_inspector_row_words(u->lang[u->app.lang], &nv, buf,
			    sizeof buf);
			bl = strlen(buf);
			insp_full(in, &rows[i], full + bl, in->nbytes + 1);
			memcpy(full, buf, bl);
		} else
			memcpy(full, buf, bl + 1);
		insp_field(u, in, &rows[i], full);
	}
	free(full);
}

static int
insp_is_frame(const struct trace_rec *r)
{
	return r->frame != TRACE_NONE && (r->kind == TR_FRAME_TX ||
	    r->kind == TR_FRAME_RX || r->kind == TR_FRAME_QUEUED ||
	    r->kind == TR_FRAME_DROP);
}

/*
 * The record whose frame the inspector shows (see the top of the file):
 * the selection, else the frame of the narration's step.
 */
static long
insp_record(struct ui *u)
{
	size_t n = trace_count(u->tr);
	/* While a question is open, no record after its step. */
	size_t end = u->app.quiz >= 0 ? u->app.step : n;

	if (u->app.sel_packet && u->app.sel_tx_step > 0 &&
	    u->app.sel_tx_step <= end)
		return (long)u->app.sel_tx_step - 1;
	size_t said = panel_narration_step(u);
	if (said == 0 || said > n)
		return -1;
	const struct trace_rec r = trace_at(u->tr, said - 1);
	if (insp_is_frame(&r))
		return (long)said - 1;
	if (r.kind == TR_APP) {
		/* The message on the wire: its node's next frame with application bytes. */
		for (size_t i = said; i < end && i < said + 64; i++) {
			const struct trace_rec q = trace_at(u->tr, i);
			if ((q.kind != TR_FRAME_TX && q.kind != TR_FRAME_QUEUED) ||
			    q.node != r.node || q.frame == TRACE_NONE)
				continue;
			unsigned c = evtext_chip(u->sc, u->tr, i);
			if (c != EVTEXT_NOCHIP && c != APP_NONE)
				return (long)i;
		}
	}
	size_t lo = said > 64 ? said - 64 : 0;
	for (size_t s = said; s > lo; s--) {
		struct trace_rec p = trace_at(u->tr, s - 1);

		if (insp_is_frame(&p))
			return (long)s - 1;
	}
	return -1;
}

long
panel_inspector_record(struct ui *u)
{
	struct ui_inspect *in = u->insp;

	return in != NULL ? in->rec : insp_record(u);
}

static struct ui_inspect *
insp_get(struct ui *u)
{
	struct ui_inspect *in = u->insp;
	long rec = insp_record(u);

	if (in == NULL) {
		if ((in = u->insp = calloc(1, sizeof *in)) == NULL)
			return NULL;
		in->rec = -2;
		in->auto_field = -1;
		in->shown_sel = -2;
	}
	const struct layout *L = &u->lay;
	/* The field rows' width in panel_inspector_draw(). */
	int wrap_w = L->right.w - 3 * layout_px(L, 8), wrap_px = L->font_small;
	if (in->rec == rec && in->lang == u->app.lang && in->wrap_w == wrap_w &&
	    in->wrap_px == wrap_px)
		return in;
	in->fresh = in->rec != rec;
	in->rec = rec;
	in->lang = u->app.lang;
	in->wrap_w = wrap_w > 1 ? wrap_w : 1;
	in->wrap_px = wrap_px;
	in->wrap_pad = layout_px(L, 8);
	in->nrows = 0;
	in->nbytes = 0;
	in->transport_row = -1;
	in->app_row = -1;
	if (rec < 0)
		return in;
	const struct trace_rec r = trace_at(u->tr, (size_t)rec);
	const struct trace_frame *f = trace_frame(u->tr, r.frame);
	if (f == NULL)
		return in;
	uint8_t *b = realloc(in->bytes, f->len ? f->len : 1);
	if (b == NULL)
		return in;
	in->bytes = b;
	in->nbytes = f->len;
	in->frame = r.frame;
	/* The bytes as they crossed that link (MACs and TTL of that hop). */
	if (r.kind == TR_FRAME_TX || r.kind == TR_FRAME_RX)
		trace_frame_on_link(u->tr, &r, in->bytes);
	else
		memcpy(in->bytes, trace_frame_bytes(u->tr, r.frame), f->len);
	insp_decode(u, in, &r);
	return in;
}

void
panel_inspector_free(struct ui *u)
{
	if (u->insp == NULL)
		return;
	free(u->insp->bytes);
	free(u->insp->row);
	free(u->insp);
	u->insp = NULL;
}

int
panel_inspector_rows(struct ui *u)
{
	struct ui_inspect *in = insp_get(u);

	return in ? in->nrows : 0;
}

void
panel_inspector_hex(struct ui *u, int *per, int *ascii, int *right)
{
	struct ui_inspect *in = insp_get(u);

	*per = in ? in->hex_per : 0;
	*ascii = in ? in->hex_ascii : 0;
	*right = in ? in->hex_right : 0;
}

const char *
panel_inspector_row_text(struct ui *u, int row)
{
	struct ui_inspect *in = insp_get(u);

	if (in == NULL || row < 0 || row >= in->nrows)
		return NULL;
	return in->row[row].text;
}

int
panel_inspector_find(struct ui *u, const char *key)
{
	struct ui_inspect *in = insp_get(u);

	for (int i = 0; in != NULL && key != NULL && i < in->nrows; i++)
		if (in->row[i].key != NULL && strcmp(in->row[i].key, key) == 0)
			return i;
	return -1;
}

int
panel_inspector_hit(struct ui *u, int x, int y)
{
	struct ui_inspect *in = insp_get(u);
	SDL_Point p = { x, y };

	if (in == NULL || in->row_h <= 0 || !SDL_PointInRect(&p, &in->rows_box))
		return -1;
	int i = in->first_row + (y - in->rows_box.y) / in->row_h;
	return i < in->nrows ? i : -1;
}

void
panel_inspector_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	struct ui_inspect *in = insp_get(u);
	int px = L->font_small, mono = L->font_mono, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int x = L->right.x + pad, w = L->right.w - 2 * pad;
	ui_panel_begin(u, "inspector", &L->right);
	char buf[256];

	draw_panel(u, &L->right, ui_word(u, W_INSPECTOR));
	int y = L->right.y + text_line_height(u->text, FACE_BOLD,
	    L->font_normal) + layout_px(L, 10);
	if (in == NULL || in->rec < 0 || in->nbytes == 0) {
		/* Before anything happens: the story this scenario tells. */
		if (u->app.step == 0) {
			const char *t = sc_text_get(&u->sc->title, ui_lang(u));
			const char *d = sc_text_get(&u->sc->description,
			    ui_lang(u));
			int nl = text_wrap(u->text, FACE_BOLD, L->font_normal,
			    th->text, x, y, w, 3, TEXT_DRAW, t);
			y += (nl > 3 ? 3 : nl) * text_line_height(u->text,
			    FACE_BOLD, L->font_normal) + lh / 2;
			int room = (L->right.y + L->right.h - y) / lh - 4;
			nl = text_wrap(u->text, FACE_SANS, px, th->text, x, y, w,
			    room > 1 ? room : 1, TEXT_DRAW, d);
			y += (nl > room ? room : nl) * lh + lh;
		}
		text_wrap(u->text, FACE_SANS, px, th->dim, x, y, w, 0, TEXT_DRAW,
		    ui_word(u, W_NO_PACKET));
		return;
	}
	/*
	 * A new packet (or one clicked, which lets go of the chosen row)
	 * opens at its application layer, what the story is about: its
	 * heading at the top, chosen, so that its bytes are lit in the hex
	 * dump; the wheel scrolls up to Ethernet and IPv4.  A row the
	 * student chose stays chosen from packet to packet.  Without
	 * application bytes, a packet that does not fit opens at its
	 * transport layer (below, once the rows that fit are known).
	 */
	int own = u->app.sel_field >= 0 && u->app.sel_field != in->auto_field;
	int at_transport = 0;
	if (in->app_row >= 0 && (u->app.sel_field < 0 || (in->fresh &&
	    !own))) {
		u->app.scroll_inspector = in->app_row;
		u->app.sel_field = in->auto_field = in->app_row;
		in->shown_sel = in->app_row;
	} else if (in->fresh && !own) {
		if (in->auto_field >= 0 && u->app.sel_field == in->auto_field)
			u->app.sel_field = -1;
		in->auto_field = -1;
		at_transport = 1;
	}
	in->fresh = 0;
	if (u->app.sel_field >= in->nrows)
		u->app.sel_field = in->nrows - 1;
	const struct trace_rec r = trace_at(u->tr, (size_t)in->rec);
	int from, to;
	ui_record_ends(u, &r, &from, &to);
	snprintf(buf, sizeof buf, "%s #%u · %u %s", ui_word(u, W_PACKET),
	    in->frame, in->nbytes, ui_word(u, W_BYTES));
	text_draw_fit(u->text, FACE_BOLD, px, th->text, x, y, w, buf);
	y += lh;
	if (to >= 0)
		snprintf(buf, sizeof buf, "%s → %s", ui_node_short(u, from),
		    ui_node_short(u, to));
	else
		snprintf(buf, sizeof buf, "%s", ui_node_short(u, from));
	text_draw_fit(u->text, FACE_SANS, px, th->dim, x, y, w, buf);
	y += lh + layout_px(L, 4);

	/* The rows take the upper part, the hex dump the lower. */
	int mlh = text_line_height(u->text, FACE_MONO, mono);
	int bottom = L->right.y + L->right.h - pad;
	/*
	 * The hex dump: 8 bytes a line with their printable column beside
	 * them; where the panel is too narrow for that (1280x720 already),
	 * 6 or 4 bytes a line, so that the text a packet carries can still
	 * be read; the font stays (it is at the readable minimum already).
	 * Narrower still, the hex alone.
	 */
	int cw = text_width(u->text, FACE_MONO, mono, "0");
	int per, ascii = 1, right = L->right.x + L->right.w;
	for (per = 8; per >= 4; per -= 2)
		if (x + cw * (5 + 3 * per + 1 + per) <= right)
			break;
	if (per < 4) {
		per = 8;
		ascii = 0;
	}
	int hex_lines_all = (int)((in->nbytes + (uint32_t)per - 1) /
	    (uint32_t)per);
	in->hex_per = per;
	in->hex_ascii = ascii;
	in->hex_right = x + cw * (5 + 3 * per - 1 + (ascii ? 1 + per : 0));
	int hex_h = (bottom - y) * 45 / 100;
	if (hex_h > (hex_lines_all + 1) * mlh)
		hex_h = (hex_lines_all + 1) * mlh;
	int rows_h = bottom - y - hex_h - pad;
	text_draw(u->text, FACE_BOLD, px, th->text, x, y, ui_word(u, W_LAYERS));
	y += lh;
	rows_h -= lh;
	in->row_h = lh;
	int fit = rows_h / lh;
	if (fit < 1)
		fit = 1;
	if (at_transport && in->nrows > fit && in->transport_row > 0)
		u->app.scroll_inspector = in->transport_row;
	/*
	 * A row newly chosen (a click, the arrow keys) is brought into
	 * sight once; then the wheel scrolls freely, through a long
	 * message too.
	 */
	int first = u->app.scroll_inspector;
	if (u->app.sel_field >= 0 && u->app.sel_field != in->shown_sel &&
	    (u->app.sel_field < first || u->app.sel_field >= first + fit))
		first = u->app.sel_field - fit / 2;
	in->shown_sel = u->app.sel_field;
	if (first > in->nrows - fit)
		first = in->nrows - fit;
	if (first < 0)
		first = 0;
	u->app.scroll_inspector = first;
	in->first_row = first;
	in->rows_box = (SDL_Rect){ L->right.x, y, L->right.w, fit * lh };
	for (int i = first; i < in->nrows && i < first + fit; i++) {
		const struct insp_row *rw = &in->row[i];
		int ry = y + (i - first) * lh;
		int sel = i == u->app.sel_field;
		if (sel)
			draw_fill(u->r, (SDL_Rect){ L->right.x + 1, ry,
			    L->right.w - 2, lh }, th->select);
		else if (rw->layer)
			draw_fill(u->r, (SDL_Rect){ L->right.x + 1, ry,
			    L->right.w - 2, lh }, th->bg);
		int ind = rw->layer ? 0 : rw->cont ? 2 * pad : pad;
		text_draw_fit(u->text, rw->layer ? FACE_BOLD : FACE_SANS, px,
		    sel ? th->select_text : th->text, x + ind, ry, w - ind,
		    rw->text);
	}
	y += rows_h + pad;

	/* The hex dump, per bytes a line, the chosen field's bytes lit. */
	text_draw(u->text, FACE_BOLD, px, th->text, x, y, ui_word(u, W_HEX));
	y += lh;
	uint32_t lo = 0, hi = 0;
	if (u->app.sel_field >= 0 && u->app.sel_field < in->nrows) {
		lo = in->row[u->app.sel_field].off;
		hi = lo + in->row[u->app.sel_field].len;
	}
	int lines = (bottom - y) / mlh;
	if (lines < 1)
		lines = 1;
	int first_line = 0;
	if (hi > lo && (int)lo / per >= lines)
		first_line = (int)lo / per - lines / 3;
	if (first_line > hex_lines_all - lines)
		first_line = hex_lines_all - lines;
	if (first_line < 0)
		first_line = 0;
	for (int ln = first_line; ln < hex_lines_all && ln < first_line + lines;
	    ln++) {
		int ly = y + (ln - first_line) * mlh;
		snprintf(buf, sizeof buf, "%04x", ln * per);
		text_draw(u->text, FACE_MONO, mono, th->dim, x, ly, buf);
		for (int k = 0; k < per; k++) {
			uint32_t i = (uint32_t)(ln * per + k);
			if (i >= in->nbytes)
				break;
			int bx = x + cw * (5 + 3 * k);
			int ax = x + cw * (5 + 3 * per + 1 + k);
			int lit = i >= lo && i < hi;
			char hx[4], ch[2] = { (char)(in->bytes[i] >= 32 &&
			    in->bytes[i] < 127 ? in->bytes[i] : '.'), 0 };
			snprintf(hx, sizeof hx, "%02x", in->bytes[i]);
			if (lit) {
				draw_fill(u->r, (SDL_Rect){ bx - cw / 2, ly,
				    cw * 3, mlh }, th->select);
				if (ascii)
					draw_fill(u->r, (SDL_Rect){ ax, ly, cw, mlh },
					    th->select);
			}
			text_draw(u->text, FACE_MONO, mono, lit ? th->select_text :
			    th->text, bx, ly, hx);
			if (ascii)
				text_draw(u->text, FACE_MONO, mono, lit ?
				    th->select_text : th->dim, ax, ly, ch);
		}
	}
}
