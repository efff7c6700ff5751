/* decode(jpeg: Buffer | path, size, fit, maxPixels) -> Promise<Buffer | string>
 *
 * Decodes a baseline or progressive JPEG straight to a size x size RGB image: libjpeg-turbo
 * scales the DCT while decoding (1/8, 1/4 or 1/2: the smallest scale still at least as large as
 * the output needs, as PIL's draft mode does), then a Lanczos-3 resample crops/letterboxes/stretches
 * to the exact size. Runs on the libuv thread pool, so several photos decode at once.
 *
 * Anything outside the plain case resolves to a string saying why (an EXIF rotation, an ICC
 * profile, CMYK, a libjpeg warning or error, a pixel count over the limit) and the caller hands
 * the photo to sharp, whose handling of those cases is the reference. */
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <math.h>
#include <jpeglib.h>
#include "exif.h"
#include "resample.h"

enum fit { FIT_COVER = 0, FIT_CONTAIN = 1, FIT_FILL = 2 };

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int warnings;
  char message[JMSG_LENGTH_MAX];
} error_mgr;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;  /* the caller's Buffer, kept alive while a thread reads it */
  char *path;          /* or a file the thread reads itself: one pool task per photo, not five */
  const unsigned char *input;
  unsigned char *owned;
  size_t length;
  int size;
  int fit;
  double max_pixels;
  unsigned char *output;
  char reason[JMSG_LENGTH_MAX + 64];
} job;

static void on_error(j_common_ptr cinfo) {
  error_mgr *err = (error_mgr *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
  error_mgr *err = (error_mgr *)cinfo->err;
  if (level < 0 && err->warnings++ == 0) (*cinfo->err->format_message)(cinfo, err->message);
}

/* The smallest DCT scale, 1/8, 1/4 or 1/2 (the ones libjpeg-turbo has SIMD kernels for, and
 * the ones PIL's draft mode uses), whose output still covers what the resize needs. */
static int dct_scale(double width, double height, int size, int fit) {
  double rx = size / width, ry = size / height;
  double need = fit == FIT_CONTAIN ? fmin(rx, ry) : fmax(rx, ry);
  for (int m = 1; m < 8; m *= 2)
    if (m / 8.0 >= need) return m;
  return 8;
}

static const char *unusual_markers(struct jpeg_decompress_struct *cinfo, char *reason, size_t room) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1) {
      int orientation = exif_orientation(m->data, m->data_length);
      if (orientation != 1) {
        snprintf(reason, room, "EXIF orientation %d", orientation);
        return reason;
      }
    } else if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 && memcmp(m->data, "ICC_PROFILE", 12) == 0) {
      snprintf(reason, room, "embedded ICC profile");
      return reason;
    }
  }
  if (cinfo->jpeg_color_space != JCS_YCbCr && cinfo->jpeg_color_space != JCS_GRAYSCALE && cinfo->jpeg_color_space != JCS_RGB) {
    snprintf(reason, room, "colour space %d (CMYK or YCCK)", (int)cinfo->jpeg_color_space);
    return reason;
  }
  return NULL;
}

static int place(job *j, const unsigned char *pixels, int width, int height) {
  int size = j->size;
  unsigned char *out = j->output;
  if (j->fit == FIT_COVER) {
    double s = fmax((double)size / width, (double)size / height);
    double extent = size / s;
    return resample_rgb(pixels, width, height, (width - extent) / 2, (height - extent) / 2, extent, extent, out, size * 3, size, size);
  }
  if (j->fit == FIT_FILL) return resample_rgb(pixels, width, height, 0, 0, width, height, out, size * 3, size, size);
  double s = fmin((double)size / width, (double)size / height);
  int w = (int)lround(width * s), h = (int)lround(height * s);
  if (w < 1) w = 1;
  if (h < 1) h = 1;
  if (w > size) w = size;
  if (h > size) h = size;
  memset(out, 255, (size_t)size * size * 3);
  unsigned char *corner = out + ((size_t)((size - h) / 2) * size + (size - w) / 2) * 3;
  return resample_rgb(pixels, width, height, 0, 0, width, height, corner, size * 3, w, h);
}

static int read_file(job *j) {
  FILE *file = fopen(j->path, "rb");
  if (!file) return -1;
  long length = -1;
  if (fseek(file, 0, SEEK_END) == 0) length = ftell(file);
  /* a JPEG this big is not a listing photo: sharp streams it and says what is wrong */
  if (length > (256l << 20)) length = -1;
  if (length < 0 || fseek(file, 0, SEEK_SET) != 0 || !(j->owned = malloc(length > 0 ? (size_t)length : 1)) ||
      fread(j->owned, 1, (size_t)length, file) != (size_t)length) {
    fclose(file);
    return -1;
  }
  fclose(file);
  j->input = j->owned;
  j->length = (size_t)length;
  return 0;
}

static void execute(napi_env env, void *data) {
  (void)env;
  job *j = data;
  if (j->path && read_file(j) != 0) {
    snprintf(j->reason, sizeof j->reason, "cannot read the file");
    return;
  }
  if (j->length < 3 || j->input[0] != 0xFF || j->input[1] != 0xD8 || j->input[2] != 0xFF) {
    snprintf(j->reason, sizeof j->reason, "not a JPEG");
    return;
  }
  struct jpeg_decompress_struct cinfo;
  error_mgr err;
  unsigned char *volatile pixels = NULL;
  JSAMPROW *volatile rows = NULL;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  err.warnings = 0;
  err.message[0] = 0;
  if (setjmp(err.jump)) {
    snprintf(j->reason, sizeof j->reason, "libjpeg: %s", err.message);
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    free(rows);
    return;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, j->input, (unsigned long)j->length);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  if (unusual_markers(&cinfo, j->reason, sizeof j->reason)) {
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if ((double)cinfo.image_width * cinfo.image_height > j->max_pixels) {
    snprintf(j->reason, sizeof j->reason, "%ux%u exceeds the pixel limit", cinfo.image_width, cinfo.image_height);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  cinfo.scale_num = (unsigned)dct_scale(cinfo.image_width, cinfo.image_height, j->size, j->fit);
  cinfo.scale_denom = 8;
  cinfo.out_color_space = JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  int width = (int)cinfo.output_width, height = (int)cinfo.output_height;
  pixels = malloc((size_t)width * height * 3);
  rows = malloc(sizeof(JSAMPROW) * (size_t)height);
  if (!pixels || !rows) {
    snprintf(j->reason, sizeof j->reason, "out of memory");
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    free(rows);
    return;
  }
  for (int y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width * 3;
  while (cinfo.output_scanline < cinfo.output_height)
    jpeg_read_scanlines(&cinfo, rows + cinfo.output_scanline, cinfo.output_height - cinfo.output_scanline);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(rows);
  if (err.warnings) {
    snprintf(j->reason, sizeof j->reason, "libjpeg warning: %s", err.message);
    free(pixels);
    return;
  }
  j->output = malloc((size_t)j->size * j->size * 3);
  if (!j->output || place(j, pixels, width, height) != 0) {
    free(j->output);
    j->output = NULL;
    snprintf(j->reason, sizeof j->reason, "out of memory");
  }
  free(pixels);
}

static void complete(napi_env env, napi_status status, void *data) {
  job *j = data;
  napi_value result;
  if (status != napi_ok) {
    napi_create_string_utf8(env, "decode cancelled", NAPI_AUTO_LENGTH, &result);
  } else if (j->output) {
    napi_create_buffer_copy(env, (size_t)j->size * j->size * 3, j->output, NULL, &result);
  } else {
    napi_create_string_utf8(env, j->reason, NAPI_AUTO_LENGTH, &result);
  }
  napi_resolve_deferred(env, j->deferred, result);
  if (j->input_ref) napi_delete_reference(env, j->input_ref);
  free(j->path);
  free(j->owned);
  napi_delete_async_work(env, j->work);
  free(j->output);
  free(j);
}

#define CHECK(call, message)                          \
  if ((call) != napi_ok) {                            \
    napi_throw_error(env, NULL, message);             \
    return NULL;                                      \
  }

static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "decode: bad arguments");
  if (argc != 4) {
    napi_throw_type_error(env, NULL, "decode(jpeg: Buffer | path, size, fit, maxPixels)");
    return NULL;
  }
  bool is_buffer = false;
  napi_valuetype type;
  napi_is_buffer(env, argv[0], &is_buffer);
  napi_typeof(env, argv[0], &type);
  if (!is_buffer && type != napi_string) {
    napi_throw_type_error(env, NULL, "decode: jpeg must be a Buffer or a path");
    return NULL;
  }
  int32_t size = 0, fit = 0;
  double max_pixels = 0;
  CHECK(napi_get_value_int32(env, argv[1], &size), "decode: size must be a number");
  CHECK(napi_get_value_int32(env, argv[2], &fit), "decode: fit must be a number");
  CHECK(napi_get_value_double(env, argv[3], &max_pixels), "decode: maxPixels must be a number");
  if (size < 1 || size > 4096 || fit < FIT_COVER || fit > FIT_FILL) {
    napi_throw_range_error(env, NULL, "decode: size must be 1..4096 and fit 0..2");
    return NULL;
  }
  job *j = calloc(1, sizeof(job));
  if (!j) {
    napi_throw_error(env, NULL, "decode: out of memory");
    return NULL;
  }
  if (is_buffer) {
    void *input = NULL;
    napi_get_buffer_info(env, argv[0], &input, &j->length);
    j->input = input;
    napi_create_reference(env, argv[0], 1, &j->input_ref);
  } else {
    size_t length = 0;
    napi_get_value_string_utf8(env, argv[0], NULL, 0, &length);
    j->path = malloc(length + 1);
    if (!j->path) {
      free(j);
      napi_throw_error(env, NULL, "decode: out of memory");
      return NULL;
    }
    napi_get_value_string_utf8(env, argv[0], j->path, length + 1, &length);
  }
  j->size = size;
  j->fit = fit;
  j->max_pixels = max_pixels;
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_string_utf8(env, "jpeg_scaled.decode", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, version;
  napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &fn);
  napi_set_named_property(env, exports, "decode", fn);
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
  napi_create_int32(env, LIBJPEG_TURBO_VERSION_NUMBER, &version);
#else
  napi_create_int32(env, JPEG_LIB_VERSION, &version);
#endif
  napi_set_named_property(env, exports, "libjpegVersion", version);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
