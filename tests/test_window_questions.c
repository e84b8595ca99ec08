/*
 * test_window_questions.c: questions that test understanding and the
 * inspector that follows the story (issue 12, points 6 and 8): while a
 * question is open nothing shown tells what comes after its step; the
 * bundled lessons' right answers are spread over the letters, every
 * choice in both languages, every question in the teacher's guide; the
 * score at the end; the inspector opens at the application layer, shows
 * every line whole, and follows the narration at the story level.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "window_helpers.h"

static const char *const lessons[] = {
	"scenarios/01-what-is-an-email.json",
	"scenarios/02-packets-and-tcp.json",
	"scenarios/03-same-domain.json", "scenarios/04-dns-mx.json",
	"scenarios/04b-dns-from-the-root.json",
	"scenarios/05-relay-hops.json", "scenarios/06-unknown-user.json",
	"scenarios/07-no-such-domain.json",
	"scenarios/08-pop3-then-phone.json",
	"scenarios/08b-imap-two-devices.json",
	"scenarios/09-pop3-keep.json", "scenarios/10-server-down.json",
	"scenarios/11-backup-mx.json", "scenarios/12-open-relay.json",
	"scenarios/13-wrong-password.json",
	"scenarios/14-lossy-link.json", "scenarios/default.json",
};
#define NLESSONS (sizeof lessons / sizeof lessons[0])


static int
is_frame(const struct trace_rec *r)
{
	return r->kind == TR_FRAME_TX || r->kind == TR_FRAME_RX ||
	    r->kind == TR_FRAME_QUEUED || r->kind == TR_FRAME_DROP;
}

/* Every question, at the story and the packets level: nothing after its step. */
START_TEST(test_question_shows_nothing_ahead)
{
	int asked = 0;

	for (size_t f = 0; f < NLESSONS; f++)
		for (int lv = 0; lv < 2; lv++) {
			struct wh t;
			ck_assert_int_eq(wh_open(&t, lessons[f], 1280, 720,
			    "en"), 0);
			struct ui *u = t.u;
			u->app.level = lv ? DETAIL_PACKETS : DETAIL_STORY;
			for (int k = 0; k < u->app.ncps; k++) {
				char what[32];
				snprintf(what, sizeof what, "quiz:%d", k);
				long step = wh_apply(u, what);
				ck_assert_int_gt(step, 0);
				wh_draw(&t);
				/* The narration tells the step itself. */
				ck_assert_uint_eq(panel_narration_step(u),
				    (size_t)step);
				/* The event list ends at the step, and shows it. */
				long last = -1;
				for (int y = u->lay.events.y; y < u->lay.events.y +
				    u->lay.events.h; y++) {
					long s = panel_events_hit(u,
					    u->lay.events.x + 20, y);
					if (s > last)
						last = s;
				}
				ck_assert_msg(last <= step && (!lv || last == step),
				    "%s "
				    "checkpoints[%d]: the event list shows step "
				    "%ld, the question is at %ld", lessons[f], k,
				    last, step);
				/* Every packet tag: sent by the step. */
				for (int i = 0; i < u->npk; i++)
					ck_assert_msg(u->pk[i].p.queued ||
					    u->pk[i].p.tx_step <= (size_t)step,
					    "%s checkpoints[%d]: a tag of step %zu",
					    lessons[f], k, u->pk[i].p.tx_step);
				/* The inspector: the step's packet, or one before. */
				long rec = panel_inspector_record(u);
				ck_assert_int_lt(rec, step);
				const struct trace_rec r = trace_at(u->tr,
				    (size_t)step - 1);
				if (is_frame(&r))
					ck_assert_int_eq(rec, step - 1);
				asked++;
			}
			wh_close(&t);
		}
	ck_assert_int_ge(asked, 2 * 30);
}
END_TEST

/* The right answers over the letters; both languages; the guide names each. */
START_TEST(test_answers_spread)
{
	int count[SC_MAX_CHOICES] = { 0 }, used = 0, total = 0;
	size_t len;
	char *guide = NULL;
	FILE *fp = fopen("scenarios/README.md", "rb");

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	guide = malloc(len + 1);
	ck_assert_uint_eq(fread(guide, 1, len, fp), len);
	guide[len] = '\0';
	fclose(fp);
	const char *en = strstr(guide, "<a id=\"guide-en\">");
	const char *id = strstr(guide, "<a id=\"guide-id\">");
	const char *story = strstr(guide, "<a id=\"the-story\">");
	ck_assert(en && id && story && en < id && id < story);

	for (size_t f = 0; f < NLESSONS; f++) {
		struct wh t;
		ck_assert_int_eq(wh_open(&t, lessons[f], 640, 480, "en"), 0);
		const struct scenario *sc = t.u->sc;
		const char *base = strrchr(lessons[f], '/') + 1;
		char name[96];
		snprintf(name, sizeof name, "`%s`", base);
		for (int part = 0; part < 2; part++) {
			/* The lesson's own section of the guide, in each language. */
			const char *lo = part ? id : en, *hi = part ? story : id;
			const char *h = strstr(lo, name);
			ck_assert_msg(h && h < hi, "the guide has no %s", name);
			const char *end = strstr(h, "\n####");
			if (end == NULL || end > hi)
				end = hi;
			for (int k = 0; k < sc->ncheckpoints; k++) {
				char want[64];
				snprintf(want, sizeof want, part ?
				    "Pertanyaan %d (jawaban %c):" :
				    "Question %d (answer %c):", k + 1,
				    'A' + sc->checkpoints[k].answer);
				const char *q = strstr(h, want);
				ck_assert_msg(q && q < end, "%s: the guide (%s) lacks "
				    "\"%s\"", base, part ? "id" : "en", want);
				/* And the misconception of every wrong choice. */
				for (int c = 0; c < sc->checkpoints[k].nchoices; c++) {
					char letter[8];
					if (c == sc->checkpoints[k].answer)
						continue;
					/* "B, the misconception": a line may break after the comma. */
					snprintf(letter, sizeof letter, "%c,", 'A' + c);
					const char *m = strstr(q, letter);
					while (m != NULL && ((m[-1] != ' ' &&
					    m[-1] != '\n') || (m[2] != ' ' &&
					    m[2] != '\n')))
						m = strstr(m + 1, letter);
					const char *nx = strstr(q + 1, part ?
					    "Pertanyaan " : "Question ");
					ck_assert_msg(m && m < end && (nx == NULL ||
					    m < nx), "%s question %d: the guide "
					    "(%s) says nothing of choice %c", base,
					    k + 1, part ? "id" : "en", 'A' + c);
				}
			}
		}
		for (int k = 0; k < sc->ncheckpoints; k++) {
			const struct sc_checkpoint *cp = &sc->checkpoints[k];
			count[cp->answer]++;
			total++;
			if (cp->nchoices > used)
				used = cp->nchoices;
			for (int c = 0; c < cp->nchoices; c++) {
				const char *e = sc_text_get(&cp->choices[c], "en");
				const char *i = sc_text_get(&cp->choices[c], "id");
				ck_assert(e && i && *e && *i);
			}
		}
		wh_close(&t);
	}
	free(guide);
	ck_assert_int_ge(total, 30);
	for (int c = 0; c < used; c++) {
		ck_assert_msg(count[c] * 100 <= total * 40, "answer %c: %d of %d",
		    'A' + c, count[c], total);
		ck_assert_msg(count[c] > 0, "no question's answer is %c", 'A' + c);
	}
}
END_TEST

static void
cmd(struct app *a, enum app_cmd c, long arg)
{
	struct app_command x = { c, arg, 0 };

	app_do(a, &x);
}

/* The score at the end: right answers count, wrong and skipped do not. */
START_TEST(test_score_at_the_end)
{
	struct wh t;
	char buf[160];
	int right, asked;

	ck_assert_int_eq(wh_open(&t, "scenarios/06-unknown-user.json", 1280,
	    720, "en"), 0);
	struct app *a = &t.u->app;
	ck_assert_int_eq(a->ncps, 2);
	/* Not before the end. */
	ck_assert_int_eq(app_score(a, &right, &asked), 0);
	ck_assert_str_eq(panel_narration_score(t.u, buf, sizeof buf), "");
	/* Nor at the end when no question was met: a jump there is no test. */
	cmd(a, CMD_END, 0);
	ck_assert_uint_eq(a->step, a->nsteps - 1);
	ck_assert_int_eq(app_score(a, &right, &asked), 0);
	cmd(a, CMD_HOME, 0);
	ck_assert_int_gt(wh_apply(t.u, "quiz:0"), 0);
	cmd(a, CMD_ANSWER, t.u->sc->checkpoints[0].answer);
	cmd(a, CMD_CONTINUE, 0);
	ck_assert_int_eq(a->quiz, 1);
	cmd(a, CMD_ANSWER, t.u->sc->checkpoints[1].answer == 0 ? 1 : 0);
	cmd(a, CMD_CONTINUE, 0);
	/* Open questions hide it; at the end it shows, by End or by play. */
	cmd(a, CMD_END, 0);
	ck_assert_uint_eq(a->step, a->nsteps - 1);
	ck_assert_int_eq(app_score(a, &right, &asked), 1);
	ck_assert_int_eq(right, 1);
	ck_assert_int_eq(asked, 2);
	ck_assert_str_eq(panel_narration_score(t.u, buf, sizeof buf),
	    "You answered 1 of 2 questions right.");
	cmd(a, CMD_LANG, 0);
	ck_assert_str_eq(ui_lang(t.u), "id");
	ck_assert_str_eq(panel_narration_score(t.u, buf, sizeof buf),
	    "Kamu menjawab benar 1 dari 2 pertanyaan.");
	wh_draw(&t);

	/* Again from the start, playing: both right, then both skipped. */
	cmd(a, CMD_HOME, 0);
	cmd(a, CMD_PLAY, 0);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 200000 && a->playing && a->quiz < 0; i++)
			app_advance(a, 0.05);
		ck_assert_int_eq(a->quiz, k);
		ck_assert_int_eq(app_score(a, &right, &asked), 0);
		cmd(a, CMD_ANSWER, t.u->sc->checkpoints[k].answer);
		cmd(a, CMD_CONTINUE, 0);
	}
	for (int i = 0; i < 200000 && a->playing; i++)
		app_advance(a, 0.05);
	ck_assert_uint_eq(a->step, a->nsteps - 1);
	ck_assert_int_eq(app_score(a, &right, &asked), 1);
	ck_assert_int_eq(right, 2);
	cmd(a, CMD_HOME, 0);
	ck_assert_int_gt(wh_apply(t.u, "quiz:0"), 0);
	cmd(a, CMD_SKIP, 0);
	ck_assert_int_eq(a->quiz, 1);
	cmd(a, CMD_SKIP, 0);
	cmd(a, CMD_END, 0);
	ck_assert_int_eq(app_score(a, &right, &asked), 1);
	ck_assert_int_eq(right, 0);
	ck_assert_str_eq(panel_narration_score(t.u, buf, sizeof buf),
	    "Kamu menjawab benar 0 dari 2 pertanyaan.");
	wh_close(&t);
}
END_TEST

/*
 * A click on a packet opens it at its application layer, chosen and at
 * the top; no row of the application is cut short: each fits the panel.
 */
START_TEST(test_inspector_opens_at_the_application)
{
	struct wh t;

	ck_assert_int_eq(wh_open(&t, "scenarios/01-what-is-an-email.json",
	    1024, 768, "en"), 0);
	struct ui *u = t.u;
	u->app.level = DETAIL_PACKETS;
	long step = wh_apply(u, "frame:Content-Transfer-Encoding");
	ck_assert_int_gt(step, 0);
	wh_draw(&t);
	ck_assert_int_gt(u->npk, 0);
	const struct ui_packet *p = NULL;
	for (int i = 0; i < u->npk; i++)
		if (u->pk[i].p.proto == APP_SMTP)
			p = &u->pk[i];
	ck_assert_ptr_nonnull(p);
	struct app_command c = { CMD_SELECT_PACKET, p->p.frame,
	    (long)p->p.tx_step };
	app_do(&u->app, &c);
	wh_draw(&t);
	int sel = u->app.sel_field;
	ck_assert_int_ge(sel, 0);
	ck_assert_str_eq(panel_inspector_row_text(u, sel), "SMTP");
	ck_assert_int_eq(u->app.scroll_inspector, sel);
	int pad = layout_px(&u->lay, 8), lines = 0, wrapped = 0;
	for (int i = sel + 1; i < panel_inspector_rows(u); i++) {
		const char *r = panel_inspector_row_text(u, i);
		int tw = text_width(u->text, FACE_SANS, u->lay.font_small, r);
		ck_assert_msg(tw <= u->lay.right.w - 3 * pad, "row %d is cut: "
		    "%s", i, r);
		lines++;
		wrapped += strchr(r, ':') == NULL;
	}
	ck_assert_int_gt(lines, 5);
	ck_assert_int_gt(wrapped, 0);	/* a base64 line goes on over a second row */
	/* The wheel scrolls down through it all, and up to Ethernet. */
	struct app_command down = { CMD_SCROLL, 1000, SCROLL_INSPECTOR };
	app_do(&u->app, &down);
	wh_draw(&t);
	ck_assert_int_gt(u->app.scroll_inspector, sel);
	struct app_command up = { CMD_SCROLL, -1000, SCROLL_INSPECTOR };
	app_do(&u->app, &up);
	wh_draw(&t);
	ck_assert_int_eq(u->app.scroll_inspector, 0);
	wh_close(&t);
}
END_TEST

/* At the story level the inspector shows the narration's message, not the record playing. */
START_TEST(test_inspector_follows_the_narration)
{
	struct wh t;
	int checked = 0;

	ck_assert_int_eq(wh_open(&t, "scenarios/06-unknown-user.json", 1280,
	    720, "en"), 0);
	struct ui *u = t.u;
	ck_assert_int_eq(u->app.level, DETAIL_STORY);
	for (size_t s = 2; s < u->app.nsteps && checked < 5; s++) {
		size_t said = view_level_at(u->view, DETAIL_STORY, s);
		struct trace_rec rc;
		const struct trace_rec *r = said ?
		    (rc = trace_at(u->tr, said - 1), &rc) : NULL;
		if (r == NULL || said + 3 > s || r->kind != TR_APP)
			continue;
		app_seek(&u->app, s);
		if (panel_narration_step(u) != said)
			continue;
		wh_draw(&t);
		long rec = panel_inspector_record(u);
		ck_assert_int_ge(rec, (long)said - 1);
		const struct trace_rec q = trace_at(u->tr, (size_t)rec);
		ck_assert(q.kind == TR_FRAME_TX || q.kind == TR_FRAME_QUEUED);
		ck_assert_int_eq(q.node, r->node);
		/* The same packet all through the sentence's hold. */
		app_seek(&u->app, s - 1);
		wh_draw(&t);
		if (panel_narration_step(u) == said)
			ck_assert_int_eq(panel_inspector_record(u), rec);
		checked++;
		s += 20;
	}
	ck_assert_int_gt(checked, 2);
	wh_close(&t);
}
END_TEST

Suite *
window_questions_suite(void)
{
	Suite *s = suite_create("window_questions");
	TCase *tc = tcase_create("questions");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_question_shows_nothing_ahead);
	tcase_add_test(tc, test_answers_spread);
	tcase_add_test(tc, test_score_at_the_end);
	tcase_add_test(tc, test_inspector_opens_at_the_application);
	tcase_add_test(tc, test_inspector_follows_the_narration);
	suite_add_tcase(s, tc);
	return s;
}
