/**
 * A dataset with every kind of bad input the dataset stage must survive, next to good rows.
 * `expected` says which reason each bad row must get.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { jpeg, png, photo, pngClaiming } from './images.ts';

/** Scraped text at its worst: markup, script, quotes, control characters, RTL marks, length. */
export const HOSTILE: Partial<CorpusRow>[] = [
  { title: '<script>alert("title")</script>', category: '<img src=x onerror=alert(1)>' },
  { title: '"quoted" & \'single\' `tick`', category: 'Dress' },
  { title: 'right\u202Eto-left\u200F mark', category: '</table><b>broken</b>' },
  { title: 'control\u0007\u0001chars\ttab', category: '{{ liquid }}' },
  { title: 'long '.repeat(400), category: 'Dress' },
];

export interface CorpusRow {
  id: string;
  image: string;
  sold: string;
  group?: string;
  title?: string;
  category?: string;
}

export interface BadCorpus {
  root: string;
  images: string;
  rows: CorpusRow[];
  /** id -> expected problem reason; ids not listed must be usable. */
  expected: Record<string, string>;
}

export async function makeBadCorpus(root: string, goodRows = 24): Promise<BadCorpus> {
  const images = join(root, 'images');
  await mkdir(images, { recursive: true });
  await mkdir(join(root, 'outside'), { recursive: true });
  const rows: CorpusRow[] = [];
  const expected: Record<string, string> = {};
  const add = (row: CorpusRow, reason?: string) => {
    rows.push(row);
    if (reason) expected[row.id] = reason;
  };

  for (let i = 0; i < goodRows; i++) {
    await writeFile(join(images, `good-${i}.jpg`), await jpeg(48 + (i % 5) * 8, 40 + (i % 3) * 8, 1000 + i));
    add({ id: `good-${i}`, image: `good-${i}.jpg`, sold: i % 2 ? 'sold' : 'not_sold', group: `seller-${i % 7}`, ...HOSTILE[i % HOSTILE.length] });
  }
  // Images that are odd but valid: every one must be usable.
  await writeFile(join(images, 'png-named.jpg'), await png(40, 30, 1));
  add({ id: 'png-named-jpg', image: 'png-named.jpg', sold: 'yes' });
  await writeFile(join(images, 'cmyk.jpg'), await photo(40, 30, 2).toColourspace('cmyk').jpeg().toBuffer());
  add({ id: 'cmyk', image: 'cmyk.jpg', sold: 'no' });
  await writeFile(join(images, 'deep.png'), await photo(40, 30, 3).toColourspace('rgb16').png().toBuffer());
  add({ id: '16-bit', image: 'deep.png', sold: 'TRUE' });
  await writeFile(join(images, 'grey.jpg'), await photo(40, 30, 4).greyscale().jpeg().toBuffer());
  add({ id: 'grey', image: 'grey.jpg', sold: 'False' });
  await writeFile(join(images, 'rgba.png'), await photo(40, 30, 5).ensureAlpha(0.5).png().toBuffer());
  add({ id: 'rgba', image: 'rgba.png', sold: '1' });
  await writeFile(join(images, 'palette.png'), await photo(40, 30, 6).png({ palette: true, colours: 16 }).toBuffer());
  add({ id: 'palette', image: 'palette.png', sold: '0' });
  await writeFile(join(images, 'rotated.jpg'), await photo(40, 30, 7).jpeg().withMetadata({ orientation: 6 }).toBuffer());
  add({ id: 'exif-rotated', image: 'rotated.jpg', sold: 'Sold' });
  await writeFile(join(images, 'tiny.png'), await sharp({ create: { width: 1, height: 1, channels: 3, background: '#c03' } }).png().toBuffer());
  add({ id: '1x1', image: 'tiny.png', sold: 'not_sold' });
  await mkdir(join(images, 'sub'), { recursive: true });
  await writeFile(join(images, 'sub', 'nested.jpg'), await jpeg(40, 30, 8));
  add({ id: 'nested', image: 'sub/nested.jpg', sold: 'sold' });

  // Broken files.
  const full = await jpeg(64, 64, 9);
  await writeFile(join(images, 'truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
  add({ id: 'truncated', image: 'truncated.jpg', sold: 'sold' }, 'unreadable');
  await writeFile(join(images, 'empty.jpg'), Buffer.alloc(0));
  add({ id: 'zero-bytes', image: 'empty.jpg', sold: 'sold' }, 'unreadable');
  await writeFile(join(images, 'text.jpg'), 'this is not a photo\n');
  add({ id: 'text-named-jpg', image: 'text.jpg', sold: 'sold' }, 'not_an_image');
  await writeFile(join(images, 'bomb.png'), pngClaiming(30000, 30000));
  add({ id: 'bomb', image: 'bomb.png', sold: 'sold' }, 'too_large');
  add({ id: 'no-file', image: 'nowhere.jpg', sold: 'sold' }, 'missing');

  // Paths that leave the root.
  await writeFile(join(root, 'outside', 'secret.jpg'), await jpeg(40, 30, 10));
  await symlink(join(root, 'outside', 'secret.jpg'), join(images, 'link-out.jpg'));
  add({ id: 'symlink-out', image: 'link-out.jpg', sold: 'sold' }, 'outside_root');
  add({ id: 'dotdot', image: '../outside/secret.jpg', sold: 'sold' }, 'outside_root');
  add({ id: 'sneaky-dotdot', image: 'sub/../../outside/secret.jpg', sold: 'sold' }, 'outside_root');
  add({ id: 'absolute', image: join(root, 'outside', 'secret.jpg'), sold: 'sold' }, 'outside_root');
  add({ id: 'drive-letter', image: 'C:\\Users\\x\\secret.jpg', sold: 'sold' }, 'outside_root');

  // Bad rows.
  add({ id: 'bad-label', image: 'good-0.jpg', sold: 'maybe' }, 'bad_label');
  add({ id: 'good-1', image: 'good-2.jpg', sold: 'sold' }, 'duplicate_id');
  await writeFile(join(images, 'copy-of-good-3.jpg'), await jpeg(48 + 3 * 8, 40 + 0 * 8, 1003));
  add({ id: 'same-bytes', image: 'copy-of-good-3.jpg', sold: 'sold' }, 'duplicate_image');
  return { root, images, rows, expected };
}

/** Writes rows as an RFC 4180 CSV with the given columns. */
export function toCsv(rows: object[], columns: string[]): string {
  const quote = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => quote((r as Record<string, unknown>)[c])).join(','))].join('\r\n') + '\r\n';
}
