#include "resample.h"
#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

typedef struct {
  int *start;     /* first input index of each output's window */
  int *count;     /* taps in each window */
  float *weights; /* stride floats per output */
  int stride;
} taps;

static double lanczos3(double x) {
  x = fabs(x);
  if (x < 1e-9) return 1.0;
  if (x >= 3.0) return 0.0;
  /* sin(pi x) from sin(pi x / 3) by the triple-angle identity: one sine per tap */
  double a = PI * x / 3.0, s = sin(a);
  return 3.0 * (3.0 * s - 4.0 * s * s * s) * s / (9.0 * a * a);
}

static void taps_free(taps *t) {
  free(t->start);
  free(t->count);
  free(t->weights);
}

static int taps_init(taps *t, int in_len, double in_start, double in_extent, int out_len) {
  double step = in_extent / out_len;
  double widen = step > 1.0 ? step : 1.0;
  double support = 3.0 * widen;
  t->stride = (int)ceil(2.0 * support) + 2;
  t->start = malloc(sizeof(int) * (size_t)out_len);
  t->count = malloc(sizeof(int) * (size_t)out_len);
  t->weights = malloc(sizeof(float) * (size_t)out_len * (size_t)t->stride);
  if (!t->start || !t->count || !t->weights) {
    taps_free(t);
    return -1;
  }
  for (int o = 0; o < out_len; o++) {
    double centre = in_start + (o + 0.5) * step - 0.5;
    int lo = (int)ceil(centre - support), hi = (int)floor(centre + support);
    if (lo < 0) lo = 0;
    if (hi > in_len - 1) hi = in_len - 1;
    if (hi < lo) lo = hi = centre < 0 ? 0 : in_len - 1;
    if (hi - lo + 1 > t->stride) hi = lo + t->stride - 1;
    float *w = t->weights + (size_t)o * t->stride;
    double sum = 0.0;
    for (int i = lo; i <= hi; i++) sum += (w[i - lo] = (float)lanczos3((i - centre) / widen));
    if (fabs(sum) < 1e-12) {
      /* no weight inside the image: take the nearest pixel */
      w[0] = 1.0f;
      hi = lo;
      sum = 1.0;
    }
    for (int i = lo; i <= hi; i++) w[i - lo] = (float)(w[i - lo] / sum);
    t->start[o] = lo;
    t->count[o] = hi - lo + 1;
  }
  return 0;
}

static unsigned char clamp_byte(float v) {
  return v <= 0.0f ? 0 : v >= 255.0f ? 255 : (unsigned char)(v + 0.5f);
}

/* The last windows each thread built for each axis: a dataset's photos mostly share their
 * size, so the kernel is evaluated once per thread rather than once per photo. */
typedef struct {
  int valid, in_len, out_len;
  double in_start, in_extent;
  taps t;
} cached_taps;

static _Thread_local cached_taps cache[2];

static const taps *taps_for(int axis, int in_len, double in_start, double in_extent, int out_len) {
  cached_taps *c = &cache[axis];
  if (c->valid && c->in_len == in_len && c->out_len == out_len && c->in_start == in_start && c->in_extent == in_extent) return &c->t;
  if (c->valid) taps_free(&c->t);
  c->valid = 0;
  if (taps_init(&c->t, in_len, in_start, in_extent, out_len) != 0) return NULL;
  c->valid = 1;
  c->in_len = in_len;
  c->out_len = out_len;
  c->in_start = in_start;
  c->in_extent = in_extent;
  return &c->t;
}

/* Compiled for AVX-512, AVX2 and baseline x86-64, picked at load time (GCC function
 * multiversioning); the build turns off FMA contraction, so every version rounds alike. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
int resample_rgb(const unsigned char *src, int in_w, int in_h, double x0, double y0, double ex, double ey,
                 unsigned char *dst, int dst_stride, int out_w, int out_h) {
  const taps *hp = taps_for(0, in_w, x0, ex, out_w);
  const taps *vp = hp ? taps_for(1, in_h, y0, ey, out_h) : NULL;
  if (!vp) return -1;
  const taps h = *hp, v = *vp;
  /* only the rows some vertical window reads go through the horizontal pass */
  int row0 = v.start[0], row1 = v.start[0] + v.count[0];
  for (int o = 1; o < out_h; o++) {
    if (v.start[o] < row0) row0 = v.start[o];
    if (v.start[o] + v.count[o] > row1) row1 = v.start[o] + v.count[o];
  }
  float *rows = malloc(sizeof(float) * (size_t)(row1 - row0) * (size_t)out_w * 3);
  if (!rows) return -1;
  /* each input row widened to float RGBx: four lanes per pixel, so the horizontal taps
   * accumulate one SIMD vector per pixel instead of three scalar sums */
  float *line = malloc(sizeof(float) * (size_t)in_w * 4);
  float *acc = malloc(sizeof(float) * (size_t)out_w * 3);
  if (!line || !acc) {
    free(line);
    free(acc);
    free(rows);
    return -1;
  }
  for (int y = row0; y < row1; y++) {
    const unsigned char *in = src + (size_t)y * in_w * 3;
    for (int x = 0; x < in_w; x++) {
      line[4 * x] = in[3 * x];
      line[4 * x + 1] = in[3 * x + 1];
      line[4 * x + 2] = in[3 * x + 2];
      line[4 * x + 3] = 0;
    }
    float *out = rows + (size_t)(y - row0) * out_w * 3;
    for (int o = 0; o < out_w; o++) {
      const float *w = h.weights + (size_t)o * h.stride;
      const float *p = line + (size_t)h.start[o] * 4;
      float sum[4] = {0, 0, 0, 0};
      for (int k = 0; k < h.count[o]; k++, p += 4)
        for (int c = 0; c < 4; c++) sum[c] += w[k] * p[c];
      out[3 * o] = sum[0];
      out[3 * o + 1] = sum[1];
      out[3 * o + 2] = sum[2];
    }
  }
  /* vertical: whole rows at a time, so the inner loop runs along contiguous memory (vectorised) */
  size_t width = (size_t)out_w * 3;
  for (int o = 0; o < out_h; o++) {
    const float *w = v.weights + (size_t)o * v.stride;
    const float *base = rows + (size_t)(v.start[o] - row0) * width;
    for (size_t x = 0; x < width; x++) acc[x] = 0;
    for (int k = 0; k < v.count[o]; k++) {
      const float *p = base + k * width;
      float wk = w[k];
      for (size_t x = 0; x < width; x++) acc[x] += wk * p[x];
    }
    unsigned char *out = dst + (size_t)o * dst_stride;
    for (size_t x = 0; x < width; x++) out[x] = clamp_byte(acc[x]);
  }
  free(line);
  free(acc);
  free(rows);
  return 0;
}
