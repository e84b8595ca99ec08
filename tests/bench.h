#ifndef SUREL_BENCH_H
#define SUREL_BENCH_H

#include <stdint.h>

void	baseline_push(uint64_t time, void (*fn)(void *), void *arg);
int	baseline_pop_run(uint64_t *now);
void	baseline_reset(void);

#endif
