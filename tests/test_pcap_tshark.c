/*
 * test_pcap_tshark.c: Wireshark's dissectors judge our bytes.  tshark
 * reads the pcap of a 1 MB transfer across client-r1-r2-server with 10 %
 * loss on the middle link, with IPv4, TCP and UDP checksum validation
 * on: no malformed frame, no expert warning or error, every checksum
 * good; and the frames tshark calls retransmissions are exactly the ones
 * the simulation retransmitted, each after a loss the simulation made.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "helpers.h"
#include "tshark_util.h"
#include "mail.h"
#include "smtp_wire.h"
#include "udp.h"
#include "util.h"
#include "world.h"

static struct sim *
transfer(struct scenario *sc, uint64_t bytes, struct bulk *b)
{
	struct sim *s = sim_new(sc, sc->seed);

	bulk_start(s, b, bytes);
	/* One UDP datagram too, so that tshark checks a UDP checksum. */
	uint8_t dgram[33];
	for (size_t i = 0; i < sizeof dgram; i++)
		dgram[i] = (uint8_t)(i * 7);
	udp_send(s, 0, 40000, sc->nodes[sc->nnodes - 1].ip, 7777, dgram,
	    sizeof dgram);
	sim_run(s);
	return s;
}

static struct scenario *
lossy(double loss)
{
	struct chain_link l[3] = {
		{ 1, 100000, 0, 0 }, { 10, 10000, loss, 0 }, { 1, 100000, 0, 0 },
	};
	return chain_scenario(3, l, 536, 1);
}

/* Every frame: checksums good, nothing malformed, no expert warning. */
static void
assert_clean_udp(const char *path, size_t nframes, long want_udp)
{
	char *why = tshark_unclean(path, nframes, want_udp, 0);

	ck_assert_msg(why == NULL, "%s", why);
}

static void
assert_clean(const char *path, size_t nframes)
{
	assert_clean_udp(path, nframes, 1);
}

START_TEST(test_tshark_lossy_megabyte)
{
	struct scenario *sc = lossy(0.10);
	struct bulk b;
	struct sim *s = transfer(sc, 1000000, &b);
	const struct trace *tr = sim_trace(s);

	ck_assert_uint_eq(b.received, 1000000);
	ck_assert_uint_eq(b.mismatches, 0);
	char *path = write_pcap(s, -1);
	size_t n;
	uint32_t *order = pcap_order(tr, &n);
	assert_clean(path, n);

	/* Frames the simulation retransmitted, by pcap frame number. */
	char *is_retx = xcalloc(n + 1, 1);
	size_t nretx = 0;
	for (size_t k = 1; k <= n; k++)
		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec r = trace_at(tr, i);
			if (r.kind == TR_TCP_RETX && r.frame == order[k]) {
				is_retx[k] = 1;
				nretx++;
				break;
			}
		}
	ck_assert_uint_gt(nretx, 50);

	/* tshark's verdict, frame by frame. */
	char *out = tshark_fields(path, "-e frame.number "
	    "-e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission "
	    "-e tcp.analysis.spurious_retransmission");
	size_t flagged = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *save = line;
		size_t k = strtoul(next_field(&save), NULL, 10);
		int any = 0;
		for (char *f; (f = next_field(&save)) != NULL; )
			any |= f[0] != '\0';
		ck_assert_uint_le(k, n);
		ck_assert_msg(any == is_retx[k],
		    "frame %zu: tshark says retransmission=%d, the sim %d", k,
		    any, is_retx[k]);
		flagged += any;
	}
	ck_assert_uint_eq(flagged, nretx);

	/*
	 * And the simulation retransmits only after a loss: between a
	 * segment's previous transmission and its retransmission, some frame
	 * of the connection was dropped.
	 */
	uint64_t drops_seen = 0;
	uint64_t *drops_at_send = xcalloc(1u << 20, sizeof *drops_at_send);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_DROP)
			drops_seen++;
		if (r.kind != TR_FRAME_TX || r.a != 1)
			continue;
		const uint8_t *p = trace_frame_bytes(tr, r.frame);
		if (p[14 + 9] != 6)
			continue;	/* not TCP */
		const uint8_t *t = p + 34;
		size_t datalen = get16(p + 16) - 20 - (size_t)(t[12] >> 4) * 4;
		int synfin = t[13] & 3;
		if (datalen == 0 && !synfin)
			continue;	/* a bare ACK is never retransmitted */
		uint32_t key = (get32(t + 4) ^ ((uint32_t)get16(t) << 12)) &
		    ((1u << 20) - 1);
		int retx = 0;
		for (size_t j = i + 1; j < trace_count(tr) && j < i + 4; j++) {
			const struct trace_rec q = trace_at(tr, j);
			if (q.kind == TR_TCP_RETX && q.frame == r.frame)
				retx = 1;
		}
		if (retx)
			ck_assert_msg(drops_seen > drops_at_send[key],
			    "frame %u retransmitted with no loss since its last "
			    "copy", r.frame);
		drops_at_send[key] = drops_seen;
	}
	free(drops_at_send);
	free(out);
	free(is_retx);
	free(order);
	unlink(path);
	free(path);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_tshark_lossless_has_no_retransmission)
{
	/*
	 * No loss and a bottleneck queue that holds the whole scaled window
	 * (128 KiB is about 230 segments of 576 bytes): nothing is dropped,
	 * so nothing may look retransmitted.
	 */
	struct chain_link l[3] = {
		{ 1, 100000, 0, 0 }, { 10, 10000, 0, 300 }, { 1, 100000, 0, 0 },
	};
	struct scenario *sc = chain_scenario(3, l, 536, 1);
	struct bulk b;
	struct sim *s = transfer(sc, 300000, &b);
	struct sim_stats st;
	sim_stats(s, &st);
	ck_assert_uint_eq(st.dropped, 1);	/* only the UDP datagram nobody listens for */
	char *path = write_pcap(s, -1);
	size_t n;
	uint32_t *order = pcap_order(sim_trace(s), &n);

	assert_clean(path, n);
	char *out = tshark_fields(path, "-Y 'tcp.analysis.retransmission || "
	    "tcp.analysis.duplicate_ack || tcp.analysis.lost_segment' "
	    "-e frame.number");
	ck_assert_str_eq(out, "");
	free(out);
	free(order);
	unlink(path);
	free(path);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_tshark_pcap_link_shows_router_rewrite)
{
	struct scenario *sc = lossy(0);
	struct bulk b;
	struct sim *s = transfer(sc, 20000, &b);
	char *path = write_pcap(s, 1);		/* the r1-r2 link */
	char *out = tshark_fields(path, "-e ip.ttl -e eth.src -e eth.dst "
	    "-e ip.checksum.status");
	size_t lines = 0;

	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		/* Every frame crossed one router before this link: TTL 63. */
		ck_assert_msg(strncmp(line, "63\t", 3) == 0, "line '%s'", line);
		ck_assert_ptr_nonnull(strstr(line, "02:53:00:00:01:0"));
		ck_assert_ptr_nonnull(strstr(line, "\t1"));
		lines++;
	}
	/* Both directions: data one way, ACKs the other, and the datagram. */
	ck_assert_uint_gt(lines, 40);
	free(out);
	unlink(path);
	free(path);
	sim_free(s);
	chain_free(sc);
}
END_TEST

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}


/*
 * Every bundled scenario: tshark finds nothing malformed, no warning,
 * every checksum good; it dissects every DNS frame as DNS and sees SMTP;
 * and each message that reached a mailbox is one that tshark's IMF
 * export pulls out of the last SMTP hop (the mailbox copy has only the
 * final server's Received: and Return-Path: on top of it).
 */
START_TEST(test_tshark_every_bundled_scenario)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int scenarios = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);
		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		char *file = xasprintf("scenarios/%s", e->d_name);
		size_t len;
		char *text = test_slurp(file, &len);
		struct sc_errors errs = { 0 };
		struct scenario *sc = scenario_load(text, len, file, &errs);
		ck_assert_msg(sc != NULL, "%s does not load", file);
		struct sim *s = sim_new(sc, sc->seed);
		sim_run(s);

		char *path = write_pcap(s, -1);
		size_t n;
		uint32_t *order = pcap_order(sim_trace(s), &n);
		assert_clean_udp(path, n, -1);

		/* Every UDP frame is DNS here, and tshark reads each as DNS. */
		char *udp = tshark_fields(path, "-Y udp -e frame.number");
		char *dns = tshark_fields(path, "-Y dns -e dns.id");
		ck_assert_uint_eq(count_lines(udp), count_lines(dns));
		char *smtp = tshark_fields(path, "-Y smtp -e frame.number");
		ck_assert_msg(count_lines(smtp) > 0, "%s: no SMTP seen", file);
		/* Where the trace has POP3 or IMAP, tshark's dissectors read them too. */
		int has_pop = 0, has_imap = 0;
		for (size_t i = 0; i < trace_count(sim_trace(s)); i++) {
			const struct trace_rec rec = trace_at(sim_trace(s), i);
			has_pop |= rec.kind == TR_APP && rec.a == APP_POP3;
			has_imap |= rec.kind == TR_APP && rec.a == APP_IMAP;
		}
		char *pop = tshark_fields(path, "-Y pop -e frame.number");
		char *imap = tshark_fields(path, "-Y imap -e frame.number");
		ck_assert_msg((count_lines(pop) > 0) == has_pop,
		    "%s: POP3 in the trace %d, tshark saw %zu", file, has_pop,
		    count_lines(pop));
		ck_assert_msg((count_lines(imap) > 0) == has_imap,
		    "%s: IMAP in the trace %d, tshark saw %zu", file, has_imap,
		    count_lines(imap));
		free(pop);
		free(imap);

		/* The IMF objects, and the mailboxes' messages. */
		char dir[] = "/tmp/surel-imf-XXXXXX";
		ck_assert_ptr_nonnull(mkdtemp(dir));
		char *cmd = xasprintf("tshark -n -r %s " TSHARK_OPTS
		    " --export-objects imf,%s >/dev/null 2>&1", path, dir);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
		const struct mail_world *w = s->mail;
		for (int b = 0; b < w->nboxes; b++)
			for (int k = 0; k < w->boxes[b].nmsgs; k++) {
				const struct buf *m = &w->boxes[b].msgs[k].data;
				int found = 0;
				/* A bounce made and delivered on one server never crossed a wire. */
				if (smtp_count_received(m->data, m->len) == 0)
					continue;
				DIR *xd = opendir(dir);
				struct dirent *xe;
				while (!found && (xe = readdir(xd)) != NULL) {
					if (xe->d_name[0] == '.')
						continue;
					char *xp = xasprintf("%s/%s", dir, xe->d_name);
					size_t xl;
					char *x = test_slurp(xp, &xl);
					found = x && xl > 100 && xl <= m->len &&
					    memcmp(m->data + m->len - xl, x, xl) == 0;
					free(x);
					free(xp);
				}
				closedir(xd);
				ck_assert_msg(found, "%s: mailbox message %d of %s is "
				    "not what tshark exported", file, k,
				    w->boxes[b].address);
			}
		char *rm = xasprintf("rm -rf %s", dir);
		ck_assert_int_eq(system(rm), 0);
		free(rm);
		free(udp);
		free(dns);
		free(smtp);
		free(order);
		unlink(path);
		free(path);
		sim_free(s);
		scenario_free(sc);
		sc_errors_free(&errs);
		free(text);
		free(file);
		scenarios++;
	}
	closedir(d);
	ck_assert_int_ge(scenarios, 9);
}
END_TEST

Suite *
pcap_suite(void)
{
	Suite *s = suite_create("pcap+tshark");
	TCase *tc = tcase_create("tshark");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tshark_lossy_megabyte);
	tcase_add_test(tc, test_tshark_lossless_has_no_retransmission);
	tcase_add_test(tc, test_tshark_pcap_link_shows_router_rewrite);
	tcase_add_test(tc, test_tshark_every_bundled_scenario);
	suite_add_tcase(s, tc);
	return s;
}
