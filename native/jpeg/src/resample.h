#ifndef JPEG_SCALED_RESAMPLE_H
#define JPEG_SCALED_RESAMPLE_H

/* Resamples the source rectangle starting at (x0, y0) of extent (ex, ey) pixels of an RGB
 * image (in_w x in_h, rows packed) to out_w x out_h pixels written into dst, whose rows are
 * dst_stride bytes apart. Lanczos-3, widened by the reduction factor so that shrinking
 * averages rather than aliases; taps falling outside the image are dropped and the rest
 * renormalised. Returns 0, or -1 when memory runs out. */
int resample_rgb(const unsigned char *src, int in_w, int in_h, double x0, double y0, double ex, double ey,
                 unsigned char *dst, int dst_stride, int out_w, int out_h);

#endif
