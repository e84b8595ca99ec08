/*
 * test_window_crowd.c: the picture of a crowded world (issue 16).
 *
 * The label placer's grid answers as a test of every box and line
 * would; a world with over a thousand frames on the wire draws each of
 * them, as a tag or as a dot on its own line, and a picture with few
 * frames (every bundled one) draws no dot at all, so its pictures stay
 * what they were.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "place.h"
#include "stress.h"
#include "window_helpers.h"

/* place_clear() the long way: every box, every line. */
static int
brute_clear(const struct place *p, SDL_Rect r, int lines, int own)
{
	if (r.x < p->area.x || r.y < p->area.y ||
	    r.x + r.w > p->area.x + p->area.w ||
	    r.y + r.h > p->area.y + p->area.h)
		return 0;
	SDL_Rect g = { r.x - PLACE_GAP, r.y, r.w + 2 * PLACE_GAP, r.h };
	for (int i = 0; i < p->nbox; i++)
		if (SDL_HasIntersection(&g, &p->box[i]))
			return 0;
	for (int i = 0; lines && i < p->nseg; i++) {
		const struct place_seg *s = &p->seg[i];
		if (s->id == own)
			continue;
		/* Sampled finely: a line through r has a sample inside it. */
		for (int k = 0; k <= 4000; k++) {
			double x = s->x0 + (s->x1 - s->x0) * k / 4000.0;
			double y = s->y0 + (s->y1 - s->y0) * k / 4000.0;
			if (x >= r.x + 0.5 && x <= r.x + r.w - 0.5 &&
			    y >= r.y + 0.5 && y <= r.y + r.h - 0.5)
				return 0;
		}
	}
	return 1;
}

START_TEST(test_place_grid)
{
	struct place p = { 0 };
	int differ = 0, clear = 0;

	srand(16);
	for (int round = 0; round < 20; round++) {
		place_reset(&p, (SDL_Rect){ 10, 20, 800, 450 });
		for (int i = 0; i < 12; i++)
			place_line(&p, 10 + rand() % 800, 20 + rand() % 450,
			    10 + rand() % 800, 20 + rand() % 450, 3, i);
		for (int i = 0; i < 150; i++) {
			SDL_Rect r = { rand() % 860 - 20, rand() % 500 - 10,
			    4 + rand() % 60, 4 + rand() % 24 };
			int lines = rand() % 2, own = rand() % 12;
			int a = place_clear(&p, r, lines, own);
			int b = brute_clear(&p, r, lines, own);
			/* The sampled lines may miss a corner the exact test meets. */
			differ += a != b && !(lines && !a && b);
			clear += a;
			if (a && rand() % 2)
				place_take(&p, r);
			else if (p.nbox > 0 && rand() % 5 == 0)
				place_set(&p, rand() % p.nbox, r);
		}
	}
	place_free(&p);
	ck_assert_int_eq(differ, 0);
	ck_assert_int_gt(clear, 100);
}
END_TEST

/* Distance from (x, y) to the segment a-b. */
static double
seg_dist(double x, double y, double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
	double t = l2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / l2 : 0;

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(x - (ax + t * dx), y - (ay + t * dy));
}

START_TEST(test_crowd_every_frame_drawn)
{
	struct wh w;

	ck_assert_int_eq(wh_open_scenario(&w, stress_scenario_wide(), 1280, 720,
	    "en"), 0);
	int s = stress_busiest_step(w.u->sim, w.u->view);
	app_seek(&w.u->app, (size_t)s);
	wh_draw(&w);
	int wire = 0, tags = 0, dots = 0, off = 0;
	for (int i = 0; i < w.u->npk; i++) {
		const struct ui_packet *q = &w.u->pk[i];
		if (q->p.queued)
			continue;
		wire++;
		ck_assert_msg(q->box.w > 0, "frame %u on the wire not drawn",
		    q->p.frame);
		if (!q->dot) {
			tags++;
			continue;
		}
		dots++;
		const struct sc_link *lk = &w.u->sc->links[q->p.link];
		double cx = q->box.x + q->box.w / 2.0;
		double cy = q->box.y + q->box.h / 2.0;
		off += seg_dist(cx, cy, w.u->lay.nx[lk->a], w.u->lay.ny[lk->a],
		    w.u->lay.nx[lk->b], w.u->lay.ny[lk->b]) > 2;
	}
	ck_assert_int_ge(wire, 500);
	ck_assert_int_ge(dots, 500);
	ck_assert_int_eq(wire, tags + dots);
	ck_assert_int_eq(off, 0);
	wh_close(&w);
}
END_TEST

START_TEST(test_few_frames_no_dots)
{
	struct wh w;

	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	wh_apply(w.u, "busiest");
	wh_draw(&w);
	ck_assert_int_gt(w.u->npk, 0);
	for (int i = 0; i < w.u->npk; i++)
		ck_assert_int_eq(w.u->pk[i].dot, 0);
	wh_close(&w);
}
END_TEST

Suite *window_crowd_suite(void);

Suite *
window_crowd_suite(void)
{
	Suite *s = suite_create("window_crowd");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_place_grid);
	tcase_add_test(tc, test_crowd_every_frame_drawn);
	tcase_add_test(tc, test_few_frames_no_dots);
	suite_add_tcase(s, tc);
	return s;
}
