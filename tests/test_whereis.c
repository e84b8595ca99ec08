/*
 * test_whereis.c: where the mail is at a step (sim/explain/whereis.h)
 * in the bundled lessons: same domain (queue, then mailbox), the relay
 * path, a refusal that bounces, POP3 (gone from the server after DELE),
 * IMAP (on the server and both devices), a server that is down (the
 * mail waits in the queue); and the same answer in any order of asking.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "run_helpers.h"
#include "sim.h"
#include "whereis.h"
#include "whereis_line.h"

#include <cjson/cJSON.h>
#include <glob.h>

#include "export.h"
#include "narrate.h"
#include "detail.h"
#include "whereis_oracle.h"

struct wtest {
	struct test_run	 run;
	struct whereis	*w;
	size_t		 nsteps;	/* trace_count(): the last step */
};

static struct wtest
wt_open(const char *path)
{
	struct wtest t;

	t.run = test_run_file(path);
	t.w = whereis_new(sim_trace(t.run.sim), t.run.sc);
	t.nsteps = trace_count(sim_trace(t.run.sim));
	return t;
}

static void
wt_close(struct wtest *t)
{
	whereis_free(t->w);
	test_run_free(&t->run);
}

static int
node_named(const struct wtest *t, const char *id)
{
	for (int i = 0; i < t->run.sc->nnodes; i++)
		if (strcmp(t->run.sc->nodes[i].id, id) == 0)
			return i;
	ck_abort_msg("no node %s", id);
	return -1;
}

/*
 * How many places at step match: subject (a prefix; NULL any), kind,
 * node id (NULL any), peer id (NULL any), address (NULL any).
 */
static int
count_at(struct wtest *t, size_t step, const char *subject,
    enum whereis_kind kind, const char *node, const char *peer,
    const char *addr)
{
	const struct whereis_entry *e;
	int n = whereis_at(t->w, step, &e), k = 0;

	for (int i = 0; i < n; i++) {
		const struct whereis_msg *m = whereis_msg(t->w, e[i].msg);

		if (subject && strncmp(m->subject, subject, strlen(subject)) != 0)
			continue;
		if (e[i].kind != kind)
			continue;
		if (node && e[i].node != node_named(t, node))
			continue;
		if (peer && e[i].peer != node_named(t, peer))
			continue;
		if (addr && strcmp(e[i].addr, addr) != 0)
			continue;
		k++;
	}
	return k;
}

/* The first step at or after from where count_at() is not 0; 0 where none. */
static size_t
first_step(struct wtest *t, size_t from, const char *subject,
    enum whereis_kind kind, const char *node, const char *peer,
    const char *addr)
{
	for (size_t s = from; s <= t->nsteps; s++)
		if (count_at(t, s, subject, kind, node, peer, addr) > 0)
			return s;
	return 0;
}

START_TEST(test_whereis_same_domain)
{
	struct wtest t = wt_open("scenarios/03-same-domain.json");
	const char *to = "teman@pengirimmail.com";

	/* Composed on the laptop before anything crosses. */
	size_t c = first_step(&t, 0, NULL, WHERE_COMPOSED, "laptop-pengirim",
	    NULL, NULL);
	ck_assert_uint_gt(c, 0);
	size_t q = first_step(&t, c, NULL, WHERE_QUEUE, "mail-pengirim", NULL,
	    to);
	ck_assert_uint_gt(q, c);
	size_t m = first_step(&t, q, NULL, WHERE_MAILBOX, "mail-pengirim", NULL,
	    to);
	ck_assert_uint_gt(m, q);
	/* Once in the mailbox it is in no queue, and no longer on the laptop. */
	ck_assert_int_eq(count_at(&t, m, NULL, WHERE_QUEUE, NULL, NULL, NULL), 0);
	ck_assert_int_eq(count_at(&t, m, NULL, WHERE_COMPOSED, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX,
	    "mail-pengirim", NULL, to), 1);
	/* Before the send, nothing anywhere. */
	const struct whereis_entry *e;
	ck_assert_int_eq(whereis_at(t.w, 0, &e), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_relay_path)
{
	struct wtest t = wt_open("scenarios/default.json");
	const char *s1 = "Laporan bulan ini";

	ck_assert_int_eq(whereis_nmsgs(t.w), 2);
	ck_assert_str_eq(whereis_msg(t.w, 0)->subject, s1);
	/* Hop by hop: queue, crossing to the relay, the relay's queue, ... */
	size_t a = first_step(&t, 0, s1, WHERE_QUEUE, "mail-pengirim", NULL,
	    NULL);
	size_t b = first_step(&t, a, s1, WHERE_TRANSIT, "mail-pengirim",
	    "relay", NULL);
	size_t c = first_step(&t, b, s1, WHERE_QUEUE, "relay", NULL, NULL);
	size_t d = first_step(&t, c, s1, WHERE_TRANSIT, "relay",
	    "mx-penerima", NULL);
	size_t e = first_step(&t, d, s1, WHERE_MAILBOX, "mailbox-penerima",
	    NULL, "penerima@penerimamail.com");
	ck_assert(a > 0 && a < b && b < c && c < d && d < e);
	/* The relay took it: the sender's server holds it no longer. */
	ck_assert_int_eq(count_at(&t, c, s1, WHERE_QUEUE, "mail-pengirim", NULL,
	    NULL), 0);
	/* The end: the first on the recipient's laptop only (POP3). */
	ck_assert_int_eq(count_at(&t, t.nsteps, s1, WHERE_DEVICE,
	    "laptop-penerima", "mailbox-penerima", NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, s1, WHERE_MAILBOX, NULL, NULL,
	    NULL), 0);
	/* The second: two mailboxes and two devices (IMAP). */
	ck_assert_int_eq(count_at(&t, t.nsteps, "Jadwal rapat", WHERE_MAILBOX,
	    NULL, NULL, NULL), 2);
	ck_assert_int_eq(count_at(&t, t.nsteps, "Jadwal rapat", WHERE_DEVICE,
	    NULL, NULL, NULL), 2);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_refused_bounces)
{
	struct wtest t = wt_open("scenarios/06-unknown-user.json");
	const struct whereis_entry *e;
	int n = whereis_at(t.w, t.nsteps, &e), bounced = 0, notice = 0;

	for (int i = 0; i < n; i++) {
		const struct whereis_msg *m = whereis_msg(t.w, e[i].msg);

		if (!m->bounce && e[i].kind == WHERE_BOUNCED)
			bounced++;
		/* The notice is a message of its own, home in the sender's box. */
		if (m->bounce && e[i].kind == WHERE_MAILBOX &&
		    strcmp(e[i].addr, "pengirim@pengirimmail.com") == 0 &&
		    e[i].node == node_named(&t, "mail-pengirim"))
			notice++;
	}
	ck_assert_int_eq(bounced, 1);
	ck_assert_int_eq(notice, 1);
	ck_assert_int_eq(whereis_nmsgs(t.w), 2);
	ck_assert_int_eq(count_at(&t, t.nsteps, "Salah ketik", WHERE_QUEUE,
	    NULL, NULL, NULL), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_pop3_leaves_the_server)
{
	struct wtest t = wt_open("scenarios/08-pop3-then-phone.json");
	size_t d = first_step(&t, 0, NULL, WHERE_DEVICE, "laptop-penerima",
	    "mailbox-penerima", NULL);

	ck_assert_uint_gt(d, 0);
	/* Downloaded, and still on the server until the UPDATE after QUIT. */
	ck_assert_int_eq(count_at(&t, d, NULL, WHERE_MAILBOX, "mailbox-penerima",
	    NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "laptop-penerima", NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "hp-penerima", NULL, NULL), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_imap_everywhere)
{
	struct wtest t = wt_open("scenarios/08b-imap-two-devices.json");

	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX,
	    "mailbox-penerima", NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "laptop-penerima", "mailbox-penerima", NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "hp-penerima", "mailbox-penerima", NULL), 1);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_server_down_waits)
{
	struct wtest t = wt_open("scenarios/10-server-down.json");
	const struct trace *tr = sim_trace(t.run.sim);
	size_t retry = 0;

	for (size_t i = 0; i < trace_count(tr) && retry == 0; i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_STATE && r.a == ST_QUEUE_RETRY)
			retry = i + 1;
	}
	ck_assert_uint_gt(retry, 0);
	/* While the server is down the mail waits in the sender's queue. */
	ck_assert_int_eq(count_at(&t, retry, NULL, WHERE_QUEUE, "mail-pengirim",
	    NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, retry, NULL, WHERE_TRANSIT, NULL, NULL,
	    NULL), 0);
	/* And arrives in the end. */
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_QUEUE, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX, NULL, NULL,
	    NULL), 1);
	wt_close(&t);
}
END_TEST

/* The window asks in any order: the answer is the step's, whatever came before. */
START_TEST(test_whereis_any_order)
{
	struct wtest t = wt_open("scenarios/default.json");
	size_t n = t.nsteps + 1;
	char **fwd = xcalloc(n, sizeof *fwd);

	for (size_t s = 0; s < n; s++) {
		const struct whereis_entry *e;
		int k = whereis_at(t.w, s, &e);
		struct buf b = { 0 };

		for (int i = 0; i < k; i++)
			buf_printf(&b, "%d %d %d %d %s;", e[i].msg, e[i].kind,
			    e[i].node, e[i].peer, e[i].addr);
		buf_putc(&b, '\0');
		fwd[s] = (char *)b.data;
	}
	for (size_t j = 0; j < n; j++) {
		size_t s = (j * 7919) % n;	/* jumps back and forth */
		const struct whereis_entry *e;
		int k = whereis_at(t.w, s, &e);
		struct buf b = { 0 };

		for (int i = 0; i < k; i++)
			buf_printf(&b, "%d %d %d %d %s;", e[i].msg, e[i].kind,
			    e[i].node, e[i].peer, e[i].addr);
		buf_putc(&b, '\0');
		ck_assert_str_eq((char *)b.data, fwd[s]);
		buf_free(&b);
	}
	for (size_t s = 0; s < n; s++)
		free(fwd[s]);
	free(fwd);
	wt_close(&t);
}
END_TEST

/* The window's line, in both languages, at a queue, a crossing, a mailbox. */
START_TEST(test_whereis_line_default)
{
	struct wtest t = wt_open("scenarios/default.json");
	const char *s1 = "Laporan bulan ini";
	size_t q = first_step(&t, 0, s1, WHERE_QUEUE, "mail-pengirim", NULL,
	    NULL);
	size_t x = first_step(&t, q, s1, WHERE_TRANSIT, "mail-pengirim",
	    "relay", NULL);
	size_t m = first_step(&t, x, s1, WHERE_MAILBOX, "mailbox-penerima",
	    NULL, NULL);
	struct buf b = { 0 };

	whereis_line(t.w, t.run.sc, 0, "en", &b);
	ck_assert_str_eq((char *)b.data, "Where the mail is: no mail written yet");
	b.len = 0;
	whereis_line(t.w, t.run.sc, q, "en", &b);
	ck_assert_str_eq((char *)b.data, "Where the mail is: \"Laporan bulan "
	    "ini\" in mail.pengirimmail.com's queue");
	b.len = 0;
	whereis_line(t.w, t.run.sc, q, "id", &b);
	ck_assert_str_eq((char *)b.data, "Posisi surat: \"Laporan bulan ini\" "
	    "di antrean mail.pengirimmail.com");
	/* Crossing: said as the crossing, not as the copy left in the queue. */
	b.len = 0;
	whereis_line(t.w, t.run.sc, x, "en", &b);
	ck_assert_str_eq((char *)b.data, "Where the mail is: \"Laporan bulan "
	    "ini\" on its way to Relay server");
	b.len = 0;
	whereis_line(t.w, t.run.sc, x, "id", &b);
	ck_assert_str_eq((char *)b.data, "Posisi surat: \"Laporan bulan ini\" "
	    "dalam perjalanan ke Server relay");
	b.len = 0;
	whereis_line(t.w, t.run.sc, m, "en", &b);
	ck_assert_str_eq((char *)b.data, "Where the mail is: \"Laporan bulan "
	    "ini\" in penerima's mailbox");
	/* The end: two messages, each where it is. */
	b.len = 0;
	whereis_line(t.w, t.run.sc, t.nsteps, "en", &b);
	ck_assert_str_eq((char *)b.data, "Where the mail is: \"Laporan bulan "
	    "ini\" on Recipient's laptop; \"Jadwal rapat\" in teman's mailbox, "
	    "in penerima's mailbox, on Recipient's laptop, on Recipient's "
	    "phone");
	buf_free(&b);
	wt_close(&t);
}
END_TEST

/* The key of record i, in buf. */
static const char *
key_of(const struct trace *tr, size_t i, char *buf, size_t size)
{
	struct trace_say y;

	buf[0] = '\0';
	if (trace_say_read(tr, trace_at(tr, i).say, &y) && y.key_len < size) {
		memcpy(buf, y.key, y.key_len);
		buf[y.key_len] = '\0';
	}
	return buf;
}

/* The value of argument name of record i ("" where none), in buf. */
static const char *
arg_of(const struct trace *tr, size_t i, const char *name, char *buf,
    size_t size)
{
	struct trace_say y;

	buf[0] = '\0';
	if (!trace_say_read(tr, trace_at(tr, i).say, &y))
		return buf;
	for (int k = 0; k < y.nargs; k++)
		if (y.arg[k].name_len == strlen(name) &&
		    memcmp(y.arg[k].name, name, y.arg[k].name_len) == 0 &&
		    y.arg[k].value_len < size) {
			memcpy(buf, y.arg[k].value, y.arg[k].value_len);
			buf[y.arg[k].value_len] = '\0';
		}
	return buf;
}

/*
 * The fast whereis (places per message, issue 16) against the old flat
 * list (whereis_oracle.c): the same messages, and at step the same
 * places in the same order.  what: the file, for the message.
 */
static void
same_messages(struct whereis *w, struct oracle *o, const char *what)
{
	ck_assert_int_eq(whereis_nmsgs(w), oracle_nmsgs(o));
	for (int i = 0; i < whereis_nmsgs(w); i++) {
		const struct whereis_msg *a = whereis_msg(w, i);
		const struct whereis_msg *b = oracle_msg(o, i);

		ck_assert_msg(strcmp(a->id, b->id) == 0 &&
		    strcmp(a->subject, b->subject) == 0 &&
		    a->bounce == b->bounce, "%s: message %d: %s %s %d, "
		    "want %s %s %d", what, i, a->id, a->subject, a->bounce,
		    b->id, b->subject, b->bounce);
	}
}

static void
same_places(struct whereis *w, struct oracle *o, size_t step,
    const char *what)
{
	const struct whereis_entry *a, *b;
	int na = whereis_at(w, step, &a);
	int nb = oracle_at(o, step, &b);

	ck_assert_msg(na == nb, "%s step %zu: %d places, want %d", what, step,
	    na, nb);
	for (int i = 0; i < na; i++)
		ck_assert_msg(a[i].msg == b[i].msg && a[i].kind == b[i].kind &&
		    a[i].node == b[i].node && a[i].peer == b[i].peer &&
		    strcmp(a[i].addr, b[i].addr) == 0,
		    "%s step %zu place %d: %d %s %d %d %s, want %d %s %d %d %s",
		    what, step, i, a[i].msg, whereis_kind_name(a[i].kind),
		    a[i].node, a[i].peer, a[i].addr, b[i].msg,
		    whereis_kind_name(b[i].kind), b[i].node, b[i].peer,
		    b[i].addr);
}

/* Every step of every bundled lesson, forwards and then jumping. */
START_TEST(test_whereis_oracle_lessons)
{
	glob_t g;

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct wtest t = wt_open(g.gl_pathv[f]);
		struct oracle *o = oracle_new(sim_trace(t.run.sim), t.run.sc);

		same_messages(t.w, o, g.gl_pathv[f]);
		for (size_t s = 0; s <= t.nsteps; s++)
			same_places(t.w, o, s, g.gl_pathv[f]);
		for (size_t j = 0; j <= t.nsteps; j += 7)
			same_places(t.w, o, (j * 7919) % (t.nsteps + 1),
			    g.gl_pathv[f]);
		oracle_free(o);
		wt_close(&t);
	}
	globfree(&g);
}
END_TEST

/*
 * The generated world of the scale ladder (tests/gen_world.c) with 1,000
 * messages: many in flight at once, queues, mailboxes, fetches, saved
 * copies of hundreds of places; 300 steps in a jumping order, the first
 * and the last.
 */
START_TEST(test_whereis_oracle_world)
{
	struct scenario *sc = gen_world_scenario(1000, 1);

	ck_assert_ptr_nonnull(sc);
	struct sim *s = sim_new(sc, sc->seed);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	size_t n = trace_count(tr);
	struct whereis *w = whereis_new(tr, sc);
	struct oracle *o = oracle_new(tr, sc);
	uint64_t x = 88172645463325252ULL;
	int most = 0;
	size_t at_most = 0;

	ck_assert_int_ge(whereis_nmsgs(w), 1000);
	same_messages(w, o, "world");
	same_places(w, o, 0, "world");
	same_places(w, o, n, "world");
	for (int j = 0; j < 300; j++) {
		const struct whereis_entry *e;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		same_places(w, o, (size_t)(x % (n + 1)), "world");
		int k = whereis_at(w, (size_t)(x % (n + 1)), &e);
		if (k > most) {
			most = k;
			at_most = (size_t)(x % (n + 1));
		}
	}
	/* Enough places that the saved copies are far apart. */
	ck_assert_int_gt(most, 500);
	/* Its line stops where no screen could show more. */
	struct buf line = { 0 };
	whereis_line(w, sc, at_most, "en", &line);
	ck_assert_uint_gt(line.len, WHEREIS_LINE_MAX);
	ck_assert_uint_lt(line.len, WHEREIS_LINE_MAX + 1024);
	ck_assert_int_eq(memcmp(line.data + line.len - 4, " …", 4), 0);
	buf_free(&line);
	oracle_free(o);
	whereis_free(w);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/*
 * Every bundled lesson ends with its recap: the last story steps are
 * ST_RECAP records, and only they; each says "In short" / "Ringkasnya";
 * every delivery of the summary has a recap line whose fate is its
 * status (delivered, bounced, queued, rejected).
 */
START_TEST(test_recap_every_lesson)
{
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	glob_t g;

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		const char *file = g.gl_pathv[f];
		struct test_run r = test_run_file(file);
		const struct trace *tr = sim_trace(r.sim);
		size_t n = trace_count(tr), first = n, nrecap = 0;
		char key[128], a[256], b[256];

		for (size_t i = 0; i < n; i++) {
			const struct trace_rec rec = trace_at(tr, i);

			if (rec.kind != TR_STATE || rec.a != ST_RECAP)
				continue;
			if (first == n)
				first = i;
			nrecap++;
			ck_assert_msg(detail_has(tr, i, DETAIL_STORY),
			    "%s: recap step %zu is not a story step", file, i + 1);
			ck_assert_msg(strncmp(key_of(tr, i, key, sizeof key),
			    "recap.", 6) == 0, "%s: %s", file, key);
			struct buf se = { 0 }, si = { 0 };
			narrate(r.sim, en, NULL, i, &se);
			narrate(r.sim, id, en, i, &si);
			ck_assert_msg(strncmp((char *)se.data, "In short: ", 10) == 0,
			    "%s: %s", file, (char *)se.data);
			ck_assert_msg(strncmp((char *)si.data, "Ringkasnya: ", 12) ==
			    0, "%s: %s", file, (char *)si.data);
			/* Every placeholder filled ("?" is one that was not). */
			arg_of(tr, i, "subject", a, sizeof a);
			char *sub = strstr((char *)se.data, a);
			if (sub != NULL && a[0] != '\0')
				memset(sub, '#', strlen(a));
			ck_assert_msg(strchr((char *)se.data, '?') == NULL,
			    "%s: %s", file, (char *)se.data);
			buf_free(&se);
			buf_free(&si);
		}
		ck_assert_msg(nrecap > 0, "%s has no recap", file);
		/* The recap is the end of the story: nothing after it. */
		ck_assert_uint_eq(first + nrecap, n);
		/* The summary's deliveries, each with its recap line. */
		struct buf sum = { 0 };
		export_summary(r.sim, &sum);
		cJSON *j = cJSON_ParseWithLength((char *)sum.data, sum.len);
		const cJSON *d;
		ck_assert_ptr_nonnull(j);
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(j, "deliveries")) {
			const char *mid = cJSON_GetObjectItem(d, "message_id")->
			    valuestring;
			const char *to = cJSON_GetObjectItem(d, "recipient")->
			    valuestring;
			const char *st = cJSON_GetObjectItem(d, "status")->
			    valuestring;
			int found = 0;

			for (size_t i = first; i < n; i++) {
				if (strcmp(arg_of(tr, i, "msgid", a, sizeof a),
				    mid) != 0 ||
				    strcmp(arg_of(tr, i, "to", b, sizeof b), to) != 0)
					continue;
				found++;
				key_of(tr, i, key, sizeof key);
				if (strcmp(st, "delivered") == 0)
					ck_assert_msg(strncmp(key, "recap.delivered",
					    15) == 0 || strcmp(key,
					    "recap.notice") == 0, "%s %s: %s",
					    file, st, key);
				else if (strcmp(st, "bounced") == 0)
					ck_assert_msg(strcmp(key, "recap.bounced") ==
					    0 || strcmp(key, "recap.lost") == 0,
					    "%s %s: %s", file, st, key);
				else if (strcmp(st, "queued") == 0)
					ck_assert_msg(strstr(key, "queued") != NULL,
					    "%s %s: %s", file, st, key);
				else
					ck_assert_msg(strncmp(key, "recap.refused",
					    13) == 0, "%s %s: %s", file, st, key);
			}
			ck_assert_msg(found == 1, "%s: %s for %s: %d recap lines",
			    file, mid, to, found);
		}
		cJSON_Delete(j);
		buf_free(&sum);
		test_run_free(&r);
	}
	globfree(&g);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* A run cut short says what is still on its way. */
START_TEST(test_recap_cut_short)
{
	/* Stopped while it is in the first server's queue. */
	struct test_run r = test_run_adds("scenarios/default.json", NULL, 0,
	    300 * SIM_MS);
	char key[128];

	const struct trace *tr = sim_trace(r.sim);
	size_t n = trace_count(tr);
	ck_assert_str_eq(key_of(tr, n - 1, key, sizeof key), "recap.queued");
	test_run_free(&r);
}
END_TEST

Suite *
whereis_suite(void)
{
	Suite *s = suite_create("whereis");
	TCase *tc = tcase_create("whereis");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_whereis_same_domain);
	tcase_add_test(tc, test_whereis_relay_path);
	tcase_add_test(tc, test_whereis_refused_bounces);
	tcase_add_test(tc, test_whereis_pop3_leaves_the_server);
	tcase_add_test(tc, test_whereis_imap_everywhere);
	tcase_add_test(tc, test_whereis_server_down_waits);
	tcase_add_test(tc, test_whereis_any_order);
	tcase_add_test(tc, test_whereis_line_default);
	tcase_add_test(tc, test_whereis_oracle_lessons);
	tcase_add_test(tc, test_whereis_oracle_world);
	tcase_add_test(tc, test_recap_every_lesson);
	tcase_add_test(tc, test_recap_cut_short);
	suite_add_tcase(s, tc);
	return s;
}
