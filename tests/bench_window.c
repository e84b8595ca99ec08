/*
 * bench_window.c: `make bench`, the window's part: frames per second of
 * the software renderer at 1280x720 (the fallback where there is no GPU,
 * and what --screenshot uses), at the busiest step of the default
 * scenario and of the stress scenario (tests/stress.c, hundreds of
 * frames in flight), and the time to the first frame.  "name value"
 * lines; never a pass/fail.
 *
 * Each measured frame moves the playback time a little, as playing does,
 * so the packets' places are computed again every frame.
 *
 * The stress world (stress_scenario_wide(): 40 laptops, each on a link of
 * its own, all sending at once): stress_frames_on_wire, frames crossing
 * a link (not waiting in a FIFO) at its busiest step; stress_frames_drawn,
 * frames drawn as themselves: a tag of their own (not one merged into
 * "SMTP ×3" or counted in "N waiting"), or, in a crowded picture, a dot
 * on its line whose centre no other dot covers; the picture is saved as
 * build/stress.png to be looked at.  The FIFO world (stress_scenario(),
 * most frames waiting in one queue) is measured too, as stress_fifo_*.
 * jump_draw_ms_p99: 200 jumps to a random step, each seek plus the
 * drawing of that step, over the largest bundled trace and over a trace
 * of about a million records (stress_scenario_big()), with the seek's
 * share, the inspector's decoding (sim/explain) timed again alone, and
 * the rest.  big_first_frame_ms: load, run, index and draw of that
 * trace, then the run and the window's indexes timed again alone.
 * BENCH_BIG_ONLY=1 measures the million-record trace alone (a profiler's
 * run).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL_image.h>

#include "cli.h"
#include "decode.h"
#include "lang.h"
#include "stress.h"
#include "whereis.h"
#include "window_helpers.h"

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Frames per second drawing around step, moving time by small steps. */
static double
bench_frames(struct wh *w, size_t step, int frames, int *inflight)
{
	struct app *a = &w->u->app;

	app_seek(a, step);
	uint64_t t0 = a->t;
	uint64_t t1 = step + 1 < a->nsteps ? view_step_time(w->u->view, step +
	    1) : t0;
	wh_draw(w);		/* warm the caches, as a running window has them */
	*inflight = w->u->npk;
	double start = wall();
	for (int i = 0; i < frames; i++) {
		a->t = t0 + (t1 > t0 ? (t1 - t0) * (uint64_t)i / (uint64_t)frames :
		    0);
		wh_draw(w);
	}
	return frames / (wall() - start);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* 200 random jumps, each a seek and a drawing: the 99th percentile in ms. */
static double
jump_draw_p99(struct wh *w, double *seek_p99, double *dec_p99,
    double *rest_p99)
{
	double ms[200], seek[200], dec[200], rest[200];

	srand(7);
	for (int i = 0; i < 200; i++) {
		size_t to = (size_t)rand() % w->u->app.nsteps;
		double a = wall();

		app_seek(&w->u->app, to);
		seek[i] = (wall() - a) * 1e3;
		wh_draw(w);
		ms[i] = (wall() - a) * 1e3;
		/* The inspector's decoding of the record it shows, again alone. */
		long rec = panel_inspector_record(w->u);
		dec[i] = 0;
		if (rec >= 0) {
			static struct decode_row rows[DECODE_MAX_ROWS];
			double b = wall();
			struct trace_rec r = trace_at(w->u->tr, (size_t)rec);
			sim_decode_in(w->u->sc, w->u->tr, &r, rows,
			    DECODE_MAX_ROWS);
			dec[i] = (wall() - b) * 1e3;
		}
	}
	for (int i = 0; i < 200; i++)
		rest[i] = ms[i] - dec[i];
	qsort(ms, 200, sizeof *ms, cmp_double);
	qsort(seek, 200, sizeof *seek, cmp_double);
	qsort(dec, 200, sizeof *dec, cmp_double);
	qsort(rest, 200, sizeof *rest, cmp_double);
	*seek_p99 = seek[198];
	*dec_p99 = dec[198];
	*rest_p99 = rest[198];
	return ms[198];
}

/*
 * Frames on the wire, and those drawn as themselves, as last drawn: a
 * tag of their own, or a dot of a crowded picture whose centre no other
 * counted dot covers (dots on top of each other count once).
 */
static void
count_drawn(const struct ui *u, int *wire, int *drawn, int *dots)
{
	uint8_t *seen = calloc((size_t)u->lay.w * (size_t)u->lay.h, 1);

	*wire = *drawn = *dots = 0;
	for (int i = 0; i < u->npk; i++) {
		const struct ui_packet *q = &u->pk[i];

		*wire += !q->p.queued;
		/*
		 * A dot counts where its centre is clear of the dots counted
		 * before it (none within 2 px): at least its middle is seen.
		 */
		if (q->dot) {
			int cx = q->box.x + q->box.w / 2, cy = q->box.y + q->box.h / 2;
			if (cx >= 0 && cy >= 0 && cx < u->lay.w && cy < u->lay.h &&
			    !seen[cy * u->lay.w + cx]) {
				for (int dy = -2; dy <= 2; dy++)
					for (int dx = -2; dx <= 2; dx++) {
						int x = cx + dx, y = cy + dy;
						if (x >= 0 && y >= 0 && x < u->lay.w &&
						    y < u->lay.h)
							seen[y * u->lay.w + x] = 1;
					}
				(*dots)++;
			}
		} else
			*drawn += q->box.w > 0 && strstr(q->tag, "×") == NULL;
	}
	*drawn += *dots;
	free(seen);
}

/* The bundled scenario with the most trace records. */
static char *
largest_bundled(size_t *records)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	char *best = NULL;

	*records = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);
		struct wh w;

		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "scenarios/%s", e->d_name);
		if (wh_open(&w, path, 320, 200, "en") != 0)
			continue;
		size_t n = trace_count(w.u->tr);
		if (n > *records) {
			*records = n;
			free(best);
			best = strdup(path);
		}
		wh_close(&w);
	}
	closedir(d);
	return best;
}

int
main(void)
{
	struct wh w;
	int inflight;
	double t;

	/* BENCH_BIG_ONLY: the million-record trace alone, for a profiler. */
	if (getenv("BENCH_BIG_ONLY") != NULL)
		goto big;
	/* First frame: load, simulate, lay out, draw (fonts and icons included). */
	t = wall();
	if (wh_open(&w, NULL, 1280, 720, "en") != 0)
		return 1;
	wh_draw(&w);
	printf("first_frame_ms %.1f\n", (wall() - t) * 1e3);

	long busiest = wh_resolve(w.u, "busiest");
	double fps = bench_frames(&w, (size_t)busiest, 300, &inflight);
	printf("frames_per_sec_default %.1f\n", fps);
	printf("frames_per_sec_default_packets %d\n", inflight);
	wh_close(&w);

	/* The wide world: frames spread over dozens of links at once. */
	t = wall();
	if (wh_open_scenario(&w, stress_scenario_wide(), 1280, 720, "en") != 0)
		return 1;
	printf("stress_open_ms %.1f\n", (wall() - t) * 1e3);
	int s = stress_busiest_step(w.u->sim, w.u->view);
	fps = bench_frames(&w, (size_t)s, 100, &inflight);
	printf("frames_per_sec_stress %.1f\n", fps);
	printf("stress_links %d\n", w.u->sc->nlinks);
	printf("stress_packets %d\n", inflight);
	app_seek(&w.u->app, (size_t)s);
	wh_draw(&w);
	int wire, drawn, dots;
	count_drawn(w.u, &wire, &drawn, &dots);
	printf("stress_frames_on_wire %d\n", wire);
	printf("stress_frames_drawn %d\n", drawn);
	printf("stress_frames_drawn_as_dots %d\n", dots);
	IMG_SavePNG(w.sf, "build/stress.png");
	wh_close(&w);
	if (wh_open_scenario(&w, stress_scenario(), 1280, 720, "en") != 0)
		return 1;
	/* The FIFO world: most frames wait in one queue, drawn as one count. */
	s = stress_busiest_step(w.u->sim, w.u->view);
	fps = bench_frames(&w, (size_t)s, 100, &inflight);
	printf("frames_per_sec_stress_fifo %.1f\n", fps);
	printf("stress_fifo_packets %d\n", inflight);
	/* The busiest step itself, drawn once more: what a student sees there. */
	app_seek(&w.u->app, (size_t)s);
	wh_draw(&w);
	count_drawn(w.u, &wire, &drawn, &dots);
	printf("stress_fifo_frames_on_wire %d\n", wire);
	printf("stress_fifo_frames_drawn %d\n", drawn);
	IMG_SavePNG(w.sf, "build/stress-fifo.png");

	/* A random jump and a frame, as the timeline's drag does. */
	srand(1);
	double worst = 0, sum = 0;
	for (int i = 0; i < 200; i++) {
		size_t to = (size_t)rand() % w.u->app.nsteps;
		double a = wall();
		app_seek(&w.u->app, to);
		wh_draw(&w);
		double d = (wall() - a) * 1e3;
		sum += d;
		if (d > worst)
			worst = d;
	}
	printf("stress_fifo_jump_and_draw_ms_mean %.2f\n", sum / 200);
	printf("stress_fifo_jump_and_draw_ms_max %.2f\n", worst);
	wh_close(&w);


	size_t nrec;
	char *big = largest_bundled(&nrec);
	if (big != NULL && wh_open(&w, big, 1280, 720, "en") == 0) {
		printf("jump_draw_bundled_records %zu\n", nrec);
		double sk, dk, rk, jd = jump_draw_p99(&w, &sk, &dk, &rk);
		printf("jump_draw_ms_p99_bundled %.2f\n", jd);
		printf("jump_seek_ms_p99_bundled %.2f\n", sk);
		printf("jump_decode_ms_p99_bundled %.2f\n", dk);
		printf("jump_draw_ms_p99_bundled_without_decode %.2f\n", rk);
		wh_close(&w);
	}
	free(big);
big:
	/*
	 * Time to the first frame of the million-record trace, as a student
	 * waits for it (load, run, index, draw); then its parts, each timed
	 * again alone: the run, the view's index, the event list's.
	 */
	t = wall();
	if (wh_open_scenario(&w, stress_scenario_big(), 1280, 720, "en") != 0)
		return 1;
	wh_draw(&w);
	printf("big_first_frame_ms %.1f\n", (wall() - t) * 1e3);
	printf("jump_draw_big_records %zu\n", trace_count(w.u->tr));
	t = wall();
	struct view *bv = view_new(w.u->sim);
	printf("big_view_index_ms %.1f\n", (wall() - t) * 1e3);
	view_free(bv);
	evlist_free(w.u);
	t = wall();
	evlist_count(w.u);
	printf("big_evlist_index_ms %.1f\n", (wall() - t) * 1e3);
	/* The where-is places (sim/explain/whereis.c), which the first frame draws. */
	t = wall();
	whereis_free(whereis_new(w.u->tr, w.u->sc));
	printf("big_whereis_ms %.1f\n", (wall() - t) * 1e3);
	t = wall();
	struct scenario *bsc = stress_scenario_big();
	struct sim *bs = sim_new(bsc, bsc->seed);
	sim_run(bs);
	printf("big_run_ms %.1f\n", (wall() - t) * 1e3);
	sim_free(bs);
	scenario_free(bsc);
	printf("big_view_bytes_per_record %.1f\n",
	    (double)view_bytes_used(w.u->view) / (double)trace_count(w.u->tr));
	double skb, dkb, rkb, jdb = jump_draw_p99(&w, &skb, &dkb, &rkb);
	printf("jump_draw_ms_p99_big %.2f\n", jdb);
	printf("jump_seek_ms_p99_big %.2f\n", skb);
	printf("jump_decode_ms_p99_big %.2f\n", dkb);
	printf("jump_draw_ms_p99_big_without_decode %.2f\n", rkb);
	wh_close(&w);
	lang_free_all();
	return 0;
}
