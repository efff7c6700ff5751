/**
 * Validates a manifest and its photos: every row either becomes a usable listing or a
 * problem with its line and reason (a bad_price row is both: kept, without a price). Row
 * problems never stop the run; file problems (no manifest, no required column, a mapped
 * column the manifest lacks, a class too small to train on) do, with a message naming the file.
 */
import { realpath } from 'node:fs/promises';
import { FileError } from '../core/errors.ts';
import { mapOrdered } from '../core/concurrency.ts';
import type { Logger } from '../core/effects.ts';
import type { ColumnMap, ColumnName, DelimiterSetting, LabelValues } from '../core/config-types.ts';
import { readManifest, type ManifestRecord } from './manifest.ts';
import { CLASSES, labelVocabulary, type ClassName } from './labels.ts';
import { detectDecimal, parsePrice, type DecimalMark } from './price.ts';
import { resolveImagePath } from './image-path.ts';
import { inspectImage } from './inspect-image.ts';
import { findNearDuplicates } from './perceptual-hash.ts';
import type { Listing, NearDuplicate, Problem } from './types.ts';
import * as msg from '../core/messages.ts';

export interface CheckOptions {
  manifest: string;
  images: string;
  format: 'auto' | 'csv' | 'jsonl' | 'json';
  columns: ColumnMap;
  /** CSV separator (default auto). */
  delimiter?: DelimiterSetting;
  /** Decimal mark of the price column (default auto). */
  decimal?: 'auto' | DecimalMark;
  /** `dataset.label_values` (default: the built-in vocabulary). */
  labelValues?: LabelValues | null;
  maxPixels: number;
  nearDuplicateDistance: number;
  concurrency: number;
  logger: Logger;
}

export interface CheckResult {
  rows: number;
  usable: number;
  by_label: Record<ClassName, number>;
  problems: Problem[];
  near_duplicates: NearDuplicate[];
  listings: Listing[];
  /** Values of the sold column outside the vocabulary, most frequent first (first spelling seen). */
  unrecognised_labels: { value: string; count: number }[];
  /** The column listings were grouped by for the split, or null when no row had one (split by listing). */
  grouped_by: string | null;
  /** The decimal mark prices were read with. */
  decimal: DecimalMark;
  /** Where requireUsable reports the unrecognised label values. */
  logger: Logger;
}

const META_COLUMNS: ColumnName[] = ['title', 'brand', 'category', 'currency', 'created_at', 'sold_at'];

type Pending = { record: ManifestRecord; problem?: Problem; label?: ClassName; path?: string };

/** What the first pass counts across rows: ids seen, and sold values outside the vocabulary. */
interface ScreenState {
  rows: number;
  seenIds: Set<string>;
  unrecognised: Map<string, { value: string; count: number }>;
}

/**
 * The cheap, order-dependent checks, in manifest order (the photo is opened later): a malformed
 * row, an empty id, a sold value outside the vocabulary (counted by value), a repeated id.
 */
async function* screenRecords(records: AsyncIterable<ManifestRecord>, columns: ColumnMap, vocabulary: ReturnType<typeof labelVocabulary>, state: ScreenState): AsyncGenerator<Pending> {
  for await (const record of records) {
    state.rows++;
    const f = record.fields;
    const id = (f[columns.id] ?? '').trim();
    const image = f[columns.image] ?? '';
    const problem = (reason: Problem['reason'], detail: string): Pending => ({ record, problem: { line: record.line, id, image, reason, detail } });
    if (record.malformed) {
      yield problem('bad_row', record.malformed);
      continue;
    }
    if (id === '') {
      yield problem('bad_row', msg.problem.emptyId(columns.id));
      continue;
    }
    const label = vocabulary.parse(f[columns.sold]);
    if (!label) {
      const value = f[columns.sold];
      if (value !== undefined) {
        const key = value.trim().toLowerCase();
        const entry = state.unrecognised.get(key) ?? { value: value.trim(), count: 0 };
        entry.count++;
        state.unrecognised.set(key, entry);
      }
      yield problem('bad_label', msg.problem.badLabel(columns.sold, value, vocabulary.accepted));
      continue;
    }
    if (state.seenIds.has(id)) {
      yield problem('duplicate_id', msg.problem.duplicateId(id));
      continue;
    }
    state.seenIds.add(id);
    yield { record, label };
  }
}

/** Prices last: "auto" decides the decimal mark over the whole column; an unparsable one is a bad_price problem. */
function readPrices(listings: Listing[], rawPrices: Map<Listing, string>, options: CheckOptions, problems: Problem[]): DecimalMark {
  const decimal = options.decimal && options.decimal !== 'auto' ? options.decimal : detectDecimal(listings.map((l) => rawPrices.get(l) ?? ''));
  for (const listing of listings) {
    const raw = rawPrices.get(listing) ?? '';
    const price = parsePrice(raw, decimal);
    if (price === undefined) continue;
    if (Number.isFinite(price)) listing.price = price;
    else problems.push({ line: listing.line, id: listing.id, image: listing.image, reason: 'bad_price', detail: msg.problem.badPrice(options.columns.price, raw, decimal) });
  }
  return decimal;
}

/** Pairs of kept photos within the near-duplicate distance, each named by its line and id. */
function nearDuplicatesOf(listings: Listing[], distance: number): NearDuplicate[] {
  return findNearDuplicates(listings.map((l) => BigInt(`0x${l.phash}`)), distance).map(({ a, b, distance }) => ({
    line: listings[b]!.line,
    id: listings[b]!.id,
    of_line: listings[a]!.line,
    of_id: listings[a]!.id,
    distance,
  }));
}

/**
 * Photos with the same bytes: the listing with the smallest id is kept, whatever the
 * manifest's order, so a shuffled manifest gives the same split.
 */
function keepOnePerPhoto(listing: Listing, sha256: string, seenBytes: Map<string, { listing: Listing; index: number }>, listings: Listing[], problems: Problem[]): void {
  const earlier = seenBytes.get(sha256);
  if (!earlier) {
    seenBytes.set(sha256, { listing, index: listings.length });
    listings.push(listing);
    return;
  }
  const [kept, dropped] = compareIds(earlier.listing.id, listing.id) <= 0 ? [earlier.listing, listing] : [listing, earlier.listing];
  problems.push({ line: dropped.line, id: dropped.id, image: dropped.image, reason: 'duplicate_image', detail: msg.problem.duplicateImage(kept.image, kept.line, kept.id) });
  if (kept === listing) {
    listings[earlier.index] = listing;
    earlier.listing = listing;
  }
}

export async function checkData(options: CheckOptions): Promise<CheckResult> {
  const { columns, logger } = options;
  let realRoot: string;
  try {
    realRoot = await realpath(options.images);
  } catch {
    throw new FileError(options.images, msg.imagesFolderMissing());
  }
  const vocabulary = labelVocabulary(options.labelValues);
  const state: ScreenState = { rows: 0, seenIds: new Set(), unrecognised: new Map() };
  const seenBytes = new Map<string, { listing: Listing; index: number }>();
  const problems: Problem[] = [];
  const listings: Listing[] = [];
  const rawPrices = new Map<Listing, string>();
  const grouped = new WeakSet<Listing>();
  const progress = logger.progress('checking photos', 0);
  const records = readManifest(options.manifest, { format: options.format, columns, delimiter: options.delimiter, logger });

  const inspected = mapOrdered(screenRecords(records, columns, vocabulary, state), options.concurrency, async (pending) => {
    if (pending.problem) return { pending };
    const image = pending.record.fields[columns.image] ?? '';
    const path = await resolveImagePath(realRoot, image);
    if (!path.ok) return { pending, failure: path };
    return { pending, result: await inspectImage(path.path, options.maxPixels) };
  });

  for await (const { pending, failure, result } of inspected) {
    progress.tick();
    const f = pending.record.fields;
    const id = (f[columns.id] ?? '').trim();
    const image = f[columns.image] ?? '';
    if (pending.problem) {
      problems.push(pending.problem);
      continue;
    }
    const bad = failure ?? (result && !result.ok ? result : undefined);
    if (bad) {
      problems.push({ line: pending.record.line, id, image, reason: bad.reason, detail: bad.detail });
      continue;
    }
    if (!result?.ok) continue;
    const listing = toListing(pending.record, id, image, pending.label!, result, columns);
    rawPrices.set(listing, f[columns.price] ?? '');
    if ((f[columns.group] ?? '').trim() !== '') grouped.add(listing);
    keepOnePerPhoto(listing, result.sha256, seenBytes, listings, problems);
  }
  progress.done();
  const decimal = readPrices(listings, rawPrices, options, problems);
  problems.sort((a, b) => a.line - b.line);

  const by_label = Object.fromEntries(CLASSES.map((c) => [c, listings.filter((l) => l.label === c).length])) as Record<ClassName, number>;
  const unrecognised_labels = [...state.unrecognised.values()].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const grouped_by = listings.some((l) => grouped.has(l)) ? columns.group : null;
  const near_duplicates = nearDuplicatesOf(listings, options.nearDuplicateDistance);
  return { rows: state.rows, usable: listings.length, by_label, problems, near_duplicates, listings, unrecognised_labels, grouped_by, decimal, logger };
}

/** Ids in natural order (r9 before r10), then by code units, so every tie is broken. */
const naturalOrder = new Intl.Collator('en', { numeric: true });
function compareIds(a: string, b: string): number {
  return naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function toListing(record: ManifestRecord, id: string, image: string, label: ClassName, result: { sha256: string; phash: bigint; width: number; height: number }, columns: ColumnMap): Listing {
  const f = record.fields;
  const listing: Listing = {
    line: record.line,
    id,
    image,
    label,
    group: (f[columns.group] ?? '').trim() || id,
    sha256: result.sha256,
    phash: result.phash.toString(16).padStart(16, '0'),
    width: result.width,
    height: result.height,
    extra: {},
  };
  for (const column of META_COLUMNS) {
    const value = f[columns[column]];
    if (value !== undefined && value !== '') listing[column as 'title'] = value;
  }
  const known = new Set(Object.values(columns));
  for (const [key, value] of Object.entries(f)) if (!known.has(key)) listing.extra[key] = value;
  return listing;
}

/** The check-data contract: the JSON `study check-data --json` prints. */
export function checkReport(result: CheckResult) {
  return {
    rows: result.rows,
    usable: result.usable,
    by_label: result.by_label,
    problems: result.problems,
    near_duplicates: result.near_duplicates,
    unrecognised_labels: result.unrecognised_labels,
  };
}

/** Each class needs this many usable rows on each side of the split (train, validation, test when held out). */
export const MIN_PER_CLASS_PER_SIDE = 2;
const UNRECOGNISED_SHOWN = 10;

/** One line per unrecognised label value ("143 rows have 'AVAILABLE': map it under dataset.label_values"). */
export function unrecognisedLabelLines(result: Pick<CheckResult, 'unrecognised_labels'>): string[] {
  const shown = result.unrecognised_labels.slice(0, UNRECOGNISED_SHOWN).map((u) => msg.unrecognisedLabel(u.count, u.value));
  const rest = result.unrecognised_labels.slice(UNRECOGNISED_SHOWN);
  if (rest.length) shown.push(msg.unrecognisedLabelsMore(rest.length, rest.reduce((n, u) => n + u.count, 0)));
  return shown;
}

/**
 * Stops with a file-level error when nothing is usable, or when a class has fewer usable rows
 * than MIN_PER_CLASS_PER_SIDE for each of `sides` sides of the split (naming the counts and the
 * unrecognised label values); otherwise ends the check's output with one warning per
 * unrecognised label value.
 */
export function requireUsable(result: CheckResult, manifest: string, sides = 2): void {
  const unrecognised = unrecognisedLabelLines(result);
  if (result.usable === 0 && unrecognised.length === 0) {
    const counts = new Map<string, number>();
    for (const p of result.problems) counts.set(p.reason, (counts.get(p.reason) ?? 0) + 1);
    const summary = [...counts].map(([r, n]) => `${n} ${r}`).join(', ');
    throw new FileError(manifest, msg.noUsableRow(result.rows, summary));
  }
  const minimum = MIN_PER_CLASS_PER_SIDE * sides;
  if (CLASSES.some((c) => result.by_label[c] < minimum)) {
    const counts = CLASSES.map((c) => `${c} ${result.by_label[c]}`).join(', ');
    throw new FileError(manifest, msg.classTooSmall(counts, minimum, unrecognised));
  }
  for (const line of unrecognised) result.logger.warn(line);
}
