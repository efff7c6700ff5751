/**
 * The optional libjpeg-turbo decoder (native/jpeg, built by `scripts/build-native.mjs` at
 * install time when the libjpeg headers are present). It decodes with DCT scaling, as PIL's
 * draft mode does, and resizes with Lanczos-3 on the libuv thread pool: about 5x sharp's rate
 * on listing-sized JPEGs. Without it every photo goes through sharp.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as msg from '../core/messages.ts';

interface Addon {
  /** Resolves to the size x size x 3 pixels, or to the reason the photo needs sharp instead. */
  decode(jpeg: Buffer | string, size: number, fit: number, maxPixels: number): Promise<Buffer | string>;
  libjpegVersion: number;
}

const FITS = ['cover', 'contain', 'fill'] as const;
const ADDON = fileURLToPath(new URL('../../native/jpeg/build/Release/jpeg_scaled.node', import.meta.url));

interface Loaded {
  addon: Addon | null;
  status: { available: boolean; version?: string; reason?: string };
}

let loaded: Loaded | undefined;

/** The addon and what to say about it, loaded once (every photo asks). */
function load(): Loaded {
  if (loaded) return loaded;
  try {
    const addon = createRequire(import.meta.url)(ADDON) as Addon;
    const v = addon.libjpegVersion;
    const version = v > 1_000_000 ? `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}` : String(v);
    loaded = { addon, status: { available: true, version } };
  } catch (error) {
    const reason = msg.jpegTurboMissing(ADDON, (error as Error).message.split('\n')[0]!);
    loaded = { addon: null, status: { available: false, reason } };
  }
  return loaded;
}

/** Whether the addon is built and loads; `reason` says why not. */
export function jpegTurboStatus(): Loaded['status'] {
  return load().status;
}

/** The photo decoded and resized, or a string naming why it must go to sharp (null: no addon). */
export async function decodeJpegScaled(
  input: Buffer | string,
  size: number,
  fit: (typeof FITS)[number],
  maxPixels: number,
): Promise<Buffer | string | null> {
  const { addon } = load();
  return addon ? addon.decode(input, size, FITS.indexOf(fit), maxPixels) : null;
}
