/**
 * `cluster-<source>`: KMeans over the embeddings (CLIP's L2-normalised), K from the elbow
 * (Kneedle) unless the config sets it, a t-SNE map to draw them, sell-through per cluster
 * with intervals and Holm-corrected tests, a name per cluster from its members' categories
 * (names.ts), how far the clusters follow the category (purity against a seeded permutation
 * null, purity.ts), a sample sheet per cluster (1x and 2x, sold photos badged) and a thumbnail
 * per point for the map's tooltips. Writes `_data/clusters_<source>.json` (schema 3) and pictures.
 */
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import type { StageDefinition } from '../stage-types.ts';
import type { ClusterData } from '../contracts.ts';
import type { ClusterConfig } from '../core/config-types.ts';
import { EMBEDDERS, type EmbedderId } from '../embed/embedders.ts';
import { keyedUniform } from '../core/random.ts';
import { StudyError } from '../core/errors.ts';
import { resolveImagePath } from '../data/image-path.ts';
import { readEmbeddings } from '../embed/store.ts';
import { encodeJpeg, publishablePixels, safeName } from '../report/photos.ts';
import { kmeans } from './kmeans.ts';
import { Matrix, normaliseRow } from './distances.ts';
import { elbow } from './elbow.ts';
import { tsne } from './tsne.ts';
import { salesByCluster } from './sales.ts';
import { nameCluster, uniqueClusterNames } from './names.ts';
import { categoryPurity } from './purity.ts';
import { scoredListings } from '../data/split.ts';
import * as msg from '../core/messages.ts';

const TILE = 96;
const THUMB = 64;

/**
 * A sample sheet: `tiles` (tile x tile x 3 RGB bytes each) in rows of `columns`, each photo that
 * sold marked by a corner badge: a dark triangle (the report's map marks sold with a triangle)
 * on a white square, in the tile's top-right corner.
 */
export async function sampleSheet(tiles: Buffer[], sold: boolean[], columns: number, tile: number): Promise<Buffer> {
  const width = columns * tile;
  const height = Math.max(1, Math.ceil(tiles.length / columns)) * tile;
  const at = (t: number) => ({ left: (t % columns) * tile, top: Math.floor(t / columns) * tile });
  const badge = Math.round(tile * 0.22);
  const inset = Math.round(tile * 0.04);
  const badges = sold.flatMap((s, t) => {
    if (!s) return [];
    const x = at(t).left + tile - inset - badge;
    const y = at(t).top + inset;
    const [l, r, top, bottom] = [x + badge * 0.2, x + badge * 0.8, y + badge * 0.2, y + badge * 0.78];
    return [
      `<rect x="${x}" y="${y}" width="${badge}" height="${badge}" rx="${badge * 0.18}" fill="#ffffff" fill-opacity="0.92"/>`,
      `<path d="M${(l + r) / 2} ${top}L${r} ${bottom}H${l}Z" fill="#1a1a1a"/>`,
    ];
  });
  const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${badges.join('')}</svg>`);
  const pictures = await Promise.all(tiles.map(async (pixels, t) => ({ input: await sharp(pixels, { raw: { width: tile, height: tile, channels: 3 } }).png().toBuffer(), ...at(t) })));
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([...pictures, { input: overlay, left: 0, top: 0 }])
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
}

/** What a cluster stage needs to publish a picture: its pixels as published, where it is written, its site path. */
interface Pictures {
  pixels(i: number, size: number): Promise<Buffer>;
  write(file: string, data: Uint8Array): Promise<void>;
  sitePath(file: string): string;
}

/**
 * The t-SNE map, the elbow over cluster.k_range and the clustering at the chosen K (or the
 * configured one), in the embedding space or on the map (cluster.space).
 */
async function mapAndCluster(x: Matrix, c: ClusterConfig, seed: number, override: number | null | undefined, progress: (label: string, total: number) => { tick(n?: number): void; done(): void }, source: string) {
  const n = x.rows;
  const perplexity = Math.min(c.perplexity, Math.max(1, (n - 1) / 3 - 0.01));
  const bar = progress(`t-SNE of ${n} ${source} embeddings`, 1000);
  const map = await tsne(x, { perplexity, theta: c.theta, seed, onIteration: (i) => i % 50 === 0 && bar.tick(50) });
  bar.done();
  const space = c.space === 'tsne' ? Matrix.from(map) : x;
  const [lo, hi] = [Math.max(1, c.k_range[0]), Math.min(c.k_range[1], n)];
  const ks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const curve = await elbow(space, ks, { restarts: c.restarts, seed });
  const k = override ?? curve.chosen_k;
  const result = override ? await kmeans(space, k, { restarts: c.restarts, seed }) : curve.result;
  return { perplexity, map, curve, k, result };
}

/**
 * One cluster's page material: a seeded sample sheet (1x and 2x, sold photos badged), its
 * categories and a name from them.
 */
async function describeCluster(
  cluster: number,
  members: number[],
  from: { source: string; seed: number; sheetSize: number; assets: string; ids: string[]; labels: number[]; categoryOf: (id: string) => string | null | undefined },
  pictures: Pictures,
) {
  const { source, seed, ids } = from;
  const picked = [...members].sort((a, b) => keyedUniform(seed, `sheet-${source}`, ids[a]!) - keyedUniform(seed, `sheet-${source}`, ids[b]!)).slice(0, from.sheetSize ** 2);
  const columns = Math.min(from.sheetSize, Math.max(1, picked.length));
  const sold = picked.map((i) => Boolean(from.labels[i]));
  // The page shows the sheet at its 1x size; the 2x copy is drawn from the photos at twice the pixels.
  const sheetFile = join(from.assets, 'clusters', `${source}-${cluster}.jpg`);
  const sheet2xFile = join(from.assets, 'clusters', `${source}-${cluster}-2x.jpg`);
  await pictures.write(sheetFile, await sampleSheet(await Promise.all(picked.map((i) => pictures.pixels(i, TILE))), sold, columns, TILE));
  await pictures.write(sheet2xFile, await sampleSheet(await Promise.all(picked.map((i) => pictures.pixels(i, 2 * TILE))), sold, columns, 2 * TILE));
  const categories = new Map<string, number>();
  for (const i of members) {
    const category = from.categoryOf(ids[i]!);
    if (category) categories.set(category, (categories.get(category) ?? 0) + 1);
  }
  return {
    name: nameCluster(cluster, categories, members.length),
    sheet: pictures.sitePath(sheetFile),
    sheet_2x: pictures.sitePath(sheet2xFile),
    sheet_width: columns * TILE,
    sheet_height: Math.max(1, Math.ceil(picked.length / columns)) * TILE,
    sheet_images: picked.length,
    sheet_sold: sold.filter(Boolean).length,
    top_categories: [...categories].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([category, count]) => ({ category, count })),
  };
}

/**
 * Thumbnails for the map's tooltips, named per source: each file has one owning stage, so
 * removing a stage's stale outputs never takes another stage's pictures with it.
 */
async function writeThumbnails(ids: string[], source: string, assets: string, pictures: Pictures): Promise<string[]> {
  const thumbs: string[] = [];
  for (const [i, id] of ids.entries()) {
    const file = join(assets, 'thumbs', `${safeName(`t-${source}`, id)}.jpg`);
    await pictures.write(file, await encodeJpeg(await pictures.pixels(i, THUMB), THUMB));
    thumbs.push(pictures.sitePath(file));
  }
  return thumbs;
}

/** The map's points, rounded to 3 decimals (the page draws them; no more precision shows). */
function mapPoints(map: number[][], labels: number[], clusters: ClusterData['clusters'], sold: number[], categories: (string | null)[], thumbs: (string | null)[]): ClusterData['points'] {
  const names = new Map(clusters.map((c) => [c.cluster, c.name]));
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return map.map(([px, py], i) => ({
    x: round(px!),
    y: round(py!),
    cluster: labels[i]!,
    name: names.get(labels[i]!) ?? `Cluster ${labels[i]!}`,
    label: sold[i] ? 'sold' : 'not_sold',
    category: categories[i]!,
    image: thumbs[i] ?? null,
  }));
}

export function clusterStage(source: EmbedderId): StageDefinition {
  const embedder = EMBEDDERS[source];
  return {
    name: `cluster-${source}`,
    doc: {
      reads: `the ${embedder.reads}, the split`,
      writes: `\`_data/clusters_${source}.json\` (elbow, K, t-SNE map, each cluster's name and sell-through, how far clusters follow the category), sample sheets and thumbnails in \`assets/generated/\``,
    },
    version: 7,
    after: [`embed-${source}`, 'dataset'],
    config: (c) => ({ seed: c.seed, cluster: { ...c.cluster, k: c.cluster.k[source] }, thumbnails: c.site.thumbnails, max_pixels: c.dataset.max_pixels }),
    async run(ctx) {
      const { loaded, config } = ctx;
      const c = config.cluster;
      if (!ctx.exists(`embeddings:${source}`)) {
        ctx.logger.info(`  no ${source} embeddings (the embed-${source} stage did not run): nothing to cluster`);
        return;
      }
      const { index, rows } = await readEmbeddings(ctx.path(`embeddings:${source}`));
      if (embedder.normalise) for (const r of rows) normaliseRow(r);
      const x = Matrix.from(rows);
      const n = x.rows;
      const override = c.k[source];
      if (override !== null && override > n) throw new StudyError(msg.kAboveValidation(`cluster.k.${source}`, override, n));
      const { perplexity, map, curve, k, result } = await mapAndCluster(x, c, config.seed, override, (label, total) => ctx.logger.progress(label, total), source);
      const sales = salesByCluster(result.labels, index.labels, k);

      const listings = new Map(scoredListings(await ctx.read('split')).map((l) => [l.id, l]));
      const realRoot = await realpath(loaded.resolved.images);
      const mode = config.site.thumbnails;
      const assets = loaded.resolved.assets;
      const pictures: Pictures = {
        sitePath: (file) => `/assets/generated/${relative(assets, file).split('\\').join('/')}`,
        pixels: async (i, size) => {
          const path = await resolveImagePath(realRoot, index.images[i]!);
          return path.ok ? publishablePixels(path.path, size, mode, config.dataset.max_pixels) : Buffer.alloc(size * size * 3, 200);
        },
        write: (file, data) => ctx.writeFile(file, data),
      };
      const thumbs = mode === 'none' ? index.ids.map(() => null) : await writeThumbnails(index.ids, source, assets, pictures);
      const clusters: ClusterData['clusters'] = [];
      for (const s of sales.clusters) {
        const members = result.labels.map((l, i) => (l === s.cluster ? i : -1)).filter((i) => i >= 0);
        clusters.push({ ...s, ...(await describeCluster(s.cluster, members, { source, seed: config.seed, sheetSize: c.sheet_size, assets, ids: index.ids, labels: index.labels, categoryOf: (id) => listings.get(id)?.category }, pictures)) });
      }
      uniqueClusterNames(clusters).forEach((name, i) => (clusters[i]!.name = name));
      const pointCategories = index.ids.map((id) => listings.get(id)?.category ?? null);
      const semantics = categoryPurity(result.labels, pointCategories, `${config.seed}\u0000purity-${source}`);
      const data: ClusterData = {
        source,
        space: c.space,
        images: n,
        dimensions: index.dim,
        normalised: embedder.normalise,
        perplexity,
        theta: c.theta,
        elbow: curve.elbow,
        knee_k: curve.knee_k,
        k,
        k_method: override ? 'configured' : curve.method === 'kneedle' ? 'knee' : 'no_knee_fallback',
        inertia: result.inertia,
        overall_rate: sales.overall_rate,
        clusters,
        semantics,
        points: mapPoints(map, result.labels, clusters, index.labels, pointCategories, thumbs),
      };
      await ctx.writeData(`clusters_${source}`, data);
      ctx.logger.info(`  ${source}: K = ${k} (${data.k_method}), overall sell-through ${(sales.overall_rate * 100).toFixed(1)}%`);
      ctx.logger.info(
        semantics
          ? `  ${source}: category purity ${semantics.purity.toFixed(3)} over ${semantics.photos} photos (permutation null mean ${semantics.null_mean.toFixed(3)}, 95th percentile ${semantics.null_p95.toFixed(3)}; p = ${semantics.p.toPrecision(2)}, ${semantics.draws} draws)`
          : `  ${source}: no category purity (no validation photo has a category, or they all fall in one cluster)`,
      );
    },
  };
}
