/**
 * Streams a manifest (CSV, JSONL or a JSON array of objects) as records with their line numbers: a 500,000-row file is
 * never read as one string. Field names are mapped through the config's `dataset.columns`.
 * Before the first record is handed on, the header (CSV) or the first object's keys (JSONL)
 * are checked: every required column, and every column `dataset.columns` maps to a name of
 * its own, must be there, so a misspelt mapping stops the run before any photo is read.
 */
import { createReadStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { basename, extname } from 'node:path';
import { FileError } from '../core/errors.ts';
import type { ColumnMap, ColumnName, DelimiterSetting } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';
import { JsonArraySyntaxError, readJsonArray } from './json-array.ts';
import { CsvSyntaxError, DELIMITERS, delimiterCounts, detectDelimiter, readCsvRecords } from './csv.ts';
import { editDistance } from '../core/did-you-mean.ts';
import * as msg from '../core/messages.ts';

export const REQUIRED_COLUMNS = ['id', 'image', 'sold'] as const satisfies readonly ColumnName[];

export interface ManifestRecord {
  /** 1-based line where the record starts (CSV header = line 1). */
  line: number;
  /** Every field of the record, by its name in the file. */
  fields: Record<string, string>;
  /** Set when the record itself is malformed (bad JSON, too many fields ...). */
  malformed?: string;
}

export interface ManifestOptions {
  format: ManifestFormat;
  columns: ColumnMap;
  delimiter?: DelimiterSetting;
  logger?: Logger;
}

export type ManifestFormat = 'auto' | 'csv' | 'jsonl' | 'json';

export function manifestFormat(path: string, format: ManifestFormat): Exclude<ManifestFormat, 'auto'> {
  if (format !== 'auto') return format;
  return ['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv';
}

/** The first 64 KiB of the file as text, without a BOM. */
async function head(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return new TextDecoder('utf-8').decode(buffer.subarray(0, bytesRead)).replace(/^\ufeff/, '');
  } finally {
    await handle.close();
  }
}

/**
 * The format to read: by extension, and a `.json` file by its first character and line: `[`
 * is an array of objects, a line that is an object is JSONL.
 */
async function chooseFormat(path: string, format: ManifestFormat, logger: Logger | undefined): Promise<Exclude<ManifestFormat, 'auto'>> {
  const byExtension = manifestFormat(path, format);
  if (format !== 'auto' || extname(path).toLowerCase() !== '.json') return byExtension;
  const first = (await head(path)).split(/\r\n|\r|\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  if (first.startsWith('[')) return 'json';
  try {
    const value: unknown = JSON.parse(first);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      logger?.warn(msg.jsonReadAsJsonl(basename(path)));
      return 'jsonl';
    }
  } catch {
    // not JSON: read as CSV, whose header check says what is wrong
  }
  return 'csv';
}

const DELIMITER_OF: Record<DelimiterSetting, string | undefined> = { auto: undefined, ',': ',', ';': ';', tab: '\t', pipe: '|' };
const SETTING_OF: Record<string, string> = { ',': ',', ';': ';', '\t': 'tab', '|': 'pipe' };
const delimiterName = (d: string) => (d === '\t' ? 'tabs' : `'${d}'`);

export async function* readManifest(path: string, options: ManifestOptions): AsyncGenerator<ManifestRecord> {
  try {
    await access(path);
  } catch {
    throw new FileError(path, msg.fileNotFound('manifest'));
  }
  const format = await chooseFormat(path, options.format, options.logger);
  if (format === 'jsonl') yield* readJsonl(path, options);
  else if (format === 'json') yield* readJsonArrayManifest(path, options);
  else yield* readCsv(path, options);
}

/**
 * The found column most like `name`: one containing the other (seller / seller_id), else one
 * sharing a word (price_usd / price_eur), else one within a few edits.
 */
export function closestColumn(name: string, found: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const n = norm(name);
  const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  const nameWords = new Set(words(name));
  if (n === '') return undefined;
  let best: { column: string; score: number } | undefined;
  for (const column of found) {
    const c = norm(column);
    if (c === '') continue;
    const contains = c.includes(n) || n.includes(c);
    const edits = editDistance(n, c);
    const sharesWord = words(column).some((w) => nameWords.has(w));
    const score = contains ? Math.abs(c.length - n.length) / 100 : sharesWord ? 1 + edits / 100 : edits + 1;
    if (!contains && !sharesWord && edits > Math.max(2, Math.floor(n.length / 3))) continue;
    if (!best || score < best.score) best = { column, score };
  }
  return best?.column;
}

/**
 * Every column `dataset.columns` names must exist. A key counts when it maps to a name other
 * than its own (the default): an optional column left at its default may be absent.
 */
export function checkMappedColumns(path: string, found: readonly string[], columns: ColumnMap, line?: number): void {
  for (const [key, value] of Object.entries(columns) as [ColumnName, string][]) {
    if ((REQUIRED_COLUMNS as readonly string[]).includes(key) || value === key || found.includes(value)) continue;
    throw new FileError(path, msg.mappedColumnMissing(key, value, found, closestColumn(value, found)), line);
  }
}

async function* readCsv(path: string, options: ManifestOptions): AsyncGenerator<ManifestRecord> {
  const { columns } = options;
  const firstLine = (await head(path)).split(/\r\n|\r|\n/)[0] ?? '';
  const delimiter = DELIMITER_OF[options.delimiter ?? 'auto'] ?? detectDelimiter(firstLine);
  let header: string[] | undefined;
  try {
    for await (const record of readCsvRecords(createReadStream(path), delimiter)) {
      if (!header) {
        header = record.fields.map((f) => f.trim());
        const missing = REQUIRED_COLUMNS.filter((c) => !header!.includes(columns[c]));
        if (missing.length > 0) {
          const counts = delimiterCounts(firstLine);
          const others = DELIMITERS.filter((d) => d !== delimiter && counts.get(d)! > 0).map((d) => SETTING_OF[d]!);
          throw new FileError(
            path,
            msg.manifestColumnsMissing(missing.map((c) => `'${columns[c]}'${columns[c] !== c ? ` (${c})` : ''}`), header, delimiterName(delimiter), others),
            1,
          );
        }
        checkMappedColumns(path, header, columns, 1);
        continue;
      }
      const fields: Record<string, string> = {};
      header.forEach((name, i) => (fields[name] = record.fields[i] ?? ''));
      // Too many fields or too few: the row does not line up with the header (bad_row), rather
      // than a missing field read as an empty value ("'sold' is \"\"").
      const malformed = record.fields.length !== header.length ? msg.problem.fieldCount(record.fields.length, header.length) : undefined;
      yield { line: record.line, fields, malformed };
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileError(path, error.message, error.line);
    if (error instanceof FileError) throw error;
    throw new FileError(path, msg.cannotRead((error as Error).message, 'the manifest'));
  }
  if (!header) throw new FileError(path, msg.manifestEmpty());
}

/** One parsed JSON value as a record: an object's values as strings, anything else malformed. */
function objectRecord(value: unknown, line: number): ManifestRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { line, fields: {}, malformed: msg.problem.notJsonObject() };
  const fields: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) fields[key] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return { line, fields };
}

function parseRecord(text: string, line: number): ManifestRecord {
  try {
    return objectRecord(JSON.parse(text), line);
  } catch (error) {
    return { line, fields: {}, malformed: msg.problem.notJson((error as Error).message) };
  }
}

/** Checks the first well-formed record's keys against the column mapping, then passes records on. */
async function* checkedRecords(path: string, options: ManifestOptions, records: AsyncIterable<ManifestRecord>): AsyncGenerator<ManifestRecord> {
  let checked = false;
  for await (const record of records) {
    if (!checked && !record.malformed) {
      checked = true;
      checkMappedColumns(path, Object.keys(record.fields), options.columns, record.line);
    }
    yield record;
  }
}

async function* readJsonl(path: string, options: ManifestOptions): AsyncGenerator<ManifestRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  async function* records(): AsyncGenerator<ManifestRecord> {
    for await (const text of lines) {
      line++;
      const trimmed = (line === 1 ? text.replace(/^\ufeff/, '') : text).trim();
      if (trimmed !== '') yield parseRecord(trimmed, line);
    }
  }
  try {
    yield* checkedRecords(path, options, records());
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(path, msg.cannotRead((error as Error).message, 'the manifest'), line || undefined);
  }
}

/** A `.json` file holding one array of objects, element by element. */
async function* readJsonArrayManifest(path: string, options: ManifestOptions): AsyncGenerator<ManifestRecord> {
  async function* records(): AsyncGenerator<ManifestRecord> {
    for await (const element of readJsonArray(createReadStream(path, { encoding: 'utf8' }))) yield parseRecord(element.text, element.line);
  }
  try {
    yield* checkedRecords(path, options, records());
  } catch (error) {
    if (error instanceof FileError) throw error;
    if (error instanceof JsonArraySyntaxError) throw new FileError(path, msg.jsonArrayBroken(error.message), error.line);
    throw new FileError(path, msg.cannotRead((error as Error).message, 'the manifest'));
  }
}
