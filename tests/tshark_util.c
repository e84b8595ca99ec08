/*
 * tshark_util.c: see tshark_util.h.
 */
#include "tshark_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "sim.h"
#include "trace.h"
#include "util.h"

char *
next_field(char **save)
{
	char *f = *save;

	if (f == NULL)
		return NULL;
	char *tab = strchr(f, '\t');
	*save = tab ? tab + 1 : NULL;
	if (tab)
		*tab = '\0';
	return f;
}

char *
write_pcap(const struct sim *s, int link)
{
	struct buf b = { 0 };
	char *path = xstrdup("/tmp/surel-test-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	export_pcap(s, link, &b);
	ck_assert_int_eq(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	buf_free(&b);
	return path;
}

char *
tshark_fields(const char *path, const char *fields)
{
	char *cmd = xasprintf("tshark -n -r %s " TSHARK_OPTS " -T fields "
	    "-E separator=/t -E occurrence=a %s 2>/dev/null", path, fields);
	FILE *p = popen(cmd, "r");
	struct buf out = { 0 };
	char chunk[65536];
	size_t n;

	ck_assert_ptr_nonnull(p);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&out, chunk, n);
	ck_assert_int_eq(pclose(p), 0);
	free(cmd);
	return out.data ? (char *)out.data : xstrdup("");
}

uint32_t *
pcap_order(const struct trace *tr, size_t *n)
{
	uint32_t *order = xcalloc(trace_frame_count(tr) + 1, sizeof *order);

	*n = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_TX && r.a == 1)
			order[++*n] = r.frame;
	}
	return order;
}

/*
 * tshark 4.0 reports a retransmitted segment that falls into a PDU it is
 * reassembling as "New fragment overlaps old data (retransmission?)",
 * an error of the Malformed group, even when the bytes are the same
 * (the capture is at the sender, so it holds the original and the copy).
 * The bytes are checked to be the same elsewhere (test_conservation.c);
 * that one message alone is then no sign of a malformed frame.
 */
static int
overlap_only(const char *malformed)
{
	static const char want[] = "[Reassembly error, protocol TCP: New "
	    "fragment overlaps old data (retransmission?)]";
	size_t n = strlen(want);

	return strncmp(malformed, want, n) == 0 && (malformed[n] == '\0' ||
	    strcmp(malformed + n, ",_ws.malformed") == 0);
}

char *
tshark_unclean(const char *path, size_t nframes, long want_udp, int outages)
{
	char *out = tshark_fields(path, "-e frame.number -e ip.checksum.status "
	    "-e tcp.checksum.status -e udp.checksum.status -e _ws.malformed "
	    "-e _ws.expert.severity -e tcp.analysis.out_of_order "
	    "-e tcp.analysis.retransmission");
	char *why = NULL;
	size_t lines = 0, udp = 0;
	char *save_line = NULL;

	for (char *line = strtok_r(out, "\n", &save_line); line && !why;
	    line = strtok_r(NULL, "\n", &save_line)) {
		char *f[8] = { 0 };
		char *save = line;

		for (int k = 0; k < 8; k++) {
			f[k] = next_field(&save);
			if (f[k] == NULL)
				f[k] = "";
		}
		lines++;
		if (strcmp(f[1], "1") != 0)
			why = xasprintf("frame %s: IPv4 checksum status '%s'",
			    f[0], f[1]);
		else if (strcmp(f[2], "1") != 0 && (f[2][0] != '\0' ||
		    strcmp(f[3], "1") != 0))
			why = xasprintf("frame %s: TCP/UDP checksum '%s' '%s'",
			    f[0], f[2], f[3]);
		else if (f[4][0] != '\0' && !(outages && overlap_only(f[4]) &&
		    (f[6][0] != '\0' || f[7][0] != '\0')))
			why = xasprintf("frame %s is malformed: %s", f[0], f[4]);
		udp += strcmp(f[3], "1") == 0;
		/* With outages, warnings are expected: only errors count. */
		long limit = !outages ? SEV_WARN : f[4][0] != '\0' ?
		    SEV_ERROR + 1 : SEV_ERROR;	/* + 1: the overlap, allowed above */
		for (char *sev = f[5]; !why && *sev; ) {
			long v = strtol(sev, &sev, 10);

			if (v >= limit)
				why = xasprintf("frame %s: expert severity %ld",
				    f[0], v);
			if (*sev == ',')
				sev++;
			else if (*sev != '\0')
				break;
		}
	}
	if (!why && lines != nframes)
		why = xasprintf("tshark read %zu frames, the pcap has %zu", lines,
		    nframes);
	if (!why && want_udp >= 0 && udp != (size_t)want_udp)
		why = xasprintf("%zu UDP frames, expected %ld", udp, want_udp);
	free(out);
	return why;
}
