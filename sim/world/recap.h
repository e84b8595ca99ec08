/*
 * recap.h: the recap at the end of a run (recap.c), written by sim_run()
 * once the event loop is done.
 */
#ifndef SUREL_RECAP_H
#define SUREL_RECAP_H

struct sim;

/* One ST_RECAP record per message and recipient: what became of it. */
void	 recap_write(struct sim *s);

#endif
