/* static.c: the dashboard's page, its script and style, and the pinned Vega scripts, read into
 * memory once at start from a fixed list. No request ever names a file on disk, so no path can
 * reach outside the list, whatever its encoding. */
#include "serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CS_WEB_DIR
#define CS_WEB_DIR "web/node_modules"
#endif

/* Served path, file under the web folder (dashboard/...) or its node_modules, content type. */
static const struct {
  const char *path, *file;
  int module; /* 1: under node_modules */
  const char *type;
} FILES[CS_SV_NFILES] = {
    {"/", "dashboard/index.html", 0, "text/html; charset=utf-8"},
    {"/dashboard.js", "dashboard/dashboard.js", 0, "text/javascript; charset=utf-8"},
    {"/dashboard.css", "dashboard/dashboard.css", 0, "text/css; charset=utf-8"},
    {"/assets/vega.min.js", "vega/build/vega.min.js", 1, "text/javascript; charset=utf-8"},
    {"/assets/vega-lite.min.js", "vega-lite/build/vega-lite.min.js", 1,
     "text/javascript; charset=utf-8"},
    {"/assets/vega-embed.min.js", "vega-embed/build/vega-embed.min.js", 1,
     "text/javascript; charset=utf-8"},
};

/* The web folder (holding dashboard/ and node_modules/): CARESHIFT_WEB_DIR (that folder or its
 * node_modules), else the source tree's, as for the report. */
static void web_dir(char *out, size_t n) {
  const char *env = getenv("CARESHIFT_WEB_DIR");
  snprintf(out, n, "%s", env && *env ? env : CS_WEB_DIR);
  size_t len = strlen(out);
  while (len > 1 && out[len - 1] == '/')
    out[--len] = '\0';
  if (len >= 13 && !strcmp(out + len - 13, "/node_modules")) out[len - 13] = '\0';
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *s = NULL;
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (s = cs_malloc((size_t)n + 1)) && fread(s, 1, (size_t)n, f) == (size_t)n) {
    s[n] = '\0';
    *len = (size_t)n;
  } else {
    cs_free(s);
    s = NULL;
  }
  if (f) fclose(f);
  return s;
}

void cs_sv_static_load(cs_server *s) {
  char dir[4096], path[4200];
  web_dir(dir, sizeof dir);
  int missing = 0;
  for (int i = 0; i < CS_SV_NFILES; i++) {
    snprintf(path, sizeof path, "%s/%s%s", dir, FILES[i].module ? "node_modules/" : "",
             FILES[i].file);
    s->files[i].path = FILES[i].path;
    s->files[i].type = FILES[i].type;
    s->files[i].blob.body = slurp(path, &s->files[i].blob.len);
    if (!s->files[i].blob.body) {
      cs_sv_log(s, "no dashboard file %s (%s): GET %s answers 404; the API works", path,
                strerror(errno), FILES[i].path);
      missing = 1;
    }
  }
  if (!missing) cs_sv_log(s, "dashboard from %s", dir);
}

void cs_sv_static_free(cs_server *s) {
  for (int i = 0; i < CS_SV_NFILES; i++)
    cs_free(s->files[i].blob.body);
}

int cs_sv_is_static(const char *path) {
  for (int i = 0; i < CS_SV_NFILES; i++)
    if (!strcmp(FILES[i].path, path)) return 1;
  return 0;
}

enum MHD_Result cs_sv_static(cs_sv_req *rq) {
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, NULL, 0, &res)) return res;
  for (int i = 0; i < CS_SV_NFILES; i++) {
    const cs_sv_file *f = &rq->srv->files[i];
    if (strcmp(f->path, rq->path)) continue;
    if (!f->blob.body)
      return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path",
                         "the dashboard is not installed: its files (web/dashboard) and the "
                         "Vega scripts (npm ci in web/, or CARESHIFT_WEB_DIR) were not found "
                         "when the server started");
    return cs_sv_send_file(rq, f);
  }
  return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path", "no such path");
}
