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

/*
 * The step with the most frames in flight (on a link or queued), found
 * by looking at every step's time; *count gets that number when count is
 * not NULL.  Moves the view to that step.
 */
size_t	stress_busiest_step(const struct sim *s, struct view *v, int *count);

#endif
