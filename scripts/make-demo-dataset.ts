/**
 * Builds the embedded demo dataset (datasets/demo/) from the CC0 clothing dataset:
 *   npx tsx scripts/make-demo-dataset.ts [--source DIR] [--out datasets/demo]
 *
 * Real photos, simulated sales: no public dataset pairs product photos with sale outcomes,
 * so `sold` is drawn by a seeded rule that plants a visible signal (garment class, summer wear
 * selling more) plus price and noise. datasets/demo/README.md documents the rule; this file
 * is its implementation. Deterministic: the same source gives byte-identical output.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import { createRandom, keyedUniform, normal } from '../pipeline/core/random.ts';

const SEED = 20260427;
/** Photos kept per class at most. */
const PER_CLASS = 140;
/**
 * The demo draws from the contributors with the fewest photos until it can hold this many;
 * the others' photos are left for the demo's pretrained backbone (scripts/pretrain-demo-backbone.ts),
 * which must share no photo and no contributor with the demo.
 */
const DEMO_TARGET = 1500;
const SHORT_SIDE = 240; // CLIP needs 224
const NOT_GARMENTS = new Set(['Not sure', 'Other', 'Skip']);

/**
 * The planted signal, on the logit scale: the listings ran from April to June, so summer wear
 * sells more and winter wear less (the study's CLIP clusters found the same).
 */
export const CLASS_EFFECT: Record<string, number> = {
  Shorts: 1.1, 'T-Shirt': 0.9, Dress: 0.9, Skirt: 0.8, Top: 0.8, Polo: 0.5, Body: 0.3,
  Shoes: 0.3, Hat: 0.2, Undershirt: 0.0, Shirt: 0.0, Blouse: 0.0, Pants: -0.3,
  Longsleeve: -0.6, Hoodie: -0.9, Blazer: -0.9, Outwear: -1.2,
};
/** Median asking price (EUR) per class; each listing varies log-normally around it. */
const MEDIAN_PRICE: Record<string, number> = {
  Shorts: 9, 'T-Shirt': 7, Dress: 18, Skirt: 12, Top: 8, Polo: 10, Body: 9, Shoes: 28, Hat: 8,
  Undershirt: 5, Shirt: 12, Blouse: 12, Pants: 15, Longsleeve: 10, Hoodie: 18, Blazer: 30, Outwear: 35,
};
/** Made-up brand names, with a price multiplier. */
const BRANDS: [string, number][] = [
  ['Nordvik', 1.0], ['Maison Lumen', 1.6], ['Urban Fjord', 0.9], ['Kestrel & Co', 1.3], ['Basics Lab', 0.6],
  ['Solbrise', 1.1], ['Atelier Moss', 1.8], ['Parkline', 0.8], ['Vinterhus', 1.2], ['Loop Studio', 0.7],
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

interface SourceRow { image: string; sender_id: string; label: string; kids: string }

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function simulateListing(row: SourceRow) {
  const random = createRandom(`${SEED}:${row.image}`);
  const [brand, brandFactor] = BRANDS[Math.floor(random() * BRANDS.length)]!;
  const price = Math.max(2, Math.round(MEDIAN_PRICE[row.label]! * brandFactor * Math.exp(0.35 * normal(random))));
  // Pricier than the class median (after the brand's premium) sells less; plus listing noise.
  const priceEffect = -0.6 * Math.log(price / (MEDIAN_PRICE[row.label]! * brandFactor));
  const pSold = sigmoid(CLASS_EFFECT[row.label]! + priceEffect + 0.3 * normal(random));
  const sold = random() < pSold;
  const created = Date.UTC(2026, 3, 1) + Math.floor(random() * 61) * 86_400_000 + Math.floor(random() * 86_400) * 1000;
  const soldAt = sold ? created + Math.ceil(1 + 20 * random()) * 86_400_000 : undefined;
  const size = SIZES[Math.floor(random() * SIZES.length)]!;
  return {
    id: row.image,
    image: `${row.image}.jpg`,
    sold: sold ? 'sold' : 'not_sold',
    title: `${brand} ${row.label.toLowerCase()}, size ${size}`,
    brand,
    category: row.label,
    price: price.toFixed(2),
    currency: 'EUR',
    created_at: new Date(created).toISOString().slice(0, 19) + 'Z',
    sold_at: soldAt ? new Date(soldAt).toISOString().slice(0, 19) + 'Z' : '',
    sender_id: row.sender_id,
    kids: row.kids === 'True' ? 'true' : 'false',
    p_sold: pSold.toFixed(4),
  };
}

/**
 * The demo's contributors: smallest first (ties by a seeded hash), added until the demo's
 * per-class caps hold DEMO_TARGET photos. The few large contributors stay out of the demo, so
 * most photos remain for the backbone while the demo keeps hundreds of sellers for its split.
 */
export function pickDemoContributors(garments: SourceRow[]): Set<string> {
  const bySender = new Map<string, SourceRow[]>();
  for (const row of garments) bySender.set(row.sender_id, [...(bySender.get(row.sender_id) ?? []), row]);
  const order = [...bySender.keys()].sort((a, b) => bySender.get(a)!.length - bySender.get(b)!.length || keyedUniform(SEED, 'demo-sender', a) - keyedUniform(SEED, 'demo-sender', b));
  const chosen = new Set<string>();
  const perClass = new Map<string, number>();
  let capped = 0;
  for (const sender of order) {
    if (capped >= DEMO_TARGET) break;
    chosen.add(sender);
    for (const row of bySender.get(sender)!) {
      const count = perClass.get(row.label) ?? 0;
      perClass.set(row.label, count + 1);
      if (count < PER_CLASS) capped++;
    }
  }
  return chosen;
}

async function main() {
  const { values } = parseArgs({ options: { source: { type: 'string' }, out: { type: 'string' } } });
  const source = resolve(values.source ?? '../shared/datasets/clothing-dataset');
  const out = resolve(values.out ?? 'datasets/demo');
  const rows = parse(await readFile(join(source, 'images.csv')), { columns: true, bom: true }) as SourceRow[];
  const files = new Set((await readdir(join(source, 'images'))).filter((f) => f.endsWith('.jpg')).map((f) => f.slice(0, -4)));
  const withoutImage = rows.filter((r) => !files.has(r.image));
  const listed = new Set(rows.map((r) => r.image));
  const withoutRow = [...files].filter((f) => !listed.has(f));
  console.error(`source: ${rows.length} rows, ${files.size} images; ${withoutImage.length} rows without an image and ${withoutRow.length} images without a row are left out`);

  const garments = rows.filter((row) => files.has(row.image) && !NOT_GARMENTS.has(row.label));
  for (const row of garments) if (!(row.label in CLASS_EFFECT)) throw new Error(`unexpected class ${row.label}`);
  const demoContributors = pickDemoContributors(garments);
  const byClass = new Map<string, SourceRow[]>();
  for (const row of garments) {
    if (!demoContributors.has(row.sender_id)) continue;
    byClass.set(row.label, [...(byClass.get(row.label) ?? []), row]);
  }
  const chosen: SourceRow[] = [];
  for (const [, list] of [...byClass].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => keyedUniform(SEED, 'demo-pick', a.image) - keyedUniform(SEED, 'demo-pick', b.image));
    chosen.push(...list.slice(0, PER_CLASS));
  }
  chosen.sort((a, b) => a.image.localeCompare(b.image));

  await rm(join(out, 'images'), { recursive: true, force: true });
  await mkdir(join(out, 'images'), { recursive: true });
  let done = 0;
  const queue = [...chosen];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        await sharp(join(source, 'images', `${row.image}.jpg`))
          .rotate()
          .resize({ width: SHORT_SIDE, height: SHORT_SIDE, fit: 'outside', withoutEnlargement: true })
          .jpeg({ quality: 80, mozjpeg: true })
          .toFile(join(out, 'images', `${row.image}.jpg`));
        if (++done % 200 === 0) console.error(`  ${done}/${chosen.length} photos`);
      }
    }),
  );
  const listings = chosen.map(simulateListing);
  await writeFile(join(out, 'manifest.csv'), stringify(listings, { header: true }));
  const sold = listings.filter((l) => l.sold === 'sold').length;
  console.error(`wrote ${listings.length} listings (${sold} sold, ${listings.length - sold} not sold) to ${out}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
