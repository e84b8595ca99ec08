/*
 * stress.c: see stress.h.  The scenario is JSON text, so that the window
 * can load the same thing (`surel view` reads it from standard input).
 *
 * Sixteen laptops submit a 400 kB attachment each at the same moment to
 * one mail server; the last link before the server runs at 2 Mbit/s
 * with 40 ms of latency and a FIFO of 5000 frames.  Each TCP connection
 * opens its window to 64 kB (about 120 segments of MSS 536), so after a
 * few round trips well over 500 segments wait in that FIFO or cross the
 * link, and the trace holds well over 100,000 records.
 */
#include "stress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "util.h"
#include "view.h"

#define STRESS_CLIENTS	16
#define STRESS_BYTES	400000

static char stress_json[32768];

const char *
stress_scenario_json(void)
{
	struct buf b = { 0 };

	if (stress_json[0] != '\0')
		return stress_json;
	buf_puts(&b, "{\n  \"surel\": 1,\n"
	    "  \"title\": \"Stress: sixteen large messages through one slow link\",\n"
	    "  \"nodes\": [\n"
	    "    { \"id\": \"isp\", \"kind\": \"router\", \"ip\": \"10.0.0.1\" },\n"
	    "    { \"id\": \"mail\", \"kind\": \"server\", \"ip\": \"10.0.1.25\",\n"
	    "      \"hostname\": \"mail.stress.test\",\n"
	    "      \"services\": {\n"
	    "        \"submission\": { \"require_auth\": false },\n"
	    "        \"smtp\": { \"domains\": [\"stress.test\"] } } }");
	for (int i = 0; i < STRESS_CLIENTS; i++)
		buf_printf(&b, ",\n    { \"id\": \"laptop-%02d\", \"kind\": "
		    "\"client\", \"ip\": \"10.0.2.%d\" }", i, 10 + i);
	buf_puts(&b, "\n  ],\n  \"links\": [\n"
	    "    { \"a\": \"isp\", \"b\": \"mail\", \"latency_ms\": 40, "
	    "\"bandwidth_kbps\": 2000, \"queue_packets\": 5000 }");
	for (int i = 0; i < STRESS_CLIENTS; i++)
		buf_printf(&b, ",\n    { \"a\": \"laptop-%02d\", \"b\": \"isp\", "
		    "\"latency_ms\": 1, \"bandwidth_kbps\": 100000 }", i);
	buf_puts(&b, "\n  ],\n  \"accounts\": [\n"
	    "    { \"address\": \"inbox@stress.test\", \"server\": \"mail\", "
	    "\"password\": \"x\" }\n  ],\n  \"actions\": [");
	for (int i = 0; i < STRESS_CLIENTS; i++)
		buf_printf(&b, "%s\n    { \"at_ms\": 0, \"node\": \"laptop-%02d\", "
		    "\"send\": { \"from\": \"laptop%02d@elsewhere.test\", "
		    "\"to\": [\"inbox@stress.test\"], \"subject\": \"big %d\", "
		    "\"via\": \"mail\", \"attachments\": [ { \"name\": "
		    "\"big.bin\", \"content_type\": \"application/octet-stream\", "
		    "\"size\": %d } ] } }", i ? "," : "", i, i, i,
		    STRESS_BYTES);
	buf_puts(&b, "\n  ]\n}\n");
	if (b.len >= sizeof stress_json)
		fatalx("stress scenario: %zu bytes of JSON", b.len);
	memcpy(stress_json, b.data, b.len + 1);
	buf_free(&b);
	return stress_json;
}

struct scenario *
stress_scenario(void)
{
	const char *text = stress_scenario_json();
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
		const struct trace_rec *r = trace_get(tr, i);

		if (r->frame < nf) {
			switch (r->kind) {
			case TR_FRAME_QUEUED:
			case TR_FRAME_TX:
				cur += !open[r->frame];
				open[r->frame] = 1;
				break;
			case TR_FRAME_RX:
			case TR_FRAME_DROP:
				/* A DROP after the RX (TTL, not for me) finds it closed. */
				cur -= open[r->frame];
				open[r->frame] = 0;
				break;
			}
		}
		/* Step i + 1, if it is the last of its instant. */
		if ((i + 1 == n || trace_get(tr, i + 1)->t > r->t) &&
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
