/*
 * whereis_line.c: the line "Where the mail is: ..." (whereis_line.h).
 *
 * Each place becomes a short phrase from words.c with %1 (the node, as
 * the picture labels it) and %2 (the other node, or the account's name
 * for a mailbox); a message's phrases follow its name, and the messages
 * follow one another in the order they were written.
 */
#include "whereis_line.h"
#include "words.h"

#include <stdio.h>
#include <string.h>

const char *
whereis_node_label(const struct scenario *sc, int node, const char *lang)
{
	if (node < 0 || node >= sc->nnodes)
		return "?";
	const struct sc_node *n = &sc->nodes[node];
	if (n->label.n > 0)
		return sc_text_get(&n->label, lang);
	if (n->kind == SC_SERVER && n->hostname)
		return n->hostname;
	return n->id;
}

void
whereis_msg_name(const struct whereis *w, int msg, const char *lang,
    struct buf *out)
{
	whereis_msg_name_cut(w, msg, lang, 0, out);
}

void
whereis_msg_name_cut(const struct whereis *w, int msg, const char *lang,
    size_t max, struct buf *out)
{
	const struct whereis_msg *m = whereis_msg(w, msg);
	size_t n = strlen(m->subject);

	/* A bounce's subject is the server's, often English: say what it is. */
	if (m->bounce || n == 0) {
		buf_puts(out, words_get(lang, W_WH_NOTICE));
		return;
	}
	if (max == 0 || n <= max) {
		buf_printf(out, "\"%s\"", m->subject);
		return;
	}
	/* Cut between characters, never inside one (UTF-8). */
	while (max > 0 && ((unsigned char)m->subject[max] & 0xc0) == 0x80)
		max--;
	buf_printf(out, "\"%.*s…\"", (int)max, m->subject);
}

int
whereis_line_shows(const struct whereis_entry *e, int n, int i)
{
	int k = i;

	if (e[i].kind != WHERE_QUEUE && e[i].kind != WHERE_COMPOSED)
		return 1;
	/*
	 * e is by message (whereis_at()): its other places are next to it,
	 * and 100,000 messages' are not read for each (issue 16).
	 */
	while (k > 0 && e[k - 1].msg == e[i].msg)
		k--;
	for (; k < n && e[k].msg == e[i].msg; k++)
		if (e[k].kind == WHERE_TRANSIT && e[k].node == e[i].node)
			return 0;
	return 1;
}

/* The phrase for e, filled: %1 its node, %2 its peer or account. */
static void
phrase(const struct whereis_entry *e, const struct scenario *sc,
    const char *lang, struct buf *out)
{
	static const enum word wk[WHERE_NKINDS] = {
		[WHERE_COMPOSED] = W_WH_COMPOSED,
		[WHERE_TRANSIT] = W_WH_TRANSIT,
		[WHERE_QUEUE] = W_WH_QUEUE,
		[WHERE_MAILBOX] = W_WH_MAILBOX,
		[WHERE_DEVICE] = W_WH_DEVICE,
		[WHERE_BOUNCED] = W_WH_BOUNCED,
		[WHERE_REFUSED] = W_WH_REFUSED,
		[WHERE_LOST] = W_WH_LOST,
	};
	const char *t = words_get(lang, wk[e->kind]);
	char account[128];

	/* An account by its name, as a class says it: "penerima's mailbox". */
	snprintf(account, sizeof account, "%.*s", (int)strcspn(e->addr, "@"),
	    e->addr);
	for (; *t != '\0'; t++) {
		if (t[0] == '%' && t[1] == '1') {
			buf_puts(out, whereis_node_label(sc, e->node, lang));
			t++;
		} else if (t[0] == '%' && t[1] == '2') {
			buf_puts(out, e->kind == WHERE_MAILBOX ? account :
			    whereis_node_label(sc, e->peer, lang));
			t++;
		} else
			buf_putc(out, *t);
	}
}

void
whereis_line(struct whereis *w, const struct scenario *sc, size_t step,
    const char *lang, struct buf *out)
{
	whereis_line_cut(w, sc, step, lang, 0, out);
}

void
whereis_line_cut(struct whereis *w, const struct scenario *sc, size_t step,
    const char *lang, size_t subject_max, struct buf *out)
{
	const struct whereis_entry *e;
	int n = whereis_at(w, step, &e);
	int said_msg = -1, any = 0;
	size_t mark = 0, start = out->len;

	buf_puts(out, words_get(lang, W_WH_HEAD));
	buf_putc(out, ' ');
	for (int i = 0; i < n; i++) {
		struct buf p = { 0 };

		/*
		 * No panel shows more: the line of a 100,000-message world is
		 * megabytes, built and measured per frame (issue 16).
		 */
		if (out->len - start > WHEREIS_LINE_MAX) {
			buf_puts(out, " …");
			break;
		}
		if (!whereis_line_shows(e, n, i))
			continue;
		phrase(&e[i], sc, lang, &p);
		buf_putc(&p, '\0');
		/* Said already for this message (two recipients in one queue)? */
		if (e[i].msg == said_msg) {
			char *seen = strstr((const char *)out->data + mark,
			    (const char *)p.data);
			if (seen != NULL) {
				buf_free(&p);
				continue;
			}
			buf_puts(out, ", ");
		} else {
			if (any)
				buf_puts(out, "; ");
			whereis_msg_name_cut(w, e[i].msg, lang, subject_max,
			    out);
			buf_putc(out, ' ');
			mark = out->len;
			said_msg = e[i].msg;
		}
		buf_puts(out, (const char *)p.data);
		buf_free(&p);
		any = 1;
	}
	if (!any)
		buf_puts(out, words_get(lang, W_WH_NONE));
}
