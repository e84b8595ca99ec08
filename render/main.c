/*
 * main.c: surel's entry point: picks the command (shared/SPEC.md
 * section 1): `run` and `check` work without a window; everything else
 * (`surel`, `surel view FILE`, `surel FILE`, the window's options) opens
 * the window (window.c) or, with --screenshot, draws one step to a PNG.
 */
#include "cli.h"
#include "lessons.h"
#include "window.h"

#include <stdio.h>
#include <string.h>

#define SUREL_VERSION "0.1.0"

static void
usage(FILE *f)
{
	fputs(
"usage: surel                      the default scenario (the whole story)\n"
"       surel [view] FILE.json     another scenario\n"
"       surel [view] [FILE.json] --screenshot OUT.png --step N [--size WxH]\n"
"       surel run [FILE.json|-] [options]\n"
"       surel check [--strict] FILE.json...\n"
"                                  validate; also warn (FILE: warning: PATH:\n"
"                                  ...) where a valid scenario cannot do what\n"
"                                  it seems to want; --strict: exit 2 on a\n"
"                                  warning (an action's \"expect\" note\n"
"                                  silences one it gives on purpose)\n"
"       surel lessons [--lang CODE] the bundled lessons: name, title, what\n"
"                                  each teaches\n"
"       surel live [FILE.json] [options]\n"
"                                  the world in real time; real mail\n"
"                                  programs talk to its servers (see README,\n"
"                                  \"A live world for a class\")\n"
"       surel --help | --version\n"
"  FILE.json may also be a bundled lesson's name (06-unknown-user, default;\n"
"  see surel lessons); a file that exists wins.\n"
"\n"
"options of run:\n"
"  --pcap OUT.pcap       every frame once, as it leaves the host that made it\n"
"  --pcap-link A:B       with --pcap: every frame crossing the link A-B instead\n"
"  --transcript          one line per application message on stdout\n"
"  --summary OUT.json    the final state ('-' for stdout)\n"
"  --trace OUT.jsonl     every event, one JSON object a line\n"
"  --seed N              override the scenario's seed\n"
"  --until MS            stop at that simulated time\n"
"  --narrate             the narration of every step, one line each\n"
"  --detail LEVEL        with --narrate: only the steps of LEVEL: story (the\n"
"                        mail's turning points), messages (every message and\n"
"                        change of state) or packets (every step, the default)\n"
"  --lang CODE           its language: id, en, or assets/lang/CODE.json\n"
"                        (default: id where LANG starts with id, else en)\n"
"  --add 'ACTION'        a what-if: one more action, written as in the file's\n"
"                        \"actions\" (repeatable; checked like the file's own,\n"
"                        an error names --add[K]); the past before it stays\n"
"                        the same, byte for byte; also for the window\n"
"  --compare             with --add: for every message and recipient, what\n"
"                        became of it without and with the additions, and the\n"
"                        mailboxes and devices that end up different (--lang)\n"
"  --compare-json OUT    the same as JSON ('-' for stdout)\n"
"  --save-as NEW.json    with --add: the what-if as a scenario file of its own\n"
"\n"
"options of live (also --pcap, --summary, --trace, --transcript, written at\n"
"the end: Ctrl+C or SIGTERM; queued mail is in the summary's \"queues\"):\n"
"  --speed F             simulated seconds per real second (default 1)\n"
"  --port-base N         every service listens on N + its port in the\n"
"                        scenario, or the next free one (default 20000);\n"
"                        one line each on stdout: listen SERVICE NODE ADDR:PORT\n"
"  --listen ADDR         an IPv4 address of this machine (default 127.0.0.1)\n"
"  --as NODE             real connections enter the world at NODE (default\n"
"                        the first client); --as SERVICE=NODE for one service\n"
"  --no-story            the scenario's own actions do not run: only real\n"
"                        clients act (a world to play in)\n"
"  --headless            no window; without it the window follows the world\n"
"                        as it goes (--lang CODE, --scale F as for the window)\n"
"\n", f);
	/* In two parts: C11 compilers need take no string over 4095 bytes. */
	fputs(
"options of the window:\n"
"  --lang CODE           language of the narration and the window (L switches)\n"
"  --fullscreen          start in full screen (F switches)\n"
"  --scale F             make everything larger (0.5 to 4), for projectors: sizes\n"
"                        grow as F^0.75; side panels fold to tabs when the\n"
"                        picture would get too narrow\n"
"  --dark                the dark theme (D switches)\n"
"  --detail LEVEL        start at LEVEL: story (the default), messages or packets\n"
"                        (V switches); Right/Left and playing go by its steps\n"
"  --hide PROTO[,PROTO]  start with these protocols hidden from the picture\n"
"                        and the event list: dns, smtp, lmtp, pop3, imap,\n"
"                        tcp (TCP only: handshakes, bare ACKs, FIN, RST);\n"
"                        the legend's chips and keys 1-6 show them again\n"
"  --screenshot OUT.png  draw step N (--step N) to a PNG, 1280x720 or --size WxH,\n"
"                        with no window and no display, then exit; N counts\n"
"                        every event (packets) at any level: at story or\n"
"                        messages the narration is that level's last step\n"
"                        at or before N\n"
"  --field KEY           with --screenshot: light one field of the inspector's\n"
"                        packet and its bytes, by its key (tcp.seq, ip.ttl,\n"
"                        dns.flags, app.command: Wireshark's filter names)\n"
"  --select NODE[:N]     the node panel of NODE (its id or host name): what it\n"
"                        holds at the step; with :N the N-th mail it lists\n"
"                        opened (header, text, attachments, a bounce's reason)\n"
"  --boxes OUT.json      with --screenshot: where every panel and every text\n"
"                        of the picture is, as {\"panels\": [{name, x, y, w,\n"
"                        h}], \"boxes\": [{panel, x, y, w, h, text, px}]}\n"
"                        (px: the font's size in pixels), to check a layout\n"
"  --step N              open at step N (a step past the end is the last);\n"
"                        at a checkpoint's step its question is open, in the\n"
"                        window and with --screenshot\n"
"  --present             presentation mode, for a projector: only the picture,\n"
"                        the narration in large letters and the timeline (P)\n"
"  --chooser             start on the lesson chooser (O); with --screenshot,\n"
"                        its picture\n"
"keys: Space play/pause, Right/Left one step of the level, Ctrl+Right/Left\n"
"  one message, Shift+Right/Left one chapter (both stop at a change of\n"
"  state on the way), V level of detail, +/- speed, Home/End, L language,\n"
"  Tab network/sequence, F full screen, D dark, P presentation mode,\n"
"  O the lessons (arrows and Enter or a click open one; a .json file dropped\n"
"  on the window opens too), S or F12 saves a picture of the window in the\n"
"  current folder (surel-NAME-stepN.png), Esc asks before quitting (Esc\n"
"  again, Q or Enter quits; in full screen Esc leaves it first), Q quits,\n"
"  1-6 show/hide the protocol of the legend's 1st to 6th chip,\n"
"  what if: a right click on a node or a cable (or K on the selected node)\n"
"  lists what can change there now (switch off/on, cut/mend, loss, a new\n"
"  mail, DNS records, passwords), each said in a sentence before Enter\n"
"  does it, and runs the rest again (the past stays); W the original /\n"
"  the what-if, U or Backspace undoes the last change, C the comparison\n"
"  or the other panel, Ctrl+S saves the what-if (surel-NAME-whatif.json),\n"
"  N/Shift+N select the next/previous node\n"
"  at a question (a ? on the timeline): A-E or 1-5 answer, Space/Enter\n"
"  go on, Esc skips it\n"
"\n"
"exit status: 0 ran, 2 bad usage or invalid scenario, 1 anything else\n",
	    f);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return window_main(0, argv + 1);
	const char *cmd = argv[1];

	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("surel %s\n", SUREL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(cmd, "live") == 0)
		return cmd_live(argc - 2, argv + 2, window_live);
	if (strcmp(cmd, "lessons") == 0)
		return cmd_lessons(argc - 2, argv + 2);
	if (strcmp(cmd, "view") == 0)
		return window_main(argc - 2, argv + 2);
	if (window_is_option(cmd))
		return window_main(argc - 1, argv + 1);
	if (cmd[0] == '-' && cmd[1] != '\0') {
		fprintf(stderr, "surel: unknown option '%s' (see surel --help)\n",
		    cmd);
		return EXIT_USAGE;
	}
	/* surel FILE.json [window options] */
	return window_main(argc - 1, argv + 1);
}
