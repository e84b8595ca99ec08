/*
 * test_window_filter.c: the protocol filters and the event list of
 * issue 11: a chip of the legend hides exactly its protocol's packets in
 * the picture and its rows in the list (a click, a key, --hide); the
 * list shows the steps of the current level of detail, found without a
 * walk over the trace; a row names nodes as the picture does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "evtext.h"
#include "window_helpers.h"

static const enum app_proto protos[] = { APP_DNS, APP_SMTP, APP_LMTP,
	APP_POP3, APP_IMAP, APP_NONE };
#define NPROTOS (sizeof protos / sizeof protos[0])

/* Rows listed now that wear chip p (a failed connection is never filtered). */
static size_t
rows_with(struct ui *u, enum app_proto p)
{
	size_t n = 0;
	enum app_proto c;

	for (size_t i = 0; i < evlist_count(u); i++)
		if (panel_events_chip(u, (size_t)evlist_row(u, i), &c) &&
		    c == p && trace_at(u->tr, (size_t)evlist_row(u, i)).kind !=
		    TR_TCP_ERROR)
			n++;
	return n;
}

/* Packets the picture lays out now, of protocol p (-1: all). */
static int
packets_with(struct ui *u, int p)
{
	int n = 0;

	draw_packets_layout(u);
	for (int i = 0; i < u->npk; i++)
		n += p < 0 || (int)u->pk[i].p.proto == p;
	return n;
}

/* The pixels of the picture's top right corner, added up, drawn now. */
static unsigned long
corner_sum(struct wh *w)
{
	const struct lrect *p = &w->u->lay.picture;
	unsigned long sum = 0;

	wh_draw(w);
	for (int y = p->y + 4; y < p->y + 30; y++) {
		const Uint32 *row = (const Uint32 *)((const Uint8 *)w->sf->pixels +
		    (size_t)y * (size_t)w->sf->pitch);
		for (int x = p->x + p->w - 250; x < p->x + p->w - 4; x++)
			sum = sum * 31 + row[x];
	}
	return sum;
}

/*
 * Over a whole lesson, each protocol's filter takes out exactly the rows
 * that wear its chip and exactly its packets in flight, at every step
 * looked at; showing it again brings them all back.
 */
START_TEST(test_filter_hides_exactly_its_protocol)
{
	struct wh w;
	struct ui *u;
	int tried = 0;

	ck_assert_int_eq(wh_open(&w, "scenarios/08-pop3-then-phone.json", 1280,
	    720, "id"), 0);
	u = w.u;
	/* The window opens at the story level; every row is at packets. */
	u->app.level = DETAIL_PACKETS;
	size_t all = evlist_count(u), nsteps = u->app.nsteps;
	ck_assert_uint_eq(all, trace_count(u->tr));
	for (size_t k = 0; k < NPROTOS; k++) {
		enum app_proto p = protos[k];
		size_t mine = rows_with(u, p);

		if (!(evlist_present(u) & APP_HIDE(p))) {
			ck_assert_uint_eq(mine, 0);
			continue;
		}
		tried++;
		ck_assert_uint_gt(mine, 0);
		u->app.hide = APP_HIDE(p);
		ck_assert_uint_eq(evlist_count(u), all - mine);
		ck_assert_uint_eq(rows_with(u, p), 0);
		u->app.hide = 0;
		ck_assert_uint_eq(evlist_count(u), all);
		/* The packets, at a step in every 13 of the lesson. */
		long seen = 0;
		for (size_t s = 1; s < nsteps; s += 13) {
			app_seek(&u->app, s);
			int before = packets_with(u, -1), of_p = packets_with(u,
			    (int)p);
			u->app.hide = APP_HIDE(p);
			ck_assert_int_eq(packets_with(u, -1), before - of_p);
			ck_assert_int_eq(packets_with(u, (int)p), 0);
			u->app.hide = 0;
			seen += of_p;
		}
		ck_assert_msg(seen > 0, "no %s packet in flight anywhere",
		    app_proto_name(p));
	}
	/* 08 has DNS, SMTP, LMTP, POP3 and TCP only; no IMAP. */
	ck_assert_int_eq(tried, 5);
	ck_assert(!(evlist_present(u) & APP_HIDE(APP_IMAP)));
	wh_close(&w);

	/* A server that does not answer: "TCP only" keeps the failed connections. */
	ck_assert_int_eq(wh_open(&w, "scenarios/10-server-down.json", 1280,
	    720, "en"), 0);
	u = w.u;
	size_t errors = 0;
	for (size_t i = 0; i < trace_count(u->tr); i++)
		errors += trace_at(u->tr, i).kind == TR_TCP_ERROR;
	ck_assert_uint_gt(errors, 0);
	u->app.hide = APP_HIDE(APP_NONE);
	size_t kept = 0;
	for (size_t i = 0; i < evlist_count(u); i++)
		kept += trace_at(u->tr, (size_t)evlist_row(u, i)).kind ==
		    TR_TCP_ERROR;
	ck_assert_uint_eq(kept, errors);
	wh_close(&w);
}
END_TEST

/* A click on a chip, the digit keys and --hide set the same filter; the picture says so. */
START_TEST(test_filter_click_key_and_note)
{
	struct wh w;
	struct ui *u;
	int x = -1, y = -1;

	ck_assert_int_eq(wh_open(&w, "scenarios/08-pop3-then-phone.json", 1280,
	    720, "en"), 0);
	u = w.u;
	wh_draw(&w);
	/* Find the first chip of the legend (DNS) by asking where clicks land. */
	for (int yy = u->lay.legend.y; yy < u->lay.legend.y + u->lay.legend.h &&
	    x < 0; yy++)
		for (int xx = u->lay.legend.x; xx < u->lay.legend.x + 200; xx++)
			if (draw_legend_hit(u, xx, yy) == APP_DNS) {
				x = xx + 3;
				y = yy + 3;
				break;
			}
	ck_assert_int_ge(x, 0);
	size_t all = evlist_count(u);
	wh_click(&w, x, y, SDL_BUTTON_LEFT);
	ck_assert_uint_eq(u->app.hide, APP_HIDE(APP_DNS));
	ck_assert_uint_lt(evlist_count(u), all);
	/* The note at the picture's top right: there the pixels change. */
	unsigned long noted = corner_sum(&w);
	u->app.hide = 0;
	ck_assert_uint_ne(noted, corner_sum(&w));
	u->app.hide = APP_HIDE(APP_DNS);
	wh_click(&w, x, y, SDL_BUTTON_LEFT);
	ck_assert_uint_eq(u->app.hide, 0);
	ck_assert_uint_eq(evlist_count(u), all);
	/* Keys: 1 is the first chip (DNS), the last chip is TCP only. */
	wh_key(&w, SDLK_1, 0);
	ck_assert_uint_eq(u->app.hide, APP_HIDE(APP_DNS));
	wh_key(&w, SDLK_5, 0);
	ck_assert_uint_eq(u->app.hide, APP_HIDE(APP_DNS) | APP_HIDE(APP_NONE));
	wh_key(&w, SDLK_1, 0);
	wh_key(&w, SDLK_5, 0);
	ck_assert_uint_eq(u->app.hide, 0);
	/* A sixth chip there is not: nothing changes. */
	wh_key(&w, SDLK_6, 0);
	ck_assert_uint_eq(u->app.hide, 0);
	wh_close(&w);

	/* --hide: a picture with TCP only hidden differs from one without; bad names exit 2. */
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s view scenarios/08-pop3-then-phone.json "
	    "--hide tcp,DNS --screenshot build/filter-a.png --step 1660", bin);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s view scenarios/08-pop3-then-phone.json "
	    "--screenshot build/filter-b.png --step 1660", bin);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_ne(system("cmp -s build/filter-a.png build/filter-b.png"),
	    0);
	static const char *const bad[] = { "--hide http", "--hide dns,",
		"--hide ''", "--hide dns,,smtp" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s view scenarios/08-pop3-then-phone"
		    ".json %s --screenshot build/x.png 2>build/hide-err.txt",
		    bin, bad[i]);
		int st = system(cmd);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: %d",
		    bad[i], st);
	}
	size_t len;
	FILE *f = fopen("build/hide-err.txt", "r");
	char msg[512] = "";
	ck_assert_ptr_nonnull(f);
	len = fread(msg, 1, sizeof msg - 1, f);
	msg[len] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(msg, "dns, smtp, lmtp, pop3, imap, tcp"));
}
END_TEST

/*
 * At the story level the list holds exactly the story's steps, in order;
 * the current step's row is lit where it is one; a click on a row seeks
 * to its step.  Every bundled lesson, every level.
 */
START_TEST(test_event_list_at_each_level)
{
	static const char *const files[] = {
		"scenarios/default.json", "scenarios/08-pop3-then-phone.json",
		"scenarios/06-unknown-user.json", "scenarios/14-lossy-link.json",
	};

	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct wh w;
		ck_assert_int_eq(wh_open(&w, files[f], 1280, 720, "en"), 0);
		struct ui *u = w.u;
		for (int d = DETAIL_STORY; d <= DETAIL_PACKETS; d++) {
			u->app.level = (enum detail)d;
			size_t n = evlist_count(u);
			ck_assert_uint_eq(n, detail_count(u->tr, (enum detail)d));
			ck_assert_uint_gt(n, 0);
			for (size_t i = 0; i < n; i++) {
				long r = evlist_row(u, i);
				ck_assert(detail_has(u->tr, (size_t)r,
				    (enum detail)d));
				if (i > 0)
					ck_assert_int_gt(r, evlist_row(u,
					    i - 1));
			}
		}
		/* Story: a click on the list's first row goes to its step. */
		u->app.level = DETAIL_STORY;
		app_seek(&u->app, (size_t)evlist_row(u, 3) + 1);
		wh_draw(&w);
		int y = u->lay.events.y + u->lay.events.h / 2;
		long want = -1;
		for (int yy = u->lay.events.y; yy < u->lay.events.y +
		    u->lay.events.h && want < 0; yy += 4)
			if ((want = panel_events_hit(u, 20, yy)) >= 0)
				y = yy;
		ck_assert_int_gt(want, 0);
		ck_assert(detail_has(u->tr, (size_t)want - 1, DETAIL_STORY));
		wh_click(&w, 20, y, SDL_BUTTON_LEFT);
		ck_assert_uint_eq(u->app.step, (size_t)want);
		wh_close(&w);
	}
}
END_TEST

/* The list names nodes by their labels in the picture's language, never by id. */
START_TEST(test_event_list_uses_labels)
{
	struct wh w;
	char buf[512];
	int labelled = 0;

	ck_assert_int_eq(wh_open(&w, "scenarios/08-pop3-then-phone.json", 1280,
	    720, "id"), 0);
	for (size_t i = 0; i < trace_count(w.u->tr); i++) {
		const struct trace_rec r = trace_at(w.u->tr, i);
		if (r.node < 0)
			continue;
		panel_events_who(w.u, i, buf, sizeof buf);
		ck_assert_ptr_nonnull(strstr(buf, ui_node_name(w.u, r.node)));
		const struct sc_node *n = &w.u->sc->nodes[r.node];
		if (n->label.n > 0) {
			labelled++;
			ck_assert_msg(strstr(buf, n->id) == NULL ||
			    strstr(ui_node_name(w.u, r.node), n->id) != NULL,
			    "row %zu names %s by its id: %s", i, n->id, buf);
		}
	}
	ck_assert_int_gt(labelled, 100);
	/* The sender's laptop, as the picture writes it. */
	ck_assert_int_eq(wh_apply(w.u, "step:1"), 1);
	panel_events_who(w.u, 0, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "Laptop pengirim"));
	wh_close(&w);
}
END_TEST

Suite *
window_filter_suite(void)
{
	Suite *s = suite_create("window_filter");
	TCase *tc = tcase_create("filters");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_filter_hides_exactly_its_protocol);
	tcase_add_test(tc, test_filter_click_key_and_note);
	tcase_add_test(tc, test_event_list_at_each_level);
	tcase_add_test(tc, test_event_list_uses_labels);
	suite_add_tcase(s, tc);
	return s;
}
