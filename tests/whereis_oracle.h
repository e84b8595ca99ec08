/*
 * whereis_oracle.h: whereis.h's questions answered the old, slow way
 * (whereis_oracle.c), for the tests to judge the fast one by.
 */
#ifndef SUREL_TEST_WHEREIS_ORACLE_H
#define SUREL_TEST_WHEREIS_ORACLE_H

#include "whereis.h"

struct oracle;

struct oracle *oracle_new(const struct trace *tr, const struct scenario *sc);
void	 oracle_free(struct oracle *w);
int	 oracle_nmsgs(const struct oracle *w);
const struct whereis_msg *oracle_msg(const struct oracle *w, int i);
int	 oracle_at(struct oracle *w, size_t step,
	    const struct whereis_entry **out);

#endif
