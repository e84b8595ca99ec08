/*
 * narrate.h: one sentence for every step of the trace, in the
 * student's language (shared/SPEC.md section 1, `--narrate`).
 *
 * Two halves, both pure (no file I/O, no printing):
 *
 *   - narrate_key() reads a trace record (with the trace around it and
 *     the scenario) and says what it means as a stable key, such as
 *     "smtp.rcpt_to" or "frame.drop.loss".  The keys are the contract
 *     between the simulation and the language files: narrate_keys()
 *     lists every one it can return.
 *
 *   - A language (struct narr_lang) is a JSON object read from a data
 *     file (assets/lang/CODE.json, shared/DESIGN.md: "a teacher can add
 *     a language without compiling"):
 *
 *	{ "language": "id", "name": "Bahasa Indonesia",
 *	  "texts": { "smtp.rcpt_to": "... {to} ...", ... } }
 *
 *     (plus, optionally, "fallback": "id", and "_comment" keys),
 *
 *     narrate() picks the sentence for a record's key and fills in its
 *     placeholders ({node}, {to}, {code}, ...; narrate_placeholders()
 *     lists them) with the values of that very step.
 *
 * Reading the files is the program's business (render/lang.c); this
 * side only parses bytes it is given.
 */
#ifndef SUREL_NARRATE_H
#define SUREL_NARRATE_H

#include <stddef.h>

#include "sim.h"
#include "util.h"

struct narr_lang;

/*
 * The key of record rec of s's trace (rec < trace_count()).  Always one
 * of narrate_keys(); the string is static.
 */
const char *narrate_key(const struct sim *s, size_t rec);
/* Every key narrate_key() can return, in a fixed order; *n gets the count. */
const char *const *narrate_keys(size_t *n);
/* Every placeholder name a sentence may use, without the braces. */
const char *const *narrate_placeholders(size_t *n);

/*
 * Parse a language file: len bytes of JSON (need not be NUL-terminated);
 * name is the file name, used only in messages.  Returns NULL on error
 * with *err set to one message per problem, each line "NAME: ..." or
 * "NAME:LINE:COL: ..." naming the key at fault (the caller frees *err).
 * Keys that narrate_keys() does not list are kept out of the way (see
 * narr_lang_lint) rather than refused, so that an older program can read
 * a newer file.
 */
struct narr_lang *narr_lang_parse(const char *json, size_t len,
	    const char *name, char **err);
void	 narr_lang_free(struct narr_lang *L);
/* "id", "en", as the file's "language" says. */
const char *narr_lang_code(const struct narr_lang *L);
/*
 * Whether s can be a language code (and so a file name): a letter, then
 * up to 31 letters, digits, '-' or '_' ("id", "jv", "pt-BR").
 */
int	 narr_lang_code_ok(const char *s);
/* "Bahasa Indonesia", as the file's "name" says. */
const char *narr_lang_name(const struct narr_lang *L);
/*
 * The file's "fallback" (optional): the code of the language to use for
 * what this one lacks, sentences and node labels, before English; so a
 * teacher translating id.json into Javanese can leave some of it in
 * Indonesian.  NULL where the file names none.
 */
const char *narr_lang_fallback(const struct narr_lang *L);
/* Give L every sentence of from that L lacks (its fallback's, say). */
void	 narr_lang_merge(struct narr_lang *L, const struct narr_lang *from);
/* The sentence for key as written in the file, or NULL where it has none. */
const char *narr_lang_text(const struct narr_lang *L, const char *key);
/*
 * The packet inspector's words (decode.h): section "fields" gives a
 * field's name by its key ("ip.ttl"), "values" the words of a value by
 * theirs ("v.bytes": "{1} bytes"); NULL where the file has none.  The
 * file's "fields" and "values" objects hold them, as "texts" holds the
 * sentences.
 */
const char *narr_lang_word(const struct narr_lang *L, const char *section,
	    const char *key);
/*
 * Likely mistakes that are not errors, one line each ("NAME: texts.KEY:
 * ..."), appended to out: keys the program does not know (a typo?) and
 * placeholders it cannot fill.  Returns how many lines it wrote.
 */
int	 narr_lang_lint(const struct narr_lang *L, const char *name,
	    struct buf *out);

/*
 * Append to out the sentence for record rec in L, with its placeholders
 * filled; where L has no sentence for the key, fallback's (English) is
 * used; where neither has one, the key itself in brackets.  L or fallback
 * may be NULL.  The result is one line: control characters from the
 * trace (the lines of a multi-line reply) become spaces.  A placeholder
 * the narrator does not know stays as written; one it knows but cannot
 * fill for this step becomes "?".
 */
void	 narrate(const struct sim *s, const struct narr_lang *L,
	    const struct narr_lang *fallback, size_t rec, struct buf *out);

#endif
