/*
 * whatif.h: the interventions of one scenario (whatif.c), shared with
 * session.c, which frees them with the rest of the scenario's state
 * (whatif_free()) without calling into whatif.c.
 */
#ifndef SUREL_WHATIF_H
#define SUREL_WHATIF_H

#include <stddef.h>

#include "compare.h"

#define WI_MAX	64		/* as many as `surel view --add` takes */
#define WI_LINES 5		/* the comparison's strip, at most */

struct ui_whatif {
	char		*text;		/* the scenario file's own text */
	size_t		 len;
	char		*file;		/* its name, for messages */
	char		*adds[WI_MAX];	/* the interventions, in order (action JSON) */
	size_t		 steps[WI_MAX];	/* the step each was made at */
	int		 n;
	int		 original;	/* W: the original is shown */
	struct compare	 cmp;		/* original vs what-if, while n > 0 */
	int		 has_cmp;
};

#endif
