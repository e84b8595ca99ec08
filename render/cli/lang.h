/*
 * lang.h: the narration languages of the program: the ones compiled in
 * (assets/lang/en.json and id.json, so narration works from any folder)
 * and any language file found at run time, so that a teacher can add a
 * language by copying id.json to jv.json and translating it, without
 * compiling (shared/DESIGN.md).
 *
 * A language CODE is looked for, first found first used, in
 *	DIR/CODE.json			(every lang folder of datadir.h:
 *					 $SUREL_ASSETS, installed, source tree)
 *	the copy compiled in		(en, id)
 * A file with errors is reported on stderr and skipped, so a broken
 * copy of id.json does not take narration away from a class.
 *
 * Used by `surel run --narrate` and by the window; the languages loaded
 * are kept until lang_free_all().
 */
#ifndef SUREL_LANG_H
#define SUREL_LANG_H

#include "narrate.h"

/*
 * The language with this code, loaded once and cached; NULL when no
 * usable file has it (errors in a file that has it are printed).
 */
struct narr_lang *lang_get(const char *code);
/* "id" where the environment's LANG starts with "id", else "en" (SPEC section 1). */
const char *lang_default(void);
/* English, for sentences a language lacks. */
const struct narr_lang *lang_fallback(void);
/* Whether a file or the program has code (usable or not). */
int	 lang_known(const char *code);
/* Every code known, sorted, as "en, id, jv"; the caller frees it. */
char	*lang_list(void);
/* Free every language loaded. */
void	 lang_free_all(void);

#endif
