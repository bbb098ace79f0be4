/* auth.c: who may talk to the server. On loopback only the machine's own users can connect;
 * on any other address the bearer token is the only thing between the network and the run,
 * so it is compared in constant time (no early exit that a timing attacker could measure). */
#include "serve.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#define TOKEN_MIN 16
#define TOKEN_MAX 256

int cs_sv_host_is_loopback(const char *host) {
  return !strcmp(host, "127.0.0.1") || !strcmp(host, "::1") || !strcmp(host, "localhost");
}

const char *cs_sv_token_problem(const char *token) {
  size_t n = strlen(token);
  if (n < TOKEN_MIN) return "shorter than 16 characters";
  if (n > TOKEN_MAX) return "longer than 256 characters";
  for (const unsigned char *p = (const unsigned char *)token; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f) return "only printable ASCII without spaces may be used";
  return NULL;
}

/* Compares sent with token over TOKEN_MAX bytes whatever their lengths: the time depends on
 * neither where they differ nor how long either is. */
static int same_token(const char *sent, size_t sent_len, const char *token) {
  size_t tok_len = strlen(token);
  volatile unsigned diff = (unsigned)(sent_len != tok_len) | (unsigned)(sent_len > TOKEN_MAX);
  for (size_t i = 0; i < TOKEN_MAX; i++) {
    unsigned char a = i < sent_len ? (unsigned char)sent[i] : 0;
    unsigned char b = i < tok_len ? (unsigned char)token[i] : 0;
    diff |= (unsigned)(a ^ b);
  }
  return diff == 0;
}

int cs_sv_auth_ok(const char *header, const char *token) {
  if (!header || strncasecmp(header, "Bearer ", 7)) return 0;
  const char *sent = header + 7;
  while (*sent == ' ')
    sent++;
  size_t n = strlen(sent);
  while (n && sent[n - 1] == ' ') /* optional whitespace around a header value */
    n--;
  return same_token(sent, n, token);
}

int cs_sv_host_addr(const char *host, int port, struct sockaddr_storage *ss, int *v6) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (!strcmp(host, "localhost")) host = "127.0.0.1"; /* no name lookup: the same every time */
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = 0;
    return 1;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *v6 = 1;
    return 1;
  }
  return 0;
}

int cs_sv_host_header_ok(const char *host) {
  if (!host) return 1; /* HTTP/1.0 without Host: not a browser's request */
  size_t n = strlen(host);
  const char *colon = host[0] == '[' ? strchr(host, ']') : strrchr(host, ':');
  if (host[0] == '[') {
    if (!colon) return 0;
    n = (size_t)(colon - host) + 1;
    colon = colon[1] == ':' ? colon + 1 : colon[1] ? NULL : host + n;
    if (!colon) return 0;
  } else if (colon) {
    n = (size_t)(colon - host);
  }
  if (colon && *colon == ':')
    for (const char *p = colon + 1; *p; p++)
      if (*p < '0' || *p > '9') return 0;
  char name[64];
  if (n == 0 || n >= sizeof name) return 0;
  memcpy(name, host, n);
  name[n] = '\0';
  if (!strcasecmp(name, "localhost") || !strcmp(name, "[::1]")) return 1;
  struct in_addr a;
  return inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}
