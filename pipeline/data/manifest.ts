/**
 * Streams a manifest (CSV or JSONL) as records with their line numbers: a 500,000-row file is
 * never read as one string. Field names are mapped through the config's `dataset.columns`.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { FileError } from '../core/errors.ts';
import type { ColumnMap, ColumnName } from '../core/config-types.ts';
import { CsvSyntaxError, readCsvRecords } from './csv.ts';
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

export function manifestFormat(path: string, format: 'auto' | 'csv' | 'jsonl'): 'csv' | 'jsonl' {
  if (format !== 'auto') return format;
  return ['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv';
}

export async function* readManifest(path: string, format: 'auto' | 'csv' | 'jsonl', columns: ColumnMap): AsyncGenerator<ManifestRecord> {
  try {
    await access(path);
  } catch {
    throw new FileError(path, msg.fileNotFound('manifest'));
  }
  if (manifestFormat(path, format) === 'jsonl') yield* readJsonl(path);
  else yield* readCsv(path, columns);
}

async function* readCsv(path: string, columns: ColumnMap): AsyncGenerator<ManifestRecord> {
  let header: string[] | undefined;
  try {
    for await (const record of readCsvRecords(createReadStream(path))) {
      if (!header) {
        header = record.fields.map((f) => f.trim());
        const missing = REQUIRED_COLUMNS.filter((c) => !header!.includes(columns[c]));
        if (missing.length > 0) {
          throw new FileError(
            path,
            msg.manifestColumnsMissing(missing.map((c) => `'${columns[c]}'${columns[c] !== c ? ` (${c})` : ''}`), header),
            1,
          );
        }
        continue;
      }
      const fields: Record<string, string> = {};
      header.forEach((name, i) => (fields[name] = record.fields[i] ?? ''));
      const malformed =
        record.fields.length > header.length
          ? msg.problem.extraFields(record.fields.length, header.length)
          : undefined;
      yield { line: record.line, fields, malformed };
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileError(path, error.message, error.line);
    if (error instanceof FileError) throw error;
    throw new FileError(path, msg.cannotRead((error as Error).message, 'the manifest'));
  }
  if (!header) throw new FileError(path, msg.manifestEmpty());
}

async function* readJsonl(path: string): AsyncGenerator<ManifestRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const trimmed = (line === 1 ? text.replace(/^\ufeff/, '') : text).trim();
      if (trimmed === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        yield { line, fields: {}, malformed: `not valid JSON (${(error as Error).message})` };
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        yield { line, fields: {}, malformed: 'not a JSON object' };
        continue;
      }
      const fields: Record<string, string> = {};
      for (const [key, v] of Object.entries(value)) fields[key] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      yield { line, fields };
    }
  } catch (error) {
    throw new FileError(path, msg.cannotRead((error as Error).message, 'the manifest'), line || undefined);
  }
}
