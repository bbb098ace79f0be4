/* tables_inputs.c: inputs.csv (v0.2), every number and distribution the plan file gives and
 * every CSV table it reads, with the comment that gives its source (docs/plan-format.md
 * "Sources of numbers"): the assumptions a report lists. An echo of the plan, the same in
 * every run of it. */
#include "tables.h"

static const char *const KIND[] = {"number", "distribution", "table"};

static const cs_column input_cols[] = {CS_KEY("path", CS_TEXT),
                                       CS_VAL("line", CS_INT, ""),
                                       CS_VAL("kind", CS_TEXT, ""),
                                       CS_VAL("value", CS_TEXT, ""),
                                       CS_VAL_OPT("distribution", CS_TEXT, ""),
                                       CS_VAL_OPT("source", CS_TEXT, "")};

static int64_t input_n(const cs_view *v) { return v->pl->ninput; }

/* Empty text is an empty cell (NULL in SQLite), as run_info writes it. */
static cs_value text_or_null(const char *s) { return s && *s ? cs_vs(s) : cs_vnull(); }

static void input_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_input *in = &v->pl->inputs[i];
  o[0] = cs_vs(in->path);
  o[1] = cs_vi(in->line);
  o[2] = cs_vs(KIND[in->kind]);
  o[3] = cs_vs(in->value);
  o[4] = text_or_null(in->dist);
  o[5] = text_or_null(in->source);
}

const cs_tabledef cs_tab_inputs = {"inputs",
                                   "every number, distribution and table the plan gives, with "
                                   "its line and source comment",
                                   CS_NCOL(input_cols),
                                   input_cols,
                                   1,
                                   NULL,
                                   input_n,
                                   input_row};
