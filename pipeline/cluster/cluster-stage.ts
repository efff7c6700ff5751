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

export function clusterStage(source: 'resnet' | 'clip'): StageDefinition {
  return {
    name: `cluster-${source}`,
    doc: {
      reads: `the ${source === 'clip' ? 'CLIP embeddings (L2-normalised)' : 'ResNet embeddings'}, the split`,
      writes: `\`_data/clusters_${source}.json\` (elbow, K, t-SNE map, each cluster's name and sell-through, how far clusters follow the category), sample sheets and thumbnails in \`assets/generated/\``,
    },
    version: 7,
    after: [`embed-${source}`, 'dataset'],
    config: (c) => ({ seed: c.seed, cluster: c.cluster, thumbnails: c.site.thumbnails, clip_k: source === 'clip' ? c.clip.k : undefined, max_pixels: c.dataset.max_pixels }),
    async run(ctx) {
      const { loaded, config } = ctx;
      const c = config.cluster;
      if (!ctx.exists(`embeddings:${source}`)) {
        ctx.logger.info(`  no ${source} embeddings (the embed-${source} stage did not run): nothing to cluster`);
        return;
      }
      const { index, rows } = await readEmbeddings(ctx.path(`embeddings:${source}`));
      if (source === 'clip') for (const r of rows) normaliseRow(r);
      const x = Matrix.from(rows);
      const n = x.rows;
      const override = source === 'resnet' ? c.resnet_k : config.clip.k;
      if (override !== null && override !== undefined && override > n) {
        throw new StudyError(msg.kAboveValidation(source === 'resnet' ? 'cluster.resnet_k' : 'clip.k', override, n));
      }
      const perplexity = Math.min(c.perplexity, Math.max(1, (n - 1) / 3 - 0.01));
      const progress = ctx.logger.progress(`t-SNE of ${n} ${source} embeddings`, 1000);
      const map = await tsne(x, { perplexity, theta: c.theta, seed: config.seed, onIteration: (i) => i % 50 === 0 && progress.tick(50) });
      progress.done();
      const space = c.space === 'tsne' ? Matrix.from(map) : x;
      const [lo, hi] = [Math.max(1, c.k_range[0]), Math.min(c.k_range[1], n)];
      const ks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
      const curve = await elbow(space, ks, { restarts: c.restarts, seed: config.seed });
      const k = override ?? curve.chosen_k;
      const result = override ? await kmeans(space, k, { restarts: c.restarts, seed: config.seed }) : curve.result;
      const sales = salesByCluster(result.labels, index.labels, k);

      const listings = new Map(scoredListings(await ctx.read('split')).map((l) => [l.id, l]));
      const realRoot = await realpath(loaded.resolved.images);
      const mode = config.site.thumbnails;
      const assets = loaded.resolved.assets;
      const sitePath = (file: string) => `/assets/generated/${relative(assets, file).split('\\').join('/')}`;
      const pixels = async (i: number, size: number) => {
        const path = await resolveImagePath(realRoot, index.images[i]!);
        return path.ok ? publishablePixels(path.path, size, mode, config.dataset.max_pixels) : Buffer.alloc(size * size * 3, 200);
      };

      // Thumbnails for the map's tooltips (none when photos are withheld).
      const thumbs: (string | null)[] = [];
      for (let i = 0; i < n; i++) {
        if (mode === 'none') {
          thumbs.push(null);
          continue;
        }
        // Named per source: each file has one owning stage, so removing a stage's stale outputs
        // never takes another stage's pictures with it.
        const file = join(assets, 'thumbs', `${safeName(`t-${source}`, index.ids[i]!)}.jpg`);
        await ctx.writeFile(file, await encodeJpeg(await pixels(i, THUMB), THUMB));
        thumbs.push(sitePath(file));
      }

      const clusters: ClusterData['clusters'] = [];
      for (const s of sales.clusters) {
        const members = result.labels.map((l, i) => (l === s.cluster ? i : -1)).filter((i) => i >= 0);
        const picked = members.sort((a, b) => keyedUniform(config.seed, `sheet-${source}`, index.ids[a]!) - keyedUniform(config.seed, `sheet-${source}`, index.ids[b]!)).slice(0, c.sheet_size ** 2);
        const columns = Math.min(c.sheet_size, Math.max(1, picked.length));
        const sold = picked.map((i) => Boolean(index.labels[i]));
        // The page shows the sheet at its 1x size; the 2x copy is drawn from the photos at twice the pixels.
        const sheetFile = join(assets, 'clusters', `${source}-${s.cluster}.jpg`);
        const sheet2xFile = join(assets, 'clusters', `${source}-${s.cluster}-2x.jpg`);
        await ctx.writeFile(sheetFile, await sampleSheet(await Promise.all(picked.map((i) => pixels(i, TILE))), sold, columns, TILE));
        await ctx.writeFile(sheet2xFile, await sampleSheet(await Promise.all(picked.map((i) => pixels(i, 2 * TILE))), sold, columns, 2 * TILE));
        const categories = new Map<string, number>();
        for (const i of members) {
          const category = listings.get(index.ids[i]!)?.category;
          if (category) categories.set(category, (categories.get(category) ?? 0) + 1);
        }
        clusters.push({
          ...s,
          name: nameCluster(s.cluster, categories, members.length),
          sheet: sitePath(sheetFile),
          sheet_2x: sitePath(sheet2xFile),
          sheet_width: columns * TILE,
          sheet_height: Math.max(1, Math.ceil(picked.length / columns)) * TILE,
          sheet_images: picked.length,
          sheet_sold: sold.filter(Boolean).length,
          top_categories: [...categories].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([category, count]) => ({ category, count })),
        });
      }
      uniqueClusterNames(clusters).forEach((name, i) => (clusters[i]!.name = name));
      const pointCategories = index.ids.map((id) => listings.get(id)?.category ?? null);
      const semantics = categoryPurity(result.labels, pointCategories, `${config.seed}\u0000purity-${source}`);
      const names = new Map(clusters.map((c) => [c.cluster, c.name]));
      const round = (v: number) => Math.round(v * 1000) / 1000;
      const data: ClusterData = {
        source,
        space: c.space,
        images: n,
        dimensions: index.dim,
        normalised: source === 'clip',
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
        points: map.map(([px, py], i) => ({
          x: round(px!),
          y: round(py!),
          cluster: result.labels[i]!,
          name: names.get(result.labels[i]!) ?? `Cluster ${result.labels[i]!}`,
          label: index.labels[i] ? 'sold' : 'not_sold',
          category: pointCategories[i]!,
          image: thumbs[i] ?? null,
        })),
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
