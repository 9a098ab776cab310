// SPDX-License-Identifier: MIT
/*
 * libyaml events -> struct yt_node tree. A stack of open collections; each finished node
 * is appended to its parent (as a key or a value of a mapping, or an item).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "stack/scenario/yaml_tree.h"

struct builder {
	struct sc_arena *a;
	const char *file;
	char *err;
	size_t errlen;
	struct yt_node *stack[YT_MAX_DEPTH];
	unsigned cap[YT_MAX_DEPTH];
	bool want_value[YT_MAX_DEPTH];	/* mapping: the next node is a value */
	unsigned depth, documents;
	struct yt_node *root;
};

static int fail_at(struct builder *b, unsigned line, unsigned col, const char *fmt,
		   const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	for (char *c = msg; *c; c++)	/* one line, whatever the file holds */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	snprintf(b->err, b->errlen, "%s:%u:%u: %s", b->file, line, col, msg);
	return -EINVAL;
}

static struct yt_node *new_node(struct builder *b, enum yt_kind kind, const yaml_mark_t *m)
{
	struct yt_node *n = sc_arena_alloc(b->a, sizeof(*n));

	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

static bool same_scalar(const struct yt_node *x, const struct yt_node *y)
{
	return x->kind == YT_SCALAR && y->kind == YT_SCALAR && x->len == y->len &&
	       !memcmp(x->str, y->str, x->len);
}

/* Grow a node's arrays (arena memory: the old arrays are simply left behind). */
static void grow(struct builder *b, struct yt_node *p, unsigned *cap)
{
	unsigned ncap = *cap ? *cap * 2 : 8;
	struct yt_node **items = sc_arena_alloc(b->a, ncap * sizeof(*items));
	struct yt_node **keys = sc_arena_alloc(b->a, ncap * sizeof(*keys));

	if (p->n) {
		memcpy(items, p->items, p->n * sizeof(*items));
		if (p->keys)
			memcpy(keys, p->keys, p->n * sizeof(*keys));
	}
	p->items = items;
	p->keys = p->kind == YT_MAP ? keys : NULL;
	*cap = ncap;
}

/* A finished node goes into the innermost open collection (or becomes the root). */
static int attach(struct builder *b, struct yt_node *n)
{
	struct yt_node *p;
	unsigned d;

	if (!b->depth) {
		b->root = n;
		return 0;
	}
	d = b->depth - 1;
	p = b->stack[d];
	if (p->kind == YT_SEQ) {
		if (p->n == b->cap[d])
			grow(b, p, &b->cap[d]);
		p->items[p->n++] = n;
		return 0;
	}
	if (b->want_value[d]) {
		p->items[p->n++] = n;
		b->want_value[d] = false;
		return 0;
	}
	if (n->kind != YT_SCALAR)
		return fail_at(b, n->line, n->col, "%smapping keys must be scalars", "");
	for (unsigned i = 0; i < p->n; i++)
		if (same_scalar(p->keys[i], n))
			return fail_at(b, n->line, n->col, "duplicate key '%s'", n->str);
	if (p->n == b->cap[d])
		grow(b, p, &b->cap[d]);
	p->keys[p->n] = n;
	b->want_value[d] = true;
	return 0;
}

static int open_collection(struct builder *b, enum yt_kind kind, const yaml_event_t *ev)
{
	struct yt_node *n = new_node(b, kind, &ev->start_mark);

	if (b->depth == YT_MAX_DEPTH)
		return fail_at(b, n->line, n->col, "nested deeper than %s levels", "32");
	b->stack[b->depth] = n;
	b->cap[b->depth] = 0;
	b->want_value[b->depth] = false;
	b->depth++;
	return 0;
}

static int close_collection(struct builder *b)
{
	struct yt_node *n = b->stack[--b->depth];

	return attach(b, n);
}

static int scalar(struct builder *b, const yaml_event_t *ev)
{
	struct yt_node *n = new_node(b, YT_SCALAR, &ev->start_mark);

	n->str = sc_arena_strndup(b->a, (const char *)ev->data.scalar.value,
				  ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return attach(b, n);
}

/* Explicit tags (!!str, !custom) are refused: a scenario's types come from its schema. */
static int tagged(struct builder *b, const yaml_event_t *ev, const yaml_char_t *tag)
{
	if (!tag)
		return 0;
	return fail_at(b, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
		       "tags are not supported ('%s')", (const char *)tag);
}

static int handle(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return fail_at(b, (unsigned)ev->start_mark.line + 1,
			       (unsigned)ev->start_mark.column + 1,
			       "aliases are not supported (*%s)",
			       (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if (tagged(b, ev, ev->data.scalar.tag))
			return -EINVAL;
		return scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		if (tagged(b, ev, ev->data.sequence_start.tag))
			return -EINVAL;
		return open_collection(b, YT_SEQ, ev);
	case YAML_MAPPING_START_EVENT:
		if (tagged(b, ev, ev->data.mapping_start.tag))
			return -EINVAL;
		return open_collection(b, YT_MAP, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_collection(b);
	case YAML_DOCUMENT_START_EVENT:
		if (b->documents++)
			return fail_at(b, (unsigned)ev->start_mark.line + 1,
				       (unsigned)ev->start_mark.column + 1,
				       "one scenario per file: a second document starts here%s",
				       "");
		return 0;
	default:
		return 0;
	}
}

int yt_parse(struct sc_arena *a, const char *file, const void *buf, size_t len,
	     struct yt_node **root, char *err, size_t errlen)
{
	struct builder b = { .a = a, .file = file, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	bool done = false;
	int ret = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s:1:1: YAML: cannot initialise the parser", file);
		return -EINVAL;
	}
	yaml_parser_set_input_string(&parser, buf, len);
	while (!done && !ret) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			snprintf(err, errlen, "%s:%u:%u: YAML: %s", file,
				 (unsigned)parser.problem_mark.line + 1,
				 (unsigned)parser.problem_mark.column + 1,
				 parser.problem ? parser.problem : "syntax error");
			ret = -EINVAL;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		else
			ret = handle(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (!ret)
		*root = b.root;
	return ret;
}

struct yt_node *yt_get(const struct yt_node *map, const char *key)
{
	size_t klen = strlen(key);

	if (!map || map->kind != YT_MAP)
		return NULL;
	for (unsigned i = 0; i < map->n; i++)
		if (map->keys[i]->len == klen && !memcmp(map->keys[i]->str, key, klen))
			return map->items[i];
	return NULL;
}
