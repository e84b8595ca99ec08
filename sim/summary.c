/*
 * summary.c: `surel run --summary`, the final state of a run as
 * shared/SPEC.md section 4 describes it.  Counts come from the trace;
 * mailboxes list every account (empty until mail is delivered).
 */
#include "export.h"

void
export_summary(const struct sim *s, struct buf *out)
{
	const struct scenario *sc = sim_scenario(s);
	struct sim_stats st;

	sim_stats(s, &st);
	buf_puts(out, "{\n  \"surel\": 1,\n  \"title\": ");
	buf_json_str(out, sc_text_get(&sc->title, "en"));
	buf_printf(out, ",\n  \"seed\": %llu,\n  \"sim_time_ms\": %.6f,\n",
	    (unsigned long long)sim_seed(s), (double)sim_now(s) / 1e6);
	buf_printf(out, "  \"events\": %llu,\n  \"packets\": %llu,\n"
	    "  \"transmissions\": %llu,\n  \"dropped\": %llu,\n"
	    "  \"retransmissions\": %llu,\n",
	    (unsigned long long)st.records, (unsigned long long)st.packets,
	    (unsigned long long)st.transmissions,
	    (unsigned long long)st.dropped,
	    (unsigned long long)st.retransmissions);
	buf_puts(out, "  \"mailboxes\": [");
	for (int i = 0; i < sc->naccounts; i++) {
		const struct sc_account *a = &sc->accounts[i];

		buf_puts(out, i ? ",\n    " : "\n    ");
		buf_puts(out, "{\"server\": ");
		buf_json_str(out, sc->nodes[a->server].id);
		buf_puts(out, ", \"address\": ");
		buf_json_str(out, a->address);
		buf_puts(out, ", \"messages\": []}");
	}
	buf_puts(out, sc->naccounts ? "\n  ],\n" : "],\n");
	buf_puts(out, "  \"clients\": [],\n  \"queues\": [],\n"
	    "  \"deliveries\": []\n}\n");
}
