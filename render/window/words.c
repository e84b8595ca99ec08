/*
 * words.c: the window's short words (see words.h).
 */
#include "words.h"

#include <string.h>

static const char *const words_en[W_NWORDS] = {
	[W_STEP] = "Step",
	[W_OF] = "of",
	[W_PLAYING] = "Playing",
	[W_PAUSED] = "Paused",
	[W_SPEED] = "speed",
	[W_EVENTS] = "Events",
	[W_INSPECTOR] = "Packet inspector",
	[W_NARRATION] = "What is happening",
	[W_NODE] = "Node",
	[W_SEQUENCE] = "Sequence of messages",
	[W_PICTURE] = "Network",
	[W_MAILBOX] = "mailbox",
	[W_QUEUE] = "queue",
	[W_CACHE] = "cache",
	[W_DOWNLOADED] = "mail",
	[W_OFF] = "OFF",
	[W_LINK_DOWN] = "cut",
	[W_LOST] = "lost",
	[W_WAITING] = "waiting",
	[W_LEGEND_TCP] = "TCP only",
	[W_KEYS] = "Space play · ←/→ step · Ctrl message · Shift chapter · "
	    "+/− speed · L language · Tab view · F full screen",
	[W_NO_PACKET] = "No packet at this step. Click a packet in the picture "
	    "to look inside it.",
	[W_BYTES] = "bytes",
	[W_PACKET] = "Packet",
	[W_FROM_TO] = "→",
	[W_LAYERS] = "Layers (click a field)",
	[W_HEX] = "Bytes",
	[W_CLICK_FIELD] = "Click a field to light its bytes.",
	[W_ADDRESS] = "IP address",
	[W_HOSTNAME] = "Name",
	[W_SERVICES] = "Services",
	[W_NOTHING] = "(empty)",
	[W_DNS_CACHE] = "DNS cache",
	[W_MAIL_QUEUE] = "Mail queue",
	[W_MAILBOXES] = "Mailboxes",
	[W_DEVICE_MAIL] = "Mail on this device",
	[W_CLIENT] = "computer",
	[W_ROUTER] = "router",
	[W_SERVER] = "server",
	[W_NO_MESSAGES] = "No application messages yet.",
	[W_BEFORE] = "Before anything happens.",
	[W_CH_SUBMISSION] = "Sending",
	[W_CH_DNS] = "DNS",
	[W_CH_RELAY] = "Relay",
	[W_CH_DELIVERY] = "Delivery",
	[W_CH_FETCH] = "Fetching",
	[W_CH_BOUNCE] = "Bounce",
	[W_NO_DECODE] = "(this frame's layers cannot be shown)",
	[W_PK_DNS_QUERY] = "DNS query",
	[W_PK_DNS_ANSWER] = "DNS answer",
	[W_SUBMISSION] = "Submission",
	[W_LATENCY] = "ms",
	[W_EV_SENT] = "sent",
	[W_EV_FORWARDED] = "passed on",
	[W_EV_ARRIVES] = "arrives",
	[W_EV_WAITS] = "waits for the link",
	[W_EV_POWER_ON] = "switched on",
	[W_EV_POWER_OFF] = "switched off",
	[W_EV_LINK_UP] = "link connected",
	[W_EV_LINK_DOWN] = "link cut",
	[W_EV_RETX] = "sent again",
	[W_EV_TCP_ERR] = "TCP connection failed",
	[W_ST_MAILBOX_ADD] = "stored in a mailbox",
	[W_ST_MAILBOX_DEL] = "removed from a mailbox",
	[W_ST_QUEUE_ADD] = "put in the queue",
	[W_ST_QUEUE_DEL] = "left the queue",
	[W_ST_QUEUE_RETRY] = "will try again",
	[W_ST_DNS_ADD] = "remembered in the DNS cache",
	[W_ST_DNS_EXPIRE] = "forgotten by the DNS cache",
	[W_ST_CLIENT_STORE] = "downloaded to the device",
	[W_ST_DELIVERY] = "delivery result",
	[W_ST_SESSION] = "session",
	[W_START] = "Start",
	[W_START_HINT] = "Nothing has happened yet. Press Space to play, or → "
	    "to go one step at a time. The story is on the right.",
	[W_Q_QUESTION] = "Question",
	[W_Q_PREDICT] = "What happens next? Guess before you watch.",
	[W_Q_HINT] = "Press the letter or number of your answer, or click it.",
	[W_Q_SKIP] = "Esc: skip",
	[W_Q_RIGHT] = "Right!",
	[W_Q_WRONG] = "Not quite.",
	[W_Q_ANSWER_IS] = "The answer is",
	[W_Q_CONTINUE] = "Space or Enter: watch what happens",
};

static const char *const words_id[W_NWORDS] = {
	[W_STEP] = "Langkah",
	[W_OF] = "dari",
	[W_PLAYING] = "Berjalan",
	[W_PAUSED] = "Jeda",
	[W_SPEED] = "kecepatan",
	[W_EVENTS] = "Kejadian",
	[W_INSPECTOR] = "Pemeriksa paket",
	[W_NARRATION] = "Apa yang terjadi",
	[W_NODE] = "Simpul",
	[W_SEQUENCE] = "Urutan pesan",
	[W_PICTURE] = "Jaringan",
	[W_MAILBOX] = "kotak surat",
	[W_QUEUE] = "antrean",
	[W_CACHE] = "cache",
	[W_DOWNLOADED] = "surat",
	[W_OFF] = "MATI",
	[W_LINK_DOWN] = "putus",
	[W_LOST] = "hilang",
	[W_WAITING] = "menunggu",
	[W_LEGEND_TCP] = "hanya TCP",
	[W_KEYS] = "Spasi putar/jeda · ←/→ langkah · Ctrl pesan · Shift bab · "
	    "+/− kecepatan · L bahasa · Tab tampilan · F layar penuh",
	[W_NO_PACKET] = "Tidak ada paket pada langkah ini. Klik sebuah paket di "
	    "gambar untuk melihat isinya.",
	[W_BYTES] = "byte",
	[W_PACKET] = "Paket",
	[W_FROM_TO] = "→",
	[W_LAYERS] = "Lapisan (klik sebuah bidang)",
	[W_HEX] = "Byte",
	[W_CLICK_FIELD] = "Klik sebuah bidang untuk menyorot byte-nya.",
	[W_ADDRESS] = "Alamat IP",
	[W_HOSTNAME] = "Nama",
	[W_SERVICES] = "Layanan",
	[W_NOTHING] = "(kosong)",
	[W_DNS_CACHE] = "Cache DNS",
	[W_MAIL_QUEUE] = "Antrean surat",
	[W_MAILBOXES] = "Kotak surat",
	[W_DEVICE_MAIL] = "Surat di perangkat ini",
	[W_CLIENT] = "komputer",
	[W_ROUTER] = "router",
	[W_SERVER] = "server",
	[W_NO_MESSAGES] = "Belum ada pesan aplikasi.",
	[W_BEFORE] = "Sebelum apa pun terjadi.",
	[W_CH_SUBMISSION] = "Pengiriman",
	[W_CH_DNS] = "DNS",
	[W_CH_RELAY] = "Penerusan",
	[W_CH_DELIVERY] = "Pengantaran",
	[W_CH_FETCH] = "Pengambilan surat",
	[W_CH_BOUNCE] = "Pantulan",
	[W_NO_DECODE] = "(lapisan bingkai ini tidak dapat ditampilkan)",
	[W_PK_DNS_QUERY] = "Tanya DNS",
	[W_PK_DNS_ANSWER] = "Jawab DNS",
	[W_SUBMISSION] = "Pengiriman surat",
	[W_LATENCY] = "ms",
	[W_EV_SENT] = "dikirim",
	[W_EV_FORWARDED] = "diteruskan",
	[W_EV_ARRIVES] = "tiba",
	[W_EV_WAITS] = "menunggu jalur",
	[W_EV_POWER_ON] = "dinyalakan",
	[W_EV_POWER_OFF] = "dimatikan",
	[W_EV_LINK_UP] = "jalur tersambung",
	[W_EV_LINK_DOWN] = "jalur putus",
	[W_EV_RETX] = "dikirim ulang",
	[W_EV_TCP_ERR] = "sambungan TCP gagal",
	[W_ST_MAILBOX_ADD] = "disimpan di kotak surat",
	[W_ST_MAILBOX_DEL] = "dihapus dari kotak surat",
	[W_ST_QUEUE_ADD] = "masuk antrean",
	[W_ST_QUEUE_DEL] = "keluar dari antrean",
	[W_ST_QUEUE_RETRY] = "akan dicoba lagi",
	[W_ST_DNS_ADD] = "diingat di cache DNS",
	[W_ST_DNS_EXPIRE] = "dilupakan cache DNS",
	[W_ST_CLIENT_STORE] = "diunduh ke perangkat",
	[W_ST_DELIVERY] = "hasil pengiriman",
	[W_ST_SESSION] = "sesi",
	[W_START] = "Mulai",
	[W_START_HINT] = "Belum ada yang terjadi. Tekan Spasi untuk memutar, "
	    "atau → untuk maju selangkah demi selangkah. Ceritanya ada di "
	    "sebelah kanan.",
	[W_Q_QUESTION] = "Pertanyaan",
	[W_Q_PREDICT] = "Apa yang terjadi berikutnya? Tebak dulu, lalu amati.",
	[W_Q_HINT] = "Tekan huruf atau angka jawabanmu, atau klik jawabannya.",
	[W_Q_SKIP] = "Esc: lewati",
	[W_Q_RIGHT] = "Benar!",
	[W_Q_WRONG] = "Belum tepat.",
	[W_Q_ANSWER_IS] = "Jawabannya",
	[W_Q_CONTINUE] = "Spasi atau Enter: lihat apa yang terjadi",
};

const char *
words_get(const char *lang, enum word w)
{
	const char *s = NULL;

	if ((unsigned)w >= W_NWORDS)
		return "";
	if (lang && strcmp(lang, "id") == 0)
		s = words_id[w];
	if (s == NULL)
		s = words_en[w];
	return s ? s : "";
}

const char *
words_chapter(const char *lang, const char *key)
{
	static const struct {
		const char *key;
		enum word w;
	} k[] = {
		{ "submission", W_CH_SUBMISSION },
		{ "dns", W_CH_DNS },
		{ "relay", W_CH_RELAY },
		{ "delivery", W_CH_DELIVERY },
		{ "fetch", W_CH_FETCH },
		{ "bounce", W_CH_BOUNCE },
	};

	for (size_t i = 0; key && i < sizeof k / sizeof k[0]; i++)
		if (strcmp(k[i].key, key) == 0)
			return words_get(lang, k[i].w);
	return key ? key : "";
}

/*
 * The words dns_describe() puts around a DNS message's names and
 * records, and theirs in Indonesian: each is replaced wherever it
 * stands (a name holds no space, so none of them can stand inside one).
 */
static const struct {
	const char *en, *id;
} words_dns[] = {
	{ "query ", "tanya " },
	{ "answer ", "jawaban " },
	{ " (additional: ", " (tambahan: " },
	{ "referral to ", "rujukan ke " },
	{ " (no such domain)", " (domain ini tidak ada)" },
	{ " (server failure)", " (server gagal)" },
	{ "(format error)", "(format salah)" },
	{ "(not implemented)", "(tidak didukung)" },
	{ " (refused)", " (ditolak)" },
	{ "truncated (TC) ", "terpotong (TC) " },
	{ " (too large for UDP)", " (terlalu besar untuk UDP)" },
	{ " (no record of that type)", " (tidak ada rekaman jenis itu)" },
};

char *
words_dns_text(const char *lang, const char *text, char *out, size_t cap)
{
	size_t k = 0;
	int id = lang != NULL && strcmp(lang, "id") == 0;

	if (cap == 0)
		return out;
	while (text != NULL && *text != '\0' && k + 1 < cap) {
		const char *put = NULL;
		size_t skip = 1;

		for (size_t i = 0; id && i < sizeof words_dns /
		    sizeof words_dns[0]; i++) {
			size_t n = strlen(words_dns[i].en);

			if (strncmp(text, words_dns[i].en, n) == 0) {
				put = words_dns[i].id;
				skip = n;
				break;
			}
		}
		if (put == NULL) {
			out[k++] = *text;
		} else {
			size_t n = strlen(put);

			if (n > cap - 1 - k)
				n = cap - 1 - k;
			memcpy(out + k, put, n);
			k += n;
		}
		text += skip;
	}
	out[k] = '\0';
	return out;
}

const char *
words_packet_label(const char *lang, const char *label)
{
	if (label == NULL)
		return "";
	if (strcmp(label, "DNS query") == 0)
		return words_get(lang, W_PK_DNS_QUERY);
	if (strcmp(label, "DNS answer") == 0)
		return words_get(lang, W_PK_DNS_ANSWER);
	return label;
}
