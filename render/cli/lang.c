/*
 * lang.c: finding, reading and caching the narration languages
 * (lang.h).  The parsing itself is sim/narrate.c's; this side does the
 * file I/O and the messages.
 */
#include "lang.h"
#include "datadir.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Made by the Makefile from assets/lang/CODE.json. */
extern const char surel_lang_en[];
extern const unsigned long surel_lang_en_len;
extern const char surel_lang_id[];
extern const unsigned long surel_lang_id_len;

static const struct {
	const char		*code;
	const char		*json;
	const unsigned long	*len;
} lang_builtin[] = {
	{ "en", surel_lang_en, &surel_lang_en_len },
	{ "id", surel_lang_id, &surel_lang_id_len },
};
#define NBUILTIN (sizeof lang_builtin / sizeof lang_builtin[0])

/* No language file comes near this; a bigger one is a mistake. */
#define LANG_FILE_MAX	(1u << 20)
#define NDIRS		DATADIR_MAX

/* What lang_get() has looked up: loaded, or known to be missing. */
struct lang_ent {
	char		*code;
	struct narr_lang *L;	/* NULL: not available */
};

static struct lang_ent	*lang_cache;
static int		 lang_ncache;

/* The folders searched, in order, each ".../lang" (datadir.h). */
static int
lang_dirs(char *dirs[NDIRS])
{
	return datadir_list("lang", dirs);
}

/*
 * Read a whole file: NULL, silently, where it does not exist; NULL with
 * a message where it exists but cannot be read.
 */
static char *
lang_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[16384];
	size_t n;

	if (f == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			fprintf(stderr, "surel: %s: cannot open: %s\n", path,
			    strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > LANG_FILE_MAX) {
			fprintf(stderr, "surel: %s: larger than %u KiB: not a "
			    "language file\n", path, LANG_FILE_MAX >> 10);
			fclose(f);
			buf_free(&b);
			return NULL;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "surel: %s: cannot read: %s\n", path,
		    strerror(errno));
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	if (b.data == NULL)
		buf_reserve(&b, 0);
	*len = b.len;
	return (char *)b.data;
}

/*
 * Parse one file or built-in copy for code: the language, or NULL with
 * the reasons printed.  quiet: no warnings (the copies compiled in are
 * checked by the tests).
 */
static struct narr_lang *
lang_parse(const char *json, size_t len, const char *name, const char *code,
    int quiet)
{
	char *err = NULL;
	struct narr_lang *L = narr_lang_parse(json, len, name, &err);

	if (L == NULL) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return NULL;
	}
	if (strcasecmp(narr_lang_code(L), code) != 0) {
		fprintf(stderr, "%s: language: \"%s\", but the file is named "
		    "for \"%s\" (make the two the same)\n", name,
		    narr_lang_code(L), code);
		narr_lang_free(L);
		return NULL;
	}
	if (!quiet) {
		struct buf w = { 0 };

		if (narr_lang_lint(L, name, &w) > 0)
			fputs((char *)w.data, stderr);
		buf_free(&w);
	}
	return L;
}

static struct narr_lang *
lang_load(const char *code)
{
	char *dirs[NDIRS];
	int nd = lang_dirs(dirs);
	struct narr_lang *L = NULL;

	for (int i = 0; i < nd; i++) {
		char *path = xasprintf("%s/%s.json", dirs[i], code);
		size_t len;
		char *json = L == NULL ? lang_read(path, &len) : NULL;

		if (json != NULL) {
			L = lang_parse(json, len, path, code, 0);
			if (L == NULL)
				fprintf(stderr, "surel: %s: not used\n", path);
			free(json);
		}
		free(path);
		free(dirs[i]);
	}
	for (size_t i = 0; L == NULL && i < NBUILTIN; i++)
		if (strcmp(lang_builtin[i].code, code) == 0)
			L = lang_parse(lang_builtin[i].json,
			    (size_t)*lang_builtin[i].len, lang_builtin[i].code,
			    code, 1);
	return L;
}

struct narr_lang *
lang_get(const char *code)
{
	/*
	 * The languages being loaded, each waiting for its fallback: jv.json
	 * falling back to id.json falling back to jv.json stops there.
	 */
	static const char *loading[4];
	static int depth;
	struct narr_lang *L;

	if (code == NULL || !narr_lang_code_ok(code))
		return NULL;
	for (int i = 0; i < lang_ncache; i++)
		if (strcmp(lang_cache[i].code, code) == 0)
			return lang_cache[i].L;
	for (int i = 0; i < depth; i++)
		if (strcasecmp(loading[i], code) == 0)
			return NULL;
	if (depth == (int)(sizeof loading / sizeof loading[0]))
		return NULL;
	loading[depth++] = code;
	L = lang_load(code);
	/* What the file leaves out comes from its fallback, then English. */
	const char *fb = L ? narr_lang_fallback(L) : NULL;
	if (fb != NULL && strcasecmp(fb, code) != 0) {
		struct narr_lang *F = lang_get(fb);

		if (F != NULL)
			narr_lang_merge(L, F);
		else
			fprintf(stderr, "surel: language %s: its fallback "
			    "\"%s\" is not available; English is used "
			    "instead\n", code, fb);
	}
	depth--;
	lang_cache = xrealloc(lang_cache, (size_t)(lang_ncache + 1) *
	    sizeof *lang_cache);
	lang_cache[lang_ncache].code = xstrdup(code);
	lang_cache[lang_ncache].L = L;
	return lang_cache[lang_ncache++].L;
}

const char *
lang_default(void)
{
	const char *l = getenv("LANG");

	return l != NULL && strncmp(l, "id", 2) == 0 ? "id" : "en";
}

const struct narr_lang *
lang_fallback(void)
{
	return lang_get("en");
}

static int
lang_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every code: compiled in, and CODE.json in every folder searched. */
static int
lang_codes(char ***out)
{
	char **codes = NULL;
	int n = 0, cap = 0;
	char *dirs[NDIRS];
	int nd = lang_dirs(dirs);

	for (size_t i = 0; i < NBUILTIN; i++) {
		if (n == cap)
			codes = xrealloc(codes, (size_t)(cap = cap ? cap * 2 :
			    8) * sizeof *codes);
		codes[n++] = xstrdup(lang_builtin[i].code);
	}
	for (int d = 0; d < nd; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;

		while (dir != NULL && (de = readdir(dir)) != NULL) {
			size_t len = strlen(de->d_name);

			if (len <= 5 || strcmp(de->d_name + len - 5,
			    ".json") != 0)
				continue;
			char *code = xstrndup(de->d_name, len - 5);

			if (!narr_lang_code_ok(code)) {
				free(code);
				continue;
			}
			if (n == cap)
				codes = xrealloc(codes, (size_t)(cap *= 2) *
				    sizeof *codes);
			codes[n++] = code;
		}
		if (dir != NULL)
			closedir(dir);
		free(dirs[d]);
	}
	qsort(codes, (size_t)n, sizeof *codes, lang_cmp);
	/* The same code in several folders is one language. */
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (k > 0 && strcmp(codes[k - 1], codes[i]) == 0)
			free(codes[i]);
		else
			codes[k++] = codes[i];
	}
	*out = codes;
	return k;
}

int
lang_known(const char *code)
{
	char **codes;
	int n = lang_codes(&codes), found = 0;

	for (int i = 0; i < n; i++) {
		found |= strcmp(codes[i], code) == 0;
		free(codes[i]);
	}
	free(codes);
	return found;
}

char *
lang_list(void)
{
	char **codes;
	int n = lang_codes(&codes);
	struct buf b = { 0 };

	for (int i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i ? ", " : "", codes[i]);
		free(codes[i]);
	}
	free(codes);
	if (b.data == NULL)
		buf_reserve(&b, 0);
	return (char *)b.data;
}

void
lang_free_all(void)
{
	for (int i = 0; i < lang_ncache; i++) {
		free(lang_cache[i].code);
		narr_lang_free(lang_cache[i].L);
	}
	free(lang_cache);
	lang_cache = NULL;
	lang_ncache = 0;
}
