/*
 * bench_scale.c: `make bench`'s scale ladder (issue 16, point 4), printed
 * as "name value" lines: the generated world of gen_world.h with 1,000,
 * 10,000 and 100,000 messages, each run by the program itself
 * (`surel run FILE --summary /dev/null`) as a child process, so that the
 * peak memory of each size is that run's own (wait4's rusage), and the
 * wall clock covers reading the file, the run and the summary.  The
 * child's CPU time (user + system) is printed too: on a machine shared
 * with other work it is the steadier figure.  Then the same world opens
 * in the window (`surel view FILE --screenshot`, SDL's dummy video
 * driver: no display needed), which keeps every record and frame byte,
 * lays out, indexes and draws one picture and exits: scale_N_window_*
 * is the wait for a first frame and its peak memory (issue 16, point 6).
 *
 *	bench_scale			the ladder
 *	bench_scale --write N FILE	only write the world with N messages
 *
 * SUREL_BIN names the program (default ./surel); SUREL_SCALE_SIZES a
 * comma-separated ladder instead of 1000,10000,100000; the worlds are
 * written to TMPDIR (default /tmp) and removed after their run.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gen_world.h"
#include "util.h"

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_world(int n, const char *path)
{
	struct buf b = { 0 };
	FILE *f;

	gen_world(n, 1, &b);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
		fprintf(stderr, "bench_scale: %s: %s\n", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	return 0;
}

/* Run argv as a child; its wall time, and its rusage; -1 if it failed. */
static int
child(char *const argv[], double *dt, struct rusage *ru)
{
	double t0 = wall();
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, ru) < 0) {
		fprintf(stderr, "bench_scale: cannot run %s\n", argv[0]);
		return -1;
	}
	*dt = wall() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_scale: %s %s failed (status %d)\n",
		    argv[0], argv[1], st);
		return -1;
	}
	return 0;
}

static double
cpu_s(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

static void
run_one(const char *bin, int n)
{
	char path[512], png[512];
	const char *tmp = getenv("TMPDIR");
	struct rusage ru;
	double dt;

	snprintf(path, sizeof path, "%s/surel-world-%d-%d.json",
	    tmp && *tmp ? tmp : "/tmp", n, (int)getpid());
	snprintf(png, sizeof png, "%s/surel-world-%d-%d.png",
	    tmp && *tmp ? tmp : "/tmp", n, (int)getpid());
	if (write_world(n, path) < 0)
		return;
	char *run[] = { (char *)bin, "run", path, "--summary", "/dev/null",
	    NULL };
	if (child(run, &dt, &ru) == 0) {
		printf("scale_%d_wall_s %.2f\n", n, dt);
		printf("scale_%d_peak_rss_mb %.1f\n", n,
		    (double)ru.ru_maxrss / 1024.0);
		printf("scale_%d_us_per_message %.1f\n", n, dt * 1e6 / n);
		/* The child's own CPU time: what a machine busy with others leaves. */
		printf("scale_%d_cpu_s %.2f\n", n, cpu_s(&ru));
		printf("scale_%d_cpu_us_per_message %.1f\n", n,
		    cpu_s(&ru) * 1e6 / n);
		fflush(stdout);
	}
	char *view[] = { (char *)bin, "view", path, "--screenshot", png,
	    "--size", "1280x720", NULL };
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (child(view, &dt, &ru) == 0) {
		printf("scale_%d_window_first_frame_s %.2f\n", n, dt);
		printf("scale_%d_window_peak_rss_mb %.1f\n", n,
		    (double)ru.ru_maxrss / 1024.0);
		fflush(stdout);
	}
	unlink(png);
	unlink(path);
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--write") == 0)
		return write_world(atoi(argv[2]), argv[3]) < 0;
	const char *bin = getenv("SUREL_BIN");
	const char *sizes = getenv("SUREL_SCALE_SIZES");

	if (bin == NULL || *bin == '\0')
		bin = "./surel";
	if (sizes == NULL || *sizes == '\0')
		sizes = "1000,10000,100000";
	for (const char *p = sizes; *p; ) {
		int n = atoi(p);

		if (n > 0)
			run_one(bin, n);
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}
