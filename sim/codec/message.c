/*
 * message.c: e-mail messages as bytes, written and read back.
 *
 *   RFC 5322        the message: header fields, a blank line, the body;
 *                   CRLF line endings, lines at most 998 octets (2.1.1).
 *   RFC 2045        MIME-Version, Content-Type, Content-Transfer-Encoding
 *                   (7bit, 8bit, base64 in 6.8, quoted-printable in 6.7).
 *   RFC 2046 5.1    multipart bodies: parts between "--boundary" lines,
 *                   the CRLF before a boundary belonging to it.
 *   RFC 2183        Content-Disposition: attachment; filename=.
 *   RFC 2231        non-ASCII file names (in mime.c).
 *   RFC 3462/3464   the delivery status notification: multipart/report
 *                   with message/delivery-status.
 *
 * Writing is straight-line code.  Reading follows OpenSMTPD's rfc5322.c:
 * a cursor yields lines, msg_hdr_next() turns them into one unfolded
 * field at a time, and the caller decides what each field means.  The
 * reader never trusts the input: every scan is bounded by the end of
 * the bytes, and what cannot be read is skipped, not fatal.
 */
#include "message.h"
#include "base64.h"
#include "mime.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nettle/sha2.h>

#define MSG_LINE_MAX	998	/* RFC 5322 2.1.1: MUST NOT be longer */
#define MSG_DEPTH	8	/* nested multiparts we walk into */
#define MSG_TEXT_WIDTH	72	/* the explanation of a bounce */

/* Lines of p[0..end), with LF or CRLF endings. */
struct msg_cur {
	const uint8_t	*p, *end;
};

enum msg_hdr_result {
	MSG_HDR_FIELD,		/* name and value hold one field */
	MSG_HDR_END,		/* body points at the body */
};

/* The header reader: one unfolded field per msg_hdr_next(). */
struct msg_hdr {
	struct msg_cur	 cur;
	struct buf	 name;
	struct buf	 value;	/* unfolded, white space trimmed */
	const uint8_t	*first;	/* the first line */
	const uint8_t	*body;	/* set with MSG_HDR_END */
	int		 nfields;
};

/* The MIME fields of one entity (the message or a body part). */
struct msg_part {
	char		*ctype;		/* Content-Type value, or NULL */
	char		*cte;		/* Content-Transfer-Encoding */
	char		*disp;		/* Content-Disposition */
	char		*msgid;		/* Message-ID, for the returned header */
	const uint8_t	*body, *end;
};

/* The parts of a multipart body, one per msg_split_next(). */
struct msg_split {
	struct msg_cur	 cur;
	const char	*b;
	size_t		 blen;
	int		 started, done;
};

static void	msg_put_text(struct buf *, const char *);
static int	msg_has_long_line(const char *);
static void	msg_put_qp(struct buf *, const char *);
static void	msg_put_line(struct buf *, const char *, size_t);
static int	msg_has_8bit(const char *);
static void	msg_put_headers(struct buf *, int64_t, int, const char *,
		    const char *const *, int, const char *const *, int,
		    const char *, const char *, const char *);
static void	msg_put_wrapped(struct buf *, const char *, const char *);
static const char *msg_action_word(const char *, int);
static const char *msg_status_text(const char *, int);
static void	msg_put_explanation(struct buf *, const struct dsn_compose *,
		    int, int);

static int	msg_cur_line(struct msg_cur *, const uint8_t **, size_t *);
static void	msg_hdr_init(struct msg_hdr *, const uint8_t *,
		    const uint8_t *);
static void	msg_hdr_free(struct msg_hdr *);
static int	msg_hdr_next(struct msg_hdr *);
static int	msg_part_field(struct msg_part *, const char *, const char *);
static void	msg_part_read(struct msg_part *, const uint8_t *,
		    const uint8_t *);
static void	msg_part_free(struct msg_part *);
static int	msg_is_delim(const uint8_t *, size_t, const char *, size_t,
		    int *);
static int	msg_split_next(struct msg_split *, const uint8_t **,
		    const uint8_t **);
static void	msg_decode(const struct msg_part *, struct buf *);
static void	msg_qp_decode(const uint8_t *, size_t, struct buf *);
static void	msg_walk(struct msg_info *, struct msg_part *, int,
		    const char *);
static void	msg_leaf(struct msg_info *, const struct msg_part *,
		    const char *);
static void	msg_report_part(struct msg_info *, const struct msg_part *,
		    const char *);
static void	msg_dsn_read(struct msg_report *, const struct msg_part *);
static char	*msg_clean(const char *);
static char	*msg_after_type(const char *);
static void	msg_addr_list(const char *, char ***, int *);
static char	*msg_addr_one(const char *, size_t);
static void	msg_push(char ***, int *, char *);

/* ==== composing ====================================================== */

static int
msg_has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/*
 * One line of body text and its CRLF.  RFC 5322 2.1.1: "Each line of
 * characters MUST be no more than 998 characters", and 7bit/8bit have
 * no soft line breaks, so a longer line is cut: after its last space
 * when there is one, else between two UTF-8 characters.
 */
static void
msg_put_line(struct buf *out, const char *s, size_t n)
{
	while (n > MSG_LINE_MAX) {
		size_t cut = MSG_LINE_MAX;

		while (cut > 0 && s[cut - 1] != ' ')
			cut--;
		if (cut == 0) {
			cut = MSG_LINE_MAX;
			while (cut > 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
				cut--;
		}
		buf_append(out, s, cut);
		buf_append(out, "\r\n", 2);
		s += cut;
		n -= cut;
	}
	buf_append(out, s, n);
	buf_append(out, "\r\n", 2);
}

/* Body text with every line ending (LF, CR or CRLF) made CRLF. */
static void
msg_put_text(struct buf *out, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\r\n");

		msg_put_line(out, p, len);
		p += len;
		if (p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (*p != '\0')
			p++;
	}
}

/* Whether a line of text is longer than RFC 5322 2.1.1 allows. */
static int
msg_has_long_line(const char *text)
{
	for (const char *p = text; *p != '\0'; ) {
		size_t len = strcspn(p, "\r\n");

		if (len > MSG_LINE_MAX)
			return 1;
		p += len;
		if (*p != '\0')
			p++;
	}
	return 0;
}

/*
 * Body text as quoted-printable (RFC 2045 6.7), every line ending made
 * CRLF: for text with a line too long to send as it is.  Rule (2) keeps
 * printable ASCII but "=" as it is, rule (1) writes any other octet as
 * "=XX", rule (3) encodes a space or tab at the end of a line, and rule
 * (5), "The Quoted-Printable encoding REQUIRES that encoded lines be no
 * more than 76 characters long", is kept with soft line breaks ("=" at
 * the end of a line), which the reader removes: the text it decodes is
 * the text that was written, long lines included.
 */
static void
msg_put_qp(struct buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\r\n"), col = 0;

		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)p[i];
			int last = i + 1 == len;
			int plain = (ch >= 33 && ch <= 126 && ch != '=') ||
			    ((ch == ' ' || ch == '\t') && !last);
			size_t w = plain ? 1 : 3;

			/* Room for the soft break's "=" unless the line ends. */
			if (col + w > (last ? 76 : 75)) {
				buf_append(out, "=\r\n", 3);
				col = 0;
			}
			if (plain)
				buf_putc(out, ch);
			else {
				buf_putc(out, '=');
				buf_putc(out, hex[ch >> 4]);
				buf_putc(out, hex[ch & 15]);
			}
			col += w;
		}
		buf_append(out, "\r\n", 2);
		p += len;
		if (p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (*p != '\0')
			p++;
	}
}

/* The fields every message we write starts with, up to MIME-Version. */
static void
msg_put_headers(struct buf *out, int64_t date, int tz, const char *from,
    const char *const *to, int nto, const char *const *cc, int ncc,
    const char *subject, const char *message_id, const char *user_agent)
{
	struct buf d = { 0 };
	const char *fromv[1] = { from ? from : "" };

	mime_date(&d, date, tz);
	mime_header_plain(out, "Date", (char *)d.data);
	buf_free(&d);
	mime_header_addresses(out, "From", fromv, 1);
	if (nto > 0)
		mime_header_addresses(out, "To", to, nto);
	else if (ncc == 0) {
		/*
		 * Only Bcc recipients: RFC 5322 3.6.3 suggests an empty
		 * group, so that readers see no one's address.
		 */
		const char *undisclosed[1] = { "undisclosed-recipients:;" };
		mime_header_addresses(out, "To", undisclosed, 1);
	}
	if (ncc > 0)
		mime_header_addresses(out, "Cc", cc, ncc);
	mime_header_text(out, "Subject", subject ? subject : "");
	mime_header_plain(out, "Message-ID", message_id ? message_id : "");
	if (user_agent != NULL)
		mime_header_text(out, "User-Agent", user_agent);
	buf_puts(out, "MIME-Version: 1.0\r\n");
}

void
msg_compose(const struct msg_compose *c, struct buf *out)
{
	const char *body = c->body ? c->body : "";
	/*
	 * RFC 5322 2.1.1: no line over 998 characters.  Cutting one would
	 * change what the recipient reads, so such text goes as
	 * quoted-printable, whose soft line breaks the reader undoes (RFC
	 * 2045 6.7); any other text as it is, 7bit or 8bit (RFC 6152).
	 */
	int qp = msg_has_long_line(body);
	const char *cte = qp ? "quoted-printable" : msg_has_8bit(body) ?
	    "8bit" : "7bit";
	const char *b = c->boundary ? c->boundary : "surel-boundary";

	msg_put_headers(out, c->date_unix, c->tz_offset_min, c->from, c->to,
	    c->nto, c->cc, c->ncc, c->subject, c->message_id, c->user_agent);
	if (c->natt <= 0) {
		buf_printf(out, "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: %s\r\n\r\n", cte);
		if (qp)
			msg_put_qp(out, body);
		else
			msg_put_text(out, body);
		return;
	}

	const char *bp[] = { "boundary", b, NULL };
	mime_header_params(out, "Content-Type", "multipart/mixed", bp);
	/*
	 * RFC 2046 5.1.1: the preamble is for readers without MIME; the
	 * CRLF that ends it also starts the first boundary line.
	 */
	buf_printf(out, "\r\nThis is a multi-part message in MIME format.\r\n"
	    "--%s\r\n", b);
	buf_printf(out, "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", cte);
	if (qp)
		msg_put_qp(out, body);
	else
		msg_put_text(out, body);
	/*
	 * The CRLF before a boundary line is part of the boundary, so the
	 * text's own last line break needs one more.
	 */
	buf_append(out, "\r\n", 2);

	for (int i = 0; i < c->natt; i++) {
		const struct msg_att *a = &c->att[i];
		const char *type = a->content_type;
		char *valid = type ? mime_content_type(type) : NULL;

		/* Never a broken or multi-line Content-Type. */
		if (valid == NULL || strpbrk(type, "\r\n") != NULL)
			type = "application/octet-stream";
		free(valid);
		buf_printf(out, "--%s\r\n", b);
		const char *np[] = { "name", a->name, NULL };
		const char *fp[] = { "filename", a->name, NULL };
		mime_header_params(out, "Content-Type", type,
		    a->name ? np : NULL);
		mime_header_params(out, "Content-Disposition", "attachment",
		    a->name ? fp : NULL);
		buf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		b64_encode(a->data, a->len, out, 1);
		if (a->len == 0)
			buf_append(out, "\r\n", 2);
	}
	/* RFC 2046 5.1.1: the close delimiter has two more hyphens. */
	buf_printf(out, "--%s--\r\n", b);
}

void
msg_attachment_bytes(uint64_t seed, uint32_t index, uint64_t size,
    struct buf *out)
{
	struct rng r;

	if (size > SIZE_MAX / 2)
		fatalx("attachment of %llu bytes", (unsigned long long)size);
	rng_derive(&r, seed, RNG_CONTENT, index);
	buf_reserve(out, (size_t)size);
	uint8_t *p = out->data + out->len;
	/* Eight bytes per draw, little end first: a prefix is stable. */
	for (uint64_t i = 0; i < size; i += 8) {
		uint64_t v = rng_next(&r);

		for (uint64_t k = 0; k < 8 && i + k < size; k++)
			p[i + k] = (uint8_t)(v >> (8 * k));
	}
	out->len += (size_t)size;
	out->data[out->len] = '\0';
}

/* ---- the bounce ----------------------------------------------------- */

/*
 * Appends text word-wrapped to MSG_TEXT_WIDTH columns, each line
 * starting with indent, CRLF endings.  A word longer than a line gets
 * a line of its own (cut at MSG_LINE_MAX at worst).
 */
static void
msg_put_wrapped(struct buf *out, const char *indent, const char *text)
{
	size_t ilen = strlen(indent), col = 0;
	const char *p = text;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		size_t wl = strcspn(p, " ");
		if (col > 0 && col + 1 + wl > MSG_TEXT_WIDTH) {
			buf_append(out, "\r\n", 2);
			col = 0;
		}
		if (col == 0) {
			buf_puts(out, indent);
			col = ilen;
		} else {
			buf_putc(out, ' ');
			col++;
		}
		if (wl > MSG_LINE_MAX - ilen - 2)
			wl = MSG_LINE_MAX - ilen - 2;
		buf_append(out, p, wl);
		col += wl;
		p += wl;
	}
	if (col > 0)
		buf_append(out, "\r\n", 2);
}

/* RFC 3464 2.3.3 Action values, as a person would say them. */
static const char *
msg_action_word(const char *action, int id)
{
	static const struct {
		const char *action, *en, *id;
	} words[] = {
		{ "failed", "FAILED, not delivered", "GAGAL, tidak terkirim" },
		{ "delayed", "DELAYED, the server is still trying",
		    "TERTUNDA, server masih mencoba lagi" },
		{ "delivered", "delivered", "terkirim" },
		{ "relayed", "passed on to a server that sends no reports",
		    "diteruskan ke server yang tidak mengirim laporan" },
		{ "expanded", "delivered, and forwarded to more addresses",
		    "terkirim, lalu diteruskan ke alamat lain" },
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(action, words[i].action) == 0)
			return id ? words[i].id : words[i].en;
	return action;
}

/*
 * What an RFC 3463 status code means, for a 15-year-old: first by the
 * subject and detail ("1.1" of "5.1.1"), else by the class alone.
 */
static const char *
msg_status_text(const char *status, int id)
{
	static const struct {
		const char *code, *en, *id;
	} texts[] = {
		{ "1.1", "The mailbox does not exist on that server. Check the "
		    "address for a typing mistake.",
		  "Kotak surat itu tidak ada di server tersebut. Periksa "
		    "lagi, mungkin alamatnya salah ketik." },
		{ "1.2", "The domain after the @ could not be found, so no "
		    "server could take the mail. Check the part after the @.",
		  "Domain setelah tanda @ tidak ditemukan, jadi tidak ada "
		    "server yang bisa menerima surat itu. Periksa bagian "
		    "setelah @." },
		{ "1.3", "The address is not written correctly.",
		  "Alamatnya tidak ditulis dengan benar." },
		{ "2.1", "That mailbox is closed and does not accept mail.",
		  "Kotak surat itu ditutup dan tidak menerima surat." },
		{ "2.2", "The mailbox is full. Its owner has to delete some "
		    "mail first.",
		  "Kotak suratnya penuh. Pemiliknya harus menghapus beberapa "
		    "surat dulu." },
		{ "2.3", "The message is bigger than that mailbox accepts. "
		    "Try smaller attachments.",
		  "Pesannya lebih besar dari yang diterima kotak surat itu. "
		    "Coba lampiran yang lebih kecil." },
		{ "3.4", "The message is too big for that server. Try smaller "
		    "attachments.",
		  "Pesannya terlalu besar untuk server itu. Coba lampiran yang "
		    "lebih kecil." },
		{ "4.1", "No server answered: it may be switched off, or the "
		    "network on the way is broken.",
		  "Tidak ada server yang menjawab: mungkin servernya mati, "
		    "atau jaringan di jalan putus." },
		{ "4.2", "The connection broke in the middle of the delivery.",
		  "Sambungan terputus di tengah pengiriman." },
		{ "4.4", "The mail could not find a way to the destination "
		    "server.",
		  "Surat tidak menemukan jalan ke server tujuan." },
		{ "4.6", "The message went around between servers too many "
		    "times (a loop), so it was stopped.",
		  "Pesan berputar-putar di antara server terlalu banyak kali "
		    "(loop), jadi dihentikan." },
		{ "4.7", "The message waited in the queue too long and the "
		    "server gave up.",
		  "Pesan menunggu di antrean terlalu lama, lalu server "
		    "menyerah." },
		{ "7.1", "The server did not allow this delivery.",
		  "Server tidak mengizinkan pengiriman ini." },
	};
	const char *sub = strchr(status, '.');

	if (sub != NULL)
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			if (strcmp(sub + 1, texts[i].code) == 0)
				return id ? texts[i].id : texts[i].en;
	/* RFC 3463 3.1: the class says whether trying again can help. */
	if (status[0] == '4')
		return id ? "Masalah sementara: server sudah mencoba "
		    "berkali-kali." :
		    "A temporary problem: the server tried again and again.";
	if (status[0] == '5')
		return id ? "Masalah permanen: mengirim ulang dengan cara yang "
		    "sama tidak akan berhasil." :
		    "A permanent problem: sending it again the same way "
		    "will not work.";
	return id ? "Lihat jawaban server di atas." :
	    "See the server's answer above.";
}

/* Part 1 of the bounce, in one language. */
static void
msg_put_explanation(struct buf *out, const struct dsn_compose *d, int id,
    int delayed)
{
	const char *host = d->reporting_mta ? d->reporting_mta : "";
	struct buf t = { 0 };

	buf_printf(&t, id ? "Ini adalah sistem surat di server %s." :
	    "This is the mail system at the server %s.", host);
	msg_put_wrapped(out, "", (char *)t.data);
	buf_append(out, "\r\n", 2);
	if (delayed)
		msg_put_wrapped(out, "", id ?
		    "Pesanmu belum sampai ke semua penerima. Server ini belum "
		    "bisa menyerahkannya, tetapi masih akan mencoba lagi. "
		    "Kamu tidak perlu melakukan apa-apa sekarang." :
		    "Your message has not reached every recipient yet. This "
		    "server could not hand it over so far, but it will keep "
		    "trying. You do not need to do anything now.");
	else
		msg_put_wrapped(out, "", id ?
		    "Maaf, pesanmu tidak bisa dikirim ke satu atau lebih "
		    "penerima. Pesan itu sampai ke sebuah server surat, "
		    "tetapi tidak bisa diserahkan, jadi pesan ini kembali "
		    "kepadamu, seperti surat pos yang dikembalikan dengan "
		    "cap \"alamat tidak dikenal\"." :
		    "Sorry, your message could not be delivered to one or "
		    "more recipients. It reached a mail server but could not "
		    "be handed over, so it came back to you, like a paper "
		    "letter returned with the stamp \"address unknown\".");
	buf_append(out, "\r\n", 2);
	for (int i = 0; i < d->nrcpt; i++) {
		const struct dsn_rcpt *r = &d->rcpt[i];
		const char *status = r->status ? r->status : "";
		const char *diag = r->diagnostic ? r->diagnostic : "";
		const char *semi = strchr(diag, ';');
		/* RFC 3464 2.3.6: only "smtp" is a remote server's reply. */
		int spoke = semi == NULL || (semi - diag == 4 &&
		    strncasecmp(diag, "smtp", 4) == 0);

		/* "smtp; 550 ..." -> what the server said. */
		if (semi != NULL && semi - diag < 16)
			diag = semi + 1;
		while (*diag == ' ')
			diag++;
		t.len = 0;
		buf_printf(&t, "<%s>", r->address ? r->address : "");
		msg_put_wrapped(out, "  ", (char *)t.data);
		t.len = 0;
		buf_printf(&t, "%s: %s (%s)", id ? "Hasil" : "Result",
		    msg_action_word(r->action ? r->action : "", id), status);
		msg_put_wrapped(out, "    ", (char *)t.data);
		if (*diag != '\0') {
			t.len = 0;
			buf_printf(&t, "%s: %s", !spoke ? (id ?
			    "Yang terjadi" : "What happened") : id ?
			    "Jawaban server" : "The server answered", diag);
			msg_put_wrapped(out, "    ", (char *)t.data);
		}
		if (r->remote_mta != NULL) {
			t.len = 0;
			buf_printf(&t, "%s: %s", id ? "Server yang menjawab" :
			    "The server that answered", r->remote_mta);
			msg_put_wrapped(out, "    ", (char *)t.data);
		}
		t.len = 0;
		buf_printf(&t, "%s: %s", id ? "Artinya" : "What it means",
		    msg_status_text(status, id));
		msg_put_wrapped(out, "    ", (char *)t.data);
		buf_append(out, "\r\n", 2);
	}
	msg_put_wrapped(out, "", id ?
	    "Kepala (header) pesan aslimu dilampirkan di bawah, bersama "
	    "laporan untuk program surat." :
	    "The header of your original message is attached below, with "
	    "a report for mail programs.");
	buf_free(&t);
}

void
msg_compose_dsn(const struct dsn_compose *d, struct buf *out)
{
	const char *b = d->boundary ? d->boundary : "surel-report";
	const char *host = d->reporting_mta ? d->reporting_mta : "";
	const char *to[1] = { d->to ? d->to : "" };
	struct buf from = { 0 }, text = { 0 }, v = { 0 };
	int delayed = d->nrcpt > 0;

	for (int i = 0; i < d->nrcpt; i++)
		if (d->rcpt[i].action == NULL ||
		    strcasecmp(d->rcpt[i].action, "delayed") != 0)
			delayed = 0;
	const char *pm = d->postmaster ? d->postmaster : "MAILER-DAEMON";
	if (strchr(pm, '<') != NULL)
		buf_puts(&from, pm);
	else
		buf_printf(&from, "Mail Delivery System <%s>", pm);
	msg_put_headers(out, d->date_unix, d->tz_offset_min,
	    (char *)from.data, to, 1, NULL, 0, delayed ?
	    "Delayed Mail (still being retried) / Surat tertunda (masih "
	    "dicoba lagi)" :
	    "Undelivered Mail Returned to Sender / Surat tidak terkirim",
	    d->message_id, NULL);
	/* RFC 3834 5: machines must not answer this one automatically. */
	buf_puts(out, "Auto-Submitted: auto-replied\r\n");
	const char *rp[] = { "report-type", "delivery-status", "boundary", b,
	    NULL };
	mime_header_params(out, "Content-Type", "multipart/report", rp);
	buf_printf(out, "\r\nThis is a MIME-encapsulated message.\r\n");

	/* Part 1: for the person (RFC 3464 2: "human-readable"). */
	msg_put_explanation(&text, d, 0, delayed);
	buf_puts(&text, "\r\n-- Bahasa Indonesia --\r\n\r\n");
	msg_put_explanation(&text, d, 1, delayed);
	buf_printf(out, "--%s\r\nContent-Description: Notification\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", b,
	    msg_has_8bit((char *)text.data) ? "8bit" : "7bit");
	buf_append(out, text.data, text.len);
	buf_append(out, "\r\n", 2);

	/* Part 2: for programs, RFC 3464 2.2 and 2.3. */
	buf_printf(out, "--%s\r\nContent-Description: Delivery report\r\n"
	    "Content-Type: message/delivery-status\r\n\r\n", b);
	v.len = 0;
	buf_printf(&v, "dns; %s", host);
	mime_header_plain(out, "Reporting-MTA", (char *)v.data);
	if (d->orig_envelope_id != NULL)
		mime_header_plain(out, "Original-Envelope-Id",
		    d->orig_envelope_id);
	/* RFC 3464 2.2.5: "the date and time at which the message arrived". */
	v.len = 0;
	mime_date(&v, d->arrival_unix != 0 ? d->arrival_unix : d->date_unix,
	    d->tz_offset_min);
	mime_header_plain(out, "Arrival-Date", (char *)v.data);
	for (int i = 0; i < d->nrcpt; i++) {
		const struct dsn_rcpt *r = &d->rcpt[i];
		const char *diag = r->diagnostic;

		/* A blank line starts each recipient's fields (2.1). */
		buf_append(out, "\r\n", 2);
		v.len = 0;
		buf_printf(&v, "rfc822; %s", r->address ? r->address : "");
		mime_header_plain(out, "Final-Recipient", (char *)v.data);
		mime_header_plain(out, "Action", r->action ? r->action : "failed");
		mime_header_plain(out, "Status", r->status ? r->status : "5.0.0");
		if (r->remote_mta != NULL) {
			v.len = 0;
			buf_printf(&v, "dns; %s", r->remote_mta);
			mime_header_plain(out, "Remote-MTA", (char *)v.data);
		}
		if (diag != NULL && *diag != '\0') {
			/* 2.3.6: "diagnostic-type ; *text" */
			const char *semi = strchr(diag, ';');
			v.len = 0;
			if (semi == NULL || strcspn(diag, " ;") !=
			    (size_t)(semi - diag))
				buf_printf(&v, "smtp; %s", diag);
			else
				buf_puts(&v, diag);
			mime_header_plain(out, "Diagnostic-Code", (char *)v.data);
		}
	}

	/* Part 3: the original header section, never its body (2.1). */
	buf_printf(out, "\r\n--%s\r\nContent-Description: Undelivered "
	    "message header\r\nContent-Type: text/rfc822-headers\r\n", b);
	struct msg_cur cur = { d->orig, d->orig ? d->orig + d->orig_len : NULL };
	const uint8_t *line;
	size_t len;
	struct buf hdr = { 0 };
	int eight = 0;
	while (d->orig != NULL && msg_cur_line(&cur, &line, &len) && len > 0) {
		buf_append(&hdr, line, len);
		buf_append(&hdr, "\r\n", 2);
	}
	for (size_t i = 0; i < hdr.len; i++)
		if (hdr.data[i] >= 0x80)
			eight = 1;
	if (eight)
		buf_puts(out, "Content-Transfer-Encoding: 8bit\r\n");
	buf_append(out, "\r\n", 2);
	if (hdr.len > 0)
		buf_append(out, hdr.data, hdr.len);
	buf_append(out, "\r\n", 2);
	buf_printf(out, "--%s--\r\n", b);
	buf_free(&hdr);
	buf_free(&from);
	buf_free(&text);
	buf_free(&v);
}

/* ==== reading ======================================================== */

/* The next line without its ending; 0 at the end of the bytes. */
static int
msg_cur_line(struct msg_cur *c, const uint8_t **line, size_t *len)
{
	if (c->p == NULL || c->p >= c->end)
		return 0;
	const uint8_t *s = c->p;
	const uint8_t *nl = memchr(s, '\n', (size_t)(c->end - s));
	const uint8_t *e = nl ? nl : c->end;

	c->p = nl ? nl + 1 : c->end;
	if (e > s && e[-1] == '\r')
		e--;
	*line = s;
	*len = (size_t)(e - s);
	return 1;
}

static void
msg_hdr_init(struct msg_hdr *h, const uint8_t *p, const uint8_t *end)
{
	memset(h, 0, sizeof *h);
	h->cur.p = p;
	h->cur.end = end;
	h->first = p;
	h->body = end;
}

static void
msg_hdr_free(struct msg_hdr *h)
{
	buf_free(&h->name);
	buf_free(&h->value);
}

/*
 * The next header field, unfolded (RFC 5322 2.2.3: the CRLF before
 * white space is removed, the white space kept).  MSG_HDR_END at the
 * blank line, at the end of the bytes, or at a line that is no field:
 * the body starts there, as in mail readers that meet a header without
 * its blank line.
 */
static int
msg_hdr_next(struct msg_hdr *h)
{
	struct msg_cur save = h->cur;
	const uint8_t *line;
	size_t len, i = 0;

	if (!msg_cur_line(&h->cur, &line, &len)) {
		h->body = h->cur.end;
		return MSG_HDR_END;
	}
	/*
	 * An mbox "From sender date" line before the first field is no
	 * field; "From : x" (blanks before the colon, RFC 5322 4.5) is.
	 */
	size_t sp = 5;
	while (sp < len && line[sp] == ' ')
		sp++;
	if (line == h->first && len >= 5 && memcmp(line, "From ", 5) == 0 &&
	    (sp == len || line[sp] != ':')) {
		save = h->cur;
		if (!msg_cur_line(&h->cur, &line, &len)) {
			h->body = h->cur.end;
			return MSG_HDR_END;
		}
	}
	if (len == 0) {
		h->body = h->cur.p;
		return MSG_HDR_END;
	}
	/* RFC 5322 3.6.8: printable ASCII but ':', then (obsolete) WSP. */
	while (i < len && line[i] > 0x20 && line[i] < 0x7f && line[i] != ':')
		i++;
	size_t nend = i;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (nend == 0 || i >= len || line[i] != ':') {
		h->cur = save;
		h->body = save.p;
		return MSG_HDR_END;
	}
	h->name.len = 0;
	buf_append(&h->name, line, nend);
	h->value.len = 0;
	buf_append(&h->value, line + i + 1, len - i - 1);
	for (;;) {
		struct msg_cur peek = h->cur;

		if (!msg_cur_line(&peek, &line, &len) || len == 0 ||
		    (line[0] != ' ' && line[0] != '\t'))
			break;
		h->cur = peek;
		buf_append(&h->value, line, len);
	}
	/* Trim the white space around the value. */
	uint8_t *v = h->value.data;
	size_t s = 0, e = h->value.len;
	while (s < e && (v[s] == ' ' || v[s] == '\t'))
		s++;
	while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
		e--;
	memmove(v, v + s, e - s);
	h->value.len = e - s;
	v[h->value.len] = '\0';
	h->nfields++;
	return MSG_HDR_FIELD;
}

/* Keeps the MIME fields of an entity; the first of each counts. */
static int
msg_part_field(struct msg_part *part, const char *name, const char *value)
{
	char **slot = NULL;

	if (strcasecmp(name, "Content-Type") == 0)
		slot = &part->ctype;
	else if (strcasecmp(name, "Content-Transfer-Encoding") == 0)
		slot = &part->cte;
	else if (strcasecmp(name, "Content-Disposition") == 0)
		slot = &part->disp;
	else if (strcasecmp(name, "Message-ID") == 0)
		slot = &part->msgid;
	if (slot == NULL)
		return 0;
	if (*slot == NULL)
		*slot = xstrdup(value);
	return 1;
}

/* The header of a body part, then where its body is. */
static void
msg_part_read(struct msg_part *part, const uint8_t *p, const uint8_t *end)
{
	struct msg_hdr h;

	memset(part, 0, sizeof *part);
	msg_hdr_init(&h, p, end);
	while (msg_hdr_next(&h) == MSG_HDR_FIELD)
		msg_part_field(part, (char *)h.name.data,
		    (char *)h.value.data);
	part->body = h.body;
	part->end = end;
	msg_hdr_free(&h);
}

static void
msg_part_free(struct msg_part *part)
{
	free(part->ctype);
	free(part->cte);
	free(part->disp);
	free(part->msgid);
	memset(part, 0, sizeof *part);
}

/*
 * RFC 2046 5.1.1: a boundary line is "--" boundary, "--" more for the
 * last one, then only white space (transport padding).
 */
static int
msg_is_delim(const uint8_t *line, size_t len, const char *b, size_t blen,
    int *close)
{
	size_t i = 2 + blen;

	if (len < i || line[0] != '-' || line[1] != '-' ||
	    memcmp(line + 2, b, blen) != 0)
		return 0;
	*close = 0;
	if (i + 1 < len && line[i] == '-' && line[i + 1] == '-') {
		*close = 1;
		i += 2;
	}
	for (; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

/*
 * The next body part [*ps, *pe) of a multipart body: from after a
 * boundary line to before the line break that precedes the next one
 * (that CRLF belongs to the boundary, RFC 2046 5.1.1).  Without a close
 * delimiter the last part runs to the end.  Returns 0 when done.
 */
static int
msg_split_next(struct msg_split *s, const uint8_t **ps, const uint8_t **pe)
{
	const uint8_t *line;
	size_t len;
	int close;

	if (s->done)
		return 0;
	if (!s->started) {
		/* Skip the preamble. */
		for (;;) {
			if (!msg_cur_line(&s->cur, &line, &len)) {
				s->done = 1;
				return 0;
			}
			if (msg_is_delim(line, len, s->b, s->blen, &close))
				break;
		}
		s->started = 1;
		if (close) {
			s->done = 1;
			return 0;
		}
	}
	const uint8_t *start = s->cur.p;
	for (;;) {
		const uint8_t *ls = s->cur.p;

		if (!msg_cur_line(&s->cur, &line, &len)) {
			*ps = start;
			*pe = s->cur.end;
			s->done = 1;
			return 1;
		}
		if (!msg_is_delim(line, len, s->b, s->blen, &close))
			continue;
		const uint8_t *e = ls;
		if (e > start && e[-1] == '\n')
			e--;
		if (e > start && e[-1] == '\r')
			e--;
		*ps = start;
		*pe = e;
		if (close)
			s->done = 1;
		return 1;
	}
}

/* RFC 2045 6.7, forgiving: "=XX", soft line breaks, trailing blanks. */
static void
msg_qp_decode(const uint8_t *p, size_t n, struct buf *out)
{
	struct msg_cur cur = { p, p + n };
	const uint8_t *line;
	size_t len;

	while (msg_cur_line(&cur, &line, &len)) {
		int soft = 0, h, l;

		/* Rule 3: white space at the end of a line was added. */
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		if (len > 0 && line[len - 1] == '=') {
			soft = 1;
			len--;
		}
		for (size_t i = 0; i < len; i++) {
			if (line[i] == '=' && i + 2 < len &&
			    (h = hex_digit(line[i + 1])) >= 0 &&
			    (l = hex_digit(line[i + 2])) >= 0) {
				buf_putc(out, h << 4 | l);
				i += 2;
			} else
				buf_putc(out, line[i]);
		}
		/* A hard line break is CRLF, unless the data ended there. */
		if (!soft && (cur.p < cur.end || (n > 0 && p[n - 1] == '\n')))
			buf_append(out, "\r\n", 2);
	}
}

void
msg_decode_body(const char *cte_value, const uint8_t *p, size_t n,
    struct buf *out)
{
	char *cte = NULL;

	if (cte_value != NULL) {
		/* The mechanism is a token; ignore what follows it. */
		const char *s = cte_value;
		while (*s == ' ' || *s == '\t')
			s++;
		cte = xstrndup(s, strcspn(s, " \t;("));
	}
	buf_reserve(out, n);
	out->data[out->len] = '\0';	/* util.h: always NUL-terminated */
	if (cte != NULL && strcasecmp(cte, "base64") == 0)
		b64_decode_lenient((const char *)p, n, out);
	else if (cte != NULL && strcasecmp(cte, "quoted-printable") == 0)
		msg_qp_decode(p, n, out);
	else
		buf_append(out, p, n);
	free(cte);
}

/* The bytes a part's body stands for, by its transfer encoding. */
static void
msg_decode(const struct msg_part *part, struct buf *out)
{
	msg_decode_body(part->cte, part->body, (size_t)(part->end -
	    part->body), out);
}

/* A heap copy as valid UTF-8. */
static char *
msg_clean(const char *s)
{
	struct buf b = { 0 };

	mime_utf8_clean(&b, (const uint8_t *)s, strlen(s));
	return b.data ? (char *)b.data : xstrdup("");
}

static void
msg_push(char ***arr, int *n, char *s)
{
	*arr = xrealloc(*arr, ((size_t)*n + 1) * sizeof **arr);
	(*arr)[(*n)++] = s;
}

/*
 * The address of one list entry (RFC 5322 3.4): what is inside the
 * first <...> outside quotes and comments, else the entry without its
 * comments; white space outside quotes dropped, a source route
 * ("@a,@b:") too.  NULL for an empty entry.
 */
static char *
msg_addr_one(const char *s, size_t n)
{
	struct buf plain = { 0 }, angle = { 0 };
	int quote = 0, depth = 0, in_angle = 0, has_angle = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		struct buf *to = in_angle ? &angle : &plain;

		if (quote) {
			buf_putc(to, c);
			if (c == '\\' && i + 1 < n)
				buf_putc(to, s[++i]);
			else if (c == '"')
				quote = 0;
		} else if (depth > 0) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(')
			depth = 1;
		else if (c == '"') {
			quote = 1;
			buf_putc(to, c);
		} else if (c == '<' && !has_angle) {
			in_angle = has_angle = 1;
		} else if (c == '>' && in_angle)
			in_angle = 0;
		else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			buf_putc(to, c);
	}
	struct buf *r = has_angle ? &angle : &plain;
	char *a = r->data ? (char *)r->data : NULL;
	char *result = NULL;
	if (a != NULL && *a == '@' && strchr(a, ':') != NULL)
		a = strrchr(a, ':') + 1;	/* obs-route */
	if (a != NULL && *a != '\0')
		result = msg_clean(a);
	buf_free(&plain);
	buf_free(&angle);
	return result;
}

/*
 * Splits an address list at the commas outside quotes, comments and
 * angle brackets; a group's "name:" is dropped and its ';' ends an
 * entry (RFC 5322 3.4).
 */
static void
msg_addr_list(const char *v, char ***arr, int *n)
{
	size_t start = 0, len = strlen(v);
	int quote = 0, depth = 0, angle = 0;
	char *a;

	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (quote) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				quote = 0;
			continue;
		}
		if (depth > 0) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		switch (c) {
		case '"':
			quote = 1;
			break;
		case '(':
			depth = 1;
			break;
		case '<':
			angle = 1;
			break;
		case '>':
			angle = 0;
			break;
		case ':':
			if (!angle)
				start = i + 1;	/* a group's display name */
			break;
		case ',':
		case ';':
			if (angle)
				break;
			if ((a = msg_addr_one(v + start, i - start)) != NULL)
				msg_push(arr, n, a);
			start = i + 1;
			break;
		}
	}
	/* The last entry; an unclosed quote or comment still gives it. */
	if ((a = msg_addr_one(v + start, len - start)) != NULL)
		msg_push(arr, n, a);
}

/* "rfc822; x@y" -> "x@y": the part after the type (RFC 3464 2.1.2). */
static char *
msg_after_type(const char *v)
{
	const char *semi = strchr(v, ';');

	if (semi != NULL)
		v = semi + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	char *t = xstrndup(v, n);
	char *r = msg_clean(t);
	free(t);
	return r;
}

/*
 * The fields of a message/delivery-status body (RFC 3464 2.1): one
 * block for the message, then one per recipient, blank lines between.
 */
static void
msg_dsn_read(struct msg_report *rep, const struct msg_part *part)
{
	struct buf body = { 0 };
	struct msg_hdr h;
	int block = 0;

	msg_decode(part, &body);
	const uint8_t *p = body.data, *end = body.data + body.len;
	while (p != NULL && p < end) {
		struct msg_report_rcpt r = { 0 };
		int any = 0;

		msg_hdr_init(&h, p, end);
		while (msg_hdr_next(&h) == MSG_HDR_FIELD) {
			const char *name = (char *)h.name.data;
			const char *val = (char *)h.value.data;
			char **slot = NULL;

			if (block == 0 && strcasecmp(name, "Reporting-MTA") == 0) {
				if (rep->reporting_mta == NULL)
					rep->reporting_mta = msg_after_type(val);
				continue;
			}
			if (strcasecmp(name, "Final-Recipient") == 0) {
				if (r.final_recipient == NULL) {
					char *t = msg_after_type(val);
					r.final_recipient = msg_addr_one(t,
					    strlen(t));
					free(t);
					if (r.final_recipient == NULL)
						r.final_recipient = xstrdup("");
				}
				any = 1;
				continue;
			}
			if (strcasecmp(name, "Action") == 0)
				slot = &r.action;
			else if (strcasecmp(name, "Status") == 0)
				slot = &r.status;
			else if (strcasecmp(name, "Diagnostic-Code") == 0)
				slot = &r.diagnostic;
			else if (strcasecmp(name, "Remote-MTA") == 0) {
				if (r.remote_mta == NULL)
					r.remote_mta = msg_after_type(val);
				any = 1;
				continue;
			}
			if (slot != NULL && *slot == NULL) {
				*slot = msg_clean(val);
				any = 1;
			}
		}
		if (h.nfields == 0 && h.body == p) {
			/* Not a field: skip the line, so we always advance. */
			struct msg_cur c = { p, end };
			const uint8_t *l;
			size_t ln;
			msg_cur_line(&c, &l, &ln);
			h.body = c.p;
		}
		p = h.body;
		if (h.nfields > 0)
			block++;
		msg_hdr_free(&h);
		if (!any)
			continue;
		if (r.action != NULL)
			for (char *c = r.action; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		char **f[] = { &r.final_recipient, &r.action, &r.status,
		    &r.diagnostic, &r.remote_mta };
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			if (*f[k] == NULL)
				*f[k] = xstrdup("");
		rep->rcpt = xrealloc(rep->rcpt,
		    ((size_t)rep->nrcpt + 1) * sizeof *rep->rcpt);
		rep->rcpt[rep->nrcpt++] = r;
	}
	buf_free(&body);
}

/* A direct part of the multipart/report. */
static void
msg_report_part(struct msg_info *info, const struct msg_part *part,
    const char *type)
{
	struct msg_report *rep = info->report;

	msg_push(&rep->parts, &rep->nparts, msg_clean(type));
	if (strcmp(type, "message/delivery-status") == 0)
		msg_dsn_read(rep, part);
	else if ((strcmp(type, "text/rfc822-headers") == 0 ||
	    strcmp(type, "message/rfc822") == 0) &&
	    rep->orig_message_id == NULL) {
		/* The returned header names the message that bounced. */
		struct buf body = { 0 };
		struct msg_part inner;

		msg_decode(part, &body);
		msg_part_read(&inner, body.data, body.data + body.len);
		if (inner.msgid != NULL)
			rep->orig_message_id = msg_clean(inner.msgid);
		msg_part_free(&inner);
		buf_free(&body);
	}
}

/*
 * A leaf part: an attachment when marked so (RFC 2183) or when it has a
 * file name, which is how mail readers decide too.
 */
static void
msg_leaf(struct msg_info *info, const struct msg_part *part,
    const char *type)
{
	char *name = part->disp ? mime_param_text(part->disp, "filename") :
	    NULL;
	int attach = 0;

	if (part->disp != NULL) {
		const char *s = part->disp;
		while (*s == ' ' || *s == '\t')
			s++;
		attach = strncasecmp(s, "attachment", 10) == 0 &&
		    strchr(" \t;", s[10]) != NULL;
	}
	if (name == NULL && part->ctype != NULL)
		name = mime_param_text(part->ctype, "name");
	if (!attach && name == NULL) {
		/* RFC 2046 5.1.4: the first text part is what a reader shows. */
		if (info->text == NULL && strcmp(type, "text/plain") == 0) {
			struct buf body = { 0 };
			struct buf clean = { 0 };

			msg_decode(part, &body);
			mime_utf8_clean(&clean, body.data, body.len);
			buf_putc(&clean, '\0');
			info->text = (char *)clean.data;
			buf_free(&body);
		}
		return;
	}

	struct msg_info_att *a;
	struct buf body = { 0 };
	struct sha256_ctx sha;

	info->att = xrealloc(info->att, ((size_t)info->natt + 1) *
	    sizeof *info->att);
	a = &info->att[info->natt++];
	a->name = name ? name : xstrdup("");
	a->content_type = msg_clean(type);
	msg_decode(part, &body);
	a->size = body.len;
	sha256_init(&sha);
	sha256_update(&sha, body.len, body.data);
	sha256_digest(&sha, SHA256_DIGEST_SIZE, a->sha256);
	buf_free(&body);
}

/*
 * One entity: a multipart is split and its parts walked, to MSG_DEPTH;
 * a leaf may be an attachment.  RFC 2045 5.2: no (or a broken)
 * Content-Type means text/plain, message/rfc822 inside a digest.
 */
static void
msg_walk(struct msg_info *info, struct msg_part *part, int depth,
    const char *dflt)
{
	char *type = part->ctype ? mime_content_type(part->ctype) : NULL;

	if (type == NULL)
		type = xstrdup(dflt);
	if (strncmp(type, "multipart/", 10) != 0) {
		msg_leaf(info, part, type);
		free(type);
		return;
	}
	char *b = mime_param(part->ctype, "boundary");
	if (b != NULL && *b != '\0' && depth < MSG_DEPTH) {
		struct msg_split s = { { part->body, part->end }, b, strlen(b),
		    0, 0 };
		const char *child = strcmp(type, "multipart/digest") == 0 ?
		    "message/rfc822" : "text/plain";
		int report = 0;
		const uint8_t *ps, *pe;

		/* Only the first report counts: it is the bounce. */
		if (strcmp(type, "multipart/report") == 0 &&
		    info->report == NULL) {
			char *rt = mime_param(part->ctype, "report-type");
			info->report = xcalloc(1, sizeof *info->report);
			info->report->report_type = msg_clean(rt ? rt : "");
			for (char *c = info->report->report_type; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			free(rt);
			report = 1;
		}
		while (msg_split_next(&s, &ps, &pe)) {
			struct msg_part sub;

			msg_part_read(&sub, ps, pe);
			if (report) {
				char *st = sub.ctype ?
				    mime_content_type(sub.ctype) : NULL;
				msg_report_part(info, &sub, st ? st : child);
				free(st);
			}
			msg_walk(info, &sub, depth + 1, child);
			msg_part_free(&sub);
		}
	}
	free(b);
	free(type);
}

int
msg_parse(const uint8_t *p, size_t n, struct msg_info *out)
{
	struct msg_hdr h;
	struct msg_part top;
	int ok;

	memset(out, 0, sizeof *out);
	memset(&top, 0, sizeof top);
	out->size = n;
	msg_hdr_init(&h, p, p ? p + n : NULL);
	while (msg_hdr_next(&h) == MSG_HDR_FIELD) {
		const char *name = (char *)h.name.data;
		const char *v = (char *)h.value.data;

		if (strcasecmp(name, "Received") == 0)
			out->hops++;
		else if (strcasecmp(name, "Message-ID") == 0) {
			if (out->message_id == NULL)
				out->message_id = msg_clean(v);
		} else if (strcasecmp(name, "From") == 0) {
			if (out->from == NULL) {
				char **l = NULL;
				int nl = 0;
				msg_addr_list(v, &l, &nl);
				out->from = nl > 0 ? l[0] : xstrdup("");
				for (int i = 1; i < nl; i++)
					free(l[i]);
				free(l);
			}
		} else if (strcasecmp(name, "To") == 0)
			msg_addr_list(v, &out->to, &out->nto);
		else if (strcasecmp(name, "Cc") == 0)
			msg_addr_list(v, &out->cc, &out->ncc);
		else if (strcasecmp(name, "Subject") == 0) {
			if (out->subject == NULL)
				out->subject = mime_decode_words(v);
		}
		msg_part_field(&top, name, v);
		out->fields = xrealloc(out->fields, ((size_t)out->nfields + 1) *
		    sizeof *out->fields);
		out->fields[out->nfields].name = msg_clean(name);
		out->fields[out->nfields++].value = mime_decode_words(v);
	}
	ok = h.nfields > 0;
	top.body = h.body;
	top.end = p ? p + n : NULL;
	msg_hdr_free(&h);
	if (ok)
		msg_walk(out, &top, 0, "text/plain");
	msg_part_free(&top);
	if (out->message_id == NULL)
		out->message_id = xstrdup("");
	if (out->from == NULL)
		out->from = xstrdup("");
	if (out->subject == NULL)
		out->subject = xstrdup("");
	if (out->text == NULL)
		out->text = xstrdup("");
	return ok ? 0 : -1;
}

void
msg_info_free(struct msg_info *info)
{
	if (info == NULL)
		return;
	free(info->message_id);
	free(info->from);
	for (int i = 0; i < info->nto; i++)
		free(info->to[i]);
	free(info->to);
	for (int i = 0; i < info->ncc; i++)
		free(info->cc[i]);
	free(info->cc);
	free(info->subject);
	for (int i = 0; i < info->natt; i++) {
		free(info->att[i].name);
		free(info->att[i].content_type);
	}
	free(info->att);
	for (int i = 0; i < info->nfields; i++) {
		free(info->fields[i].name);
		free(info->fields[i].value);
	}
	free(info->fields);
	free(info->text);
	if (info->report != NULL) {
		struct msg_report *r = info->report;

		free(r->report_type);
		for (int i = 0; i < r->nparts; i++)
			free(r->parts[i]);
		free(r->parts);
		free(r->reporting_mta);
		free(r->orig_message_id);
		for (int i = 0; i < r->nrcpt; i++) {
			free(r->rcpt[i].final_recipient);
			free(r->rcpt[i].action);
			free(r->rcpt[i].status);
			free(r->rcpt[i].diagnostic);
			free(r->rcpt[i].remote_mta);
		}
		free(r->rcpt);
		free(r);
	}
	memset(info, 0, sizeof *info);
}
