/*
 * test_main.c: runs every suite with Check and ends with Check's own
 * count.  Run from the repository root (make test does).
 * CK_RUN_SUITE=name / CK_RUN_CASE=name run one part.
 */
#include <check.h>
#include <stdlib.h>

Suite	*engine_suite(void);
Suite	*tcp_suite(void);
Suite	*scenario_suite(void);
Suite	*cli_suite(void);
Suite	*check_suite(void);
Suite	*pcap_suite(void);
Suite	*dns_suite(void);
Suite	*dnsserver_suite(void);
Suite	*message_suite(void);
Suite	*smtp_wire_suite(void);
Suite	*mail_suite(void);
Suite	*mta_suite(void);
Suite	*view_suite(void);
Suite	*holdings_suite(void);
Suite	*decode_suite(void);
Suite	*pop3_suite(void);
Suite	*imap_suite(void);
Suite	*real_clients_suite(void);
Suite	*live_suite(void);
Suite	*narrate_suite(void);
Suite	*indonesian_suite(void);
Suite	*mail_say_suite(void);
Suite	*why_suite(void);
Suite	*say_net_suite(void);
Suite	*story_suite(void);
Suite	*lessons_suite(void);
Suite	*hostile_suite(void);
Suite	*smtp_server_suite(void);
Suite	*conservation_suite(void);
Suite	*bad_keys_suite(void);
Suite	*trace_say_suite(void);
Suite	*detail_suite(void);
Suite	*whereis_suite(void);
Suite	*whatif_suite(void);
Suite	*lean_suite(void);
Suite	*trace_store_suite(void);

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());

	srunner_add_suite(sr, tcp_suite());
	srunner_add_suite(sr, scenario_suite());
	srunner_add_suite(sr, pcap_suite());
	srunner_add_suite(sr, dns_suite());
	srunner_add_suite(sr, dnsserver_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, check_suite());
	srunner_add_suite(sr, message_suite());
	srunner_add_suite(sr, smtp_wire_suite());
	srunner_add_suite(sr, mail_suite());
	srunner_add_suite(sr, mta_suite());
	srunner_add_suite(sr, view_suite());
	srunner_add_suite(sr, holdings_suite());
	srunner_add_suite(sr, decode_suite());
	srunner_add_suite(sr, pop3_suite());
	srunner_add_suite(sr, imap_suite());
	srunner_add_suite(sr, real_clients_suite());
	srunner_add_suite(sr, live_suite());
	srunner_add_suite(sr, narrate_suite());
	srunner_add_suite(sr, indonesian_suite());
	srunner_add_suite(sr, trace_say_suite());
	srunner_add_suite(sr, mail_say_suite());
	srunner_add_suite(sr, why_suite());
	srunner_add_suite(sr, say_net_suite());
	srunner_add_suite(sr, story_suite());
	srunner_add_suite(sr, lessons_suite());
	srunner_add_suite(sr, hostile_suite());
	srunner_add_suite(sr, smtp_server_suite());
	srunner_add_suite(sr, conservation_suite());
	srunner_add_suite(sr, bad_keys_suite());
	srunner_add_suite(sr, detail_suite());
	srunner_add_suite(sr, whereis_suite());
	srunner_add_suite(sr, whatif_suite());
	srunner_add_suite(sr, lean_suite());
	srunner_add_suite(sr, trace_store_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
