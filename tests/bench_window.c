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
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "lang.h"
#include "stress.h"
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

int
main(void)
{
	struct wh w;
	int inflight;

	/* First frame: load, simulate, lay out, draw (fonts and icons included). */
	double t = wall();
	if (wh_open(&w, NULL, 1280, 720, "en") != 0)
		return 1;
	wh_draw(&w);
	printf("first_frame_ms %.1f\n", (wall() - t) * 1e3);

	long busiest = wh_resolve(w.u, "busiest");
	double fps = bench_frames(&w, (size_t)busiest, 300, &inflight);
	printf("frames_per_sec_default %.1f\n", fps);
	printf("frames_per_sec_default_packets %d\n", inflight);
	wh_close(&w);

	if (wh_open_scenario(&w, stress_scenario(), 1280, 720, "en") != 0)
		return 1;
	int s = stress_busiest_step(w.u->sim, w.u->view);
	fps = bench_frames(&w, (size_t)s, 100, &inflight);
	printf("frames_per_sec_stress %.1f\n", fps);
	printf("frames_per_sec_stress_packets %d\n", inflight);

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
	printf("stress_jump_and_draw_ms_mean %.2f\n", sum / 200);
	printf("stress_jump_and_draw_ms_max %.2f\n", worst);
	wh_close(&w);
	lang_free_all();
	return 0;
}
