/*
 * cmd_run.c: `surel run FILE [options]`: simulate without a window and
 * write what was asked for (shared/SPEC.md section 1).  With no FILE it
 * runs the built-in default scenario.
 */
#include "cli.h"
#include "compare.h"
#include "datadir.h"
#include "export.h"
#include "lang.h"
#include "sim.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_opts {
	const char	*file;		/* NULL: the built-in default */
	const char	*pcap;
	const char	*pcap_link;	/* "A:B" */
	const char	*summary;
	const char	*trace;
	int		 transcript;
	int		 narrate;
	int		 has_detail;
	enum detail	 detail;	/* --detail: the steps --narrate writes */
	const char	*lang;
	int		 has_seed;
	uint64_t	 seed;
	int		 has_until;
	uint64_t	 until_ns;
	/* A what-if (scenarios/README.md, "What-if actions"). */
	const char	**adds;		/* --add ACTION, in order */
	int		 nadds;
	int		 compare;	/* --compare: the two runs side by side */
	const char	*compare_json;	/* --compare-json OUT.json */
	const char	*save_as;	/* --save-as NEW.json */
};

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("surel run: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see surel --help)\n", stderr);
	return EXIT_USAGE;
}

static int
parse_opts(int argc, char **argv, struct run_opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (strcmp(a, "--transcript") == 0) {
			o->transcript = 1;
			takes = 0;
		} else if (strcmp(a, "--narrate") == 0) {
			o->narrate = 1;
			takes = 0;
		} else if (strcmp(a, "--compare") == 0) {
			o->compare = 1;
			takes = 0;
		} else if (a[0] == '-' && a[1] == '-') {
			if (v == NULL)
				return usage_error("%s needs a value", a);
			if (strcmp(a, "--pcap") == 0)
				o->pcap = v;
			else if (strcmp(a, "--pcap-link") == 0)
				o->pcap_link = v;
			else if (strcmp(a, "--summary") == 0)
				o->summary = v;
			else if (strcmp(a, "--trace") == 0)
				o->trace = v;
			else if (strcmp(a, "--lang") == 0)
				o->lang = v;	/* checked in check_lang() */
			else if (strcmp(a, "--add") == 0) {
				o->adds = xrealloc(o->adds, ((size_t)o->nadds +
				    1) * sizeof *o->adds);
				o->adds[o->nadds++] = v;
			} else if (strcmp(a, "--compare-json") == 0)
				o->compare_json = v;
			else if (strcmp(a, "--save-as") == 0)
				o->save_as = v;
			else if (strcmp(a, "--detail") == 0) {
				if (detail_parse(v, &o->detail) != 0)
					return usage_error("--detail takes story, "
					    "messages or packets, not '%s'", v);
				o->has_detail = 1;
			} else if (strcmp(a, "--seed") == 0) {
				char *end;
				errno = 0;
				unsigned long long n = strtoull(v, &end, 10);
				if (*v < '0' || *v > '9' || *end || errno)
					return usage_error("--seed takes a whole "
					    "number >= 0, not '%s'", v);
				o->seed = n;
				o->has_seed = 1;
			} else if (strcmp(a, "--until") == 0) {
				char *end;
				double ms = strtod(v, &end);
				if (*end || !isfinite(ms) || ms <= 0 ||
				    ms > (double)SIM_MAX_NS / 1e6)
					return usage_error("--until takes "
					    "milliseconds > 0 (at most 7 days), "
					    "not '%s'", v);
				o->until_ns = (uint64_t)llround(ms * 1e6);
				o->has_until = 1;
			} else
				return usage_error("unknown option '%s'", a);
		} else {
			if (o->file != NULL)
				return usage_error("more than one scenario "
				    "('%s')", a);
			o->file = a;
			takes = 0;
		}
		i += takes;
	}
	if (o->pcap_link && !o->pcap)
		return usage_error("%s", "--pcap-link needs --pcap");
	if (o->has_detail && !o->narrate)
		return usage_error("%s", "--detail needs --narrate");
	if ((o->compare || o->compare_json) && o->nadds == 0)
		return usage_error("%s", "--compare and --compare-json need "
		    "--add ACTION (the what-if to compare with)");
	return 0;
}

/*
 * The narration language: --lang CODE, else the environment's default.
 * NULL (after a message) when --lang names none that can be used.
 */
static const struct narr_lang *
check_lang(const char *code)
{
	const struct narr_lang *L;

	if (code == NULL)
		return (L = lang_get(lang_default())) ? L : lang_fallback();
	if ((L = lang_get(code)) != NULL)
		return L;
	if (narr_lang_code_ok(code) && lang_known(code)) {
		usage_error("--lang %s: its language file has errors (above)",
		    code);
		return NULL;
	}
	char *list = lang_list();
	/* Where this program reads them: installed or the source tree. */
	char *dir = datadir_find("lang");
	fprintf(stderr, "surel run: --lang: no language '%s'; available: %s "
	    "(a teacher can add one as %s/CODE.json)\n", code, list,
	    dir ? dir : "assets/lang");
	free(dir);
	free(list);
	return NULL;
}

/*
 * One line a step: the time, then the sentence (SPEC section 1, --narrate);
 * only the steps of level d (detail.h: packets is every step).
 */
static int
write_narration(const struct sim *s, const struct narr_lang *L,
    enum detail d)
{
	const struct trace *tr = sim_trace(s);
	const struct narr_lang *en = lang_fallback();
	struct buf b = { 0 };
	int rc = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		if (!detail_has(tr, i, d))
			continue;
		buf_printf(&b, "%10.3f ms  ", (double)trace_at(tr, i).t / 1e6);
		narrate(s, L, en, i, &b);
		buf_putc(&b, '\n');
		/* A long run is written as it goes, not held whole. */
		if (b.len >= (1u << 20)) {
			rc |= cli_write_file("-", b.data, b.len);
			b.len = 0;
		}
	}
	rc |= cli_write_file("-", b.data ? (const void *)b.data : "", b.len);
	buf_free(&b);
	return rc;
}

/* "A:B" -> the link between nodes A and B. */
static int
find_pcap_link(const struct scenario *sc, const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL) {
		usage_error("--pcap-link takes A:B (two node ids), not '%s'",
		    spec);
		return -2;
	}
	char *a = strndup(spec, (size_t)(colon - spec));
	int na = scenario_node_index(sc, a);
	int nb = scenario_node_index(sc, colon + 1);
	int li = na >= 0 && nb >= 0 ? export_link_between(sc, na, nb) : -1;

	if (na < 0)
		usage_error("--pcap-link: unknown node '%s'", a);
	else if (nb < 0)
		usage_error("--pcap-link: unknown node '%s'", colon + 1);
	else if (li < 0)
		usage_error("--pcap-link: no link between these nodes (%s)",
		    spec);
	free(a);
	return li < 0 ? -2 : li;
}

static int
write_buf(const char *path, struct buf *b)
{
	int rc = cli_write_file(path, b->data ? (const void *)b->data : "",
	    b->len);

	buf_free(b);
	return rc;
}

/*
 * --compare, --compare-json: the scenario run again without the added
 * actions, and the two futures side by side (compare.h).
 */
static int
write_compare(const struct run_opts *o, const struct sim *whatif,
    const struct narr_lang *L)
{
	struct scenario *sc0 = cli_load(o->file);
	struct compare cmp;
	struct buf b = { 0 };
	int rc = 0;

	if (sc0 == NULL)
		return -1;
	if (o->has_until)
		sc0->until_ns = o->until_ns;
	struct sim *s0 = sim_new(sc0, sim_seed(whatif));
	sim_run(s0);
	compare_sims(s0, whatif, &cmp);
	if (o->compare) {
		compare_text(&cmp, L, lang_fallback(), &b);
		rc |= write_buf("-", &b);
	}
	if (o->compare_json) {
		compare_json(&cmp, &b);
		rc |= write_buf(o->compare_json, &b);
	}
	compare_free(&cmp);
	sim_free(s0);
	scenario_free(sc0);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts o = { .detail = DETAIL_PACKETS };
	int rc = parse_opts(argc, argv, &o);

	if (rc != 0) {
		free(o.adds);
		return rc;
	}
	const struct narr_lang *L = check_lang(o.lang);
	if (L == NULL) {
		free(o.adds);
		lang_free_all();
		return EXIT_USAGE;
	}
	char *merged = NULL;
	struct scenario *sc = cli_load_adds(o.file, o.adds, o.nadds,
	    o.save_as ? &merged : NULL);
	if (sc == NULL) {
		free(o.adds);
		lang_free_all();
		return EXIT_USAGE;
	}
	/* The what-if as a scenario file of its own, loadable as it is. */
	if (o.save_as && cli_write_file(o.save_as, merged,
	    strlen(merged)) != 0) {
		free(merged);
		free(o.adds);
		scenario_free(sc);
		lang_free_all();
		return 1;
	}
	free(merged);
	int link = -1;
	if (o.pcap_link && (link = find_pcap_link(sc, o.pcap_link)) == -2) {
		free(o.adds);
		scenario_free(sc);
		lang_free_all();
		return EXIT_USAGE;
	}
	if (o.has_until)
		sc->until_ns = o.until_ns;

	struct sim *s = sim_new(sc, o.has_seed ? o.seed : sc->seed);
	/*
	 * The summary and the transcript read no frame bytes and few records:
	 * keep only those (100,000 messages make 70 million records).
	 */
	if (!o.narrate && !o.pcap && !o.trace && !o.compare && !o.compare_json)
		sim_keep_for(s, o.transcript);
	sim_run(s);

	struct buf b = { 0 };
	rc = 0;
	if (o.narrate)
		rc |= write_narration(s, L, o.detail);
	if (o.transcript) {
		export_transcript(s, &b);
		rc |= write_buf("-", &b);
	}
	if (o.pcap) {
		export_pcap(s, link, &b);
		rc |= write_buf(o.pcap, &b);
	}
	if (o.trace) {
		export_trace_jsonl(s, &b);
		rc |= write_buf(o.trace, &b);
	}
	if (o.summary) {
		export_summary(s, &b);
		rc |= write_buf(o.summary, &b);
	}
	if (o.compare || o.compare_json)
		rc |= write_compare(&o, s, L);
	sim_free(s);
	scenario_free(sc);
	free(o.adds);
	lang_free_all();
	return rc ? 1 : 0;
}
