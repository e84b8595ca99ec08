/*
 * test_lessons.c: the bundled lessons in scenarios/ and their checkpoints
 * (scenarios/README.md, "Checkpoints" and the teacher's guide).
 *
 *   - every bundled file passes `surel check` (the program itself, which
 *     also simulates a file with checkpoints to find their steps);
 *   - every lesson carries one or two checkpoints, in English and in
 *     Indonesian, each naming a step of its own run, in playing order;
 *   - every lesson ends as its guide says: deliveries, mailboxes and
 *     devices of `surel run --summary`, one table row per file;
 *   - the loader reads each form of "at" and the rest of a checkpoint,
 *     and checkpoint_step() finds the step each form names.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "helpers.h"

static char out[1 << 16];

/* Every bundled scenario, sorted; NULL-terminated, the caller frees. */
static char **
bundled(int *n)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char **v = NULL;
	int k = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			v = xrealloc(v, (size_t)(k + 2) * sizeof *v);
			v[k++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	v[k] = NULL;
	*n = k;
	return v;
}

static void
free_list(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}


static struct scenario *
load_text(const char *text, const char *name)
{
	struct sc_errors e = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), name, &e);

	for (int i = 0; i < e.n; i++)
		fprintf(stderr, "%s\n", e.msg[i]);
	ck_assert_int_eq(e.n, 0);
	sc_errors_free(&e);
	return sc;
}

/* ---- surel check ------------------------------------------------------- */

START_TEST(test_check_every_bundled_file)
{
	int n;
	char **files = bundled(&n);

	ck_assert_int_ge(n, 17);
	for (char **f = files; *f; f++) {
		char *args = xasprintf("check scenarios/%s", *f);
		char *want = xasprintf("scenarios/%s: ok\n", *f);
		int st = run_surel(args, out, sizeof out);

		ck_assert_msg(st == 0 && strcmp(out, want) == 0, "surel %s: exit "
		    "%d\n%s", args, st, out);
		free(args);
		free(want);
	}
	/* All at once too, as a teacher checking a folder would. */
	ck_assert_int_eq(run_surel("check scenarios/*.json", out, sizeof out), 0);
	free_list(files);
}
END_TEST

/* A checkpoint that names no step is an error of `surel check`, with its path. */
START_TEST(test_check_never_asked)
{
	static const char *from = "\"at\": { \"app\": \"C: RCPT TO\" }";
	size_t len;
	char *text = test_slurp("scenarios/03-same-domain.json", &len);
	char path[64];

	ck_assert_ptr_nonnull(text);
	char *cp = strstr(text, from);
	ck_assert_ptr_nonnull(cp);
	snprintf(path, sizeof path, "/tmp/surel-never-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%.*s\"at\": { \"app\": \"C: RCPT TO\", \"nth\": 7 }%s",
	    (int)(cp - text), text, cp + strlen(from));
	fclose(f);
	free(text);
	char *args = xasprintf("check %s", path);
	int st = run_surel(args, out, sizeof out);
	ck_assert_msg(st == 2, "exit %d: %s", st, out);
	char *want = xasprintf("%s: checkpoints[0].at: the simulation has only "
	    "1 application message containing 'C: RCPT TO', so there is no "
	    "number 7; this question would never be asked", path);
	ck_assert_msg(strstr(out, want) != NULL, "got: %s", out);
	ck_assert_ptr_null(strstr(out, ": ok"));
	free(want);
	free(args);
	unlink(path);
}
END_TEST

/* ---- the lessons' checkpoints ------------------------------------------ */

static int
has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return 1;
	return 0;
}

/* Both languages, each its own words (a bare number may be the same in both). */
static void
assert_bilingual(const char *file, int k, const char *what,
    const struct sc_text *t)
{
	const char *en = NULL, *id = NULL;

	for (int i = 0; i < t->n; i++) {
		if (strcmp(t->lang[i], "en") == 0)
			en = t->str[i];
		if (strcmp(t->lang[i], "id") == 0)
			id = t->str[i];
	}
	ck_assert_msg(en && id && *en && *id, "%s: checkpoints[%d].%s lacks en "
	    "or id", file, k, what);
	ck_assert_msg(strcmp(en, id) != 0 || !has_letter(en), "%s: "
	    "checkpoints[%d].%s is the same in both languages: %s", file, k,
	    what, en);
}

START_TEST(test_every_lesson_asks)
{
	int n, total = 0;
	char **files = bundled(&n);

	for (char **f = files; *f; f++) {
		char *path = xasprintf("scenarios/%s", *f);
		size_t len;
		char *text = test_slurp(path, &len);
		struct sc_errors e = { 0 };
		struct scenario *sc = scenario_load(text, len, path, &e);

		ck_assert_msg(sc != NULL, "%s does not load", path);
		ck_assert_msg(sc->ncheckpoints >= 1 && sc->ncheckpoints <= 2,
		    "%s has %d checkpoints (a lesson asks one or two)", path,
		    sc->ncheckpoints);
		struct sim *s = sim_new(sc, sc->seed);
		sim_run(s);
		size_t last = 0;
		for (int k = 0; k < sc->ncheckpoints; k++) {
			const struct sc_checkpoint *cp = &sc->checkpoints[k];
			char what[32];

			assert_bilingual(path, k, "question", &cp->question);
			assert_bilingual(path, k, "explain", &cp->explain);
			for (int c = 0; c < cp->nchoices; c++) {
				snprintf(what, sizeof what, "choices[%d]", c);
				assert_bilingual(path, k, what, &cp->choices[c]);
			}
			ck_assert_int_ge(cp->nchoices, 2);
			ck_assert_int_lt(cp->answer, cp->nchoices);
			size_t step = checkpoint_step(sim_trace(s), &cp->at, NULL);
			ck_assert_msg(step > 0, "%s: checkpoints[%d] names no step",
			    path, k);
			/*
			 * In time order; two at one step ask one after the
			 * other (a second question put before the step that
			 * would answer it, issue 12).
			 */
			ck_assert_msg(step >= last, "%s: checkpoints[%d] comes "
			    "before the one above it in the file", path, k);
			last = step;
			total++;
		}
		sim_free(s);
		scenario_free(sc);
		sc_errors_free(&e);
		free(text);
		free(path);
	}
	ck_assert_int_ge(total, 30);
	free_list(files);
}
END_TEST

/* ---- how each lesson ends ------------------------------------------------ */

/*
 * One row per bundled file: the deliveries ("recipient status server",
 * a bounce marked "bounce:"), the mailboxes ("address=N") and the
 * devices that fetched ("node=N"), in the summary's order.
 */
static const struct {
	const char	*file;
	const char	*deliveries, *mailboxes, *clients;
} ends[] = {
	{ "01-what-is-an-email.json",
	  "teman@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=0 "
	  "teman@pengirimmail.com=1", "" },
	{ "02-packets-and-tcp.json",
	  "teman@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=0 "
	  "teman@pengirimmail.com=1", "" },
	{ "03-same-domain.json",
	  "teman@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=0 "
	  "teman@pengirimmail.com=1", "" },
	{ "04-dns-mx.json",
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "04b-dns-from-the-root.json",
	  "penerima@penerimamail.com delivered mx-penerima, "
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=2", "" },
	{ "05-relay-hops.json",
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "06-unknown-user.json",
	  "penrima@penerimamail.com bounced mx-penerima, "
	  "bounce:pengirim@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=1 penerima@penerimamail.com=0", "" },
	{ "07-no-such-domain.json",
	  "penerima@penerimamial.com bounced mail-pengirim, "
	  "bounce:pengirim@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=1 penerima@penerimamail.com=0", "" },
	{ "08-pop3-then-phone.json",
	  "penerima@penerimamail.com delivered mailbox-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=0",
	  "laptop-penerima=1 hp-penerima=0" },
	{ "08b-imap-two-devices.json",
	  "penerima@penerimamail.com delivered mailbox-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1",
	  "laptop-penerima=1 hp-penerima=1" },
	{ "09-pop3-keep.json",
	  "penerima@penerimamail.com delivered mailbox-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1",
	  "laptop-penerima=1 hp-penerima=1" },
	{ "10-server-down.json",
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "11-backup-mx.json",
	  "penerima@penerimamail.com delivered mailbox-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "12-open-relay.json",
	  "pengirim@pengirimmail.com rejected mx-penerima, "
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "13-wrong-password.json",
	  "penerima@penerimamail.com delivered mailbox-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1",
	  "hp-penerima=0" },
	{ "14-lossy-link.json",
	  "penerima@penerimamail.com delivered mx-penerima",
	  "pengirim@pengirimmail.com=0 penerima@penerimamail.com=1", "" },
	{ "default.json",
	  "penerima@penerimamail.com delivered mailbox-penerima, "
	  "penerima@penerimamail.com delivered mailbox-penerima, "
	  "teman@pengirimmail.com delivered mail-pengirim",
	  "pengirim@pengirimmail.com=0 teman@pengirimmail.com=1 "
	  "penerima@penerimamail.com=1",
	  "laptop-penerima=2 hp-penerima=1" },
};

#define NENDS	(int)(sizeof ends / sizeof ends[0])

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "?";
}

START_TEST(test_lesson_summary)
{
	char *path = xasprintf("/tmp/surel-lesson-%d-%d.json", (int)getpid(), _i);
	char *args = xasprintf("run scenarios/%s --summary %s", ends[_i].file,
	    path);
	struct buf d = { 0 }, m = { 0 }, c = { 0 };
	const cJSON *x;
	size_t len;

	ck_assert_int_eq(run_surel(args, out, sizeof out), 0);
	char *text = test_slurp(path, &len);
	ck_assert_ptr_nonnull(text);
	cJSON *sum = cJSON_Parse(text);
	ck_assert_ptr_nonnull(sum);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sum,
	    "deliveries"))
		buf_printf(&d, "%s%s%s %s %s", d.len ? ", " : "",
		    strstr(jstr(x, "message_id"), ".bounce@") ? "bounce:" : "",
		    jstr(x, "recipient"), jstr(x, "status"), jstr(x, "server"));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sum,
	    "mailboxes"))
		buf_printf(&m, "%s%s=%d", m.len ? " " : "", jstr(x, "address"),
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x,
		    "messages")));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sum, "clients"))
		buf_printf(&c, "%s%s=%d", c.len ? " " : "", jstr(x, "node"),
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x,
		    "messages")));
	buf_puts(&d, "");
	buf_puts(&m, "");
	buf_puts(&c, "");
	ck_assert_msg(strcmp((char *)d.data, ends[_i].deliveries) == 0,
	    "%s: deliveries\n got: %s\nwant: %s", ends[_i].file, d.data,
	    ends[_i].deliveries);
	ck_assert_msg(strcmp((char *)m.data, ends[_i].mailboxes) == 0,
	    "%s: mailboxes\n got: %s\nwant: %s", ends[_i].file, m.data,
	    ends[_i].mailboxes);
	ck_assert_msg(strcmp((char *)c.data, ends[_i].clients) == 0,
	    "%s: devices\n got: %s\nwant: %s", ends[_i].file, c.data,
	    ends[_i].clients);
	/* Nothing is left half done: every queue is empty at the end. */
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sum, "queues"))
		ck_assert_int_eq(cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(x, "messages")), 0);
	cJSON_Delete(sum);
	buf_free(&d);
	buf_free(&m);
	buf_free(&c);
	free(text);
	unlink(path);
	free(path);
	free(args);
}
END_TEST

/* A new lesson gets its row above. */
START_TEST(test_every_lesson_has_a_summary_row)
{
	int n;
	char **files = bundled(&n);

	for (char **f = files; *f; f++) {
		int k;
		for (k = 0; k < NENDS && strcmp(ends[k].file, *f) != 0; k++)
			;
		ck_assert_msg(k < NENDS, "scenarios/%s has no row in "
		    "test_lessons.c's ends[]", *f);
	}
	ck_assert_int_eq(n, NENDS);
	free_list(files);
}
END_TEST

/* ---- the format: checkpoints ------------------------------------------------ */

/* A client, a router, a mail server; one mail; checkpoints in every form. */
static const char *world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.254\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"]},\"submission\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"r\"},{\"a\":\"r\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"password\":\"pw\"}],"
"\"actions\":[{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
"\"to\":[\"u@a.test\"],\"via\":\"srv\",\"auth\":{\"user\":\"u@a.test\","
"\"password\":\"pw\"}}}],"
"\"checkpoints\":["
"{\"at\":{\"app\":\"250\",\"nth\":2,\"node\":\"srv\"},"
"\"question\":{\"en\":\"What next?\",\"id\":\"Lalu apa?\"},"
"\"choices\":[\"a\",{\"en\":\"b\",\"id\":\"be\"},\"c\"],\"answer\":2,"
"\"explain\":{\"en\":\"Because.\",\"id\":\"Karena.\"}},"
"{\"at\":{\"kind\":\"frame_rx\",\"nth\":3},\"question\":\"q\","
"\"choices\":[\"x\",\"y\"],\"answer\":0,\"explain\":\"e\"},"
"{\"at\":{\"state\":\"mailbox_add\"},\"question\":\"q\","
"\"choices\":[\"x\",\"y\",\"z\",\"w\",\"v\"],\"answer\":4,\"explain\":\"e\"},"
"{\"at\":{\"ms\":5.5},\"question\":\"q\",\"choices\":[\"x\",\"y\"],"
"\"answer\":1,\"explain\":\"e\"},"
"{\"at\":{\"kind\":\"frame_drop\"},\"question\":\"q\",\"choices\":[\"x\",\"y\"],"
"\"answer\":1,\"explain\":\"e\"}]}";

START_TEST(test_loader_reads_checkpoints)
{
	struct scenario *sc = load_text(world, "world.json");
	const struct sc_checkpoint *c = sc->checkpoints;

	ck_assert_int_eq(sc->ncheckpoints, 5);
	ck_assert_int_eq(c[0].at.kind, SC_AT_APP);
	ck_assert_str_eq(c[0].at.text, "250");
	ck_assert_int_eq(c[0].at.nth, 2);
	ck_assert_int_eq(c[0].at.node, scenario_node_index(sc, "srv"));
	ck_assert_int_eq(c[0].nchoices, 3);
	ck_assert_int_eq(c[0].answer, 2);
	ck_assert_str_eq(sc_text_get(&c[0].question, "id"), "Lalu apa?");
	ck_assert_str_eq(sc_text_get(&c[0].choices[1], "id"), "be");
	ck_assert_str_eq(sc_text_get(&c[0].choices[0], "id"), "a");
	ck_assert_str_eq(sc_text_get(&c[0].explain, "en"), "Because.");
	ck_assert_int_eq(c[1].at.kind, SC_AT_KIND);
	ck_assert_int_eq(c[1].at.what, TR_FRAME_RX);
	ck_assert_int_eq(c[1].at.nth, 3);
	ck_assert_int_eq(c[1].at.node, -1);
	ck_assert_int_eq(c[2].at.kind, SC_AT_STATE);
	ck_assert_int_eq(c[2].at.what, ST_MAILBOX_ADD);
	ck_assert_int_eq(c[2].at.nth, 1);
	ck_assert_int_eq(c[2].nchoices, 5);
	ck_assert_int_eq(c[3].at.kind, SC_AT_MS);
	ck_assert_uint_eq(c[3].at.ns, 5500000);
	scenario_free(sc);
}
END_TEST

/* Each form finds the step it names: the record's index + 1. */
START_TEST(test_checkpoint_steps)
{
	struct scenario *sc = load_text(world, "world.json");
	struct sim *s = sim_new(sc, sc->seed);
	const struct trace *tr;
	size_t m, step;
	int srv = scenario_node_index(sc, "srv");

	sim_run(s);
	tr = sim_trace(s);
	/* The 2nd message from srv containing "250". */
	step = checkpoint_step(tr, &sc->checkpoints[0].at, &m);
	ck_assert_uint_gt(step, 0);
	const struct trace_rec r = trace_at(tr, step - 1);
	ck_assert_int_eq(r.kind, TR_APP);
	ck_assert_int_eq(r.node, srv);
	ck_assert_ptr_nonnull(strstr(trace_text_at(tr, r.text), "250"));
	int seen = 0;
	for (size_t i = 0; i + 1 < step; i++) {
		const struct trace_rec q = trace_at(tr, i);
		seen += q.kind == TR_APP && q.node == srv &&
		    strstr(trace_text_at(tr, q.text), "250") != NULL;
	}
	ck_assert_int_eq(seen, 1);
	ck_assert_uint_ge(m, 3);	/* 250 to EHLO, MAIL, RCPT, the message... */
	/* The 3rd frame to arrive anywhere. */
	step = checkpoint_step(tr, &sc->checkpoints[1].at, NULL);
	ck_assert_int_eq(trace_at(tr, step - 1).kind, TR_FRAME_RX);
	seen = 0;
	for (size_t i = 0; i < step; i++)
		seen += trace_at(tr, i).kind == TR_FRAME_RX;
	ck_assert_int_eq(seen, 3);
	/* The mailbox gaining the mail. */
	step = checkpoint_step(tr, &sc->checkpoints[2].at, NULL);
	ck_assert_int_eq(trace_at(tr, step - 1).kind, TR_STATE);
	ck_assert_int_eq(trace_at(tr, step - 1).a, ST_MAILBOX_ADD);
	/* The first step at or after 5.5 ms. */
	step = checkpoint_step(tr, &sc->checkpoints[3].at, NULL);
	ck_assert_uint_ge(trace_at(tr, step - 1).t, 5500000);
	ck_assert_uint_lt(trace_at(tr, step - 2).t, 5500000);
	/* Nothing is lost on this network: never asked, and said so. */
	ck_assert_uint_eq(checkpoint_step(tr, &sc->checkpoints[4].at, &m), 0);
	ck_assert_uint_eq(m, 0);
	struct buf b = { 0 };
	ck_assert_int_eq(checkpoint_check(s, "world.json", &b), 1);
	ck_assert_str_eq((char *)b.data, "world.json: checkpoints[4].at: the "
	    "simulation has no steps of kind 'frame_drop'; this question "
	    "would never be asked");
	buf_free(&b);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* What the format allows at its edges. */
START_TEST(test_loader_checkpoint_edges)
{
	const char *base = strstr(world, "\"checkpoints\"");
	static const char *const good[] = {
		/* Five choices, the last one right; a text in one language. */
		"[{\"at\":{\"ms\":0},\"question\":{\"jv\":\"Piye?\"},\"choices\":"
		"[\"1\",\"2\",\"3\",\"4\",\"5\"],\"answer\":4,\"explain\":\"e\"}]",
		/* An empty list: no questions. */
		"[]",
		/* nth at its largest. */
		"[{\"at\":{\"app\":\"x\",\"nth\":100000},\"question\":\"q\","
		"\"choices\":[\"a\",\"b\"],\"answer\":1.0,\"explain\":\"e\"}]",
	};

	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		char *text = xasprintf("%.*s\"checkpoints\":%s}",
		    (int)(base - world), world, good[k]);
		struct scenario *sc = load_text(text, "edge.json");
		ck_assert_int_eq(sc->ncheckpoints, k == 1 ? 0 : 1);
		scenario_free(sc);
		free(text);
	}
}
END_TEST

Suite *
lessons_suite(void)
{
	Suite *s = suite_create("lessons");
	TCase *tc = tcase_create("lessons");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_check_every_bundled_file);
	tcase_add_test(tc, test_check_never_asked);
	tcase_add_test(tc, test_every_lesson_asks);
	tcase_add_loop_test(tc, test_lesson_summary, 0, NENDS);
	tcase_add_test(tc, test_every_lesson_has_a_summary_row);
	tcase_add_test(tc, test_loader_reads_checkpoints);
	tcase_add_test(tc, test_checkpoint_steps);
	tcase_add_test(tc, test_loader_checkpoint_edges);
	suite_add_tcase(s, tc);
	return s;
}
