/*
 * wmem.h: memory for render/window's plain-data modules (view.c,
 * holdings.c).  render/ has no xmalloc (that is sim/'s util.h); these
 * keep its contract: a failed allocation ends the program with a
 * message rather than handing back NULL to code that cannot go on.
 */
#ifndef SUREL_WMEM_H
#define SUREL_WMEM_H

#include <stdio.h>
#include <stdlib.h>

/* p, or the end of the program where p is NULL (out of memory). */
static inline void *
wmem_sure(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "surel: out of memory\n");
		abort();
	}
	return p;
}

/* calloc that never returns NULL, nor a zero-sized block. */
static inline void *
wmem_alloc(size_t n, size_t size)
{
	return wmem_sure(calloc(n ? n : 1, size ? size : 1));
}

#endif
