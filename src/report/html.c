/* html.c: a growing text buffer for the page; an allocation failure is remembered and
 * reported once at the end, so the page code reads straight through. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int grow(cs_buf *b, size_t more) {
  if (b->oom) return 0;
  if (b->len + more + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 1 << 16;
  while (cap < b->len + more + 1)
    cap *= 2;
  char *s = cs_realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return 0;
  }
  b->s = s;
  b->cap = cap;
  return 1;
}

void cs_buf_putn(cs_buf *b, const char *s, size_t n) {
  if (!grow(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void cs_buf_put(cs_buf *b, const char *s) { cs_buf_putn(b, s, strlen(s)); }

void cs_buf_printf(cs_buf *b, const char *fmt, ...) {
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    cs_buf_putn(b, small, (size_t)n);
    return;
  }
  if (!grow(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void cs_buf_esc(cs_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': cs_buf_put(b, "&lt;"); break;
    case '>': cs_buf_put(b, "&gt;"); break;
    case '&': cs_buf_put(b, "&amp;"); break;
    case '"': cs_buf_put(b, "&quot;"); break;
    default: cs_buf_putn(b, s, 1);
    }
  }
}

/* The page's styles, print (A4, one section a page) included. */
const char cs_report_style[] =
    "<style>\n"
    "body{font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;"
    "margin:0;background:#f6f6f4}\n"
    "main{max-width:1000px;margin:0 auto;padding:16px 24px 48px;background:#fff}\n"
    "h1{font-size:26px;margin:8px 0 2px}h2{font-size:21px;margin:28px 0 8px;border-bottom:2px "
    "solid #0072B2;padding-bottom:4px}\n"
    ".sub{color:#555;margin:0 0 12px}.intro{color:#555;margin:0 0 8px}.guide{color:#333;margin:4px "
    "0 6px;font-size:15px}\n"
    ".verdict{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0}\n"
    ".card{flex:1 1 200px;border-radius:6px;padding:10px 14px;background:#eef3f8;"
    "border-left:6px solid #0072B2}\n"
    ".card.pass{border-left-color:#009E73;background:#e9f6f1}"
    ".card.fail{border-left-color:#D55E00;background:#fbeee6}\n"
    ".card b{display:block;font-size:22px}.card span{font-size:14px;color:#333}\n"
    ".chart{margin:10px 0 4px;min-height:40px}\n"
    "details{margin:0 0 18px}summary{cursor:pointer;color:#0072B2;font-weight:600}\n"
    "table{border-collapse:collapse;margin:8px 0;font-size:14px}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}\n"
    "#inputs table{width:100%;table-layout:fixed}#inputs th,#inputs td{text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}#inputs th:nth-child(1){width:24%}"
    "#inputs th:nth-child(2){width:9%}#inputs th:nth-child(3){width:15%}"
    "#inputs th:nth-child(5){width:5%}#inputs td.src{font-size:13px;color:#333}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{font-weight:600}"
    "dd{margin:0}\n"
    /* Monitoring: a status is a badge with its sign and its words, so colour is never the
     * only cue (the same Okabe-Ito colours as the charts' points, light behind dark text). */
    ".mon-note{color:#333;margin:0 0 8px;font-size:15px}.mon-counts{margin:4px 0}\n"
    ".mon-status{width:100%}.mon-status td:nth-child(2),.mon-status td:nth-child(3),"
    ".mon-status th:nth-child(2),.mon-status th:nth-child(3),.mon-status th:nth-child(11),"
    ".mon-status td:nth-child(11){text-align:left}.mon-status td.n{white-space:nowrap}\n"
    ".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:13px;"
    "font-weight:600;white-space:nowrap;border:1px solid #999;background:#f0f0f0;color:#333}\n"
    ".st-ahead{background:#e0eef8;border-color:#0072B2;color:#004a75}"
    ".st-on_track{background:#e4f4ee;border-color:#009E73;color:#005c43}"
    ".st-behind{background:#fdf0da;border-color:#E69F00;color:#6b4a00}"
    ".st-off_track{background:#fbe6dc;border-color:#D55E00;color:#8a3c00}"
    ".st-differs{background:#f6e8f0;border-color:#CC79A7;color:#7a3a62}\n"
    /* Print (report.pdf, or a browser's print): A4, each section on a new page; a chart
     * shrinks to the page's width, never the whole page to the widest chart; a heading or a
     * guide stays with what follows it, and a chart, card or table row is never cut. The
     * numbers behind a chart print under it when they are at most 8 rows (the criteria,
     * the business case, the themes' NPV, real estate, the variants' NPV): a page then still
     * holds its section; longer tables (per year, per area, per sector) stay behind the toggle
     * in report.html and in the CSV files. */
    "@page{size:A4;margin:14mm 13mm 15mm}\n"
    "@media print{body{background:#fff;font-size:14px;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}main{max-width:none;margin:0;padding:0}\n"
    "h1{margin-top:0}section{break-before:page}section:first-of-type{break-before:auto}"
    "h2{margin-top:0}\n"
    "h2,.intro,.guide{break-after:avoid}details{break-before:avoid}\n"
    ".intro,.guide,.chart,.card,details,tr,dt,dd{break-inside:avoid}\n"
    ".chart svg{max-width:100%;height:auto}\n"
    "summary{display:none}details::details-content{content-visibility:visible;display:block}"
    "details:has(tbody>tr:nth-child(9)){display:none}\n"
    "thead{display:table-header-group}table{width:100%;font-size:12px}th,td{padding:2px 8px}"
    "td{white-space:nowrap}}\n"
    "</style>\n";
