/*
 * whereis_line.h: the window's one line "Where the mail is: ..." for a
 * step (issue 11), built from sim/explain/whereis.h with the window's
 * words (words.c) and the picture's node labels.  No SDL: the tests
 * read it, in both languages.
 */
#ifndef SUREL_WHEREIS_LINE_H
#define SUREL_WHEREIS_LINE_H

#include <stddef.h>

#include "scenario.h"
#include "util.h"
#include "whereis.h"

/* The label the picture shows for node (the language's, else host name, else id). */
const char *whereis_node_label(const struct scenario *sc, int node,
	    const char *lang);
/* What a message is called: its subject in quotes, or the bounce's word. */
void	 whereis_msg_name(const struct whereis *w, int msg, const char *lang,
	    struct buf *out);
/* The same, a subject longer than max bytes cut with "…" (0: never). */
void	 whereis_msg_name_cut(const struct whereis *w, int msg,
	    const char *lang, size_t max, struct buf *out);
/*
 * Append the line for step in lang to out: the heading, then for each
 * message its name and where it is ("in X's queue, on its way to Y"),
 * messages apart with "; "; past WHEREIS_LINE_MAX bytes, " …" and no more
 * (a screen's width is far less).
 */
#define WHEREIS_LINE_MAX	8192
void	 whereis_line(struct whereis *w, const struct scenario *sc,
	    size_t step, const char *lang, struct buf *out);
/* The same with each subject cut to subject_max bytes (a narrow window). */
void	 whereis_line_cut(struct whereis *w, const struct scenario *sc,
	    size_t step, const char *lang, size_t subject_max, struct buf *out);
/*
 * Whether entry i of e (n entries) is worth saying: a copy waiting at a
 * node (queue, the sender's device) while the same message crosses from
 * that node is said as the crossing only.
 */
int	 whereis_line_shows(const struct whereis_entry *e, int n, int i);

#endif
