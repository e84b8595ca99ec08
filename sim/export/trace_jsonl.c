/*
 * trace_jsonl.c: `surel run --trace`: every trace record as one JSON
 * object a line, with ids spelled as the scenario spells them.  A
 * frame's bytes appear once, in hex, on the record where the frame
 * leaves the node that created it; other records name the frame by its
 * index.
 */
#include "export.h"
#include "tcp.h"

static void
node_field(struct buf *b, const struct scenario *sc, const char *key, int n)
{
	if (n < 0 || n >= sc->nnodes)
		return;
	buf_printf(b, ",\"%s\":", key);
	buf_json_str(b, sc->nodes[n].id);
}

static void
hex(struct buf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	buf_reserve(b, 2 * n);
	for (size_t i = 0; i < n; i++) {
		b->data[b->len++] = (uint8_t)digits[p[i] >> 4];
		b->data[b->len++] = (uint8_t)digits[p[i] & 15];
	}
	b->data[b->len] = '\0';
}

/*
 * "say": the narration key the acting layer chose and its arguments, as
 * {"key": "...", "args": {"name": "value", "next": {"node": 3}}}.
 */
static void
jsonl_say(struct buf *out, const struct trace *tr, uint32_t say)
{
	struct trace_say y;

	if (!trace_say_read(tr, say, &y))
		return;
	buf_puts(out, ",\"say\":{\"key\":");
	buf_json_strn(out, y.key, y.key_len);
	buf_puts(out, ",\"args\":{");
	for (int i = 0; i < y.nargs; i++) {
		const struct trace_say_arg *a = &y.arg[i];

		if (i > 0)
			buf_putc(out, ',');
		buf_json_strn(out, a->name, a->name_len);
		if (a->node >= 0)
			buf_printf(out, ":{\"node\":%d}", a->node);
		else {
			buf_putc(out, ':');
			buf_json_strn(out, a->value, a->value_len);
		}
	}
	buf_puts(out, "}}");
}

void
export_trace_jsonl(const struct sim *s, struct buf *out)
{
	const struct trace *tr = sim_trace(s);
	const struct scenario *sc = sim_scenario(s);

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		buf_printf(out, "{\"i\":%zu,\"t_ns\":%llu,\"kind\":\"%s\"", i,
		    (unsigned long long)r.t,
		    trace_kind_name((enum trace_kind)r.kind));
		node_field(out, sc, "node", r.node);
		node_field(out, sc, "peer", r.peer);
		if (r.link >= 0)
			buf_printf(out, ",\"link\":%d,\"dir\":%u", r.link,
			    r.dir);
		if (r.frame != TRACE_NONE) {
			const struct trace_frame *f = trace_frame(tr, r.frame);

			buf_printf(out, ",\"frame\":%u,\"len\":%u,\"ttl\":%u",
			    r.frame, f->len, r.ttl);
		}
		switch (r.kind) {
		case TR_FRAME_TX:
			buf_printf(out, ",\"origin\":%s", r.a ? "true" :
			    "false");
			if (r.a) {
				buf_puts(out, ",\"bytes\":\"");
				hex(out, trace_frame_bytes(tr, r.frame),
				    trace_frame(tr, r.frame)->len);
				buf_putc(out, '"');
			}
			break;
		case TR_FRAME_DROP:
			buf_printf(out, ",\"reason\":\"%s\"",
			    drop_reason_name((enum drop_reason)r.a));
			break;
		case TR_NODE_STATE:
		case TR_LINK_STATE:
			buf_printf(out, ",\"up\":%s", r.a ? "true" : "false");
			break;
		case TR_TCP_STATE:
			buf_printf(out, ",\"from\":\"%s\",\"to\":\"%s\","
			    "\"sport\":%u,\"dport\":%u",
			    tcp_state_str((enum tcp_state)(r.a & 255)),
			    tcp_state_str((enum tcp_state)(r.a >> 8)),
			    r.b >> 16, r.b & 0xffff);
			break;
		case TR_TCP_RETX:
			buf_printf(out, ",\"rel_seq\":%u,\"why\":\"%s\"", r.a,
			    retx_kind_name((enum tcp_retx_kind)r.b));
			break;
		case TR_TCP_ERROR:
			buf_printf(out, ",\"error\":\"%s\",\"sport\":%u,"
			    "\"dport\":%u", tcp_err_str((enum tcp_err)r.a),
			    r.b >> 16, r.b & 0xffff);
			break;
		case TR_APP:
			buf_printf(out, ",\"protocol\":\"%s\"",
			    app_proto_name((enum app_proto)r.a));
			break;
		case TR_STATE:
			buf_printf(out, ",\"what\":\"%s\",\"count\":%u",
			    state_what_name((enum state_what)r.a), r.b);
			break;
		default:
			break;
		}
		if (r.say)
			jsonl_say(out, tr, r.say);
		if (r.text) {
			buf_puts(out, ",\"text\":");
			buf_json_str(out, trace_text_at(tr, r.text));
		}
		buf_puts(out, "}\n");
	}
}

/*
 * The transcript: one line per application message, with the time, who
 * sent it to whom, the protocol and the text.  A multi-line reply (EHLO's
 * list of extensions) stays on one line, its lines joined by " | ".
 */
void
export_transcript(const struct sim *s, struct buf *out)
{
	const struct trace *tr = sim_trace(s);
	const struct scenario *sc = sim_scenario(s);

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_APP)
			continue;
		buf_printf(out, "%10.3f ms  %s -> %s  %s  ",
		    (double)r.t / 1e6,
		    r.node >= 0 ? sc->nodes[r.node].id : "?",
		    r.peer >= 0 ? sc->nodes[r.peer].id : "?",
		    app_proto_name((enum app_proto)r.a));
		for (const char *p = trace_text_at(tr, r.text); *p; p++) {
			if (*p == '\n')
				buf_puts(out, " | ");
			else
				buf_putc(out, *p);
		}
		buf_putc(out, '\n');
	}
}
