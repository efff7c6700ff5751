#ifndef JPEG_SCALED_EXIF_H
#define JPEG_SCALED_EXIF_H
#include <stddef.h>

/* The EXIF orientation tag (1-8) of an APP1 marker's payload, 1 when the payload holds none. */
int exif_orientation(const unsigned char *data, size_t length);

#endif
