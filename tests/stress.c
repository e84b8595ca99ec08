/*
 * stress.c: see stress.h.  The scenario is JSON text, so that the window
 * can load the same thing (`surel view` reads it from standard input).
 *
 * Sixteen laptops submit a 400 kB attachment each at the same moment to
 * one mail server; the last link before the server runs at 2 Mbit/s
 * with 40 ms of latency and a FIFO of 5000 frames.  Each TCP connection
 * opens its window (128 KiB, scaled, about 230 segments of MSS 536), so
 * after a few round trips well over 500 segments wait in that FIFO or
 * cross the link, and the trace holds well over 100,000 records.  Most
 * of them wait in one FIFO, which the window draws as one tag with a
 * count: bench_window prints how many frames have a tag of their own.
 * (A world of 256 laptops on their own links, to spread the load over
 * 500 link directions, made the window's tag placement, place_clear(),
 * take seconds per frame: left for the window's own work.)
 */
#include "stress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "util.h"
#include "view.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define STRESS_CLIENTS	16
#define STRESS_BYTES	400000
#define STRESS_BIG_BYTES 3200000	/* about a million trace records */
#define STRESS_WIDE_CLIENTS 40	/* stress_scenario_wide(): 41 links, 82 directions */
#define STRESS_WIDE_BYTES 60000

static char *stress_json;

/* The world with n laptops sending bytes each: JSON text, malloc'ed. */
static char *
stress_build(int n, int bytes)
{
	struct buf b = { 0 };

	buf_puts(&b, "{\n  \"surel\": 1,\n"
	    "  \"title\": \"Stress: sixteen large messages through one slow link\",\n"
	    "  \"nodes\": [\n"
	    "    { \"id\": \"isp\", \"kind\": \"router\", \"ip\": \"10.0.0.1\" },\n"
	    "    { \"id\": \"mail\", \"kind\": \"server\", \"ip\": \"10.0.1.25\",\n"
	    "      \"hostname\": \"mail.stress.test\",\n"
	    "      \"services\": {\n"
	    "        \"submission\": { \"require_auth\": false },\n"
	    "        \"smtp\": { \"domains\": [\"stress.test\"] } } }");
	for (int i = 0; i < n; i++)
		buf_printf(&b, ",\n    { \"id\": \"laptop-%02d\", \"kind\": "
		    "\"client\", \"ip\": \"10.0.2.%d\" }", i, 10 + i);
	buf_puts(&b, "\n  ],\n  \"links\": [\n"
	    "    { \"a\": \"isp\", \"b\": \"mail\", \"latency_ms\": 40, "
	    "\"bandwidth_kbps\": 2000, \"queue_packets\": 5000 }");
	for (int i = 0; i < n; i++)
		buf_printf(&b, ",\n    { \"a\": \"laptop-%02d\", \"b\": \"isp\", "
		    "\"latency_ms\": 1, \"bandwidth_kbps\": 100000 }", i);
	buf_puts(&b, "\n  ],\n  \"accounts\": [\n"
	    "    { \"address\": \"inbox@stress.test\", \"server\": \"mail\", "
	    "\"password\": \"x\" }\n  ],\n  \"actions\": [");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s\n    { \"at_ms\": 0, \"node\": \"laptop-%02d\", "
		    "\"send\": { \"from\": \"laptop%02d@elsewhere.test\", "
		    "\"to\": [\"inbox@stress.test\"], \"subject\": \"big %d\", "
		    "\"via\": \"mail\", \"attachments\": [ { \"name\": "
		    "\"big.bin\", \"content_type\": \"application/octet-stream\", "
		    "\"size\": %d } ] } }", i ? "," : "", i, i, i,
		    bytes);
	buf_puts(&b, "\n  ]\n}\n");
	return (char *)b.data;
}

const char *
stress_scenario_json(void)
{
	if (stress_json == NULL)
		stress_json = stress_build(STRESS_CLIENTS, STRESS_BYTES);
	return stress_json;
}

static struct scenario *
stress_load(const char *text)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), "stress",
	    &errs);

	if (sc == NULL) {
		for (int i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		fatalx("the stress scenario does not load");
	}
	sc_errors_free(&errs);
	return sc;
}

struct scenario *
stress_scenario(void)
{
	return stress_load(stress_scenario_json());
}

/*
 * The wide world: n laptops, each on a link of its own (10 Mbit/s, 20 ms)
 * to one router, the router on a fast link to the mail server; every
 * laptop submits bytes at the same moment, so that each link carries a
 * window of segments one way and their ACKs the other: hundreds of link
 * directions busy at once, and no FIFO holding them back.
 */
static char *
stress_build_wide(int n, int bytes)
{
	struct buf b = { 0 };

	buf_puts(&b, "{\n  \"surel\": 1,\n"
	    "  \"title\": \"Stress: many laptops, each on its own busy link\",\n"
	    "  \"nodes\": [\n"
	    "    { \"id\": \"isp\", \"kind\": \"router\", \"ip\": \"10.0.0.1\",\n"
	    "      \"x\": 0.5, \"y\": 0.5 },\n"
	    "    { \"id\": \"mail\", \"kind\": \"server\", \"ip\": \"10.0.1.25\",\n"
	    "      \"x\": 0.5, \"y\": 0.08,\n"
	    "      \"hostname\": \"mail.stress.test\",\n"
	    "      \"services\": {\n"
	    "        \"submission\": { \"require_auth\": false },\n"
	    "        \"smtp\": { \"domains\": [\"stress.test\"] } } }");
	/* Around the router on a ring, open at the top where the server is. */
	for (int i = 0; i < n; i++) {
		double a = M_PI / 8 + (2 * M_PI - M_PI / 4) * i / (n > 1 ? n - 1 :
		    1);
		buf_printf(&b, ",\n    { \"id\": \"laptop-%03d\", \"kind\": "
		    "\"client\", \"ip\": \"10.%d.%d.10\", \"x\": %.3f, "
		    "\"y\": %.3f }", i, 2 + i / 200, i % 200, 0.5 + 0.45 *
		    sin(a), 0.5 - 0.42 * cos(a));
	}
	buf_puts(&b, "\n  ],\n  \"links\": [\n"
	    "    { \"a\": \"isp\", \"b\": \"mail\", \"latency_ms\": 1, "
	    "\"bandwidth_kbps\": 10000000, \"queue_packets\": 5000 }");
	for (int i = 0; i < n; i++)
		buf_printf(&b, ",\n    { \"a\": \"laptop-%03d\", \"b\": \"isp\", "
		    "\"latency_ms\": 20, \"bandwidth_kbps\": 10000 }", i);
	buf_puts(&b, "\n  ],\n  \"accounts\": [\n"
	    "    { \"address\": \"inbox@stress.test\", \"server\": \"mail\", "
	    "\"password\": \"x\" }\n  ],\n  \"actions\": [");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s\n    { \"at_ms\": 0, \"node\": \"laptop-%03d\", "
		    "\"send\": { \"from\": \"laptop%03d@elsewhere.test\", "
		    "\"to\": [\"inbox@stress.test\"], \"subject\": \"wide %d\", "
		    "\"via\": \"mail\", \"attachments\": [ { \"name\": "
		    "\"big.bin\", \"content_type\": \"application/octet-stream\", "
		    "\"size\": %d } ] } }", i ? "," : "", i, i, i,
		    bytes);
	buf_puts(&b, "\n  ]\n}\n");
	return (char *)b.data;
}

const char *
stress_scenario_wide_json(void)
{
	static char *text;	/* kept, as the default's is */

	if (text == NULL)
		text = stress_build_wide(STRESS_WIDE_CLIENTS, STRESS_WIDE_BYTES);
	return text;
}

struct scenario *
stress_scenario_wide(void)
{
	return stress_load(stress_scenario_wide_json());
}

struct scenario *
stress_scenario_big(void)
{
	static char *text;	/* kept, as the default's is */

	if (text == NULL)
		text = stress_build(STRESS_CLIENTS, STRESS_BIG_BYTES);
	return stress_load(text);
}

/*
 * In flight: from a frame's QUEUED (or its TX when it did not wait) to
 * the RX or DROP that ends the hop.  A frame is in one place at a time,
 * so one flag per frame counts it.
 */
int
stress_busiest_step(const struct sim *s, const struct view *v)
{
	const struct trace *tr = sim_trace(s);
	size_t n = trace_count(tr), nf = trace_frame_count(tr);
	uint8_t *open = xcalloc(nf ? nf : 1, 1);
	int cur = 0, best = 0;
	size_t best_step = 0;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.frame < nf) {
			switch (r.kind) {
			case TR_FRAME_QUEUED:
			case TR_FRAME_TX:
				cur += !open[r.frame];
				open[r.frame] = 1;
				break;
			case TR_FRAME_RX:
			case TR_FRAME_DROP:
				/* A DROP after the RX (TTL, not for me) finds it closed. */
				cur -= open[r.frame];
				open[r.frame] = 0;
				break;
			}
		}
		/* Step i + 1, if it is the last of its instant. */
		if ((i + 1 == n || trace_at(tr, i + 1).t > r.t) &&
		    cur > best) {
			best = cur;
			best_step = i + 1;
		}
	}
	free(open);
	if (best_step >= view_steps(v))
		best_step = view_steps(v) - 1;
	return (int)best_step;
}
