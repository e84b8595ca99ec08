/*
 * sim.h: the public face of the simulation.  A struct sim is built from
 * a validated scenario, runs in simulated time, and leaves behind a
 * trace (trace.h) that the window, the exports and the tests read.
 *
 * The scenario is borrowed: it must outlive the sim.  Everything else
 * reachable from struct sim is owned by it and freed by sim_free().
 */
#ifndef SUREL_SIM_H
#define SUREL_SIM_H

#include <stdint.h>

#include "decode.h"	/* sim_decode(): a frame's fields, for the inspector */
#include "detail.h"	/* detail_has(): the steps of a level of detail */
#include "ports.h"	/* sim_port_proto(): what a port carries */
#include "scenario.h"
#include "trace.h"

#define SIM_MS		1000000ULL		/* nanoseconds in a millisecond */
#define SIM_SEC		1000000000ULL
/* Without until_ms a scenario stops when idle, and never after 7 days. */
#define SIM_MAX_NS	(7ULL * 24 * 3600 * SIM_SEC)

struct sim;

struct sim *sim_new(const struct scenario *sc, uint64_t seed);
void	 sim_free(struct sim *s);

/* Run every event due at or before t_ns, and move the clock to t_ns; returns the number run. */
uint64_t sim_run_until(struct sim *s, uint64_t t_ns);
/* Run to the scenario's end: until_ms, else until nothing is left to do. */
void	 sim_run(struct sim *s);
uint64_t sim_now(const struct sim *s);

const struct trace *sim_trace(const struct sim *s);
const struct scenario *sim_scenario(const struct sim *s);
uint64_t sim_seed(const struct sim *s);
/*
 * Before sim_run(): keep = 0 lets frame bytes go once a frame has
 * arrived or been lost (trace_keep_bytes()), for a headless run whose
 * outputs read no frame bytes (summary, transcript).  Default: kept.
 */
void	 sim_keep_frame_bytes(struct sim *s, int keep);
/*
 * Before sim_run(), for a run whose only outputs are the summary and
 * (transcript = 1) the transcript: no frame bytes kept, and only the
 * records those outputs and the recap read (trace_keep_only()).  The
 * trace then holds too little for the window, --pcap, --trace, --narrate
 * or --compare.
 */
void	 sim_keep_for(struct sim *s, int transcript);

struct sim_stats {
	uint64_t events;		/* engine events run */
	uint64_t records;		/* trace records (steps) */
	uint64_t packets;		/* frames created */
	uint64_t transmissions;		/* frames put on a link, every hop */
	uint64_t dropped;
	uint64_t retransmissions;	/* TCP segments sent again */
};

void	 sim_stats(const struct sim *s, struct sim_stats *out);

#endif
