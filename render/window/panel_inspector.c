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
 */
#include "ui.h"
#include "decode.h"
#include "narrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct insp_row {
	int		 layer;		/* 1: a layer's heading */
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
	int		 fresh;		/* rows just built: scroll to the transport layer */
	int		 transport_row;	/* its heading row, -1 where none */
	SDL_Rect	 rows_box;	/* where the rows were drawn, for clicks */
	int		 row_h, first_row;
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
 * The layers and fields of record rec's frame, from sim_decode(): a
 * heading row per layer (covering all of its bytes), then its fields.
 */
static void
insp_decode(struct ui *u, struct ui_inspect *in, const struct trace_rec *r)
{
	static struct decode_row rows[DECODE_MAX_ROWS];
	int n = sim_decode_in(u->sc, u->tr, r, rows, DECODE_MAX_ROWS);
	char buf[192];

	if (n <= 0) {
		insp_push(in, 1, ui_word(u, W_NO_DECODE), 0, in->nbytes);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (i == 0 || rows[i].layer != rows[i - 1].layer ||
		    rows[i].layer_name != rows[i - 1].layer_name) {
			if (rows[i].layer == DECODE_TRANSPORT &&
			    in->transport_row < 0)
				in->transport_row = in->nrows;
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
		struct insp_row *rw = insp_push(in, 0, buf, rows[i].offset,
		    rows[i].length);
		if (rw != NULL)
			rw->key = rows[i].key;
	}
}

/* The record whose frame the inspector shows: the selection, else the current step's or the latest before it. */
static long
insp_record(struct ui *u)
{
	if (u->app.sel_packet && u->app.sel_tx_step > 0 &&
	    u->app.sel_tx_step <= trace_count(u->tr))
		return (long)u->app.sel_tx_step - 1;
	size_t lo = u->app.step > 64 ? u->app.step - 64 : 0;
	for (size_t s = u->app.step; s > lo; s--) {
		const struct trace_rec *r = trace_get(u->tr, s - 1);
		if (r->frame != TRACE_NONE && (r->kind == TR_FRAME_TX ||
		    r->kind == TR_FRAME_RX || r->kind == TR_FRAME_QUEUED ||
		    r->kind == TR_FRAME_DROP))
			return (long)s - 1;
	}
	return -1;
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
	}
	if (in->rec == rec && in->lang == u->app.lang)
		return in;
	in->rec = rec;
	in->lang = u->app.lang;
	in->nrows = 0;
	in->nbytes = 0;
	in->fresh = 1;
	in->transport_row = -1;
	if (rec < 0)
		return in;
	const struct trace_rec *r = trace_get(u->tr, (size_t)rec);
	const struct trace_frame *f = trace_frame(u->tr, r->frame);
	if (f == NULL)
		return in;
	uint8_t *b = realloc(in->bytes, f->len ? f->len : 1);
	if (b == NULL)
		return in;
	in->bytes = b;
	in->nbytes = f->len;
	in->frame = r->frame;
	/* The bytes as they crossed that link (MACs and TTL of that hop). */
	if (r->kind == TR_FRAME_TX || r->kind == TR_FRAME_RX)
		trace_frame_on_link(u->tr, r, in->bytes);
	else
		memcpy(in->bytes, trace_frame_bytes(u->tr, r->frame), f->len);
	insp_decode(u, in, r);
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
	if (u->app.sel_field >= in->nrows)
		u->app.sel_field = in->nrows - 1;
	const struct trace_rec *r = trace_get(u->tr, (size_t)in->rec);
	int from, to;
	ui_record_ends(u, r, &from, &to);
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
	int hex_lines_all = (int)((in->nbytes + 7) / 8);
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
	/*
	 * A new packet that does not fit opens at its transport layer, so the
	 * application's fields (what the story is about) are in sight; the
	 * wheel scrolls up to Ethernet and IPv4.
	 */
	if (in->fresh && u->app.sel_field < 0 && in->nrows > fit &&
	    in->transport_row > 0)
		u->app.scroll_inspector = in->transport_row;
	in->fresh = 0;
	/* Keep the chosen row in sight; otherwise the wheel scrolls. */
	int first = u->app.scroll_inspector;
	if (u->app.sel_field >= 0 && (u->app.sel_field < first ||
	    u->app.sel_field >= first + fit))
		first = u->app.sel_field - fit / 2;
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
		text_draw_fit(u->text, rw->layer ? FACE_BOLD : FACE_SANS, px,
		    sel ? th->select_text : th->text, x + (rw->layer ? 0 : pad),
		    ry, w - (rw->layer ? 0 : pad), rw->text);
	}
	y += rows_h + pad;

	/* The hex dump: 8 bytes a line, the chosen field's bytes lit. */
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
	int cw = text_width(u->text, FACE_MONO, mono, "0");
	/* The printable column only where it fits beside the hex. */
	int ascii = x + cw * (5 + 3 * 8 + 1 + 8) <= L->right.x + L->right.w;
	int first_line = 0;
	if (hi > lo && (int)(lo / 8) >= lines)
		first_line = (int)(lo / 8) - lines / 3;
	if (first_line > hex_lines_all - lines)
		first_line = hex_lines_all - lines;
	if (first_line < 0)
		first_line = 0;
	for (int ln = first_line; ln < hex_lines_all && ln < first_line + lines;
	    ln++) {
		int ly = y + (ln - first_line) * mlh;
		snprintf(buf, sizeof buf, "%04x", ln * 8);
		text_draw(u->text, FACE_MONO, mono, th->dim, x, ly, buf);
		for (int k = 0; k < 8; k++) {
			uint32_t i = (uint32_t)ln * 8 + (uint32_t)k;
			if (i >= in->nbytes)
				break;
			int bx = x + cw * (5 + 3 * k);
			int ax = x + cw * (5 + 3 * 8 + 1 + k);
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
