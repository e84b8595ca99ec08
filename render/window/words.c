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
	[W_LEVEL_STORY] = "Story",
	[W_LEVEL_MESSAGES] = "Messages",
	[W_LEVEL_PACKETS] = "Packets",
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
	    "V level · "
	    "+/− speed · L language · Tab view · F full screen · "
	    "P present · O lessons · S save picture · "
	    "K what if · W switch · U undo",
	[W_CHOOSER] = "Choose a lesson",
	[W_CHOOSER_HINT] = "Arrows and Enter, or a click, open a lesson · "
	    "Esc goes back · a scenario file (.json) dropped here opens too",
	[W_CHOOSER_NOW] = "open now",
	[W_CHOOSER_BAD] = "This file has mistakes: surel check says which.",
	[W_CHOOSER_CANNOT] = "This file could not be opened:",
	[W_ASK_QUIT] = "Quit surel?",
	[W_ASK_QUIT_KEYS] = "Esc, Q or Enter: quit · any other key: stay",
	[W_SAVED] = "Picture saved:",
	[W_WI_OFF] = "What if %s were switched off now? The simulation runs "
	    "again from here.",
	[W_WI_ON] = "What if %s were switched on again now? The simulation "
	    "runs again from here.",
	[W_WI_SELECT] = "Right-click a node or a cable first (or click a node "
	    "and press K): a list shows what can change there.",
	[W_WI_IN_ORIGINAL] = "This is the original run: press W to go back "
	    "to the what-if before changing it.",
	[W_WI_FULL] = "No more changes fit: undo one with U first.",
	[W_WI_NONE] = "No what-if yet: right-click a node or a cable to change "
	    "something.",
	[W_WI_NO_UNDO] = "Nothing to undo: no change has been made.",
	[W_WI_UNDONE] = "The last change is undone.",
	[W_WI_SHOW_ORIGINAL] = "Shown: the original run (W: the what-if, U: "
	    "undo)",
	[W_WI_SHOW_WHATIF] = "Shown: the what-if (W: the original, U: undo)",
	[W_WI_MENU_TITLE] = "What if, just after this step?",
	[W_WI_MENU_KEYS] = "↑/↓ choose · Enter: do it · Esc: close",
	[W_WI_FORM_KEYS] = "Type to change · Tab: next line · Enter: do it · "
	    "Esc: back",
	[W_WI_I_OFF] = "Switch %s off",
	[W_WI_I_ON] = "Switch %s on again",
	[W_WI_I_CUT] = "Cut the cable between %s and %s",
	[W_WI_I_RESTORE] = "Mend the cable between %s and %s",
	[W_WI_I_LOSS] = "Make the cable lose %d%% of its packets",
	[W_WI_I_LINK] = "The cable to %s …",
	[W_WI_I_MAIL] = "Write a new mail from %s",
	[W_WI_I_DNS_RM] = "Remove the record %s",
	[W_WI_I_DNS_ADD] = "Add a record",
	[W_WI_I_PASSWORD] = "Change the password of %s",
	[W_WI_E_OFF] = "%s is switched off just after this step: from then "
	    "on it sends nothing and answers nothing. The simulation runs "
	    "again from here.",
	[W_WI_E_ON] = "%s is switched on again just after this step: from "
	    "then on it answers again. The simulation runs again from here.",
	[W_WI_E_CUT] = "The cable between %s and %s is cut just after this "
	    "step: nothing crosses it until it is mended. The simulation runs "
	    "again from here.",
	[W_WI_E_RESTORE] = "The cable between %s and %s works again just "
	    "after this step: packets cross it again. The simulation runs "
	    "again from here.",
	[W_WI_E_LOSS] = "From just after this step, the cable between %s and "
	    "%s loses %d%% of the packets that cross it; what is lost has to "
	    "be sent again. The simulation runs again from here.",
	[W_WI_E_MAIL] = "%s writes a new mail to %s just after this step, "
	    "and %s hands it to %s. The simulation runs again from here.",
	[W_WI_E_DNS_RM] = "%s forgets the record %s just after this step. "
	    "Answers already kept in a cache stay there until their time runs "
	    "out. The simulation runs again from here.",
	[W_WI_E_DNS_ADD] = "%s learns the record %s just after this step and "
	    "gives it to anyone who asks. The simulation runs again from here.",
	[W_WI_E_PASSWORD] = "The password of %s becomes \"%s\" just after "
	    "this step: from then on the old one no longer lets anyone in. The "
	    "simulation runs again from here.",
	[W_WI_R_OFF] = "%s is already off: switching it off would change nothing.",
	[W_WI_R_ON] = "%s is already on: switching it on would change nothing.",
	[W_WI_R_CUT] = "This cable is already cut: cutting it again would "
	    "change nothing.",
	[W_WI_R_RESTORE] = "This cable already works: there is nothing to mend.",
	[W_WI_R_LOSS] = "This cable already loses %d%% of its packets: "
	    "nothing would change.",
	[W_WI_R_PASSWORD] = "That is already the password: nothing would change.",
	[W_WI_R_NO_SERVER] = "This device sends no mail in the lesson, so it "
	    "knows no server to hand a new one to.",
	[W_WI_R_NOTHING] = "Nothing can be changed on this node.",
	[W_WI_R_ADDRESS] = "“%s” is not an e-mail address: it needs a name, "
	    "an @ and a domain, like budi@contoh.id.",
	[W_WI_R_NO_RCPT] = "A mail needs at least one recipient: write an "
	    "address under To.",
	[W_WI_R_KB] = "The attachment's size is a whole number of kilobytes, "
	    "from 0 to 25600.",
	[W_WI_R_NAME] = "A record needs a name without spaces, like "
	    "mx.contoh.id.",
	[W_WI_R_TYPE] = "The type is one of A, MX, CNAME or TXT.",
	[W_WI_R_VALUE_A] = "An A record's value is an address like 10.2.0.25.",
	[W_WI_R_VALUE_MX] = "An MX record's value is a preference and a "
	    "server's name, like 10 mx.contoh.id.",
	[W_WI_R_EXISTS] = "%s already has this record: adding it again would "
	    "change nothing.",
	[W_WI_LIVE] = "This world is live: real mail programs write its future, "
	    "so it has no what-if. Open a lesson for that.",
	[W_WI_F_FROM] = "From",
	[W_WI_F_TO] = "To",
	[W_WI_F_CC] = "Cc",
	[W_WI_F_SUBJECT] = "Subject",
	[W_WI_F_ATTACH] = "Attachment (KB, 0: none)",
	[W_WI_F_NAME] = "Name",
	[W_WI_F_TYPE] = "Type: A, MX, CNAME or TXT",
	[W_WI_F_VALUE] = "Value: an address, \"10 mx.example.com\", a name or a text",
	[W_WI_F_PASSWORD] = "New password",
	[W_WI_SUBJECT] = "What if?",
	[W_WI_BODY] = "This mail was written in a what-if, in the middle of "
	    "the lesson.",
	[W_WI_SAVED] = "What-if saved as a scenario:",
	[W_WI_COMPARE] = "The original and the what-if",
	[W_WI_COMPARE_HINT] = "C: this comparison or the node's panel · "
	    "Ctrl+S: save the what-if",
	[W_WI_AT_END] = "At the end:",
	[W_WI_SAME] = "Every message ends the same in both.",
	[W_WI_LABEL_ORIGINAL] = "Original",
	[W_WI_LABEL_WHATIF] = "What-if",
	[W_WI_HOLD_MAILBOX] = "Mailbox %s: %d messages in the original, %d "
	    "in the what-if",
	[W_WI_HOLD_DEVICE] = "Device %s: %d messages in the original, %d in "
	    "the what-if",
	[W_WI_MAIL_TO] = "“%s” to %s",
	[W_WI_BOUNCE_OF] = "The bounce for “%s”, to %s",
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
	[W_ST_FLAGS] = "flags changed",
	[W_HD_FROM] = "From",
	[W_HD_FLAGS] = "flags",
	[W_HD_NOT_READ] = "not read yet",
	[W_HD_DOWNLOADED_BY] = "downloaded by",
	[W_HD_REMOVED] = "removed from the server",
	[W_HD_RECORDS] = "DNS records (its zone)",
	[W_HD_DELEGATES] = "Handed on to other servers",
	[W_HD_TTL_LEFT] = "s left",
	[W_HD_NEXT_TRY] = "next try at",
	[W_HD_LAST_REPLY] = "last reply",
	[W_HD_FOR] = "for",
	[W_HD_OPEN_HINT] = "Click a mail to open it.",
	[W_HD_BACK] = "← back to the list",
	[W_HD_HEADER] = "Header (the last server's Received: on top)",
	[W_HD_TEXT] = "Text",
	[W_HD_ATTACHMENTS] = "Attachments",
	[W_HD_BOUNCE] = "Why it came back",
	[W_HD_NO_SUBJECT] = "(no subject)",
	[W_HD_MAILS] = "mail(s)",
	[W_HD_ACCOUNT] = "account",
	[W_HD_FETCHED_FROM] = "from the server",
	[W_HD_NO_BYTES] = "The trace does not keep this mail's bytes.",
	[W_HD_ENVELOPE] = "envelope sender",
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
	[W_EV_FOR] = "for",
	[W_EV_NOW] = "now",
	[W_EV_LEFT] = "left",
	[W_EV_SECONDS] = "s",
	[W_EV_SESSION_OF] = "%s session",
	/* A what-if's changes (evtext.c). */
	[W_CH_LOSS] = "the link now loses",
	[W_CH_DNS_ADD] = "record added",
	[W_CH_DNS_REMOVE] = "record removed",
	[W_CH_PASSWORD] = "password changed",
	/* The transcript's own elisions, in words (evtext.c); %1, %2 numbers. */
	[W_EL_MESSAGE] = "(the message: %1 bytes in %2 lines, ending with a line holding only \".\")",
	[W_EL_MESSAGE_OF] = "(message of %1 bytes)",
	[W_EL_MESSAGE_FOLLOWS] = "(message of %1 bytes follows, ending with \".\")",
	[W_EL_AUTH] = "(user name and password, in base64)",
	[W_EL_PASSWORD] = "(password)",
	[W_DNS_ADDITIONAL] = "also",
	[W_DROP_LOSS] = "lost on the way: noise on the line",
	[W_DROP_LINK_DOWN] = "lost: the link is cut",
	[W_DROP_NODE_DOWN] = "lost: the receiver is switched off",
	[W_DROP_QUEUE_FULL] = "lost: the link's queue is full",
	[W_DROP_TTL] = "dropped: its TTL ran out",
	[W_DROP_NO_ROUTE] = "dropped: no way to its address",
	[W_DROP_NOT_FOR_ME] = "dropped: addressed to someone else",
	[W_DROP_NO_LISTENER] = "dropped: no program waits on that port",
	[W_DROP_BAD_PACKET] = "dropped: damaged, it cannot be read",
	[W_DROP_TOO_BIG] = "dropped: too big for the link (MTU)",
	[W_RETX_TIMEOUT] = "no ACK came in time",
	[W_RETX_FAST] = "three ACKs asked for it again",
	[W_RETX_PARTIAL] = "an ACK showed a gap",
	[W_TCP_CLOSED] = "closed",
	[W_TCP_LISTEN] = "waits for connections",
	[W_TCP_SYN_SENT] = "asks to connect",
	[W_TCP_SYN_RECEIVED] = "answers the request",
	[W_TCP_ESTABLISHED] = "connected",
	[W_TCP_FIN_WAIT_1] = "closes its side",
	[W_TCP_FIN_WAIT_2] = "waits for the other side to close",
	[W_TCP_CLOSE_WAIT] = "the other side has closed",
	[W_TCP_CLOSING] = "both sides close at once",
	[W_TCP_LAST_ACK] = "waits for the last ACK",
	[W_TCP_TIME_WAIT] = "waits a moment before it forgets",
	[W_TCPERR_REFUSED] = "nobody listens on that port",
	[W_TCPERR_TIMEOUT] = "no answer",
	[W_TCPERR_RESET] = "the other side broke it off",
	[W_TCPERR_HOST_DOWN] = "this machine was switched off",
	[W_RETRY_REPLY] = "the next server said: later",
	[W_RETRY_DNS] = "DNS could not name the server",
	[W_RETRY_NO_ANSWER] = "the next server did not answer",
	[W_DLV_DELIVERED] = "in the mailbox",
	[W_DLV_QUEUED] = "accepted, to be passed on",
	[W_DLV_QUEUED_LOCAL] = "accepted: its own domain",
	[W_DLV_QUEUED_LMTP] = "accepted, handed on by LMTP",
	[W_DLV_BOUNCED] = "cannot be delivered, a bounce goes back",
	[W_DLV_REFUSED] = "refused for good",
	[W_DLV_NO_DOMAIN] = "the domain does not exist",
	[W_DLV_GAVE_UP] = "waited too long, given up",
	[W_DLV_BOUNCE_LOST] = "a bounce that cannot be delivered",
	[W_DLV_REJECTED] = "refused at once",
	[W_DLV_NOT_SENT] = "not sent",
	[W_DLV_OTHER] = "outcome of the delivery",
	[W_SS_CONNECTING] = "connecting",
	[W_SS_CONNECTED] = "has greeted, waits for the client",
	[W_SS_GREETING] = "waits for the greeting",
	[W_SS_HELLO] = "introduces itself",
	[W_SS_READY] = "ready for a mail",
	[W_SS_AUTH] = "logging in",
	[W_SS_MAIL] = "sender named",
	[W_SS_RCPT] = "recipients named",
	[W_SS_DATA] = "the content comes next",
	[W_SS_MESSAGE] = "sends the content",
	[W_SS_QUIT] = "says goodbye",
	[W_SS_CLOSED] = "over",
	[W_SS_AUTHORIZATION] = "must log in first",
	[W_SS_TRANSACTION] = "logged in",
	[W_SS_UPDATE] = "ending the session",
	[W_SS_SELECTED] = "the folder is open",
	[W_SS_LOGOUT] = "logging out",
	[W_DNS_QUESTION] = "question",
	[W_DNS_ANSWER] = "answer",
	[W_DNS_REFERRAL] = "ask elsewhere",
	[W_DNS_NXDOMAIN] = "no such domain",
	[W_DNS_NODATA] = "no record of that kind",
	[W_DNS_SERVFAIL] = "the server failed",
	[W_DNS_REFUSED] = "the server refused",
	[W_DNS_TRUNCATED] = "the answer was cut short",
	[W_DNS_ERROR] = "a DNS error",
	[W_FILTERED] = "Filtered, hidden",
	[W_ST_RECAP] = "in short",
	/* %1 the node (the picture's label), %2 the other node or the account. */
	[W_WH_HEAD] = "Where the mail is:",
	[W_WH_NONE] = "no mail written yet",
	[W_WH_COMPOSED] = "on %1, not sent yet",
	[W_WH_TRANSIT] = "on its way to %2",
	[W_WH_QUEUE] = "in %1's queue",
	[W_WH_MAILBOX] = "in %2's mailbox",
	[W_WH_DEVICE] = "on %1",
	[W_WH_BOUNCED] = "refused, coming back to its sender",
	[W_WH_REFUSED] = "refused, never sent",
	[W_WH_LOST] = "lost",
	[W_WH_NOTICE] = "notice",
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
	[W_Q_SCORE] = "You answered %d of %d questions right.",
	[W_Q_SCORE_ONE] = "You answered %d of %d question right.",
	[W_LIVE_CLIENT] = "A mail program on %s enters the world at %s and talks to %s.",
};

static const char *const words_id[W_NWORDS] = {
	[W_STEP] = "Langkah",
	[W_OF] = "dari",
	[W_PLAYING] = "Berjalan",
	[W_PAUSED] = "Jeda",
	[W_SPEED] = "kecepatan",
	[W_LEVEL_STORY] = "Cerita",
	[W_LEVEL_MESSAGES] = "Pesan",
	[W_LEVEL_PACKETS] = "Paket",
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
	    "V tingkat · "
	    "+/− kecepatan · L bahasa · Tab tampilan · F layar penuh · "
	    "P presentasi · O pelajaran · S simpan gambar · "
	    "K bagaimana jika · W tukar · U batalkan",
	[W_CHOOSER] = "Pilih pelajaran",
	[W_CHOOSER_HINT] = "Panah dan Enter, atau klik, membuka pelajaran · "
	    "Esc kembali · berkas skenario (.json) yang diseret ke sini juga "
	    "terbuka",
	[W_CHOOSER_NOW] = "sedang dibuka",
	[W_CHOOSER_BAD] = "Berkas ini ada kesalahannya: surel check "
	    "menunjukkan di mana.",
	[W_CHOOSER_CANNOT] = "Berkas ini tidak dapat dibuka:",
	[W_ASK_QUIT] = "Keluar dari surel?",
	[W_ASK_QUIT_KEYS] = "Esc, Q atau Enter: keluar · tombol lain: tetap di "
	    "sini",
	[W_SAVED] = "Gambar disimpan:",
	[W_WI_OFF] = "Bagaimana jika %s dimatikan sekarang? Simulasi berjalan "
	    "lagi dari sini.",
	[W_WI_ON] = "Bagaimana jika %s dinyalakan lagi sekarang? Simulasi "
	    "berjalan lagi dari sini.",
	[W_WI_SELECT] = "Klik kanan sebuah simpul atau kabel dulu (atau klik "
	    "sebuah simpul lalu tekan K): daftar menunjukkan apa yang bisa "
	    "diubah di sana.",
	[W_WI_IN_ORIGINAL] = "Ini simulasi yang asli: tekan W untuk kembali "
	    "ke pengandaian sebelum mengubahnya.",
	[W_WI_FULL] = "Tidak bisa menambah perubahan lagi: batalkan satu "
	    "dengan U dulu.",
	[W_WI_NONE] = "Belum ada pengandaian: klik kanan sebuah simpul atau "
	    "kabel untuk mengubah sesuatu.",
	[W_WI_NO_UNDO] = "Tidak ada yang dibatalkan: belum ada perubahan.",
	[W_WI_UNDONE] = "Perubahan terakhir dibatalkan.",
	[W_WI_SHOW_ORIGINAL] = "Yang tampil: simulasi yang asli (W: "
	    "pengandaian, U: batalkan)",
	[W_WI_SHOW_WHATIF] = "Yang tampil: pengandaian (W: yang asli, U: "
	    "batalkan)",
	[W_WI_MENU_TITLE] = "Bagaimana jika, tepat setelah langkah ini?",
	[W_WI_MENU_KEYS] = "↑/↓ pilih · Enter: lakukan · Esc: tutup",
	[W_WI_FORM_KEYS] = "Ketik untuk mengubah · Tab: baris berikutnya · "
	    "Enter: lakukan · Esc: kembali",
	[W_WI_I_OFF] = "Matikan %s",
	[W_WI_I_ON] = "Nyalakan lagi %s",
	[W_WI_I_CUT] = "Putuskan kabel antara %s dan %s",
	[W_WI_I_RESTORE] = "Sambungkan lagi kabel antara %s dan %s",
	[W_WI_I_LOSS] = "Buat kabel ini menghilangkan %d%% paketnya",
	[W_WI_I_LINK] = "Kabel ke %s …",
	[W_WI_I_MAIL] = "Tulis surat baru dari %s",
	[W_WI_I_DNS_RM] = "Hapus catatan %s",
	[W_WI_I_DNS_ADD] = "Tambah catatan",
	[W_WI_I_PASSWORD] = "Ganti kata sandi %s",
	[W_WI_E_OFF] = "%s dimatikan tepat setelah langkah ini: sejak itu ia "
	    "tidak mengirim dan tidak menjawab apa pun. Simulasi berjalan lagi "
	    "dari sini.",
	[W_WI_E_ON] = "%s dinyalakan lagi tepat setelah langkah ini: sejak "
	    "itu ia menjawab lagi. Simulasi berjalan lagi dari sini.",
	[W_WI_E_CUT] = "Kabel antara %s dan %s diputus tepat setelah langkah "
	    "ini: tidak ada yang bisa lewat sampai disambung lagi. Simulasi "
	    "berjalan lagi dari sini.",
	[W_WI_E_RESTORE] = "Kabel antara %s dan %s tersambung lagi tepat "
	    "setelah langkah ini: paket bisa lewat lagi. Simulasi berjalan "
	    "lagi dari sini.",
	[W_WI_E_LOSS] = "Mulai tepat setelah langkah ini, kabel antara %s "
	    "dan %s menghilangkan %d%% paket yang lewat; yang hilang harus "
	    "dikirim lagi. Simulasi berjalan lagi dari sini.",
	[W_WI_E_MAIL] = "%s menulis surat baru kepada %s tepat setelah "
	    "langkah ini, lalu %s menyerahkannya kepada %s. Simulasi berjalan "
	    "lagi dari sini.",
	[W_WI_E_DNS_RM] = "%s melupakan catatan %s tepat setelah langkah "
	    "ini. Jawaban yang sudah tersimpan di cache tetap ada sampai "
	    "waktunya habis. Simulasi berjalan lagi dari sini.",
	[W_WI_E_DNS_ADD] = "%s mendapat catatan %s tepat setelah langkah ini "
	    "dan memberikannya kepada siapa pun yang bertanya. Simulasi "
	    "berjalan lagi dari sini.",
	[W_WI_E_PASSWORD] = "Kata sandi %s menjadi \"%s\" tepat setelah "
	    "langkah ini: sejak itu kata sandi lama tidak bisa dipakai untuk "
	    "masuk. Simulasi berjalan lagi dari sini.",
	[W_WI_R_OFF] = "%s sudah mati: mematikannya tidak mengubah apa pun.",
	[W_WI_R_ON] = "%s sudah menyala: menyalakannya tidak mengubah apa pun.",
	[W_WI_R_CUT] = "Kabel ini sudah putus: memutusnya lagi tidak "
	    "mengubah apa pun.",
	[W_WI_R_RESTORE] = "Kabel ini masih tersambung: tidak ada yang perlu "
	    "disambung.",
	[W_WI_R_LOSS] = "Kabel ini memang sudah menghilangkan %d%% paketnya: "
	    "tidak ada yang berubah.",
	[W_WI_R_PASSWORD] = "Itu memang kata sandinya sekarang: tidak ada "
	    "yang berubah.",
	[W_WI_R_NO_SERVER] = "Perangkat ini tidak mengirim surat dalam "
	    "pelajaran ini, jadi ia tidak tahu server mana yang akan menerima "
	    "surat baru.",
	[W_WI_R_NOTHING] = "Tidak ada yang bisa diubah pada simpul ini.",
	[W_WI_R_ADDRESS] = "“%s” bukan alamat surel: harus ada nama, tanda "
	    "@ dan domain, seperti budi@contoh.id.",
	[W_WI_R_NO_RCPT] = "Surat perlu paling sedikit satu penerima: tulis "
	    "sebuah alamat pada Kepada.",
	[W_WI_R_KB] = "Ukuran lampiran adalah bilangan bulat kilobyte, dari "
	    "0 sampai 25600.",
	[W_WI_R_NAME] = "Catatan perlu nama tanpa spasi, seperti "
	    "mx.contoh.id.",
	[W_WI_R_TYPE] = "Jenisnya salah satu dari A, MX, CNAME atau TXT.",
	[W_WI_R_VALUE_A] = "Isi catatan A adalah alamat seperti 10.2.0.25.",
	[W_WI_R_VALUE_MX] = "Isi catatan MX adalah preferensi dan nama "
	    "server, seperti 10 mx.contoh.id.",
	[W_WI_R_EXISTS] = "%s sudah punya catatan ini: menambahkannya lagi tidak "
	    "mengubah apa pun.",
	[W_WI_LIVE] = "Dunia ini sedang hidup: program surat sungguhan yang "
	    "menulis masa depannya, jadi tidak ada pengandaian di sini. Buka "
	    "sebuah pelajaran untuk itu.",
	[W_WI_F_FROM] = "Dari",
	[W_WI_F_TO] = "Kepada",
	[W_WI_F_CC] = "Tembusan",
	[W_WI_F_SUBJECT] = "Perihal",
	[W_WI_F_ATTACH] = "Lampiran (KB, 0: tanpa lampiran)",
	[W_WI_F_NAME] = "Nama",
	[W_WI_F_TYPE] = "Jenis: A, MX, CNAME atau TXT",
	[W_WI_F_VALUE] = "Isi: sebuah alamat, \"10 mx.contoh.id\", sebuah "
	    "nama atau teks",
	[W_WI_F_PASSWORD] = "Kata sandi baru",
	[W_WI_SUBJECT] = "Bagaimana jika?",
	[W_WI_BODY] = "Surat ini ditulis dalam sebuah pengandaian, di tengah "
	    "pelajaran.",
	[W_WI_SAVED] = "Pengandaian disimpan sebagai skenario:",
	[W_WI_COMPARE] = "Yang asli dan pengandaian",
	[W_WI_COMPARE_HINT] = "C: perbandingan ini atau panel simpul · "
	    "Ctrl+S: simpan pengandaian",
	[W_WI_AT_END] = "Pada akhirnya:",
	[W_WI_SAME] = "Setiap surat berakhir sama di keduanya.",
	[W_WI_LABEL_ORIGINAL] = "Asli",
	[W_WI_LABEL_WHATIF] = "Pengandaian",
	[W_WI_HOLD_MAILBOX] = "Kotak surat %s: %d surat di simulasi asli, %d "
	    "di pengandaian",
	[W_WI_HOLD_DEVICE] = "Perangkat %s: %d surat di simulasi asli, %d di "
	    "pengandaian",
	[W_WI_MAIL_TO] = "“%s” kepada %s",
	[W_WI_BOUNCE_OF] = "Surat pantulan untuk “%s”, kepada %s",
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
	[W_ST_FLAGS] = "tandanya berubah",
	[W_HD_FROM] = "Dari",
	[W_HD_FLAGS] = "tanda",
	[W_HD_NOT_READ] = "belum dibaca",
	[W_HD_DOWNLOADED_BY] = "diunduh oleh",
	[W_HD_REMOVED] = "sudah dibuang dari server",
	[W_HD_RECORDS] = "Rekaman DNS (zonanya)",
	[W_HD_DELEGATES] = "Diserahkan ke server lain",
	[W_HD_TTL_LEFT] = "detik lagi",
	[W_HD_NEXT_TRY] = "dicoba lagi pada",
	[W_HD_LAST_REPLY] = "balasan terakhir",
	[W_HD_FOR] = "untuk",
	[W_HD_OPEN_HINT] = "Klik surat untuk membukanya.",
	[W_HD_BACK] = "← kembali ke daftar",
	[W_HD_HEADER] = "Kepala surat (Received: dari server terakhir paling atas)",
	[W_HD_TEXT] = "Isi surat",
	[W_HD_ATTACHMENTS] = "Lampiran",
	[W_HD_BOUNCE] = "Mengapa surat ini kembali",
	[W_HD_NO_SUBJECT] = "(tanpa subjek)",
	[W_HD_MAILS] = "surat",
	[W_HD_ACCOUNT] = "akun",
	[W_HD_FETCHED_FROM] = "dari server",
	[W_HD_NO_BYTES] = "Isi surat ini tidak tersimpan dalam jejak simulasi.",
	[W_HD_ENVELOPE] = "pengirim pada amplop",
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
	[W_EV_FOR] = "untuk",
	[W_EV_NOW] = "sekarang",
	[W_EV_LEFT] = "sisa",
	[W_EV_SECONDS] = "detik",
	[W_EV_SESSION_OF] = "sesi %s",
	[W_CH_LOSS] = "jalur ini sekarang menghilangkan",
	[W_CH_DNS_ADD] = "catatan ditambahkan",
	[W_CH_DNS_REMOVE] = "catatan dihapus",
	[W_CH_PASSWORD] = "kata sandi diganti",
	[W_EL_MESSAGE] = "(isi surat: %1 byte dalam %2 baris, diakhiri baris yang hanya berisi \".\")",
	[W_EL_MESSAGE_OF] = "(surat sebesar %1 byte)",
	[W_EL_MESSAGE_FOLLOWS] = "(surat sebesar %1 byte menyusul, diakhiri \".\")",
	[W_EL_AUTH] = "(nama pengguna dan kata sandi, dalam base64)",
	[W_EL_PASSWORD] = "(kata sandi)",
	[W_DNS_ADDITIONAL] = "juga",
	[W_DROP_LOSS] = "hilang di jalan: jalurnya terganggu",
	[W_DROP_LINK_DOWN] = "hilang: jalurnya putus",
	[W_DROP_NODE_DOWN] = "hilang: penerimanya mati",
	[W_DROP_QUEUE_FULL] = "hilang: antrean jalurnya penuh",
	[W_DROP_TTL] = "dibuang: TTL-nya habis",
	[W_DROP_NO_ROUTE] = "dibuang: tidak ada jalan ke alamatnya",
	[W_DROP_NOT_FOR_ME] = "dibuang: alamatnya bukan untuk simpul ini",
	[W_DROP_NO_LISTENER] = "dibuang: tidak ada program yang menunggu di port itu",
	[W_DROP_BAD_PACKET] = "dibuang: rusak, tidak dapat dibaca",
	[W_DROP_TOO_BIG] = "dibuang: terlalu besar untuk jalurnya (MTU)",
	[W_RETX_TIMEOUT] = "ACK tidak datang tepat waktu",
	[W_RETX_FAST] = "tiga ACK memintanya lagi",
	[W_RETX_PARTIAL] = "sebuah ACK menunjukkan celah",
	[W_TCP_CLOSED] = "tertutup",
	[W_TCP_LISTEN] = "menunggu sambungan",
	[W_TCP_SYN_SENT] = "meminta sambungan",
	[W_TCP_SYN_RECEIVED] = "menjawab permintaan",
	[W_TCP_ESTABLISHED] = "tersambung",
	[W_TCP_FIN_WAIT_1] = "menutup sisinya",
	[W_TCP_FIN_WAIT_2] = "menunggu sisi lain menutup",
	[W_TCP_CLOSE_WAIT] = "sisi lain sudah menutup",
	[W_TCP_CLOSING] = "kedua sisi menutup bersamaan",
	[W_TCP_LAST_ACK] = "menunggu ACK terakhir",
	[W_TCP_TIME_WAIT] = "menunggu sebentar sebelum melupakan",
	[W_TCPERR_REFUSED] = "tidak ada yang menunggu di port itu",
	[W_TCPERR_TIMEOUT] = "tidak ada jawaban",
	[W_TCPERR_RESET] = "sisi lain memutuskannya",
	[W_TCPERR_HOST_DOWN] = "mesin ini dimatikan",
	[W_RETRY_REPLY] = "server berikutnya berkata: nanti saja",
	[W_RETRY_DNS] = "DNS tidak dapat menyebut servernya",
	[W_RETRY_NO_ANSWER] = "server berikutnya tidak menjawab",
	[W_DLV_DELIVERED] = "sampai di kotak surat",
	[W_DLV_QUEUED] = "diterima, akan diteruskan",
	[W_DLV_QUEUED_LOCAL] = "diterima: domainnya sendiri",
	[W_DLV_QUEUED_LMTP] = "diterima, diserahkan lewat LMTP",
	[W_DLV_BOUNCED] = "tidak dapat diantar, surat pantulan kembali",
	[W_DLV_REFUSED] = "ditolak untuk seterusnya",
	[W_DLV_NO_DOMAIN] = "domainnya tidak ada",
	[W_DLV_GAVE_UP] = "terlalu lama menunggu, dihentikan",
	[W_DLV_BOUNCE_LOST] = "surat pantulan yang tidak dapat diantar",
	[W_DLV_REJECTED] = "langsung ditolak",
	[W_DLV_NOT_SENT] = "tidak terkirim",
	[W_DLV_OTHER] = "hasil pengantaran",
	[W_SS_CONNECTING] = "menyambung",
	[W_SS_CONNECTED] = "sudah menyapa, menunggu klien",
	[W_SS_GREETING] = "menunggu sapaan",
	[W_SS_HELLO] = "memperkenalkan diri",
	[W_SS_READY] = "siap menerima surat",
	[W_SS_AUTH] = "sedang masuk",
	[W_SS_MAIL] = "pengirim sudah disebut",
	[W_SS_RCPT] = "penerima sudah disebut",
	[W_SS_DATA] = "isi surat menyusul",
	[W_SS_MESSAGE] = "mengirim isi surat",
	[W_SS_QUIT] = "berpamitan",
	[W_SS_CLOSED] = "selesai",
	[W_SS_AUTHORIZATION] = "harus masuk dulu",
	[W_SS_TRANSACTION] = "sudah masuk",
	[W_SS_UPDATE] = "mengakhiri sesi",
	[W_SS_SELECTED] = "foldernya terbuka",
	[W_SS_LOGOUT] = "sedang keluar",
	[W_DNS_QUESTION] = "pertanyaan",
	[W_DNS_ANSWER] = "jawaban",
	[W_DNS_REFERRAL] = "tanyakan ke tempat lain",
	[W_DNS_NXDOMAIN] = "domain ini tidak ada",
	[W_DNS_NODATA] = "tidak ada catatan jenis itu",
	[W_DNS_SERVFAIL] = "servernya gagal",
	[W_DNS_REFUSED] = "servernya menolak",
	[W_DNS_TRUNCATED] = "jawabannya terpotong",
	[W_DNS_ERROR] = "galat DNS",
	[W_FILTERED] = "Disaring, disembunyikan",
	[W_ST_RECAP] = "ringkasnya",
	[W_WH_HEAD] = "Posisi surat:",
	[W_WH_NONE] = "belum ada surat yang ditulis",
	[W_WH_COMPOSED] = "di %1, belum dikirim",
	[W_WH_TRANSIT] = "dalam perjalanan ke %2",
	[W_WH_QUEUE] = "di antrean %1",
	[W_WH_MAILBOX] = "di kotak surat %2",
	[W_WH_DEVICE] = "di %1",
	[W_WH_BOUNCED] = "ditolak, kembali ke pengirimnya",
	[W_WH_REFUSED] = "ditolak, tidak pernah terkirim",
	[W_WH_LOST] = "hilang",
	[W_WH_NOTICE] = "pemberitahuan",
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
	[W_Q_SCORE] = "Kamu menjawab benar %d dari %d pertanyaan.",
	[W_Q_SCORE_ONE] = "Kamu menjawab benar %d dari %d pertanyaan.",
	[W_LIVE_CLIENT] = "Sebuah program surat di %s masuk ke dunia ini lewat %s dan berbicara dengan %s.",
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
