/**
 * `study check-data` on a generated manifest of N rows (default 500,000), 5% of them broken in
 * the cheap ways (bad label, duplicate id, missing photo, path outside the root, a file that is
 * not an image, a truncated image), every photo a distinct 8x8 PNG: peak RSS and time.
 *   npx tsx bench/manifest-large.ts [N ...]
 * The generated dataset stays in bench/out/ for reruns. Writes bench/results-manifest-large.json/.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRandom } from '../pipeline/core/random.ts';
import { mapOrdered } from '../pipeline/core/concurrency.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const BROKEN = ['bad_label', 'duplicate_id', 'missing', 'outside_root', 'not_an_image', 'unreadable'] as const;

async function generate(n: number): Promise<string> {
  const dir = join(root, 'bench', 'out', `manifest-${n}`);
  if (existsSync(join(dir, 'manifest.csv'))) return dir;
  const random = createRandom(n);
  await mkdir(join(dir, 'images', 'shared'), { recursive: true });
  await writeFile(join(dir, 'images', 'shared', 'notes.png'), 'not an image at all');
  const whole = await sharp(Buffer.alloc(64 * 64 * 3, 90), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
  await writeFile(join(dir, 'images', 'shared', 'truncated.png'), whole.subarray(0, whole.length >> 1));
  const lines = ['id,image,sold,group,title,category,price'];
  const photos: number[] = [];
  for (let i = 0; i < n; i++) {
    const broken = random() < 0.05 ? BROKEN[Math.floor(random() * BROKEN.length)]! : undefined;
    const sold = broken === 'bad_label' ? 'maybe' : random() < 0.5 ? '1' : '0';
    const id = broken === 'duplicate_id' && i > 0 ? 'L0' : `L${i}`;
    let image = `${Math.floor(i / 1000)}/${i}.png`;
    if (broken === 'missing') image = `gone/${i}.png`;
    else if (broken === 'outside_root') image = `../../outside-${i}.png`;
    else if (broken === 'not_an_image') image = 'shared/notes.png';
    else if (broken === 'unreadable') image = 'shared/truncated.png';
    else photos.push(i);
    lines.push(`${id},${image},${sold},seller${i % 9973},"Listing ${i}, ""vintage""",cat${i % 17},${(i % 500) + 0.5}`);
  }
  // Distinct noise photos: distinct bytes and perceptual hashes.
  let written = 0;
  for await (const _ of mapOrdered(photos.values(), 4, async (i) => {
    const pixels = Buffer.alloc(8 * 8 * 3);
    const r = createRandom(`photo-${i}`);
    for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(r() * 256);
    const folder = join(dir, 'images', String(Math.floor(i / 1000)));
    if (i % 1000 === 0 || !existsSync(folder)) await mkdir(folder, { recursive: true });
    await sharp(pixels, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(folder, `${i}.png`));
  })) if (++written % 50000 === 0) console.error(`  generated ${written} photos`);
  await writeFile(join(dir, 'manifest.csv'), lines.join('\n') + '\n');
  return dir;
}

const table = ['| rows | time | rows/s | peak RSS | problems reported |', '|---|---|---|---|---|'];
const results: Record<string, unknown> = {};
for (const n of sizes.length ? sizes : [500000]) {
  const dir = await generate(n);
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(root, 'bin', 'study.js'), 'check-data', '--manifest', join(dir, 'manifest.csv'), '--images', join(dir, 'images'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`check-data failed: ${run.stderr.slice(-2000)}`);
  const [seconds, kb] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
  const report = JSON.parse(run.stdout) as { rows: number; usable: number; problems: { reason: string }[] };
  const reasons: Record<string, number> = {};
  for (const p of report.problems) reasons[p.reason] = (reasons[p.reason] ?? 0) + 1;
  results[n] = { seconds, peak_rss_mb: kb / 1024, rows: report.rows, usable: report.usable, problems: reasons };
  table.push(`| ${fmt(n)} | ${fmt(seconds, 1)} s | ${fmt(n / seconds)} | ${fmt(kb / 1024)} MB | ${fmt(report.problems.length)} (${Object.entries(reasons).map(([r, c]) => `${c} ${r}`).join(', ')}) |`);
  console.log(table.at(-1));
}
await writeFile(join(root, 'bench', 'results-manifest-large.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
await writeFile(join(root, 'bench', 'results-manifest-large.md'), table.join('\n') + '\n');
