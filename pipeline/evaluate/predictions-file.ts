/** Reads the CSV `study evaluate` takes: y_true, and y_score and/or y_pred. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { FileError } from '../core/errors.ts';
import { readCsvRecords } from '../data/csv.ts';
import { parseLabel } from '../data/labels.ts';
import * as msg from '../core/messages.ts';

export async function readPredictions(path: string): Promise<{ yTrue: number[]; scores?: number[]; predictions?: number[] }> {
  try {
    await access(path);
  } catch {
    throw new FileError(path, msg.fileNotFound('predictions file'));
  }
  let header: string[] | undefined;
  const yTrue: number[] = [];
  const scores: number[] = [];
  const predictions: number[] = [];
  for await (const record of readCsvRecords(createReadStream(path))) {
    if (!header) {
      header = record.fields.map((f) => f.trim());
      if (!header.includes('y_true')) throw new FileError(path, msg.predictionsNoColumn(header), 1);
      if (!header.includes('y_score') && !header.includes('y_pred')) throw new FileError(path, msg.predictionsNeedScore(header), 1);
      continue;
    }
    const get = (name: string) => record.fields[header!.indexOf(name)];
    const label = (name: string) => {
      const value = get(name);
      const parsed = parseLabel(value);
      if (!parsed) throw new FileError(path, msg.badLabelValue(name, value), record.line);
      return parsed === 'sold' ? 1 : 0;
    };
    yTrue.push(label('y_true'));
    if (header.includes('y_score')) {
      const score = Number(get('y_score'));
      if (!Number.isFinite(score)) throw new FileError(path, msg.badScore(get('y_score')), record.line);
      scores.push(score);
    }
    if (header.includes('y_pred')) predictions.push(label('y_pred'));
  }
  if (!header) throw new FileError(path, msg.emptyFile());
  if (yTrue.length === 0) throw new FileError(path, msg.noRows());
  return { yTrue, scores: header.includes('y_score') ? scores : undefined, predictions: header.includes('y_pred') ? predictions : undefined };
}
