/*
 * tshark_util.h: what the tests that let Wireshark judge our bytes
 * share (test_pcap_tshark.c, test_conservation.c): writing a run's pcap
 * to a temporary file, running tshark on it for some fields, and the
 * verdict "clean": every checksum good, nothing malformed, no expert
 * warning or error.
 */
#ifndef SUREL_TEST_TSHARK_UTIL_H
#define SUREL_TEST_TSHARK_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct sim;
struct trace;

/* smtp.decryption: decode AUTH PLAIN, which tshark otherwise flags as undecodable. */
#define TSHARK_OPTS "-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE " \
	"-o udp.check_checksum:TRUE -o tcp.analyze_sequence_numbers:TRUE " \
	"-o smtp.decryption:TRUE"
/* Wireshark's expert severities (epan/proto.h). */
#define SEV_WARN 6291456L
#define SEV_ERROR 8388608L

/* Split tab-separated fields in place (strsep is not in C11 or POSIX). */
char	*next_field(char **save);
/* The pcap of s (link -1: the default capture) in a fresh /tmp file; free the path. */
char	*write_pcap(const struct sim *s, int link);
/* Run tshark on path with the given -T fields; returns its stdout (free it). */
char	*tshark_fields(const char *path, const char *fields);
/* Frame index of each pcap frame (1-based, [1..*n]) of the default capture. */
uint32_t *pcap_order(const struct trace *tr, size_t *n);
/*
 * NULL when every one of the nframes frames of path is clean (checksums
 * good, nothing malformed, no expert warning) and, with want_udp >= 0,
 * exactly want_udp of them are UDP; else what is wrong (free it).
 *
 * With outages (machines off, links down, heavy loss), tshark's warnings
 * are expected and only its errors count: a DNS query sent again after
 * a timeout (same ID, as stub resolvers do, RFC 1035 4.2.1), a TCP RST
 * from a machine that restarted (RFC 793 3.4), and its sequence analysis
 * of a capture made at the senders (it sees segments that were lost on
 * the way, and calls their copies "spurious" or "out-of-order") are
 * warnings.  One error is forgiven too: a segment sent again inside a
 * PDU tshark reassembles is "New fragment overlaps old data" even when
 * the bytes are the same; the caller checks that they are.
 */
char	*tshark_unclean(const char *path, size_t nframes, long want_udp,
	    int outages);

#endif
