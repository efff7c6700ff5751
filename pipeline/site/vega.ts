/**
 * The `vega` shortcode: a Vega-Lite spec (a spec file, an object from `_data`, or inline JSON)
 * becomes
 *   1. a static rendering made now, readable without JavaScript and in print: inline SVG, or
 *      a PNG when the SVG would be heavy (a 12,500-point scatter is ~4 MB of SVG);
 *   2. a container that assets/js/charts.js hands to vega-embed for the interactive chart;
 *   3. a table of the chart's data as its text alternative.
 * Static renderings are cached on disk, keyed by the spec, the vega and vega-lite versions and
 * the rendering options, and written atomically: an unchanged chart costs nothing, an upgrade
 * renders afresh, and a killed build never leaves a truncated rendering behind.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic.ts';
import { isAbsolute, join, resolve } from 'node:path';
import * as vega from 'vega';
import { compile, version as vegaLiteVersion, type TopLevelSpec } from 'vega-lite';
import sharp from 'sharp';
import { hashValue } from '../core/hash.ts';
import { StudyError } from '../core/errors.ts';
import { escapeHtml } from './escape.ts';
import { dataTable } from './chart-table.ts';
import { chartConfig } from './chart-theme.ts';
import { readableSpec } from './chart-readable.ts';
import * as msg from '../core/messages.ts';

/** Above this many bytes of SVG the static rendering becomes a PNG. */
const MAX_INLINE_SVG = 200_000;
/** The static rendering's options: part of its cache key, with the libraries' versions. */
const RENDERING = { renderer: 'svg', max_inline_svg: MAX_INLINE_SVG, png: { density: 144, compressionLevel: 9, palette: true } };

/** The cache key of a spec's static rendering. */
export function renderingKey(spec: unknown, versions = { vega: vega.version, 'vega-lite': vegaLiteVersion }): string {
  return hashValue({ spec, versions, rendering: RENDERING }).slice(0, 24);
}

export interface VegaShortcodeOptions {
  /** Folder spec file paths are relative to (the content folder). */
  specRoot: string;
  /** The site's output folder; specs and PNGs go to `<site>/assets/charts/`. */
  outputDir: string;
  /** Where rendered statics are kept between builds. */
  cacheDir: string;
  pathPrefix: string;
}

type Spec = Record<string, unknown>;

export async function loadSpec(spec: unknown, specRoot: string, page: string): Promise<Spec> {
  if (typeof spec === 'string') {
    const trimmed = spec.trim();
    if (trimmed.startsWith('{')) return parseSpec(trimmed, `${page} (inline spec)`);
    const path = isAbsolute(trimmed) ? trimmed : resolve(specRoot, trimmed);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new StudyError(msg.chartSpecMissing(page, trimmed, specRoot));
    }
    return parseSpec(text, path);
  }
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) return structuredClone(spec as Spec);
  throw new StudyError(msg.chartSpecKind(page, spec === undefined ? 'a missing value' : typeof spec));
}

function parseSpec(text: string, where: string): Spec {
  try {
    return JSON.parse(text) as Spec;
  } catch (error) {
    throw new StudyError(msg.chartSpecJson(where, (error as Error).message));
  }
}

/** Refuses data that would make the page fetch from another host (no request leaves the site). */
function assertLocalData(spec: unknown, where: string): void {
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'url' && typeof value === 'string' && /^([a-z]+:)?\/\//i.test(value)) {
        throw new StudyError(msg.chartRemoteData(where, String(value)));
      }
      walk(value);
    }
  };
  walk(spec);
}

export async function renderStatic(spec: Spec): Promise<{ svg: string }> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return { svg: await view.toSVG() };
  } finally {
    view.finalize();
  }
}

export function createVegaShortcode(options: VegaShortcodeOptions) {
  const chartsOut = join(options.outputDir, 'assets', 'charts');
  const cache = join(options.cacheDir, 'charts');
  const written = new Set<string>();

  return async function vegaShortcode(this: { page?: { inputPath?: string } }, specArg: unknown, dataOrAlt?: unknown, altArg?: unknown): Promise<string> {
    const page = this?.page?.inputPath ?? 'a page';
    const authored = await loadSpec(specArg, options.specRoot, page);
    let alt = typeof altArg === 'string' ? altArg : undefined;
    if (Array.isArray(dataOrAlt)) authored.data = { values: dataOrAlt };
    else if (typeof dataOrAlt === 'string') alt = dataOrAlt;
    else if (dataOrAlt !== undefined && dataOrAlt !== null) {
      throw new StudyError(msg.chartSecondArgument(page));
    }
    assertLocalData(authored, page);
    authored.config = { ...chartConfig, ...((authored.config as object) ?? {}) };
    // `spec` is what the page draws; `still` the static rendering's fixed-width copy.
    const { live: spec, still } = readableSpec(authored);
    const description = alt ?? (typeof spec.description === 'string' ? spec.description : typeof spec.title === 'string' ? spec.title : 'Chart');

    const hash = hashValue(spec).slice(0, 16);
    await mkdir(chartsOut, { recursive: true });
    await mkdir(cache, { recursive: true });
    const specFile = join(chartsOut, `${hash}.vl.json`);
    if (!written.has(hash)) {
      await writeFile(specFile, JSON.stringify(spec));
      written.add(hash);
    }

    let staticHtml: string;
    const key = renderingKey(still);
    const cachedSvg = join(cache, `${key}.svg`);
    const cachedPng = join(cache, `${key}.png`);
    const png = await readFile(cachedPng).catch(() => undefined);
    let svg = png ? undefined : await readFile(cachedSvg, 'utf8').catch(() => undefined);
    // Written atomically, so only a file damaged by other means could end early: render again.
    if (svg !== undefined && !svg.trimEnd().endsWith('</svg>')) svg = undefined;
    let pngBytes = png;
    if (!png && svg === undefined) {
      try {
        svg = (await renderStatic(still)).svg;
      } catch (error) {
        throw new StudyError(msg.chartFailed(page, String(description), (error as Error).message), { cause: error });
      }
      if (svg.length > MAX_INLINE_SVG) {
        const { density, ...png } = RENDERING.png;
        pngBytes = await sharp(Buffer.from(svg), { density, limitInputPixels: false }).png(png).toBuffer();
        await writeFileAtomic(cachedPng, pngBytes);
        svg = undefined;
      } else {
        await writeFileAtomic(cachedSvg, svg);
      }
    }
    if (pngBytes) {
      await writeFile(join(chartsOut, `${hash}.png`), pngBytes);
      staticHtml = `<img src="${options.pathPrefix}assets/charts/${hash}.png" alt="${escapeHtml(description)}" loading="lazy">`;
    } else {
      staticHtml = svg!.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(description)}" `);
    }

    const values = (spec.data as { values?: unknown } | undefined)?.values;
    return [
      `<figure class="chart">`,
      `<div class="vega-chart" data-spec="${options.pathPrefix}assets/charts/${hash}.vl.json">`,
      `<div class="vega-static">${staticHtml}</div>`,
      `</div>`,
      alt || spec.title ? `<figcaption>${escapeHtml(description)}</figcaption>` : '',
      dataTable(values, description),
      `</figure>`,
    ].join('');
  };
}
