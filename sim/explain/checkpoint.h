/*
 * checkpoint.h: the steps at which a scenario's checkpoints ask their
 * questions (scenarios/README.md, "Checkpoints").
 *
 * The loader reads how a checkpoint names its step (struct sc_at in
 * scenario.h: "the 2nd application message containing RCPT TO"); only
 * a trace can say which step that is.  Step numbers are the window's
 * (shared/SPEC.md section 1): step i is the world just after trace
 * record i - 1, so the step of a record is its index + 1, and step 0
 * (before anything happens) is never a checkpoint's.
 */
#ifndef SUREL_CHECKPOINT_H
#define SUREL_CHECKPOINT_H

#include <stddef.h>

#include "sim.h"
#include "util.h"

/*
 * The step at names in tr (1..trace_count(tr)), or 0 where the trace
 * has no such step.  *matches (may be NULL) gets how many records match
 * at's description, so a message can say "only 1, not 2".
 */
size_t	 checkpoint_step(const struct trace *tr, const struct sc_at *at,
	    size_t *matches);

/*
 * For each checkpoint of s's scenario that names no step of s's trace,
 * one line "FILE: checkpoints[I].at: why" (no newline at the end of the
 * last); returns how many.  Run the sim to its end first.
 */
int	 checkpoint_check(const struct sim *s, const char *file,
	    struct buf *out);

#endif
