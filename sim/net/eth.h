/*
 * eth.h: Ethernet II framing (IEEE 802.3 type field).  Every link is a
 * point-to-point Ethernet; each end of a link is one interface with a
 * deterministic, locally administered MAC address derived from the
 * link's index and the end (side 0 is the link's "a" node), so that the
 * same scenario gives the same bytes on every run.
 */
#ifndef SUREL_ETH_H
#define SUREL_ETH_H

#include <stdint.h>

#define ETH_HLEN	14
/*
 * IEEE 802.3 clause 3.2.8: a frame is at least 64 bytes with its 4-byte
 * FCS, so 60 without it (captures, ours included, leave the FCS out).
 * A shorter packet is followed by zero bytes of padding; the IPv4 total
 * length still says where the packet ends.
 */
#define ETH_MIN_LEN	60
#define ETHERTYPE_IPV4	0x0800

/* 02:53:LL:LL:LL:0s: 0x02 marks "locally administered, unicast". */
static inline void
eth_mac(int link, int side, uint8_t out[6])
{
	out[0] = 0x02;
	out[1] = 0x53;
	out[2] = (uint8_t)(link >> 16);
	out[3] = (uint8_t)(link >> 8);
	out[4] = (uint8_t)link;
	out[5] = (uint8_t)(side + 1);
}

/* Write the 14-byte header for a frame crossing link in direction dir. */
static inline void
eth_header(uint8_t *p, int link, int dir)
{
	eth_mac(link, dir ^ 1, p);	/* destination: the far end */
	eth_mac(link, dir, p + 6);	/* source: the near end */
	p[12] = ETHERTYPE_IPV4 >> 8;
	p[13] = ETHERTYPE_IPV4 & 0xff;
}

#endif
