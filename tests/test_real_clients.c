/*
 * test_real_clients.c: real clients judge the simulated servers.
 *
 * Python's standard library (smtplib, poplib, imaplib) is written
 * against real servers, by other people: when it is happy with ours,
 * our servers speak the protocols as the world does.  Each test loads
 * tests/real_clients.json (the default world, nothing scheduled) into a
 * bridge (bridge.h), starts python3 with a script from this file, and
 * serves the bridge in this process until the script ends.  The script
 * prints what it saw, one fact a line, and the test compares the whole
 * output with what RFC-abiding servers must produce.
 *
 * Single-threaded and simple: the bridge runs here; the only other
 * process is python3, whose output comes back through a pipe.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge.h"
#include "mail.h"
#include "util.h"
#include "world.h"

#define WORLD		"tests/real_clients.json"
#define WALL_LIMIT_MS	60000

/*
 * The message every script sends: a text part with a line that starts
 * with "." (so both dot-stuffings are exercised) and 50 000 bytes of
 * binary attachment, whose SHA-256 the fetching side compares.
 */
#define PY_SEND \
"import email, hashlib, imaplib, poplib, smtplib, sys, time\n" \
"from email import policy\n" \
"from email.message import EmailMessage\n" \
"data = bytes((i * 131 + 7) % 251 for i in range(50000))\n" \
"sent = hashlib.sha256(data).hexdigest()\n" \
"msg = EmailMessage()\n" \
"msg['From'] = 'pengirim@pengirimmail.com'\n" \
"msg['To'] = 'penerima@penerimamail.com'\n" \
"msg['Subject'] = 'Data dari Python'\n" \
"msg['Message-ID'] = '<python.1@laptop-pengirim.local>'\n" \
"msg.set_content('Halo Penerima,\\n.baris ini mulai dengan titik\\n\\nSalam\\n')\n" \
"msg.add_attachment(data, maintype='application', subtype='octet-stream',\n" \
"    filename='data.bin')\n" \
"s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]),\n" \
"    local_hostname='laptop-pengirim.local', timeout=30)\n" \
"code, _ = s.ehlo()\n" \
"print('ehlo', code, s.has_extn('auth'), s.has_extn('size'),\n" \
"    s.has_extn('pipelining'))\n" \
"s.user, s.password = 'pengirim', 'rahasia'\n" \
"code, text = s.auth('PLAIN', s.auth_plain)\n" \
"print('auth', code, text.decode())\n" \
"print('refused', s.sendmail('pengirim@pengirimmail.com',\n" \
"    ['penerima@penerimamail.com'], msg.as_bytes()))\n" \
"print('quit', s.quit()[0])\n" \
"def check(raw):\n" \
"    m = email.message_from_bytes(raw, policy=policy.default)\n" \
"    print('subject', m['Subject'])\n" \
"    print('received', len(m.get_all('Received')))\n" \
"    body = m.get_body(preferencelist=('plain',)).get_content()\n" \
"    print('dot line kept', '.baris ini mulai dengan titik' in body.splitlines())\n" \
"    att = list(m.iter_attachments())\n" \
"    print('attachments', len(att), att[0].get_filename(),\n" \
"        att[0].get_content_type())\n" \
"    got = hashlib.sha256(att[0].get_payload(decode=True)).hexdigest()\n" \
"    print('sha256 equal', got == sent)\n"

/* poplib: wait for the mail, then user, pass_, stat, uidl, top, retr, dele, quit. */
static const char py_pop3[] = PY_SEND
"def login(user, password):\n"
"    p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"    p.user(user)\n"
"    p.pass_(password)\n"
"    return p\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    p = login('penerima', 'rahasia')\n"
"    count, size = p.stat()\n"
"    if count > 0 or time.monotonic() > deadline:\n"
"        break\n"
"    p.quit()\n"
"    time.sleep(0.05)\n"
"print('welcome', p.getwelcome().decode())\n"
"print('stat', count)\n"
"resp, listing, _ = p.uidl()\n"
"print('uidl', resp.decode(), [x.decode() for x in listing])\n"
"resp, lines, _ = p.top(1, 2)\n"
"print('top', resp.decode(), b'Subject: Data dari Python' in lines,\n"
"    len(lines) - lines.index(b'') - 1)\n"
"resp, lines, octets = p.retr(1)\n"
"print('retr', resp.decode() == '+OK %d octets' % size, octets == size)\n"
"check(b'\\r\\n'.join(lines) + b'\\r\\n')\n"
"print('dele', p.dele(1).decode())\n"
"print('quit', p.quit().decode())\n"
"p = login('penerima', 'rahasia')\n"
"print('after', p.stat())\n"
"p.quit()\n"
"p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"p.user('penerima')\n"
"try:\n"
"    p.pass_('salah')\n"
"    print('wrong password accepted')\n"
"except poplib.error_proto as e:\n"
"    print('wrong', e.args[0].decode())\n"
"p.quit()\n";

static const char want_pop3[] =
"ehlo 250 True True True\n"
"auth 235 2.7.0 Authentication successful (pengirim)\n"
"refused {}\n"
"quit 221\n"
"welcome +OK pop.penerimamail.com POP3 server ready\n"
"stat 1\n"
"uidl +OK unique-id listing follows ['1 1001.1']\n"
"top +OK True 2\n"
"retr True True\n"
"subject Data dari Python\n"
"received 4\n"
"dot line kept True\n"
"attachments 1 data.bin application/octet-stream\n"
"sha256 equal True\n"
"dele +OK message 1 deleted\n"
"quit +OK pop.penerimamail.com POP3 server signing off (maildrop empty)\n"
"after (0, 0)\n"
"wrong -ERR [AUTH] invalid user name or password\n";

/*
 * imaplib: login, select INBOX (again until the mail is there), search
 * ALL and UNSEEN, fetch BODY.PEEK[] and FLAGS (PEEK sets no \Seen,
 * RFC 3501 6.4.5), store +FLAGS \Seen then \Deleted, expunge, logout.
 */
static const char py_imap[] = PY_SEND
"M = imaplib.IMAP4('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"print('imap4rev1', 'IMAP4REV1' in M.capabilities)\n"
"typ, _ = M.login('penerima', 'rahasia')\n"
"print('login', typ)\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    typ, data = M.select('INBOX')\n"
"    if int(data[0]) > 0 or time.monotonic() > deadline:\n"
"        break\n"
"    time.sleep(0.05)\n"
"print('select', typ, data[0].decode())\n"
"typ, data = M.search(None, 'ALL')\n"
"print('search all', typ, data[0].decode())\n"
"typ, data = M.search(None, 'UNSEEN')\n"
"print('search unseen', typ, data[0].decode())\n"
"typ, data = M.fetch('1', '(BODY.PEEK[] FLAGS)')\n"
"head = b' '.join(x[0] if isinstance(x, tuple) else x for x in data)\n"
"print('fetch', typ, b'FLAGS' in head, b'\\\\Seen' in head)\n"
"check(data[0][1])\n"
"typ, data = M.search(None, 'UNSEEN')\n"
"print('still unseen', data[0].decode())\n"
"typ, data = M.store('1', '+FLAGS', '(\\\\Seen)')\n"
"print('store seen', typ, b'\\\\Seen' in b' '.join(x for x in data if x))\n"
"typ, data = M.search(None, 'UNSEEN')\n"
"print('unseen now', repr(data[0].decode()))\n"
"typ, data = M.store('1', '+FLAGS', '(\\\\Deleted)')\n"
"print('store deleted', typ,\n"
"    b'\\\\Deleted' in b' '.join(x for x in data if x))\n"
"typ, data = M.expunge()\n"
"print('expunge', typ, [x.decode() for x in data])\n"
"typ, data = M.search(None, 'ALL')\n"
"print('empty', typ, repr(data[0].decode()))\n"
"typ, _ = M.logout()\n"
"print('logout', typ)\n"
"M = imaplib.IMAP4('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"try:\n"
"    M.login('penerima', 'salah')\n"
"    print('wrong password accepted')\n"
"except imaplib.IMAP4.error:\n"
"    print('wrong refused')\n"
"M.logout()\n";

static const char want_imap[] =
"ehlo 250 True True True\n"
"auth 235 2.7.0 Authentication successful (pengirim)\n"
"refused {}\n"
"quit 221\n"
"imap4rev1 True\n"
"login OK\n"
"select OK 1\n"
"search all OK 1\n"
"search unseen OK 1\n"
"fetch OK True False\n"
"subject Data dari Python\n"
"received 4\n"
"dot line kept True\n"
"attachments 1 data.bin application/octet-stream\n"
"sha256 equal True\n"
"still unseen 1\n"
"store seen OK True\n"
"unseen now ''\n"
"store deleted OK True\n"
"expunge OK ['1']\n"
"empty OK ''\n"
"logout BYE\n"
"wrong refused\n";

/*
 * ---- mailbox: TOP, RSET, UID FETCH, SEARCH, STORE/EXPUNGE (issue 13) ----
 *
 * The message these scripts send has what SEARCH must decode (RFC 3501
 * 6.4.4): an RFC 2047 subject (Python writes it as encoded words) and
 * a base64 text part; its Date: is written in New York on 4 January,
 * the day before it reaches the mailbox in Jakarta, so that SENTON and
 * ON tell the Date: field from the internal date.
 */
#define PY_SEND_UTF8 \
"import datetime, email, imaplib, poplib, re, smtplib, sys, time\n" \
"from email import policy\n" \
"from email.message import EmailMessage\n" \
"msg = EmailMessage()\n" \
"msg['From'] = 'pengirim@pengirimmail.com'\n" \
"msg['To'] = 'penerima@penerimamail.com'\n" \
"msg['Subject'] = 'Lampiran \u2014 \u201crapat\u201d \u2713'\n" \
"msg['Date'] = 'Sun, 04 Jan 2026 23:30:00 -0500'\n" \
"msg['Message-ID'] = '<python.2@laptop-pengirim.local>'\n" \
"msg.set_content('baris satu\\nbaris dua\\n', cte='base64')\n" \
"raw = msg.as_bytes()\n" \
"print('encoded', b'=?utf-8?' in raw.lower(), b'baris satu' not in raw)\n" \
"s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]),\n" \
"    local_hostname='laptop-pengirim.local', timeout=30)\n" \
"s.login('pengirim', 'rahasia')\n" \
"print('refused', s.sendmail('pengirim@pengirimmail.com',\n" \
"    ['penerima@penerimamail.com'], raw))\n" \
"s.quit()\n"

/* poplib: TOP answers a bare +OK (defect 11); RSET unmarks a DELE (RFC 1939 5). */
static const char py_pop3_mailbox[] = PY_SEND_UTF8
"def login():\n"
"    p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"    p.user('penerima')\n"
"    p.pass_('rahasia')\n"
"    return p\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    p = login()\n"
"    count, size = p.stat()\n"
"    if count > 0 or time.monotonic() > deadline:\n"
"        break\n"
"    p.quit()\n"
"    time.sleep(0.05)\n"
"resp, lines, octets = p.top(1, 0)\n"
"print('top', repr(resp.decode()), lines[-1] == b'',\n"
"    any(l.startswith(b'Subject: ') and b'=?utf-8?' in l.lower()\n"
"        for l in lines))\n"
"resp, lines, octets = p.top(1, 1)\n"
"print('top 1', lines[-1].decode())\n"
"print('noop', p.noop().decode())\n"
"print('dele', p.dele(1).decode())\n"
"try:\n"
"    p.retr(1)\n"
"    print('retr of a deleted message accepted')\n"
"except poplib.error_proto as e:\n"
"    print('retr deleted', e.args[0].decode())\n"
"resp = p.rset().decode()\n"
"print('rset', resp == '+OK maildrop has 1 message (%d octets)' % size)\n"
"print('stat after rset', p.stat() == (count, size))\n"
"resp, lines, octets = p.retr(1)\n"
"m = email.message_from_bytes(b'\\r\\n'.join(lines), policy=policy.default)\n"
"print('subject', m['Subject'])\n"
"print('text', repr(m.get_content()))\n"
"p.dele(1)\n"
"print('quit', p.quit().decode())\n";

static const char want_pop3_mailbox[] =
"encoded True True\n"
"refused {}\n"
"top '+OK' True True\n"
"top 1 YmFyaXMgc2F0dQpiYXJpcyBkdWEK\n"
"noop +OK\n"
"dele +OK message 1 deleted\n"
"retr deleted -ERR message 1 is deleted\n"
"rset True\n"
"stat after rset True\n"
"subject Lampiran \u2014 \u201crapat\u201d \u2713\n"
"text 'baris satu\\nbaris dua\\n'\n"
"quit +OK pop.penerimamail.com POP3 server signing off (maildrop empty)\n";

/*
 * imaplib: UID SEARCH and UID FETCH, SEARCH CHARSET UTF-8 over the
 * decoded subject and text (a literal for the curly quotes), the date
 * keys on both dates, an unknown charset, then UID STORE and EXPUNGE.
 */
static const char py_imap_mailbox[] = PY_SEND_UTF8
"M = imaplib.IMAP4('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"M.login('penerima', 'rahasia')\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    typ, data = M.select('INBOX')\n"
"    if int(data[0]) > 0 or time.monotonic() > deadline:\n"
"        break\n"
"    time.sleep(0.05)\n"
"typ, data = M.uid('SEARCH', 'ALL')\n"
"uid = data[0].split()[-1]\n"
"print('uid search', typ, len(data[0].split()))\n"
"typ, data = M.uid('FETCH', uid,\n"
"    '(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT DATE)])')\n"
"head = data[0][0]\n"
"print('uid fetch', typ, b'UID ' + uid in head, b'\\\\Seen' in head)\n"
"m = email.message_from_bytes(data[0][1], policy=policy.default)\n"
"print('subject', m['Subject'])\n"
"day = re.search(rb'INTERNALDATE \"([^ ]+) ', head).group(1).decode()\n"
"d = datetime.datetime.strptime(day, '%d-%b-%Y')\n"
"nxt = (d + datetime.timedelta(days=1)).strftime('%d-%b-%Y')\n"
"print('arrived', day)\n"
"def search(*keys, charset=None):\n"
"    typ, data = M.search(charset, *keys)\n"
"    return typ + ' ' + repr(data[0].decode())\n"
"print('subject rapat', search('SUBJECT', 'rapat', charset='UTF-8'))\n"
"print('subject RAPAT', search('SUBJECT', 'RAPAT', charset='UTF-8'))\n"
"M.literal = '\u201crapat\u201d'.encode()\n"
"print('subject literal', search('SUBJECT', charset='UTF-8'))\n"
"print('body', search('BODY', '\"baris satu\"', charset='UTF-8'))\n"
"print('body base64', search('BODY', 'YmFyaXM'))\n"
"print('text check', search('TEXT', '\"\u2713\"'.encode(), charset='UTF-8'))\n"
"print('on', search('ON', day))\n"
"print('since', search('SINCE', day))\n"
"print('since next', search('SINCE', nxt))\n"
"print('before', search('BEFORE', day))\n"
"print('before next', search('BEFORE', nxt))\n"
"print('senton 4 jan', search('SENTON', '4-Jan-2026'))\n"
"print('sentsince arrival', search('SENTSINCE', day))\n"
"print('sentbefore arrival', search('SENTBEFORE', day))\n"
"print('badcharset', search('ALL', charset='KOI8-R'))\n"
"typ, data = M.uid('STORE', uid, '+FLAGS', '(\\\\Deleted)')\n"
"print('uid store', typ, b'\\\\Deleted' in data[0], b'UID ' + uid in data[0])\n"
"print('deleted', search('DELETED'))\n"
"typ, data = M.expunge()\n"
"print('expunge', typ, [x.decode() for x in data])\n"
"typ, data = M.uid('FETCH', uid, '(FLAGS)')\n"
"print('uid fetch gone', typ, data)\n"
"print('logout', M.logout()[0])\n";

static const char want_imap_mailbox[] =
"encoded True True\n"
"refused {}\n"
"uid search OK 1\n"
"uid fetch OK True False\n"
"subject Lampiran \u2014 \u201crapat\u201d \u2713\n"
"arrived 05-Jan-2026\n"
"subject rapat OK '1'\n"
"subject RAPAT OK '1'\n"
"subject literal OK '1'\n"
"body OK '1'\n"
"body base64 OK ''\n"
"text check OK '1'\n"
"on OK '1'\n"
"since OK '1'\n"
"since next OK ''\n"
"before OK ''\n"
"before next OK '1'\n"
"senton 4 jan OK '1'\n"
"sentsince arrival OK ''\n"
"sentbefore arrival OK '1'\n"
"badcharset NO '[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset: search "
"in UTF-8 or US-ASCII'\n"
"uid store OK True True\n"
"deleted OK '1'\n"
"expunge OK ['1']\n"
"uid fetch gone OK [None]\n"
"logout BYE\n";

/* python3 running a script; its stdout and stderr come back merged. */
struct child {
	pid_t		 pid;
	int		 fd;
	struct buf	 out;
	int		 status;
	int		 reaped;
};

static void
child_start(struct child *ch, const char *script, uint16_t port1,
    uint16_t port2)
{
	int p[2];
	char a1[8], a2[8];

	memset(ch, 0, sizeof *ch);
	snprintf(a1, sizeof a1, "%u", (unsigned)port1);
	snprintf(a2, sizeof a2, "%u", (unsigned)port2);
	ck_assert_int_eq(pipe(p), 0);
	fflush(NULL);
	ch->pid = fork();
	ck_assert_int_ge(ch->pid, 0);
	if (ch->pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execlp("python3", "python3", "-c", script, a1, a2, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ch->fd = p[0];
	fcntl(ch->fd, F_SETFL, fcntl(ch->fd, F_GETFL, 0) | O_NONBLOCK);
}

/* bridge_run()'s done(): take what python printed; done when it has exited. */
static int
child_done(void *u)
{
	struct child *ch = u;
	char tmp[4096];
	ssize_t r;

	while ((r = read(ch->fd, tmp, sizeof tmp)) > 0)
		buf_append(&ch->out, tmp, (size_t)r);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* EOF: python closed its output, so it is ending. */
	waitpid(ch->pid, &ch->status, 0);
	ch->reaped = 1;
	return 1;
}

static void
child_end(struct child *ch)
{
	if (!ch->reaped) {
		kill(ch->pid, SIGKILL);
		waitpid(ch->pid, &ch->status, 0);
	}
	close(ch->fd);
	buf_free(&ch->out);
}

/* Run script against a fresh world: port 1 is submission, port 2 the fetch protocol. */
static void
judge(const char *script, const char *fetch_client, uint16_t fetch_port,
    const char *want)
{
	struct bridge *b = bridge_new_file(WORLD);
	struct child ch;

	ck_assert_ptr_nonnull(b);
	uint16_t sub = bridge_listen(b, "laptop-pengirim", "mail-pengirim", 587);
	uint16_t fetch = bridge_listen(b, fetch_client, "mailbox-penerima",
	    fetch_port);
	ck_assert_uint_ne(sub, 0);
	ck_assert_uint_ne(fetch, 0);
	child_start(&ch, script, sub, fetch);
	int rc = bridge_run(b, child_done, &ch, WALL_LIMIT_MS);
	const char *got = ch.out.data ? (char *)ch.out.data : "";
	ck_assert_msg(rc == 0, "python3 did not finish in %d ms; it printed:\n%s",
	    WALL_LIMIT_MS, got);
	ck_assert_msg(WIFEXITED(ch.status) && WEXITSTATUS(ch.status) == 0,
	    "python3 failed; it printed:\n%s", got);
	ck_assert_str_eq(got, want);
	/* The mail really crossed the simulation: the servers' replies are in the trace. */
	ck_assert_int_ge(bridge_accepted(b), 2);
	struct sim *s = bridge_sim(b);
	ck_assert_int_eq(s->mail->boxes[1].nmsgs, 0);
	ck_assert_int_eq(s->mail->boxes[1].locked, 0);
	child_end(&ch);
	bridge_free(b);
}

START_TEST(test_smtplib_then_poplib)
{
	judge(py_pop3, "laptop-penerima", 110, want_pop3);
}
END_TEST

START_TEST(test_smtplib_then_imaplib)
{
	judge(py_imap, "hp-penerima", 143, want_imap);
}
END_TEST

START_TEST(test_poplib_top_rset)
{
	judge(py_pop3_mailbox, "laptop-penerima", 110, want_pop3_mailbox);
}
END_TEST

START_TEST(test_imaplib_uid_search_store)
{
	judge(py_imap_mailbox, "hp-penerima", 143, want_imap_mailbox);
}
END_TEST

/* ---- smtplib: VRFY, NOOP, pipelining, postmaster (issue 13) ----------- */

/*
 * smtplib on the submission port: NOOP and VRFY (RFC 5321 4.1.1.9,
 * 3.5.3: 252 when the server will not say), MAIL, RCPT and DATA sent in
 * one write (RFC 2920 3.1: DATA last of the group) and the replies read
 * after, then mail to postmaster@penerimamail.com (the MX takes it for
 * its first account, RFC 5321 4.5.1) and to a bare <Postmaster> (the
 * submission server's own).  Neither message has a Date: the MSA adds
 * it (RFC 6409 8.2).  poplib then reads both; Python's email package
 * with policy.strict parses them: each has the Return-Path the LMTP
 * delivery wrote (RFC 5321 4.4), a Date and a Message-ID.
 */
static const char py_smtp_more[] =
"import email, poplib, smtplib, sys, time\n"
"from email import policy\n"
"def text(subject):\n"
"    return ('From: pengirim@pengirimmail.com\\r\\n'\n"
"        'To: penerima@penerimamail.com\\r\\n'\n"
"        'Subject: %s\\r\\n\\r\\nsatu baris\\r\\n' % subject).encode()\n"
"s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]),\n"
"    local_hostname='laptop-pengirim.local', timeout=30)\n"
"s.ehlo()\n"
"code, t = s.noop()\n"
"print('noop', code, t.decode())\n"
"code, t = s.verify('penerima')\n"
"print('vrfy', code, t.decode())\n"
"s.user, s.password = 'pengirim', 'rahasia'\n"
"print('auth', s.auth('PLAIN', s.auth_plain)[0])\n"
"s.send(b'MAIL FROM:<pengirim@pengirimmail.com>\\r\\n'\n"
"    b'RCPT TO:<penerima@penerimamail.com>\\r\\nDATA\\r\\n')\n"
"print('pipelined', [s.getreply()[0] for i in range(3)])\n"
"s.send(text('Berurutan') + b'.\\r\\n')\n"
"code, t = s.getreply()\n"
"print('data', code, t.decode().startswith('2.0.0 Ok: queued as'))\n"
"print('postmaster', s.sendmail('pengirim@pengirimmail.com',\n"
"    ['postmaster@penerimamail.com'], text('Untuk postmaster')))\n"
"print('bare', s.sendmail('pengirim@pengirimmail.com', ['Postmaster'],\n"
"    text('Untuk Postmaster di sini')))\n"
"print('quit', s.quit()[0])\n"
"deadline = time.monotonic() + 30\n"
"while True:\n"
"    p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=30)\n"
"    p.user('penerima')\n"
"    p.pass_('rahasia')\n"
"    count, size = p.stat()\n"
"    if count >= 2 or time.monotonic() > deadline:\n"
"        break\n"
"    p.quit()\n"
"    time.sleep(0.05)\n"
"got = []\n"
"for i in range(1, count + 1):\n"
"    m = email.message_from_bytes(b'\\r\\n'.join(p.retr(i)[1]) + b'\\r\\n',\n"
"        policy=policy.strict)\n"
"    got.append('%s | %s | %s %s' % (m['Subject'], m['Return-Path'],\n"
"        m['Date'].datetime is not None, m['Message-ID'] is not None))\n"
"    p.dele(i)\n"
"for g in sorted(got):\n"
"    print('got', g)\n"
"p.quit()\n";

static const char want_smtp_more[] =
"noop 250 2.0.0 Ok\n"
"vrfy 252 2.5.2 Cannot VRFY user, but will accept message and attempt "
"delivery\n"
"auth 235\n"
"pipelined [250, 250, 354]\n"
"data 250 True\n"
"postmaster {}\n"
"bare {}\n"
"quit 221\n"
"got Berurutan | <pengirim@pengirimmail.com> | True True\n"
"got Untuk postmaster | <pengirim@pengirimmail.com> | True True\n";

START_TEST(test_smtplib_vrfy_noop_pipelining_postmaster)
{
	struct bridge *b = bridge_new_file(WORLD);
	struct child ch;

	ck_assert_ptr_nonnull(b);
	uint16_t sub = bridge_listen(b, "laptop-pengirim", "mail-pengirim", 587);
	uint16_t pop = bridge_listen(b, "laptop-penerima", "mailbox-penerima",
	    110);
	ck_assert_uint_ne(sub, 0);
	ck_assert_uint_ne(pop, 0);
	child_start(&ch, py_smtp_more, sub, pop);
	int rc = bridge_run(b, child_done, &ch, WALL_LIMIT_MS);
	const char *got = ch.out.data ? (char *)ch.out.data : "";
	ck_assert_msg(rc == 0, "python3 did not finish in %d ms; it printed:\n%s",
	    WALL_LIMIT_MS, got);
	ck_assert_msg(WIFEXITED(ch.status) && WEXITSTATUS(ch.status) == 0,
	    "python3 failed; it printed:\n%s", got);
	ck_assert_str_eq(got, want_smtp_more);
	/* The bare <Postmaster> went to the submission server's own first account. */
	struct sim *s = bridge_sim(b);
	int found = 0;
	for (int i = 0; i < s->mail->nboxes; i++) {
		struct mailbox *mb = &s->mail->boxes[i];

		if (strcmp(mb->address, "pengirim@pengirimmail.com") == 0) {
			found = 1;
			ck_assert_int_eq(mb->nmsgs, 1);
			buf_putc(&mb->msgs[0].data, '\0');
			ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
			    "Subject: Untuk Postmaster di sini"));
		}
	}
	ck_assert_int_eq(found, 1);
	child_end(&ch);
	bridge_free(b);
}
END_TEST

Suite *
real_clients_suite(void)
{
	Suite *s = suite_create("real_clients");
	TCase *tc = tcase_create("python");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_smtplib_then_poplib);
	tcase_add_test(tc, test_smtplib_then_imaplib);
	tcase_add_test(tc, test_poplib_top_rset);
	tcase_add_test(tc, test_imaplib_uid_search_store);
	tcase_add_test(tc, test_smtplib_vrfy_noop_pipelining_postmaster);
	suite_add_tcase(s, tc);
	return s;
}
