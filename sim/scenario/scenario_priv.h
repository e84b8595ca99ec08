/*
 * scenario_priv.h: internals of the scenario loader, shared by its files
 * and by nothing else (lwIP's priv/ headers: do not use outside the
 * loader).
 *
 *	sc_util.c           what every pass shares: errors and JSON paths,
 *	                    typed getters, texts (calls no pass)
 *	scenario.c          entry point, top-level keys, scenario_free()
 *	json_check.c        before cJSON: empty file, UTF-8, nesting depth,
 *	                    syntax with LINE:COL; after: duplicate keys
 *	scenario_names.c    value syntax: ids, FQDNs, e-mail addresses, RFC 3339
 *	                    times, language codes, did-you-mean suggestions
 *	scenario_nodes.c    nodes, their services, links and accounts
 *	scenario_actions.c  actions
 *	scenario_checkpoints.c  checkpoints: the questions the window asks
 *	scenario_refs.c     node ids to indices, then every check that needs
 *	                    the whole world: reachability, services named by
 *	                    other nodes, uniqueness across nodes
 *
 * The loader runs in passes over one struct sc_ctx.  Each pass reports
 * every error it finds and goes on; scenario_load() returns NULL at the
 * end when any pass reported one.
 */
#ifndef SUREL_SCENARIO_PRIV_H
#define SUREL_SCENARIO_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "hash.h"
#include "scenario.h"
#include "util.h"

/* Limits that no teaching scenario comes near; they keep the sim bounded. */
#define SC_MAX_DEPTH		32		/* JSON nesting */
#define SC_NEEDED_DEPTH		7		/* the deepest a valid scenario goes */
#define SC_MAX_NODES		10000		/* a generated world has 1,121 */
#define SC_MAX_LINKS		10000
#define SC_MAX_ITEMS		1000000		/* accounts, actions, records, ... */
#define SC_MAX_MS		604800000.0	/* 7 days: at_ms, until_ms, retries */
#define SC_MAX_GIVE_UP_MS	2592000000.0	/* 30 days */

/*
 * Index values of a node reference before it is valid: SC_REF_NONE where
 * the key is absent, SC_REF_BAD where it named no node (already reported,
 * so later checks skip it).  Only SC_REF_NONE (-1) survives a good load.
 */
#define SC_REF_NONE	(-1)
#define SC_REF_BAD	(-2)

/* A node id read in pass 1, resolved to an index once all nodes are known. */
struct sc_ref {
	char	*path;		/* where it was written, for the message */
	char	*id;
	int	*dst;		/* set to the index, or SC_REF_BAD */
};

struct sc_ctx {
	const char	 *file;
	struct sc_errors *errs;
	struct buf	  path;		/* JSON path of the value being read */
	struct scenario	 *sc;
	struct sc_ref	 *refs;
	int		  nrefs, caprefs;
	int		  mss_ok;	/* sc->mss is valid, links may check mtu */
	int		  nodes_ok;	/* nodes[] has an id: names can be resolved */
	int		  links_ok;	/* links[] was read: nodes can count them */
	/*
	 * Per node: 1 where the entry was too broken to check further (not
	 * an object, no id, no kind), so later passes add no noise about it.
	 */
	unsigned char	 *node_bad;
	/*
	 * Per action: 1 where its kind is unknown (none or two given), 2 for
	 * a fetch whose protocol is unknown.
	 */
	unsigned char	 *act_bad;
	/* Per action: the two node ends of a "link" action, then links[]. */
	int		(*act_link_ends)[2];
	/* accounts[] read so far, by hash_lower(address): duplicates. */
	struct hmap	  acc_addr;
};

/* sc_util.c: errors, paths and typed getters. */
void	 sc_err(struct sc_ctx *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sc_err_at(struct sc_ctx *c, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 sc_err_pos(struct sc_ctx *c, int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
size_t	 sc_path_key(struct sc_ctx *c, const char *key);
size_t	 sc_path_index(struct sc_ctx *c, int i);
void	 sc_path_pop(struct sc_ctx *c, size_t mark);
const char *sc_path(struct sc_ctx *c);
const char *sc_type_name(const cJSON *v);
void	 sc_fmt_num(char out[32], double d);

const cJSON *sc_member(const cJSON *obj, const char *key);
void	 sc_check_keys(struct sc_ctx *c, const cJSON *obj,
	    const char *const *allowed);
int	 sc_want_object(struct sc_ctx *c, const cJSON *v);
int	 sc_want_string(struct sc_ctx *c, const cJSON *v, const char **out);
int	 sc_want_line(struct sc_ctx *c, const cJSON *v, const char **out);
int	 sc_want_int(struct sc_ctx *c, const cJSON *v, int64_t min,
	    int64_t max, int64_t *out);
int	 sc_want_ms(struct sc_ctx *c, const cJSON *v, double min, int min_open,
	    double max, uint64_t *out_ns);
int	 sc_want_port(struct sc_ctx *c, const cJSON *v, int *out);

/*
 * Getters for obj.key: each returns 1 when the key holds a good value
 * (stored in *out), 0 when it is absent (an error when required), -1 when
 * it holds a bad one (reported at obj.key).
 */
int	 sc_get_object(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, const cJSON **out);
int	 sc_get_array(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, const cJSON **out);
int	 sc_get_string(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, const char **out);
int	 sc_get_line(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, const char **out);
int	 sc_get_bool(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, int *out);
int	 sc_get_int(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, int64_t min, int64_t max, int64_t *out);
int	 sc_get_number(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, double min, int min_open, double max, double *out);
int	 sc_get_ms(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, double min, int min_open, double max, uint64_t *out);
int	 sc_get_port(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int *out);
int	 sc_get_enum(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, const char *const *choices, int *out);
int	 sc_get_text(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, struct sc_text *out);
/* The text at the current path (an array element); 1 or 0 (reported). */
int	 sc_want_text(struct sc_ctx *c, const cJSON *v, struct sc_text *out);
/* A node id at obj.key, queued for pass 2; *dst stays SC_REF_NONE if absent. */
int	 sc_get_ref(struct sc_ctx *c, const cJSON *obj, const char *key,
	    int required, int *dst);
void	 sc_add_ref(struct sc_ctx *c, const char *id, int *dst);
void	 sc_text_free(struct sc_text *t);

/* json_check.c */
cJSON	*json_check_parse(struct sc_ctx *c, const char *text, size_t len);
void	 json_check_duplicates(struct sc_ctx *c, const cJSON *v);

/* scenario_names.c */
int	 scname_is_id(const char *s);
int	 scname_is_fqdn(const char *s, int allow_underscore);
char	*scname_fqdn_norm(const char *s);
int	 scname_is_address(const char *s);
int	 scname_is_lang(const char *s);
int	 scname_is_content_type(const char *s);
const char *scname_why_not_address(const char *s);
const char *scname_why_not_fqdn(const char *s, int allow_underscore);
int	 scname_parse_epoch(const char *s, int64_t *unix_out,
	    int *offset_min_out, char why[96]);
int64_t	 scname_days_from_civil(int64_t y, int m, int d);
const char *scname_suggest(const char *word, const char *const *choices,
	    int n);

/* scenario_nodes.c */
void	 scnode_parse_nodes(struct sc_ctx *c, const cJSON *arr);
void	 scnode_parse_links(struct sc_ctx *c, const cJSON *arr);
void	 scnode_parse_accounts(struct sc_ctx *c, const cJSON *arr);
/* One DNS record (a node's, or a "dns" action's); the path is the record. */
void	 scnode_record(struct sc_ctx *c, const cJSON *v, struct sc_record *r);

/* scenario_actions.c */
void	 scact_parse_actions(struct sc_ctx *c, const cJSON *arr);

/* scenario_checkpoints.c */
void	 sccp_parse_checkpoints(struct sc_ctx *c, const cJSON *arr);

/* scenario_refs.c */
void	 scref_resolve(struct sc_ctx *c);
void	 scref_check(struct sc_ctx *c);

#endif
