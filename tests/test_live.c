/*
 * test_live.c: `surel live` with real programs on loopback (issue 15).
 *
 * Each test starts the program (SUREL_BIN) on tests/real_clients.json
 * (the default world, nothing scheduled) with --headless and a --speed,
 * reads its `listen SERVICE NODE ADDR:PORT` lines, lets real clients
 * (swaks, curl, Python) talk to it, ends it with SIGINT and reads the
 * summary it writes then.  Everything is bounded: every client runs
 * under timeout(1), every wait has a deadline, and the port base is
 * picked from the process id so that two test runs do not meet.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define WORLD		"tests/real_clients.json"
#define LIVE_NPORTS	8	/* the services of WORLD */

struct live {
	pid_t	 pid;
	int	 out;		/* its stdout */
	char	 lines[2048];	/* the listen lines */
	char	 summary[256];
	int	 base;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int
port_base(void)
{
	/*
	 * 10000 to 31000: every service port (up to base + 587 + 300 + 100)
	 * stays below Linux's ephemeral ports (32768 on), where the clients'
	 * own ends of connections are.
	 */
	return 10000 + (int)(getpid() % 22) * 1000;
}

/* Start surel live on world with speed and one more argument (or NULL); wait for its LIVE_NPORTS lines. */
static void
live_start_on(struct live *L, const char *world, const char *speed,
    const char *extra)
{
	static int nth;
	int p[2];
	char base[16];

	memset(L, 0, sizeof *L);
	L->base = port_base();
	snprintf(base, sizeof base, "%d", L->base);
	snprintf(L->summary, sizeof L->summary, "/tmp/surel-live-%d-%d.json",
	    (int)getpid(), nth++);
	unlink(L->summary);
	const char *bin = getenv("SUREL_BIN");
	ck_assert_int_eq(pipe(p), 0);
	fflush(NULL);
	L->pid = fork();
	ck_assert_int_ge(L->pid, 0);
	if (L->pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(p[1], 1);
		dup2(devnull, 2);
		close(p[0]);
		close(p[1]);
		execl(bin ? bin : "./surel", "surel", "live", world,
		    "--headless", "--speed", speed, "--port-base", base,
		    "--summary", L->summary, extra, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	L->out = p[0];
	size_t n = 0;
	int nl = 0;
	uint64_t deadline = now_ms() + 10000;
	while (nl < LIVE_NPORTS && now_ms() < deadline) {
		struct pollfd pf = { .fd = L->out, .events = POLLIN };

		if (poll(&pf, 1, 100) <= 0)
			continue;
		ssize_t r = read(L->out, L->lines + n, sizeof L->lines - 1 - n);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			nl += L->lines[n + (size_t)i] == '\n';
		n += (size_t)r;
	}
	L->lines[n] = '\0';
	ck_assert_msg(nl == LIVE_NPORTS, "surel live printed:\n%s", L->lines);
}

static void
live_start(struct live *L, const char *speed)
{
	live_start_on(L, WORLD, speed, NULL);
}

/* The real port of a service of a node, from the listen lines. */
static int
live_port(const struct live *L, const char *service, const char *node)
{
	char want[128];

	snprintf(want, sizeof want, "listen %s %s 127.0.0.1:", service, node);
	const char *p = strstr(L->lines, want);
	ck_assert_msg(p != NULL, "no line '%s' in:\n%s", want, L->lines);
	return atoi(p + strlen(want));
}

/* SIGINT, then the exit status; SIGKILL and a failure after 10 s. */
static int
live_stop(struct live *L)
{
	int st = 0;
	uint64_t deadline = now_ms() + 10000;

	kill(L->pid, SIGINT);
	while (waitpid(L->pid, &st, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(L->pid, SIGKILL);
			waitpid(L->pid, &st, 0);
			ck_abort_msg("surel live did not end on SIGINT");
		}
		nap_ms(10);
	}
	close(L->out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run a shell command (under timeout(1)); its stdout and stderr in out. */
static int
sh(const char *cmd, char *out, size_t outsz)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, outsz - 1, p);
	out[n] = '\0';
	char sink[4096];
	while (fread(sink, 1, sizeof sink, p) > 0)
		;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* python3 -c SCRIPT with arguments, bounded to 60 s. */
static int
py(const char *script, const char *args, char *out, size_t outsz)
{
	char path[64];

	snprintf(path, sizeof path, "/tmp/surel-live-%d.py", (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(script, f);
	fclose(f);
	char *cmd = xasprintf("timeout 60 python3 %s %s 2>&1", path, args);
	int rc = sh(cmd, out, outsz);
	free(cmd);
	unlink(path);
	return rc;
}

/*
 * Facts of a summary, one a line: every mailbox message's subject,
 * "queued N" for the messages still in queues, deliveries by status.
 */
static const char py_summary[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"subj = sorted(m['subject'] for b in d['mailboxes'] for m in b['messages'])\n"
"print('mailbox', len(subj))\n"
"print('queued', sum(len(q['messages']) for q in d['queues']))\n"
"for s in sorted(set(x['status'] for x in d['deliveries'])):\n"
"    print(s, sum(1 for x in d['deliveries'] if x['status'] == s))\n"
"if len(sys.argv) > 2:\n"
"    ids = open(sys.argv[2]).read().split()\n"
"    where = {}\n"
"    for b in d['mailboxes']:\n"
"        for m in b['messages']:\n"
"            where[m['message_id']] = 'delivered'\n"
"    for x in d['deliveries']:\n"
"        if x['status'] == 'bounced':\n"
"            where.setdefault(x['message_id'], 'bounced')\n"
"    for q in d['queues']:\n"
"        for m in q['messages']:\n"
"            where.setdefault(m['message_id'], 'queued')\n"
"    lost = [i for i in ids if i not in where]\n"
"    print('accepted', len(ids), 'lost', len(lost))\n"
"    print('in queue', sum(1 for i in ids if where.get(i) == 'queued') > 0)\n";

static void
summary_facts(const struct live *L, const char *ids, char *out, size_t outsz)
{
	char args[512];

	snprintf(args, sizeof args, "%s %s", L->summary, ids ? ids : "");
	ck_assert_int_eq(py(py_summary, args, out, outsz), 0);
}

/* ---- swaks submits with AUTH; curl reads over POP3 and IMAP ----------- */

START_TEST(test_live_swaks_curl)
{
	struct live L;
	char out[8192], cmd[1024];

	live_start(&L, "20");
	int sub = live_port(&L, "submission", "mail-pengirim");
	int pop = live_port(&L, "pop3", "mailbox-penerima");
	int imap = live_port(&L, "imap", "mailbox-penerima");
	snprintf(cmd, sizeof cmd, "timeout 30 swaks --server 127.0.0.1 "
	    "--port %d --helo laptop-pengirim.local "
	    "--from pengirim@pengirimmail.com --to penerima@penerimamail.com "
	    "--auth PLAIN --auth-user pengirim --auth-password rahasia "
	    "--header 'Subject: Dari swaks' --body 'Halo dari swaks' 2>&1", sub);
	ck_assert_msg(sh(cmd, out, sizeof out) == 0, "swaks:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "<-  235 2.7.0 Authentication "
	    "successful"));
	ck_assert_ptr_nonnull(strstr(out, "<-  250 2.0.0 Ok: queued as"));
	/* The mail crosses the world: a few simulated seconds, well under one here. */
	int got = 0;
	for (int i = 0; i < 50 && !got; i++) {
		snprintf(cmd, sizeof cmd, "timeout 10 curl -s --user "
		    "penerima:rahasia pop3://127.0.0.1:%d/1", pop);
		got = sh(cmd, out, sizeof out) == 0 &&
		    strstr(out, "Subject: Dari swaks") != NULL;
		if (!got)
			nap_ms(100);
	}
	ck_assert_msg(got, "curl over POP3 did not get the mail:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "Halo dari swaks"));
	ck_assert_ptr_nonnull(strstr(out, "Received: from mx.penerimamail.com"));
	snprintf(cmd, sizeof cmd, "timeout 10 curl -s --user penerima:rahasia "
	    "'imap://127.0.0.1:%d/INBOX;UID=1'", imap);
	ck_assert_int_eq(sh(cmd, out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Subject: Dari swaks"));
	ck_assert_ptr_nonnull(strstr(out, "Halo dari swaks"));
	/* A wrong password is refused over both. */
	snprintf(cmd, sizeof cmd, "timeout 10 curl -s --user penerima:salah "
	    "pop3://127.0.0.1:%d/1", pop);
	ck_assert_int_ne(sh(cmd, out, sizeof out), 0);
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, NULL, out, sizeof out);
	ck_assert_str_eq(out, "mailbox 1\nqueued 0\ndelivered 1\n");
	unlink(L.summary);
}
END_TEST

/* ---- 50 concurrent smtplib submissions all land ----------------------- */

static const char py_fifty[] =
"import poplib, smtplib, sys, threading, time\n"
"sub, pop = int(sys.argv[1]), int(sys.argv[2])\n"
"ok = []\n"
"start = threading.Barrier(50)\n"
"def one(i):\n"
"    s = smtplib.SMTP('127.0.0.1', sub, local_hostname='laptop.local',\n"
"        timeout=30)\n"
"    start.wait()\n"
"    s.login('pengirim', 'rahasia')\n"
"    s.sendmail('pengirim@pengirimmail.com', ['penerima@penerimamail.com'],\n"
"        ('Subject: Nomor %d\\r\\nMessage-ID: <n%d@laptop.local>\\r\\n\\r\\n'\n"
"         'surat %d\\r\\n' % (i, i, i)).encode())\n"
"    s.quit()\n"
"    ok.append(i)\n"
"ts = [threading.Thread(target=one, args=(i,)) for i in range(50)]\n"
"for t in ts: t.start()\n"
"for t in ts: t.join()\n"
"print('sent', len(ok))\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    p = poplib.POP3('127.0.0.1', pop, timeout=30)\n"
"    p.user('penerima'); p.pass_('rahasia')\n"
"    n = p.stat()[0]\n"
"    p.quit()\n"
"    if n >= 50 or time.monotonic() > deadline:\n"
"        break\n"
"    time.sleep(0.1)\n"
"print('in mailbox', n)\n";

START_TEST(test_live_fifty_concurrent)
{
	struct live L;
	char out[8192], args[64];

	live_start(&L, "20");
	snprintf(args, sizeof args, "%d %d",
	    live_port(&L, "submission", "mail-pengirim"),
	    live_port(&L, "pop3", "mailbox-penerima"));
	int rc = py(py_fifty, args, out, sizeof out);
	ck_assert_msg(rc == 0, "python:\n%s", out);
	ck_assert_str_eq(out, "sent 50\nin mailbox 50\n");
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, NULL, out, sizeof out);
	ck_assert_str_eq(out, "mailbox 50\nqueued 0\ndelivered 50\n");
	unlink(L.summary);
}
END_TEST

/* ---- random bytes on every port --------------------------------------- */

/*
 * Each TCP port: the greeting, then 3000 seeded random bytes and a line
 * end, then 25 random lines; what comes back must hold the protocol's
 * error reply, and the server, tired of errors, says so and closes.  The DNS port gets random datagrams (QR clear, so they read as
 * questions): an answer, if any, is FORMERR.  Then the world still
 * works: a real DNS question is answered and a mail still goes through.
 */
static const char py_garbage[] =
"import random, smtplib, socket, sys, struct, time\n"
"rnd = random.Random(15)\n"
"def junk(n):\n"
"    return bytes(rnd.randrange(256) for _ in range(n))\n"
"for arg in sys.argv[1:]:\n"
"    svc, port = arg.split('=')\n"
"    port = int(port)\n"
"    if svc == 'dns':\n"
"        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
"        u.settimeout(2)\n"
"        codes = set()\n"
"        for k in range(5):\n"
"            d = bytearray(junk(40 + k))\n"
"            d[2] &= 0x7f\n"
"            u.sendto(bytes(d), ('127.0.0.1', port))\n"
"            try:\n"
"                r, _ = u.recvfrom(4096)\n"
"                codes.add(r[3] & 15)\n"
"            except socket.timeout:\n"
"                codes.add('none')\n"
"        print('dns', 'ok' if codes <= {1, 'none'} else codes)\n"
"        q = struct.pack('>HHHHHH', 4242, 0x0100, 1, 0, 0, 0)\n"
"        for label in b'penerimamail.com'.split(b'.'):\n"
"            q += bytes([len(label)]) + label\n"
"        q += b'\\0' + struct.pack('>HH', 15, 1)\n"
"        u.sendto(q, ('127.0.0.1', port))\n"
"        r, _ = u.recvfrom(4096)\n"
"        print('dns answer', struct.unpack('>H', r[:2])[0], r[3] & 15,\n"
"            struct.unpack('>H', r[6:8])[0])\n"
"        continue\n"
"    s = socket.create_connection(('127.0.0.1', port), timeout=10)\n"
"    greet = s.recv(4096)\n"
"    s.sendall(junk(3000) + b'\\r\\n')\n"
"    for k in range(25):\n"
"        s.sendall(junk(30).replace(b'\\n', b'.') + b'\\r\\n')\n"
"    s.settimeout(1)\n"
"    got, closed = b'', False\n"
"    try:\n"
"        while True:\n"
"            r = s.recv(65536)\n"
"            if not r:\n"
"                closed = True\n"
"                break\n"
"            got += r\n"
"    except socket.timeout:\n"
"        pass\n"
"    s.close()\n"
"    err = {'smtp': b'\\r\\n500 ', 'submission': b'\\r\\n500 ',\n"
"        'lmtp': b'\\r\\n500 ', 'pop3': b'\\r\\n-ERR', 'imap': b' BAD '}[svc]\n"
"    last = got.split(b'\\r\\n')[-2].decode()\n"
"    print(svc, greet[:1] in (b'2', b'+', b'*'), err in b'\\r\\n' + got,\n"
"        closed, last)\n"
"s = smtplib.SMTP('127.0.0.1', int(sys.argv[1].split('=')[1]), timeout=30)\n"
"s.login('pengirim', 'rahasia')\n"
"print('after', s.sendmail('pengirim@pengirimmail.com',\n"
"    ['penerima@penerimamail.com'], b'Subject: Sesudah sampah\\r\\n\\r\\nx\\r\\n'))\n"
"s.quit()\n";

START_TEST(test_live_garbage)
{
	struct live L;
	char out[8192], args[512];

	live_start(&L, "20");
	snprintf(args, sizeof args, "submission=%d smtp=%d smtp=%d smtp=%d "
	    "lmtp=%d pop3=%d imap=%d dns=%d",
	    live_port(&L, "submission", "mail-pengirim"),
	    live_port(&L, "smtp", "mail-pengirim"),
	    live_port(&L, "smtp", "relay"),
	    live_port(&L, "smtp", "mx-penerima"),
	    live_port(&L, "lmtp", "mailbox-penerima"),
	    live_port(&L, "pop3", "mailbox-penerima"),
	    live_port(&L, "imap", "mailbox-penerima"),
	    live_port(&L, "dns", "dns"));
	int rc = py(py_garbage, args, out, sizeof out);
	ck_assert_msg(rc == 0, "python:\n%s", out);
	ck_assert_str_eq(out,
	    "submission True True True 421 4.7.0 mail.pengirimmail.com Error: "
	    "too many errors\n"
	    "smtp True True True 421 4.7.0 mail.pengirimmail.com Error: too "
	    "many errors\n"
	    "smtp True True True 421 4.7.0 relay.kurirmail.net Error: too many "
	    "errors\n"
	    "smtp True True True 421 4.7.0 mx.penerimamail.com Error: too many "
	    "errors\n"
	    "lmtp True True True 421 4.7.0 pop.penerimamail.com Error: too many "
	    "errors\n"
	    "pop3 True True True -ERR too many bad commands\n"
	    "imap True True True * BYE Too many invalid IMAP commands\n"
	    "dns ok\n"
	    "dns answer 4242 0 1\n"
	    "after {}\n");
	ck_assert_int_eq(live_stop(&L), 0);
	unlink(L.summary);
}
END_TEST

/* ---- a client cut mid-DATA leaves no half message --------------------- */

static const char py_cut[] =
"import base64, poplib, smtplib, socket, sys, time\n"
"sub, pop = int(sys.argv[1]), int(sys.argv[2])\n"
"s = socket.create_connection(('127.0.0.1', sub), timeout=10)\n"
"f = s.makefile('rb')\n"
"def reply():\n"
"    while True:\n"
"        l = f.readline()\n"
"        if l[3:4] != b'-': return l[:3].decode()\n"
"auth = base64.b64encode(b'\\0pengirim\\0rahasia')\n"
"codes = [reply()]\n"
"for c in [b'EHLO laptop.local', b'AUTH PLAIN ' + auth,\n"
"        b'MAIL FROM:<pengirim@pengirimmail.com>',\n"
"        b'RCPT TO:<penerima@penerimamail.com>', b'DATA']:\n"
"    s.sendall(c + b'\\r\\n')\n"
"    codes.append(reply())\n"
"print('cut after', codes)\n"
"s.sendall(b'Subject: Setengah\\r\\n\\r\\n' + b'baris\\r\\n' * 2000)\n"
"s.close()\n"
"c = smtplib.SMTP('127.0.0.1', sub, timeout=30)\n"
"c.login('pengirim', 'rahasia')\n"
"print('whole', c.sendmail('pengirim@pengirimmail.com',\n"
"    ['penerima@penerimamail.com'], b'Subject: Utuh\\r\\n\\r\\nsemua\\r\\n'))\n"
"c.quit()\n"
"deadline = time.monotonic() + 20\n"
"while True:\n"
"    p = poplib.POP3('127.0.0.1', pop, timeout=30)\n"
"    p.user('penerima'); p.pass_('rahasia')\n"
"    n = p.stat()[0]\n"
"    if n >= 1 or time.monotonic() > deadline: break\n"
"    p.quit()\n"
"    time.sleep(0.1)\n"
"time.sleep(0.5)\n"
"n = p.stat()[0]\n"
"print('count', n)\n"
"print('subject', [l for l in p.retr(1)[1] if l.startswith(b'Subject')])\n"
"p.quit()\n";

START_TEST(test_live_cut_mid_data)
{
	struct live L;
	char out[8192], args[64];

	live_start(&L, "20");
	snprintf(args, sizeof args, "%d %d",
	    live_port(&L, "submission", "mail-pengirim"),
	    live_port(&L, "pop3", "mailbox-penerima"));
	int rc = py(py_cut, args, out, sizeof out);
	ck_assert_msg(rc == 0, "python:\n%s", out);
	ck_assert_str_eq(out,
	    "cut after ['220', '250', '235', '250', '250', '354']\n"
	    "whole {}\n"
	    "count 1\n"
	    "subject [b'Subject: Utuh']\n");
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, NULL, out, sizeof out);
	ck_assert_str_eq(out, "mailbox 1\nqueued 0\ndelivered 1\n");
	unlink(L.summary);
}
END_TEST

/* ---- SIGINT with mail in flight: every accepted message accounted for -- */

static const char py_inflight[] =
"import smtplib, sys\n"
"s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)\n"
"s.login('pengirim', 'rahasia')\n"
"ids = []\n"
"for i in range(4):\n"
"    mid = '<f%d@laptop.local>' % i\n"
"    s.sendmail('pengirim@pengirimmail.com', ['penerima@penerimamail.com'],\n"
"        ('Subject: Terbang %d\\r\\nMessage-ID: %s\\r\\n\\r\\nx\\r\\n'\n"
"         % (i, mid)).encode())\n"
"    ids.append(mid)\n"
"s.quit()\n"
"open(sys.argv[2], 'w').write('\\n'.join(ids))\n"
"print('accepted', len(ids))\n";

START_TEST(test_live_sigint_in_flight)
{
	struct live L;
	char out[8192], args[256], ids[128];

	/* Slow: the last mails are still on their way when the run ends. */
	live_start(&L, "0.2");
	snprintf(ids, sizeof ids, "/tmp/surel-live-ids-%d", (int)getpid());
	snprintf(args, sizeof args, "%d %s",
	    live_port(&L, "submission", "mail-pengirim"), ids);
	int rc = py(py_inflight, args, out, sizeof out);
	ck_assert_msg(rc == 0, "python:\n%s", out);
	ck_assert_str_eq(out, "accepted 4\n");
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, ids, out, sizeof out);
	const char *facts = strstr(out, "accepted");
	ck_assert_msg(facts != NULL, "%s", out);
	ck_assert_msg(strcmp(facts, "accepted 4 lost 0\nin queue True\n") == 0,
	    "summary facts:\n%s", out);
	unlink(ids);
	unlink(L.summary);
}
END_TEST

/* ---- a slow client is timed out, in simulated time -------------------- */

/*
 * At 1000 times real time the servers' timers (SMTP 5 minutes, RFC 5321
 * 4.5.3.2.7; POP3 10 minutes, RFC 1939 3; IMAP 30, RFC 3501 5.4) run
 * out in well under two seconds of ours: each closes, SMTP and IMAP
 * saying why first.
 */
static const char py_slow[] =
"import socket, sys, time\n"
"for arg in sys.argv[1:]:\n"
"    svc, port = arg.split('=')\n"
"    s = socket.create_connection(('127.0.0.1', int(port)), timeout=10)\n"
"    got = b''\n"
"    t0 = time.monotonic()\n"
"    while True:\n"
"        r = s.recv(4096)\n"
"        if not r: break\n"
"        got += r\n"
"    lines = got.decode().split('\\r\\n')\n"
"    print(svc, lines[-2][:40], time.monotonic() - t0 < 8)\n";

START_TEST(test_live_slow_client)
{
	struct live L;
	char out[4096], args[256];

	live_start(&L, "1000");
	snprintf(args, sizeof args, "submission=%d pop3=%d imap=%d",
	    live_port(&L, "submission", "mail-pengirim"),
	    live_port(&L, "pop3", "mailbox-penerima"),
	    live_port(&L, "imap", "mailbox-penerima"));
	int rc = py(py_slow, args, out, sizeof out);
	ck_assert_msg(rc == 0, "python:\n%s", out);
	/* RFC 1939 3: POP3 closes "without ... sending any response". */
	ck_assert_str_eq(out,
	    "submission 421 4.4.2 mail.pengirimmail.com Error: t True\n"
	    "pop3 +OK pop.penerimamail.com POP3 server rea True\n"
	    "imap * BYE Autologout; idle for too long True\n");
	ck_assert_int_eq(live_stop(&L), 0);
	unlink(L.summary);
}
END_TEST

/* ---- --no-story: the default world, quiet ----------------------------- */

/*
 * The default world sends two mails and fetches four times on its own;
 * with --no-story nothing moves until a real client acts: after 100
 * simulated seconds the summary has no mail anywhere.
 */
START_TEST(test_live_no_story)
{
	struct live L;
	char out[4096];

	live_start_on(&L, "scenarios/default.json", "1000", "--no-story");
	nap_ms(100);
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, NULL, out, sizeof out);
	ck_assert_str_eq(out, "mailbox 0\nqueued 0\n");
	unlink(L.summary);
	live_start_on(&L, "scenarios/default.json", "1000", NULL);
	nap_ms(100);
	ck_assert_int_eq(live_stop(&L), 0);
	summary_facts(&L, NULL, out, sizeof out);
	ck_assert_msg(strncmp(out, "mailbox 0", 9) != 0, "%s", out);
	unlink(L.summary);
}
END_TEST

/* ---- the window follows the world (Xvfb) ------------------------------- */

/*
 * Without --headless the window opens on the live world: swaks sends a
 * mail while it is open, the window plays on into the new steps (the
 * state it writes at the end is past step 0), a program that connects
 * to POP3 is named in the window, and SIGINT closes it and writes the
 * summary, with the mail in the mailbox.
 */
START_TEST(test_live_window_xvfb)
{
	if (system("command -v xvfb-run >/dev/null && command -v xdotool "
	    ">/dev/null && command -v swaks >/dev/null") != 0) {
		fprintf(stderr, "test_live_window_xvfb: SKIPPED: xvfb-run, "
		    "xdotool or swaks is missing\n");
		return;
	}
	char bin[8192], cwd[4096], out[4096];
	const char *b = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	int base = port_base() + 300;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(bin, sizeof bin, "%s%s%s", b[0] == '/' ? "" : cwd,
	    b[0] == '/' ? "" : "/", b);
	ck_assert_int_eq(system("mkdir -p build/xvfb-live && rm -f "
	    "build/xvfb-live/*"), 0);
	FILE *f = fopen("build/xvfb-live/run.sh", "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "cd build/xvfb-live\n"
	    "SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SUREL_ASSETS=%s/assets "
	    "ASAN_OPTIONS=detect_leaks=0 SUREL_STATE_OUT=state.txt "
	    "%s live %s/" WORLD " --speed 5 --port-base %d --summary sum.json "
	    "--lang en >listen.txt 2>err.txt & pid=$!\n"
	    "timeout 20 xdotool search --sync --name '^surel' >/dev/null\n"
	    "port=$(awk '/^listen submission/ { split($4, a, \":\"); print a[2] }' "
	    "listen.txt)\n"
	    "timeout 30 swaks --server 127.0.0.1 --port $port --helo kelas.local "
	    "--from pengirim@pengirimmail.com --to penerima@penerimamail.com "
	    "--auth PLAIN --auth-user pengirim --auth-password rahasia "
	    "--header 'Subject: Dari jendela' >swaks.txt 2>&1\n"
	    "sleep 3\n"
	    "pop=$(awk '/^listen pop3/ { split($4, a, \":\"); print a[2] }' "
	    "listen.txt)\n"
	    "python3 -c \"import socket, sys; socket.create_connection(("
	    "'127.0.0.1', int(sys.argv[1]))).close()\" $pop\n"
	    "sleep 0.5\n"
	    "kill -INT $pid\n"
	    "wait $pid\n", cwd, bin, cwd, base);
	fclose(f);
	int st = system("timeout 90 xvfb-run -a -s '-screen 0 1280x720x24' "
	    "bash build/xvfb-live/run.sh");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "surel live under Xvfb: status %d", st);
	size_t n;
	char *state = test_slurp("build/xvfb-live/state.txt", &n);
	ck_assert_msg(state != NULL, "the window wrote no state");
	ck_assert_msg(strstr(state, "lesson=live ") != NULL &&
	    strstr(state, "step=0 ") == NULL, "%s", state);
	/* The last real program to connect is named, for a moment, in the window. */
	ck_assert_msg(strstr(state, "toast=A mail program on 127.0.0.1:") &&
	    strstr(state, " enters the world at Sender's laptop and talks to "
	    "pop.penerimamail.com."), "%s", state);
	free(state);
	ck_assert_int_eq(py(py_summary, "build/xvfb-live/sum.json", out,
	    sizeof out), 0);
	ck_assert_str_eq(out, "mailbox 1\nqueued 0\ndelivered 1\n");
}
END_TEST

/* ---- bad input: exit 2 and a sentence --------------------------------- */

START_TEST(test_live_bad_input)
{
	char out[4096], args[512];
	int base = port_base() + 500;

	snprintf(args, sizeof args, "live " WORLD " --headless --port-base %d "
	    "--as nirgendwo", base);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "the scenario has no node "
	    "'nirgendwo'"));
	snprintf(args, sizeof args, "live " WORLD " --headless --port-base %d "
	    "--as telnet=laptop-pengirim", base);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "there is no service 'telnet'"));
	snprintf(args, sizeof args, "live " WORLD " --headless --port-base %d "
	    "--listen 192.0.2.1", base);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "--listen 192.0.2.1: that address is "
	    "not one of this machine's"));
	snprintf(args, sizeof args, "live " WORLD " --headless --port-base %d "
	    "--listen localhost", base);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "--listen takes an IPv4 address"));
	ck_assert_int_eq(run_surel("live " WORLD " --headless --port-base 65000",
	    out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "is above 65535"));
	ck_assert_int_eq(run_surel("live " WORLD " --speed 0", out, sizeof out),
	    2);
	ck_assert_ptr_nonnull(strstr(out, "--speed takes a number above 0"));

	/* A world with no server: nothing to listen for. */
	const char *path = "/tmp/surel-live-noserver.json";
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"surel\": 1, \"title\": \"x\", \"nodes\": [\n"
	    "{\"id\": \"a\", \"kind\": \"client\", \"ip\": \"10.0.0.1\"},\n"
	    "{\"id\": \"b\", \"kind\": \"client\", \"ip\": \"10.0.0.2\"}],\n"
	    "\"links\": [{\"a\": \"a\", \"b\": \"b\"}], \"actions\": []}\n", f);
	fclose(f);
	snprintf(args, sizeof args, "live %s --headless", path);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "has no server: nothing for a real mail "
	    "program to talk to") != NULL, "%s", out);
	unlink(path);

	/* Every port from the base's submission port on is taken. */
	int fds[100];
	for (int i = 0; i < 100; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons((uint16_t)(base + 587 + i));
		int one = 1;

		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_ge(fds[i], 0);
		/* As surel binds: a port in TIME_WAIT is free to both. */
		setsockopt(fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		/* A port someone else holds is as taken as one held here. */
		if (bind(fds[i], (struct sockaddr *)&a, sizeof a) != 0 ||
		    listen(fds[i], 1) != 0) {
			ck_assert_int_eq(errno, EADDRINUSE);
			close(fds[i]);
			fds[i] = -1;
		}
	}
	snprintf(args, sizeof args, "live " WORLD " --headless --port-base %d",
	    base);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "no free port from") != NULL &&
	    strstr(out, "for submission on mail-pengirim; choose another "
	    "--port-base") != NULL, "%s", out);
	for (int i = 0; i < 100; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}
END_TEST

Suite *
live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("loopback");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_live_bad_input);
	tcase_add_test(tc, test_live_swaks_curl);
	tcase_add_test(tc, test_live_fifty_concurrent);
	tcase_add_test(tc, test_live_garbage);
	tcase_add_test(tc, test_live_cut_mid_data);
	tcase_add_test(tc, test_live_sigint_in_flight);
	tcase_add_test(tc, test_live_slow_client);
	tcase_add_test(tc, test_live_no_story);
	tcase_add_test(tc, test_live_window_xvfb);
	suite_add_tcase(s, tc);
	return s;
}
