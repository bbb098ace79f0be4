/* sha256.c: SHA-256 of an actuals file, by nettle, stored with its rows so an import can be
 * traced to the exact file (`sha256sum FILE` gives the same hex). */
#include "monitor.h"

#include <nettle/sha2.h>
#include <stdio.h>

void cs_sha256_hex(const void *data, size_t n, char out[65]) {
  struct sha256_ctx ctx;
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_init(&ctx);
  sha256_update(&ctx, n, data);
  sha256_digest(&ctx, sizeof digest, digest);
  for (size_t i = 0; i < sizeof digest; i++)
    snprintf(out + 2 * i, 3, "%02x", digest[i]);
}
