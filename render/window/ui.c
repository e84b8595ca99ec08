/*
 * ui.c: what the window's drawing and panels ask of the ui (ui.h): the
 * narration language, its words, a node's name, the ends of a record,
 * the current step.  Apart from window.c, which draws them all, so that
 * draw.c and the panels depend on this file and not on window.c
 * (tests/layers.py: no cycle between modules).
 */
#include "ui.h"

void
ui_panel_begin(struct ui *u, const char *name, const struct lrect *r)
{
	text_panel(u->text, name, r->x, r->y, r->w, r->h);
}

void
ui_panel_begin_rect(struct ui *u, const char *name, SDL_Rect r)
{
	text_panel(u->text, name, r.x, r.y, r.w, r.h);
}

const char *
ui_lang(const struct ui *u)
{
	return u->lang_code[u->app.lang];
}

const char *
ui_word(const struct ui *u, enum word w)
{
	return words_get(ui_lang(u), w);
}

const char *
ui_node_name(const struct ui *u, int node)
{
	if (node < 0 || node >= u->sc->nnodes)
		return "?";
	const struct sc_node *n = &u->sc->nodes[node];
	if (n->label.n > 0)
		return sc_text_get(&n->label, ui_lang(u));
	if (n->kind == SC_SERVER && n->hostname)
		return n->hostname;
	return n->id;
}

const char *
ui_node_short(const struct ui *u, int node)
{
	if (node < 0 || node >= u->sc->nnodes)
		return "?";
	return u->sc->nodes[node].id;
}

void
ui_record_ends(const struct ui *u, const struct trace_rec *r, int *from,
    int *to)
{
	*from = r->node;
	*to = r->peer;
	if (r->kind == TR_FRAME_RX) {
		*from = r->peer;
		*to = r->node;
	} else if (r->kind == TR_FRAME_DROP && r->link >= 0 &&
	    r->link < u->sc->nlinks) {
		const struct sc_link *l = &u->sc->links[r->link];
		*from = r->dir ? l->b : l->a;
		*to = r->dir ? l->a : l->b;
	}
}

int
ui_current(const struct ui *u, struct trace_rec *r)
{
	if (u->app.step == 0 || u->app.step > trace_count(u->tr))
		return 0;
	*r = trace_at(u->tr, u->app.step - 1);
	return 1;
}

/*
 * A DNS record as a line: as a zone file writes it, with its TTL (zone 1,
 * the node panel), or in a sentence, without (zone 0, the what-if list).
 */
void
ui_rr_text(const struct sc_record *rr, int zone, char *buf, size_t n)
{
	const char *sp = zone ? "  " : " ";
	char data[320], ttl[32] = "";

	switch (rr->type) {
	case SC_RR_A:
		snprintf(data, sizeof data, "A%s%u.%u.%u.%u", sp,
		    rr->address >> 24, (rr->address >> 16) & 255,
		    (rr->address >> 8) & 255, rr->address & 255);
		break;
	case SC_RR_MX:
		snprintf(data, sizeof data, "MX%s%d %s", sp, rr->preference,
		    rr->exchange);
		break;
	case SC_RR_CNAME:
		snprintf(data, sizeof data, "CNAME%s%s", sp, rr->target);
		break;
	case SC_RR_TXT:
		snprintf(data, sizeof data, "TXT%s\"%s\"", sp,
		    rr->text ? rr->text : "");
		break;
	default:
		data[0] = '\0';
	}
	if (zone)
		snprintf(ttl, sizeof ttl, "  (TTL %u)", rr->ttl);
	snprintf(buf, n, "%s%s%s%s", rr->name, sp, data, ttl);
}
