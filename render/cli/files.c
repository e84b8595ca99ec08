/*
 * files.c: reading scenarios and writing outputs for the command line.
 */
#include "cli.h"
#include "lessons.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * No scenario needs more (the 100,000-message world of `make bench` is
 * about 35 MiB); a bigger file is a mistake (a pcap, a video).
 */
#define MAX_SCENARIO_BYTES (256u << 20)

char *
cli_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > MAX_SCENARIO_BYTES) {
			fprintf(stderr, "%s: larger than %u MiB: not a scenario\n",
			    path, MAX_SCENARIO_BYTES >> 20);
			goto err;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		goto err;
	}
	if (f != stdin)
		fclose(f);
	if (b.data == NULL)
		buf_reserve(&b, 0);
	b.data[b.len] = '\0';
	*len = b.len;
	return (char *)b.data;
err:
	if (f != stdin)
		fclose(f);
	buf_free(&b);
	return NULL;
}

int
cli_write_file(const char *path, const void *p, size_t len)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "wb");

	if (f == NULL) {
		fprintf(stderr, "surel: %s: cannot create: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (fwrite(p, 1, len, f) != len || fflush(f) != 0) {
		fprintf(stderr, "surel: %s: cannot write: %s\n", path,
		    strerror(errno));
		if (!to_stdout)
			fclose(f);
		return -1;
	}
	if (!to_stdout && fclose(f) != 0) {
		fprintf(stderr, "surel: %s: cannot write: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct scenario *
cli_load(const char *path)
{
	return cli_load_adds(path, NULL, 0, NULL);
}

struct scenario *
cli_load_adds(const char *path, const char *const *adds, int nadds,
    char **merged)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc;
	char *named = NULL, *text;
	const char *name;
	size_t len;

	/* A file that exists, else a bundled lesson's name (lessons.h). */
	if (path != NULL && lessons_resolve(path, &named) < 0)
		return NULL;
	if (path != NULL && named == NULL)
		path = NULL;		/* "default": the built-in one */
	else if (path != NULL)
		path = named;
	if (path == NULL) {
		text = xmalloc(surel_default_scenario_len + 1);
		memcpy(text, surel_default_scenario,
		    surel_default_scenario_len);
		text[surel_default_scenario_len] = '\0';
		len = surel_default_scenario_len;
		name = "(built-in default)";
	} else {
		text = cli_read_file(path, &len);
		if (text == NULL) {
			free(named);
			return NULL;
		}
		name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	}
	if (nadds > 0 || merged != NULL)
		sc = scenario_load_adds(text, len, name, adds, nadds, merged,
		    &errs);
	else
		sc = scenario_load(text, len, name, &errs);
	free(text);
	free(named);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	sc_errors_free(&errs);
	return sc;
}
