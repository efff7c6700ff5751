/* Reads the one EXIF field the decoder needs, the orientation in IFD0, with every offset
 * bounds-checked: the payload comes from scraped files. */
#include "exif.h"
#include <string.h>

static unsigned read16(const unsigned char *p, int little) {
  return little ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static unsigned long read32(const unsigned char *p, int little) {
  return little ? ((unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24)
                : ((unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | (unsigned long)p[3]);
}

int exif_orientation(const unsigned char *data, size_t length) {
  if (length < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 1;
  const unsigned char *tiff = data + 6;
  size_t size = length - 6;
  int little;
  if (tiff[0] == 'I' && tiff[1] == 'I') little = 1;
  else if (tiff[0] == 'M' && tiff[1] == 'M') little = 0;
  else return 1;
  unsigned long ifd = read32(tiff + 4, little);
  if (ifd > size || size - ifd < 2) return 1;
  unsigned count = read16(tiff + ifd, little);
  for (unsigned i = 0; i < count; i++) {
    unsigned long entry = ifd + 2 + 12ul * i;
    if (entry + 12 > size) return 1;
    if (read16(tiff + entry, little) == 0x0112) {
      unsigned value = read16(tiff + entry + 8, little);
      return value >= 1 && value <= 8 ? (int)value : 1;
    }
  }
  return 1;
}
