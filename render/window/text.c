/*
 * text.c: fonts through fontconfig, strings as cached textures, word
 * wrapping (see text.h).
 *
 * The cache is an open-addressed table keyed by (face, size, colour,
 * string).  It is emptied whole when it fills: a frame draws a few
 * hundred strings, so the next frame simply renders them again.
 */
#include "text.h"

#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_SLOTS	8192		/* power of two */
#define TEXT_MAX_USED	(TEXT_SLOTS / 2)
#define TEXT_MAX_FONTS	32

struct text_entry {
	uint32_t	 hash;
	uint16_t	 face, px;
	uint32_t	 rgba;
	char		*s;		/* NULL: free slot */
	SDL_Texture	*tex;
	int		 w, h;
};

/* A measured width: TTF_SizeUTF8 shapes the text each time, so keep them. */
struct text_measure {
	uint32_t	 hash;
	uint16_t	 face, px;
	char		*s;		/* NULL: free slot */
	int		 w, h;
};

struct text_font {
	enum text_face	 face;
	int		 px;
	TTF_Font	*font;
};

struct text {
	SDL_Renderer	*r;
	char		*file[FACE_N];
	struct text_font fonts[TEXT_MAX_FONTS];
	int		 nfonts;
	struct text_entry *slot;
	int		 used;
	struct text_measure *meas;
	int		 nmeas;
	/* Recording (text_record()). */
	int		 rec;
	const char	*panel;
	struct text_box	*box;
	int		 nbox, boxcap;
	struct text_panel *pan;
	int		 npan, pancap;
};

static const char *text_family[FACE_N] = {
	"DejaVu Sans", "DejaVu Sans:bold", "DejaVu Sans Mono",
};
static const char *text_env[FACE_N] = {
	"SUREL_FONT", "SUREL_FONT_BOLD", "SUREL_FONT_MONO",
};

/* The file fontconfig picks for a pattern, or NULL. */
static char *
text_find(FcConfig *cfg, const char *name)
{
	FcPattern *p = FcNameParse((const FcChar8 *)name);
	FcResult res;
	char *file = NULL;

	if (p == NULL)
		return NULL;
	FcConfigSubstitute(cfg, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	FcPattern *m = FcFontMatch(cfg, p, &res);
	FcChar8 *f;
	if (m && FcPatternGetString(m, FC_FILE, 0, &f) == FcResultMatch)
		file = strdup((const char *)f);
	if (m)
		FcPatternDestroy(m);
	FcPatternDestroy(p);
	return file;
}

struct text *
text_new(SDL_Renderer *r, char *err, size_t errsz)
{
	struct text *t = calloc(1, sizeof *t);
	FcConfig *cfg = NULL;

	if (t == NULL || (t->slot = calloc(TEXT_SLOTS, sizeof *t->slot)) ==
	    NULL || (t->meas = calloc(TEXT_SLOTS, sizeof *t->meas)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto err;
	}
	t->r = r;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errsz, "cannot start SDL_ttf: %s", TTF_GetError());
		goto err;
	}
	for (int f = 0; f < FACE_N; f++) {
		const char *env = getenv(text_env[f]);

		if (env && *env)
			t->file[f] = strdup(env);
		else {
			if (cfg == NULL && (cfg = FcInitLoadConfigAndFonts()) ==
			    NULL) {
				snprintf(err, errsz, "fontconfig does not start; "
				    "install fontconfig and fonts-dejavu-core");
				goto err;
			}
			t->file[f] = text_find(cfg, text_family[f]);
		}
		if (t->file[f] == NULL) {
			snprintf(err, errsz, "no font found for '%s': install "
			    "fonts-dejavu-core (or set %s to a .ttf file)",
			    text_family[f], text_env[f]);
			goto err;
		}
		TTF_Font *probe = TTF_OpenFont(t->file[f], 12);
		if (probe == NULL) {
			snprintf(err, errsz, "cannot open the font %s (%s): "
			    "install fonts-dejavu-core (or set %s to a .ttf "
			    "file)", t->file[f], TTF_GetError(), text_env[f]);
			goto err;
		}
		TTF_CloseFont(probe);
	}
	if (cfg)
		FcConfigDestroy(cfg);
	return t;
err:
	if (cfg)
		FcConfigDestroy(cfg);
	text_free(t);
	return NULL;
}

static void
text_flush_measures(struct text *t)
{
	for (int i = 0; t->meas && i < TEXT_SLOTS; i++) {
		free(t->meas[i].s);
		t->meas[i].s = NULL;
	}
	t->nmeas = 0;
}

void
text_flush(struct text *t)
{
	for (int i = 0; i < TEXT_SLOTS; i++) {
		struct text_entry *e = &t->slot[i];
		if (e->s) {
			free(e->s);
			if (e->tex)
				SDL_DestroyTexture(e->tex);
		}
		memset(e, 0, sizeof *e);
	}
	t->used = 0;
}

static void
text_record_clear(struct text *t)
{
	for (int i = 0; i < t->nbox; i++)
		free(t->box[i].s);
	t->nbox = 0;
	t->npan = 0;
}

void
text_record(struct text *t, int on)
{
	text_record_clear(t);
	t->rec = on;
}

void
text_panel(struct text *t, const char *name, int x, int y, int w, int h)
{
	t->panel = name;
	if (!t->rec)
		return;
	for (int i = 0; i < t->npan; i++)
		if (strcmp(t->pan[i].name, name) == 0)
			return;
	if (t->npan == t->pancap) {
		int cap = t->pancap ? 2 * t->pancap : 16;
		struct text_panel *p = realloc(t->pan, (size_t)cap * sizeof *p);
		if (p == NULL)
			return;
		t->pan = p;
		t->pancap = cap;
	}
	t->pan[t->npan++] = (struct text_panel){ name, x, y, w, h };
}

int
text_boxes(const struct text *t, const struct text_box **b)
{
	*b = t->box;
	return t->nbox;
}

int
text_panels(const struct text *t, const struct text_panel **p)
{
	*p = t->pan;
	return t->npan;
}

/* One string drawn, while recording. */
static void
text_note(struct text *t, int px, int x, int y, int w, int h, const char *s)
{
	if (t->nbox == t->boxcap) {
		int cap = t->boxcap ? 2 * t->boxcap : 256;
		struct text_box *b = realloc(t->box, (size_t)cap * sizeof *b);
		if (b == NULL)
			return;
		t->box = b;
		t->boxcap = cap;
	}
	char *c = strdup(s);
	if (c == NULL)
		return;
	t->box[t->nbox++] = (struct text_box){ t->panel ? t->panel : "?", x, y,
	    w, h, px, c };
}

void
text_free(struct text *t)
{
	if (t == NULL)
		return;
	text_record_clear(t);
	free(t->box);
	free(t->pan);
	if (t->slot) {
		text_flush(t);
		free(t->slot);
	}
	if (t->meas) {
		text_flush_measures(t);
		free(t->meas);
	}
	for (int i = 0; i < t->nfonts; i++)
		TTF_CloseFont(t->fonts[i].font);
	for (int f = 0; f < FACE_N; f++)
		free(t->file[f]);
	free(t);
}

const char *
text_font_file(const struct text *t, enum text_face f)
{
	return t->file[f];
}

TTF_Font *
text_font(struct text *t, enum text_face f, int px)
{
	if (px < 4)
		px = 4;
	for (int i = 0; i < t->nfonts; i++)
		if (t->fonts[i].face == f && t->fonts[i].px == px)
			return t->fonts[i].font;
	if (t->nfonts == TEXT_MAX_FONTS) {
		/* A resize storm: start again. */
		text_flush(t);
		for (int i = 0; i < t->nfonts; i++)
			TTF_CloseFont(t->fonts[i].font);
		t->nfonts = 0;
	}
	TTF_Font *font = TTF_OpenFont(t->file[f], px);
	if (font == NULL) {
		fprintf(stderr, "surel: cannot open the font %s: %s\n",
		    t->file[f], TTF_GetError());
		return NULL;
	}
	TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
	t->fonts[t->nfonts].face = f;
	t->fonts[t->nfonts].px = px;
	t->fonts[t->nfonts].font = font;
	t->nfonts++;
	return font;
}

int
text_line_height(struct text *t, enum text_face f, int px)
{
	TTF_Font *font = text_font(t, f, px);

	return font ? TTF_FontLineSkip(font) : px;
}

static uint32_t
text_hash(enum text_face f, int px, uint32_t rgba, const char *s)
{
	uint32_t h = 2166136261u;

	h = (h ^ (uint32_t)f) * 16777619u;
	h = (h ^ (uint32_t)px) * 16777619u;
	h = (h ^ rgba) * 16777619u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The cached texture of s, rendering it the first time. */
static struct text_entry *
text_get(struct text *t, enum text_face f, int px, SDL_Color c, const char *s)
{
	uint32_t rgba = (uint32_t)c.r << 24 | (uint32_t)c.g << 16 |
	    (uint32_t)c.b << 8 | c.a;
	uint32_t h = text_hash(f, px, rgba, s);
	uint32_t i = h & (TEXT_SLOTS - 1);

	for (;;) {
		struct text_entry *e = &t->slot[i];
		if (e->s == NULL)
			break;
		if (e->hash == h && e->face == f && e->px == px &&
		    e->rgba == rgba && strcmp(e->s, s) == 0)
			return e;
		i = (i + 1) & (TEXT_SLOTS - 1);
	}
	if (t->used >= TEXT_MAX_USED) {
		text_flush(t);
		i = h & (TEXT_SLOTS - 1);
	}
	TTF_Font *font = text_font(t, f, px);
	if (font == NULL)
		return NULL;
	SDL_Surface *sf = TTF_RenderUTF8_Blended(font, s, c);
	if (sf == NULL)
		return NULL;
	struct text_entry *e = &t->slot[i];
	e->tex = SDL_CreateTextureFromSurface(t->r, sf);
	e->w = sf->w;
	e->h = sf->h;
	SDL_FreeSurface(sf);
	if (e->tex == NULL)
		return NULL;
	e->s = strdup(s);
	e->hash = h;
	e->face = (uint16_t)f;
	e->px = (uint16_t)px;
	e->rgba = rgba;
	t->used++;
	return e;
}

int
text_size(struct text *t, enum text_face f, int px, const char *s, int *w,
    int *h)
{
	TTF_Font *font = text_font(t, f, px);
	int tw = 0, th = 0;

	if (font && s && *s) {
		uint32_t hh = text_hash(f, px, 0, s);
		uint32_t i = hh & (TEXT_SLOTS - 1);
		struct text_measure *m;
		for (;;) {
			m = &t->meas[i];
			if (m->s == NULL || (m->hash == hh && m->face == f &&
			    m->px == px && strcmp(m->s, s) == 0))
				break;
			i = (i + 1) & (TEXT_SLOTS - 1);
		}
		if (m->s) {
			tw = m->w;
			th = m->h;
		} else {
			TTF_SizeUTF8(font, s, &tw, &th);
			if (t->nmeas >= TEXT_MAX_USED)
				text_flush_measures(t);
			else if ((m->s = strdup(s)) != NULL) {
				m->hash = hh;
				m->face = (uint16_t)f;
				m->px = (uint16_t)px;
				m->w = tw;
				m->h = th;
				t->nmeas++;
			}
		}
	} else if (font)
		th = TTF_FontHeight(font);
	if (w)
		*w = tw;
	if (h)
		*h = th;
	return 0;
}

int
text_width(struct text *t, enum text_face f, int px, const char *s)
{
	int w;

	text_size(t, f, px, s, &w, NULL);
	return w;
}

int
text_draw(struct text *t, enum text_face f, int px, SDL_Color c, int x,
    int y, const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	struct text_entry *e = text_get(t, f, px, c, s);
	if (e == NULL)
		return 0;
	SDL_Rect dst = { x, y, e->w, e->h };
	SDL_RenderCopy(t->r, e->tex, NULL, &dst);
	if (t->rec)
		text_note(t, px < 4 ? 4 : px, x, y, e->w, e->h, s);
	return e->w;
}

int
text_draw_center(struct text *t, enum text_face f, int px, SDL_Color c,
    int cx, int y, const char *s)
{
	int w = text_width(t, f, px, s);

	return text_draw(t, f, px, c, cx - w / 2, y, s);
}

/* Length of the longest prefix of s (whole UTF-8 characters) that fits w with suffix. */
static size_t
text_fit_len(struct text *t, enum text_face f, int px, const char *s,
    size_t n, int w, const char *suffix)
{
	size_t lo = 0, hi = n;
	char *buf = malloc(n + strlen(suffix) + 1);

	if (buf == NULL)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		while (mid > lo && ((uint8_t)s[mid] & 0xc0) == 0x80 && mid < n)
			mid--;
		if (mid == lo) {
			/* The next whole character after lo. */
			mid = lo + 1;
			while (mid < n && ((uint8_t)s[mid] & 0xc0) == 0x80)
				mid++;
		}
		memcpy(buf, s, mid);
		strcpy(buf + mid, suffix);
		if (text_width(t, f, px, buf) <= w)
			lo = mid;
		else {
			size_t back = mid - 1;
			while (back > lo && ((uint8_t)s[back] & 0xc0) == 0x80)
				back--;
			hi = back;
		}
	}
	free(buf);
	return lo;
}

int
text_draw_fit(struct text *t, enum text_face f, int px, SDL_Color c, int x,
    int y, int max_w, const char *s)
{
	if (s == NULL || *s == '\0' || max_w <= 0)
		return 0;
	if (text_width(t, f, px, s) <= max_w)
		return text_draw(t, f, px, c, x, y, s);
	size_t n = strlen(s);
	size_t k = text_fit_len(t, f, px, s, n, max_w, "…");
	char *buf = malloc(k + 4);
	if (buf == NULL)
		return 0;
	memcpy(buf, s, k);
	strcpy(buf + k, "…");
	int w = text_draw(t, f, px, c, x, y, buf);
	free(buf);
	return w;
}

struct text_lines {
	char	**line;
	int	  n, cap;
};

static void
text_push(struct text_lines *L, const char *s, size_t n)
{
	if (L->n == L->cap) {
		int cap = L->cap ? L->cap * 2 : 8;
		char **p = realloc(L->line, (size_t)cap * sizeof *p);
		if (p == NULL)
			return;
		L->line = p;
		L->cap = cap;
	}
	char *c = malloc(n + 1);
	if (c == NULL)
		return;
	memcpy(c, s, n);
	c[n] = '\0';
	L->line[L->n++] = c;
}

/* Greedy wrapping: whole words where they fit, long words cut. */
static void
text_split(struct text *t, enum text_face f, int px, int w, const char *s,
    struct text_lines *L)
{
	size_t n = strlen(s);
	char *cur = malloc(n + 2);
	size_t cl = 0, i = 0;

	if (cur == NULL)
		return;
	while (i <= n) {
		if (i == n || s[i] == '\n') {
			text_push(L, cur, cl);
			cl = 0;
			i++;
			if (i > n)
				break;
			continue;
		}
		if (s[i] == ' ') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\n')
			j++;
		/* Try the word on the current line. */
		size_t save = cl;
		if (cl)
			cur[cl++] = ' ';
		memcpy(cur + cl, s + i, j - i);
		cur[cl + (j - i)] = '\0';
		if (text_width(t, f, px, cur) <= w) {
			cl += j - i;
			i = j;
			continue;
		}
		cl = save;
		cur[cl] = '\0';
		if (cl) {
			text_push(L, cur, cl);
			cl = 0;
			continue;	/* the word again, on a fresh line */
		}
		/* A word wider than the line: cut it, after a dot or a dash if one fits. */
		size_t k = text_fit_len(t, f, px, s + i, j - i, w, "");
		for (size_t b = k; b > 1 && k < j - i; b--)
			if (s[i + b - 1] == '.' || s[i + b - 1] == '-' ||
			    s[i + b - 1] == '@' || s[i + b - 1] == '/') {
				k = b;
				break;
			}
		if (k == 0) {
			k = 1;
			while (i + k < j && ((uint8_t)s[i + k] & 0xc0) == 0x80)
				k++;
		}
		text_push(L, s + i, k);
		i += k;
	}
	free(cur);
}

int
text_lines(struct text *t, enum text_face f, int px, int w, const char *s,
    char ***out)
{
	struct text_lines L = { 0 };

	*out = NULL;
	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	text_split(t, f, px, w, s, &L);
	*out = L.line;
	return L.n;
}

void
text_lines_free(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

int
text_wrap(struct text *t, enum text_face f, int px, SDL_Color c, int x,
    int y, int w, int max_lines, int flags, const char *s)
{
	int draw = flags & TEXT_DRAW;
	struct text_lines L = { 0 };

	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	text_split(t, f, px, w, s, &L);
	int lh = text_line_height(t, f, px);
	int shown = max_lines > 0 && L.n > max_lines ? max_lines : L.n;
	for (int i = 0; draw && i < shown; i++) {
		if (i == shown - 1 && shown < L.n) {
			char *more = malloc(strlen(L.line[i]) + 8);
			if (more) {
				sprintf(more, "%s …", L.line[i]);
				text_draw_fit(t, f, px, c, x, y + i * lh, w,
				    more);
				free(more);
			}
		} else if (flags & TEXT_CENTER)
			text_draw_center(t, f, px, c, x + w / 2, y + i * lh,
			    L.line[i]);
		else
			text_draw(t, f, px, c, x, y + i * lh, L.line[i]);
	}
	int total = L.n;
	for (int i = 0; i < L.n; i++)
		free(L.line[i]);
	free(L.line);
	return total;
}
