/*
 * lessons.c: the bundled lessons by name (lessons.h).
 */
#include "lessons.h"
#include "cli.h"
#include "datadir.h"
#include "lang.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The lessons folder: datadir.h knows where the data is. */
char *
lessons_dir(void)
{
	return datadir_find("scenarios");
}

char *
lesson_name(const char *path)
{
	if (path == NULL)
		return xstrdup("default");
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	return xasprintf("%.*s", (int)n, b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of the folder's lessons, sorted ("default.json" is the
 * built-in one and is left out); *n of them, to free with free_names().
 */
static char **
folder_names(const char *dir, int *n)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	char **v = NULL;
	int cap = 0;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 5, ".json") != 0 ||
		    strcmp(e->d_name, "default.json") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[(*n)++] = xasprintf("%.*s", (int)(len - 5), e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(v, (size_t)*n, sizeof *v, cmp_str);
	return v;
}

static void
free_names(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct scenario *
lesson_load(const char *path, char **err)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc;
	struct buf b = { 0 };

	*err = NULL;
	if (path == NULL) {
		sc = scenario_load(surel_default_scenario,
		    surel_default_scenario_len, "(built-in default)", &errs);
	} else {
		FILE *f = fopen(path, "rb");
		char chunk[65536];
		size_t n;

		if (f == NULL) {
			*err = xasprintf("%s: cannot open: %s", path,
			    strerror(errno));
			return NULL;
		}
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 &&
		    b.len <= (16u << 20))
			buf_append(&b, chunk, n);
		int bad = ferror(f);
		fclose(f);
		if (bad || b.len > (16u << 20)) {
			*err = xasprintf("%s: %s", path, bad ? "cannot read" :
			    "larger than 16 MiB: not a scenario");
			buf_free(&b);
			return NULL;
		}
		if (b.data == NULL)
			buf_reserve(&b, 0);
		b.data[b.len] = '\0';
		sc = scenario_load((const char *)b.data, b.len, path, &errs);
		buf_free(&b);
	}
	if (sc == NULL || errs.n > 0) {
		struct buf e = { 0 };
		for (int i = 0; i < errs.n; i++)
			buf_printf(&e, "%s%s", i ? "\n" : "", errs.msg[i]);
		if (errs.n == 0)
			buf_printf(&e, "%s: not a valid scenario",
			    path ? path : "(built-in default)");
		*err = (char *)e.data;
		if (sc != NULL) {
			scenario_free(sc);
			sc = NULL;
		}
	}
	sc_errors_free(&errs);
	return sc;
}

struct lessons *
lessons_load(void)
{
	struct lessons *l = xcalloc(1, sizeof *l);
	char *dir = lessons_dir();
	int n;
	char **names = folder_names(dir, &n);

	l->v = xcalloc((size_t)n + 1, sizeof *l->v);
	l->v[0].name = xstrdup("default");
	l->v[0].sc = lesson_load(NULL, &l->v[0].err);
	l->n = 1;
	for (int i = 0; i < n; i++) {
		struct lesson *e = &l->v[l->n++];
		e->name = xstrdup(names[i]);
		e->path = xasprintf("%s/%s.json", dir, names[i]);
		e->sc = lesson_load(e->path, &e->err);
	}
	free_names(names, n);
	free(dir);
	return l;
}

void
lessons_free(struct lessons *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
		free(l->v[i].err);
		if (l->v[i].sc)
			scenario_free(l->v[i].sc);
	}
	free(l->v);
	free(l);
}

/*
 * The name closest to arg by edit distance (scenario_suggest), or NULL.
 * A student often leaves out the number, so each name is also tried
 * without it: "no-such-lesson" is near "no-such-domain", which finds
 * "07-no-such-domain" although the whole name is too far.
 */
static const char *
lesson_suggest(const char *arg, char **names, int n)
{
	const char *s = scenario_suggest(arg, (const char *const *)names, n);
	const char **bare;

	if (s != NULL || n == 0)
		return s;
	bare = xcalloc((size_t)n, sizeof *bare);
	for (int i = 0; i < n; i++) {
		const char *p = names[i];

		while (*p >= '0' && *p <= '9')
			p++;
		/* "04b-" as well as "04-" */
		if (p != names[i] && *p >= 'a' && *p <= 'z' && p[1] == '-')
			p++;
		bare[i] = p != names[i] && *p == '-' ? p + 1 : names[i];
	}
	const char *b = scenario_suggest(arg, bare, n);
	for (int i = 0; b != NULL && i < n; i++)
		if (bare[i] == b)
			s = names[i];
	free(bare);
	return s;
}

/* "surel: no file or lesson 'x' (did you mean 'y'?)" and every name. */
static void
resolve_fail(const char *arg, char **names, int n, const char *dir)
{
	const char *s = lesson_suggest(arg, names, n);
	int nprefix = 0;

	fprintf(stderr, "surel: '%s' is neither a file nor a lesson", arg);
	for (int i = 0; i < n; i++)
		if (strncmp(names[i], arg, strlen(arg)) == 0)
			nprefix++;
	if (nprefix > 1) {
		fputs(" (did you mean", stderr);
		for (int i = 0, k = 0; i < n; i++)
			if (strncmp(names[i], arg, strlen(arg)) == 0)
				fprintf(stderr, "%s'%s'", k++ ? " or " : " ",
				    names[i]);
		fputs("?)", stderr);
	} else if (s != NULL)
		fprintf(stderr, " (did you mean '%s'?)", s);
	fputs("\nlessons:", stderr);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", names[i]);
	fprintf(stderr, "\n(`surel lessons` says what each teaches%s%s)\n",
	    dir ? "; their folder: " : "; no lessons folder found", dir ? dir :
	    "");
}

int
lessons_resolve(const char *arg, char **path)
{
	*path = NULL;
	if (strcmp(arg, "-") == 0 || access(arg, F_OK) == 0) {
		*path = xstrdup(arg);
		return 0;
	}
	if (strchr(arg, '/') != NULL) {
		*path = xstrdup(arg);
		return 1;
	}
	char *dir = lessons_dir();
	int nf;
	char **fnames = folder_names(dir, &nf);
	char **names = xcalloc((size_t)nf + 1, sizeof *names);
	names[0] = "default";
	for (int i = 0; i < nf; i++)
		names[i + 1] = fnames[i];
	int n = nf + 1, rc = -1;

	/* Its name, its file name, or the start of one name only. */
	char *want = lesson_name(arg);
	int hit = -1, nprefix = 0, last = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			hit = i;
	for (int i = 0; i < n; i++)
		if (strncmp(names[i], want, strlen(want)) == 0 && nprefix++ == 0)
			last = i;
	if (hit < 0 && nprefix == 1)
		hit = last;
	if (hit == 0)
		rc = 0;
	else if (hit > 0) {
		*path = xasprintf("%s/%s.json", dir, names[hit]);
		rc = 0;
	} else
		resolve_fail(want, names, n, dir);
	free(want);
	free(names);
	free_names(fnames, nf);
	free(dir);
	return rc;
}

int
cmd_lessons(int argc, char **argv)
{
	const char *lang = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc &&
		    lang_known(argv[i + 1])) {
			lang = argv[++i];
			continue;
		}
		fprintf(stderr, "usage: surel lessons [--lang CODE]\n");
		if (strcmp(argv[i], "--lang") == 0) {
			char *list = lang_list();
			fprintf(stderr, "  --lang takes one of %s\n", list ? list :
			    "en, id");
			free(list);
		}
		return EXIT_USAGE;
	}
	if (lang == NULL)
		lang = lang_default();
	struct lessons *l = lessons_load();
	int w = 0;
	for (int i = 0; i < l->n; i++)
		if ((int)strlen(l->v[i].name) > w)
			w = (int)strlen(l->v[i].name);
	/* The name, its title; under it, indented, what it teaches. */
	for (int i = 0; i < l->n; i++) {
		const struct lesson *e = &l->v[i];
		if (e->sc == NULL) {
			printf("%-*s  (not valid: surel check %s says why)\n", w,
			    e->name, e->name);
			continue;
		}
		printf("%-*s  %s\n", w, e->name, sc_text_get(&e->sc->title,
		    lang));
		const char *sum = sc_text_get(&e->sc->summary, lang);
		if (*sum)
			printf("%-*s  %s\n", w, "", sum);
	}
	lessons_free(l);
	lang_free_all();
	return 0;
}
