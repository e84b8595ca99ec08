/*
 * bench_heap.c: the floor the engine must beat: the plainest binary
 * min-heap of (time, seq, callback, arg) one can write, with no pool,
 * no cancel and no finalizers.
 */
#include "bench.h"

#include <stdlib.h>

struct hev {
	uint64_t time, seq;
	void	(*fn)(void *arg);
	void	*arg;
};

static struct hev *heap;
static size_t n, cap;
static uint64_t seq;

static int
less(const struct hev *a, const struct hev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void
baseline_push(uint64_t time, void (*fn)(void *), void *arg)
{
	if (n == cap) {
		cap = cap ? cap * 2 : 1024;
		heap = realloc(heap, cap * sizeof *heap);
		if (heap == NULL)
			abort();
	}
	size_t i = n++;
	heap[i] = (struct hev){ time, seq++, fn, arg };
	while (i > 0 && less(&heap[i], &heap[(i - 1) / 2])) {
		struct hev t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

int
baseline_pop_run(uint64_t *now)
{
	if (n == 0)
		return 0;
	struct hev top = heap[0];
	heap[0] = heap[--n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && less(&heap[l], &heap[m]))
			m = l;
		if (r < n && less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct hev t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	*now = top.time;
	top.fn(top.arg);
	return 1;
}

void
baseline_reset(void)
{
	free(heap);
	heap = NULL;
	n = cap = 0;
	seq = 0;
}
