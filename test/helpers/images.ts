/** Small images made on the fly: nothing binary is committed for the bad-input tests. */
import { deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { createRandom } from '../../pipeline/core/random.ts';

/** A width x height RGB photo-like image: smooth gradients plus seeded noise, distinct per seed. */
export function rgbPixels(width: number, height: number, seed: number): Buffer {
  const random = createRandom(seed);
  const [a, b, c] = [random(), random(), random()];
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[i] = Math.min(255, Math.floor(255 * ((x / width) * a + (y / height) * (1 - a)) + random() * 20));
      out[i + 1] = Math.min(255, Math.floor(255 * Math.abs(Math.sin((x * b + y) / 7))));
      out[i + 2] = Math.min(255, Math.floor(255 * c * (((x >> 3) + (y >> 3)) % 2)));
    }
  }
  return out;
}

export function photo(width: number, height: number, seed: number): Sharp {
  return sharp(rgbPixels(width, height, seed), { raw: { width, height, channels: 3 } });
}

export const jpeg = (width: number, height: number, seed: number) => photo(width, height, seed).jpeg({ quality: 90 }).toBuffer();
export const png = (width: number, height: number, seed: number) => photo(width, height, seed).png().toBuffer();

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG whose header claims width x height but carries almost no data. */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
