/*
 * test_window_questions.c: questions that test understanding (issue 12,
 * points 6 and 8).
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

START_TEST(test_dump)
{
	char buf[2048];
	for (size_t f = 0; f < NLESSONS; f++) {
		struct wh t;
		ck_assert_int_eq(wh_open(&t, lessons[f], 1280, 720, "en"), 0);
		for (int k = 0; k < t.u->app.ncps; k++) {
			char what[32];
			snprintf(what, sizeof what, "quiz:%d", k);
			t.u->app.quiz = -1; long rr = wh_apply(t.u, what); printf("rr %ld quiz %d cp %zu\n", rr, t.u->app.quiz, t.u->cp_steps[k]);
			size_t s = panel_narration_step(t.u);
			printf("%s %d step %zu said %zu\n  Q: %s\n", lessons[f], k, t.u->app.step, s,
			    sc_text_get(&t.u->sc->checkpoints[k].question, "en"));
			printf("  EN: %s\n", ui_narration(t.u, s, 0, buf, sizeof buf));
			printf("  ID: %s\n", ui_narration(t.u, s, 1, buf, sizeof buf));
		}
		wh_close(&t);
	}
}
END_TEST

Suite *
window_questions_suite(void)
{
	Suite *s = suite_create("window_questions");
	TCase *tc = tcase_create("questions");

	tcase_set_timeout(tc, 120);
	(void)test_dump;
	suite_add_tcase(s, tc);
	return s;
}
