/*
 * stress.h: a scenario that puts many frames on the wire at once, for
 * the benchmarks of the view and of the window: several people submit
 * large messages at the same moment through one slow link with a long
 * queue, so that hundreds of segments wait in that link's FIFO and
 * cross it together.
 */
#ifndef SUREL_TEST_STRESS_H
#define SUREL_TEST_STRESS_H

#include <stddef.h>

#include "scenario.h"
#include "sim.h"

struct view;

/* A new scenario (free it with scenario_free()); aborts if it does not load. */
struct scenario *stress_scenario(void);
/* Its JSON text (static), for loading it elsewhere (surel view -). */
const char *stress_scenario_json(void);
/* The same world with three times the bytes: about a million records. */
struct scenario *stress_scenario_big(void);
/*
 * Many laptops, each on a link of its own, all sending at once: frames
 * spread over hundreds of link directions (stress.c), and its JSON text.
 */
struct scenario *stress_scenario_wide(void);
const char *stress_scenario_wide_json(void);

/*
 * The step with the most frames in flight (on a link or waiting in a
 * FIFO), counted from the trace in one pass.  Only the last step of an
 * instant counts, so view_packets() at that step's time shows exactly
 * that many frames, whether or not the view was moved there.
 */
int	stress_busiest_step(const struct sim *s, const struct view *v);

#endif
