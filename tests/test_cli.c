/*
 * test_cli.c: the program itself, as a teacher or a script runs it:
 * exit statuses, error messages that name the file and the path, every
 * broken scenario of tests/bad/ refused with status 2, and runs that
 * give byte-identical outputs.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "helpers.h"
#include "util.h"

static char out[1 << 16];


START_TEST(test_help_version_usage)
{
	ck_assert_int_eq(run_surel("--help", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "surel run"));
	ck_assert_ptr_nonnull(strstr(out, "--detail"));
	ck_assert_int_eq(run_surel("--version", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "surel "));
	ck_assert_int_eq(run_surel("--frobnicate", out, sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --seed x", out,
	    sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "--seed"));
	ck_assert_int_eq(run_surel("run scenarios/default.json --lang fr", out,
	    sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --until -5", out,
	    sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --bogus 1", out,
	    sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --pcap-link a:b",
	    out, sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --pcap "
	    "/dev/null --pcap-link nope:relay", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown node 'nope'"));
	/* --detail: an unknown level names the three there are. */
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate "
	    "--detail stories", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "'stories'"));
	ck_assert_ptr_nonnull(strstr(out, "story"));
	ck_assert_ptr_nonnull(strstr(out, "messages"));
	ck_assert_ptr_nonnull(strstr(out, "packets"));
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate "
	    "--detail", out, sizeof out), 2);
	ck_assert_int_eq(run_surel("run scenarios/default.json --detail story",
	    out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "--narrate"));
	ck_assert_int_eq(run_surel("run no/such/file.json", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "no/such/file.json"));
	ck_assert_int_eq(run_surel("check", out, sizeof out), 2);
}
END_TEST

START_TEST(test_check_default_ok)
{
	ck_assert_int_eq(run_surel("check scenarios/default.json", out,
	    sizeof out), 0);
	ck_assert_str_eq(out, "scenarios/default.json: ok\n");
	/* Standard input works as a file. */
	ck_assert_int_eq(run_surel("check - < scenarios/default.json", out,
	    sizeof out), 0);
}
END_TEST

/* Every file of the corpus: status 2, and each expected line appears. */
START_TEST(test_bad_corpus_exit_2)
{
	DIR *d = opendir("tests/bad");
	struct dirent *e;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char *json = xasprintf("tests/bad/%s", e->d_name);
		char *expect = xasprintf("tests/bad/%.*s.expect", (int)(n - 5),
		    e->d_name);
		char *args = xasprintf("check %s", json);
		int st = run_surel(args, out, sizeof out);

		ck_assert_msg(st == 2, "%s: exit %d, want 2\n%s", json, st, out);
		/* Each error line names the file. */
		ck_assert_msg(strncmp(out, json, strlen(json)) == 0,
		    "%s: output does not start with the file name:\n%s", json,
		    out);
		size_t len;
		char *want = test_slurp(expect, &len);
		ck_assert_msg(want != NULL, "%s is missing", expect);
		for (char *line = strtok(want, "\n"); line;
		    line = strtok(NULL, "\n"))
			ck_assert_msg(strstr(out, line) != NULL,
			    "%s: expected '%s' in:\n%s", json, line, out);
		free(want);
		free(args);
		free(expect);
		free(json);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 30);
}
END_TEST

/*
 * The same scenario and seed: byte-identical pcap, trace and summary.
 * (The transfer tests in test_tcp.c compare pcaps full of traffic; this
 * one checks the command line's own files.)
 */
START_TEST(test_outputs_identical_across_runs)
{
	char *files[2][3];

	for (int k = 0; k < 2; k++) {
		for (int j = 0; j < 3; j++)
			files[k][j] = xasprintf("/tmp/surel-cli-%d-%d-%d",
			    (int)getpid(), k, j);
		char *args = xasprintf("run tests/good/power_and_link.json "
		    "--pcap %s --trace %s --summary %s --seed 3", files[k][0],
		    files[k][1], files[k][2]);
		ck_assert_int_eq(run_surel(args, out, sizeof out), 0);
		free(args);
	}
	for (int j = 0; j < 3; j++) {
		size_t la, lb;
		char *a = test_slurp(files[0][j], &la), *b = test_slurp(files[1][j], &lb);

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(la, lb);
		ck_assert_mem_eq(a, b, la);
		if (j == 0)	/* the 24-byte pcap header, nanosecond magic */
			ck_assert_uint_eq(la, 24);
		if (j == 1) {	/* four actions, four state changes, in time order */
			ck_assert_ptr_nonnull(strstr(a, "{\"i\":0,\"t_ns\":100000000,"
			    "\"kind\":\"node_state\",\"node\":\"mail\",\"up\":false,"
			    "\"say\":{\"key\":\"node.off\",\"args\":{}}}"));
			ck_assert_ptr_nonnull(strstr(a, "{\"i\":3,\"t_ns\":400000000,"
			    "\"kind\":\"link_state\""));
		}
		ck_assert_mem_eq(a, b, la);
		free(a);
		free(b);
		unlink(files[0][j]);
		unlink(files[1][j]);
		free(files[0][j]);
		free(files[1][j]);
	}
}
END_TEST

START_TEST(test_summary_fields)
{
	char *path = xasprintf("/tmp/surel-sum-%d.json", (int)getpid());
	char *args = xasprintf("run scenarios/default.json --summary %s "
	    "--seed 42", path);
	size_t len;

	ck_assert_int_eq(run_surel(args, out, sizeof out), 0);
	char *s = test_slurp(path, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "\"surel\": 1"));
	ck_assert_ptr_nonnull(strstr(s, "\"seed\": 42"));
	ck_assert_ptr_nonnull(strstr(s, "\"title\": \"How an e-mail travels\""));
	ck_assert_ptr_nonnull(strstr(s,
	    "\"address\": \"penerima@penerimamail.com\""));
	for (const char *k = "events\0packets\0dropped\0retransmissions\0"
	    "mailboxes\0clients\0queues\0deliveries\0sim_time_ms\0"; *k;
	    k += strlen(k) + 1) {
		char *key = xasprintf("\"%s\":", k);
		ck_assert_msg(strstr(s, key) != NULL, "summary lacks %s", key);
		free(key);
	}
	free(s);
	unlink(path);
	free(path);
	free(args);
}
END_TEST

/* Run a shell command; its exit status, and its stdout+stderr in out. */
static int
run_cmd(const char *cmd, char *o, size_t osz)
{
	char *c = xasprintf("%s 2>&1", cmd);
	FILE *p = popen(c, "r");
	size_t n = 0;
	char sink[4096];

	free(c);
	if (p == NULL)
		return -1;
	n = fread(o, 1, osz - 1, p);
	o[n] = '\0';
	while (fread(sink, 1, sizeof sink, p) > 0)
		;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * make NO_WINDOW=1 (build/nowindow/surel; make test sets
 * SUREL_NOWINDOW_BIN): no SDL library linked, `run` and `check` work, and
 * every window command exits 2 saying that this build has no window.
 * Run by hand without that binary, the test only says it was skipped.
 */
START_TEST(test_build_without_window)
{
	const char *bin = getenv("SUREL_NOWINDOW_BIN");
	static const char *const window_cmds[] = {
		"", "view", "scenarios/default.json", "view scenarios/default.json",
		"--dark", "--screenshot /tmp/surel-nowindow.png --step 3",
	};
	char *cmd;

	if (bin == NULL) {
		if (access("build/nowindow/surel", X_OK) != 0) {
			fputs("test_build_without_window: skipped (no "
			    "build/nowindow/surel; make NO_WINDOW=1)\n", stderr);
			return;
		}
		bin = "build/nowindow/surel";
	}
	ck_assert_msg(access(bin, X_OK) == 0, "%s: not built", bin);
	cmd = xasprintf("ldd %s", bin);
	ck_assert_int_eq(run_cmd(cmd, out, sizeof out), 0);
	free(cmd);
	ck_assert_msg(strstr(out, "libSDL") == NULL, "%s links SDL", bin);
	ck_assert_ptr_nonnull(strstr(out, "libc."));
	cmd = xasprintf("%s run scenarios/default.json --transcript", bin);
	ck_assert_int_eq(run_cmd(cmd, out, sizeof out), 0);
	free(cmd);
	ck_assert_ptr_nonnull(strstr(out, "SMTP  C: EHLO"));
	cmd = xasprintf("%s check scenarios/default.json", bin);
	ck_assert_int_eq(run_cmd(cmd, out, sizeof out), 0);
	free(cmd);
	for (size_t i = 0; i < sizeof window_cmds / sizeof window_cmds[0]; i++) {
		cmd = xasprintf("%s %s", bin, window_cmds[i]);
		ck_assert_msg(run_cmd(cmd, out, sizeof out) == 2, "%s", cmd);
		ck_assert_msg(strstr(out, "this build has no window") != NULL,
		    "%s: %s", cmd, out);
		free(cmd);
	}
}
END_TEST

/* Lessons by name (issue 12, point 4): surel lessons, and names for view/run/check. */
START_TEST(test_lesson_names)
{
	ck_assert_int_eq(run_surel("lessons", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "default "));
	ck_assert_ptr_nonnull(strstr(out, "How an e-mail travels"));
	ck_assert_ptr_nonnull(strstr(out, "06-unknown-user "));
	ck_assert_ptr_nonnull(strstr(out, "Unknown user: the mail bounces"));
	ck_assert_ptr_nonnull(strstr(out, "14-lossy-link "));
	ck_assert_int_eq(run_surel("lessons --lang id", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Pengguna tidak dikenal: surat "
	    "dipantulkan"));
	ck_assert_int_eq(run_surel("lessons --lang xx", out, sizeof out), 2);
	ck_assert_int_eq(run_surel("check 06-unknown-user default", out,
	    sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "06-unknown-user: ok"));
	ck_assert_int_eq(run_surel("run 06-unknown-user --transcript", out,
	    sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "penrima"));
	ck_assert_int_eq(run_surel("run default --summary -", out, sizeof out),
	    0);
	ck_assert_ptr_nonnull(strstr(out, "How an e-mail travels"));
	/* An unknown name: exit 2, a did-you-mean and every name. */
	ck_assert_int_eq(run_surel("check 06-unknwn-user", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "did you mean '06-unknown-user'"));
	ck_assert_ptr_nonnull(strstr(out, "lessons: default, 01-"));
	ck_assert_int_eq(run_surel("run lossy-lnk", out, sizeof out), 2);
	ck_assert_int_eq(run_surel("view nothing-like-it --screenshot "
	    "/dev/null", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "14-lossy-link"));
	/* Issue 17: the name without its number is near enough. */
	ck_assert_int_eq(run_surel("view no-such-lesson", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "did you mean '07-no-such-domain'"));
	ck_assert_ptr_nonnull(strstr(out, "lessons: default, 01-"));
	ck_assert_int_eq(run_surel("run dns-from-the-rot", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "did you mean "
	    "'04b-dns-from-the-root'"));
	/* Two lessons start with 08: both are named. */
	ck_assert_int_eq(run_surel("check 08", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "'08-pop3-then-phone' or "
	    "'08b-imap-two-devices'"));
	/* A path stays a path. */
	ck_assert_int_eq(run_surel("check no/06-unknown-user", out, sizeof out),
	    2);
	ck_assert_ptr_nonnull(strstr(out, "cannot open"));
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_help_version_usage);
	tcase_add_test(tc, test_check_default_ok);
	tcase_add_test(tc, test_bad_corpus_exit_2);
	tcase_add_test(tc, test_outputs_identical_across_runs);
	tcase_add_test(tc, test_summary_fields);
	tcase_add_test(tc, test_build_without_window);
	tcase_add_test(tc, test_lesson_names);
	suite_add_tcase(s, tc);
	return s;
}
