/* router.c: the API's routes, in one table: a path pattern, the methods it answers and its
 * handler. A path matches a pattern exactly; "{}" stands for one segment of letters, digits
 * and '_' (a table's name), handed to the handler. HEAD is answered wherever GET is. */
#include "api_monitoring.h"
#include "serve.h"

#include <stdio.h>
#include <string.h>

static const cs_sv_route ROUTES[] = {
    {"/api/runs", CS_SV_GET, cs_sv_api_runs},
    {"/api/tables", CS_SV_GET, cs_sv_api_tables},
    {"/api/tables/{}", CS_SV_GET, cs_sv_api_table},
    {"/api/summary", CS_SV_GET, cs_sv_api_summary},
    {"/api/psa", CS_SV_GET, cs_sv_api_psa},
    {"/api/charts", CS_SV_GET, cs_sv_api_charts},
    {"/api/monitoring", CS_SV_GET, cs_sv_api_monitoring},
    {"/api/whatif", CS_SV_POST, cs_sv_api_whatif},
    {"/api/whatif/parameters", CS_SV_GET, cs_sv_api_whatif_params},
    /* the dashboard: a fixed list of files held in memory (static.c) */
    {"/", CS_SV_GET, cs_sv_static},
    {"/dashboard.js", CS_SV_GET, cs_sv_static},
    {"/dashboard.css", CS_SV_GET, cs_sv_static},
    {"/assets/vega.min.js", CS_SV_GET, cs_sv_static},
    {"/assets/vega-lite.min.js", CS_SV_GET, cs_sv_static},
    {"/assets/vega-embed.min.js", CS_SV_GET, cs_sv_static},
};

static int word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* 1 when path matches pattern; the {} segment goes to param (at most n - 1 bytes). */
static int match(const char *pattern, const char *path, char *param, size_t n) {
  const char *hole = strstr(pattern, "{}");
  if (!hole) return !strcmp(pattern, path);
  size_t pre = (size_t)(hole - pattern);
  if (strncmp(pattern, path, pre)) return 0;
  const char *seg = path + pre, *end = seg;
  while (word_char(*end))
    end++;
  if (end == seg || (size_t)(end - seg) >= n || strcmp(end, hole + 2)) return 0;
  memcpy(param, seg, (size_t)(end - seg));
  param[end - seg] = '\0';
  return 1;
}

const cs_sv_route *cs_sv_route_find(const char *path, char *param, size_t n) {
  for (size_t i = 0; i < sizeof ROUTES / sizeof *ROUTES; i++)
    if (match(ROUTES[i].pattern, path, param, n)) return &ROUTES[i];
  return NULL;
}

void cs_sv_allow(unsigned methods, char *out, size_t n) {
  snprintf(out, n, "%s%s%s", methods & CS_SV_GET ? "GET, HEAD" : "",
           methods & CS_SV_GET && methods & CS_SV_POST ? ", " : "",
           methods & CS_SV_POST ? "POST" : "");
}
