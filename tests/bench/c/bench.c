/*
 * C side of the side-by-side benchmark (`make bench`): polyseal's C ABI, timed with the same
 * method as the Node and Python benches (warm-up, REPS batches of about BATCH_MS each, one
 * sample = batch time / batch size), so the C call overhead over the Rust core can be read off
 * docs/BENCHMARKS.md. Writes JSON lines to the file given as the first argument.
 *
 * tests/bench/Makefile builds this against include/polyseal.h and target/release/libpolyseal.a
 * (`make -C ffi build`), with the payloads and password of tests/bench/payloads.json written
 * into bench-inputs.h, so the C rows seal exactly what the Rust rows seal.
 */

#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-inputs.h"
#include "polyseal.h"

#define REPS 20
#define BATCH_MS 25.0
#define WARMUP_MS 200.0

/* The Rust rows' clock, cookie name and ttl (core/benches/common). */
static const uint64_t NOW_MS = 1764000000000ULL;
static const char *COOKIE_NAME = "session";
static const uint64_t TTL_MS = 3600000ULL;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double quantile(const double *sorted, int n, double q) {
  double pos = (n - 1) * q;
  int lo = (int)pos, hi = lo + 1 < n ? lo + 1 : lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

typedef int (*op_fn)(void *ctx);

/* Times `op` and writes one result record; returns non-zero if the operation failed. */
static int measure(FILE *out, const char *id, const char *impl, const char *op_name,
                   const char *payload, op_fn op, void *ctx) {
  double spent = 0;
  long done = 0;
  while (spent < WARMUP_MS * 1000 || done < 3) {
    double t0 = now_us();
    if (op(ctx) != 0) return 1;
    spent += now_us() - t0;
    done++;
  }
  long batch = (long)(BATCH_MS * 1000 / (spent / (double)done) + 0.5);
  if (batch < 1) batch = 1;
  double samples[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_us();
    for (long i = 0; i < batch; i++) op(ctx);
    samples[r] = (now_us() - t0) / (double)batch;
  }
  qsort(samples, REPS, sizeof samples[0], cmp_double);
  double median = quantile(samples, REPS, 0.5);
  fprintf(out,
          "{\"type\":\"result\",\"ecosystem\":\"c\",\"id\":\"%s\",\"impl\":\"%s\",\"op\":\"%s\","
          "\"payload\":\"%s\",\"us\":{\"median\":%.6f,\"p25\":%.6f,\"p75\":%.6f,\"min\":%.6f,"
          "\"max\":%.6f},\"reps\":%d,\"batch\":%ld,\"ops_per_s\":%.1f}\n",
          id, impl, op_name, payload, median, quantile(samples, REPS, 0.25),
          quantile(samples, REPS, 0.75), samples[0], samples[REPS - 1], REPS, batch,
          1e6 / median);
  printf("%-40s %-10s %s %10.3f us/op\n", impl, op_name, payload, median);
  return 0;
}

/* --- polyseal through its C ABI -------------------------------------------------------- */

struct native_ctx {
  const polyseal_sealer *sealer;
  const char *payload;
  size_t payload_len;
  const char *token;
  size_t token_len;
};

static int native_seal(void *p) {
  struct native_ctx *ctx = p;
  polyseal_buf sealed = {NULL, 0};
  if (polyseal_sealer_seal_at(ctx->sealer, ctx->payload, ctx->payload_len, NOW_MS, &sealed) != 0)
    return 1;
  polyseal_buf_free(&sealed);
  return 0;
}

static int native_unseal(void *p) {
  struct native_ctx *ctx = p;
  const polyseal_unsealed *opened = NULL;
  if (polyseal_sealer_unseal_at(ctx->sealer, ctx->token, ctx->token_len, NOW_MS, &opened) != 0)
    return 1;
  polyseal_unsealed_free(opened);
  return 0;
}

/* Native seal (the C API takes JSON text, so it compares with the core's seal_json_at) and
 * unseal, with the Rust rows' options: cookie name bound, 1 h ttl. */
static int polyseal_rows(FILE *out) {
  const polyseal_keyring *keyring = NULL;
  polyseal_options *options = NULL;
  const polyseal_sealer *sealer = NULL;
  int failed = 0;
  if (polyseal_keyring_from_password(BENCH_PASSWORD, strlen(BENCH_PASSWORD), &keyring) != 0 ||
      polyseal_options_new(&options) != 0 ||
      polyseal_options_set_cookie_name(options, COOKIE_NAME, strlen(COOKIE_NAME)) != 0 ||
      polyseal_options_set_ttl_ms(options, TTL_MS) != 0 ||
      polyseal_sealer_new(keyring, "native", 6, options, &sealer) != 0) {
    failed = 1;
    goto done;
  }
  const char *payloads[2][2] = {{"A", BENCH_PAYLOAD_A}, {"B", BENCH_PAYLOAD_B}};
  for (int i = 0; i < 2 && !failed; i++) {
    const char *name = payloads[i][0], *text = payloads[i][1];
    polyseal_buf sealed = {NULL, 0};
    if (polyseal_sealer_seal_at(sealer, text, strlen(text), NOW_MS, &sealed) != 0) {
      failed = 1;
      break;
    }
    struct native_ctx ctx = {sealer, text, strlen(text), (const char *)sealed.ptr, sealed.len};
    failed = measure(out, "polyseal-native", "polyseal native (C ABI)", "seal_json", name,
                     native_seal, &ctx) ||
             measure(out, "polyseal-native", "polyseal native (C ABI)", "unseal", name,
                     native_unseal, &ctx);
    polyseal_buf_free(&sealed);
  }
done:
  polyseal_sealer_free(sealer);
  polyseal_options_free(options);
  polyseal_keyring_free(keyring);
  return failed;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "c.jsonl";
  FILE *out = fopen(path, "w");
  if (!out) {
    perror(path);
    return 2;
  }
  fprintf(out, "{\"type\":\"meta\",\"ecosystem\":\"c\",\"compiler\":\"%s\"}\n", __VERSION__);
  int failed = polyseal_rows(out);
  if (failed)
    fprintf(out, "{\"type\":\"status\",\"ecosystem\":\"c\",\"id\":\"polyseal\",\"impl\":\"polyseal "
                 "(C ABI)\",\"status\":\"failed\",\"detail\":\"a call returned an error\"}\n");
  fclose(out);
  return failed;
}
