/** Reads the CSV `study evaluate` takes: y_true, and y_score and/or y_pred. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { FileError } from '../core/errors.ts';
import { readCsvRecords } from '../data/csv.ts';
import { parseLabel } from '../data/labels.ts';

export async function readPredictions(path: string): Promise<{ yTrue: number[]; scores?: number[]; predictions?: number[] }> {
  try {
    await access(path);
  } catch {
    throw new FileError(path, 'predictions file not found');
  }
  let header: string[] | undefined;
  const yTrue: number[] = [];
  const scores: number[] = [];
  const predictions: number[] = [];
  for await (const record of readCsvRecords(createReadStream(path))) {
    if (!header) {
      header = record.fields.map((f) => f.trim());
      if (!header.includes('y_true')) throw new FileError(path, `no 'y_true' column (found: ${header.join(', ')})`, 1);
      if (!header.includes('y_score') && !header.includes('y_pred')) throw new FileError(path, "needs a 'y_score' or a 'y_pred' column", 1);
      continue;
    }
    const get = (name: string) => record.fields[header!.indexOf(name)];
    const label = (name: string) => {
      const value = get(name);
      const parsed = parseLabel(value);
      if (!parsed) throw new FileError(path, `${name} is ${JSON.stringify(value)}: expected 0/1 (or true/false, sold/not_sold, yes/no)`, record.line);
      return parsed === 'sold' ? 1 : 0;
    };
    yTrue.push(label('y_true'));
    if (header.includes('y_score')) {
      const score = Number(get('y_score'));
      if (!Number.isFinite(score)) throw new FileError(path, `y_score is ${JSON.stringify(get('y_score'))}: expected a number`, record.line);
      scores.push(score);
    }
    if (header.includes('y_pred')) predictions.push(label('y_pred'));
  }
  if (!header) throw new FileError(path, 'empty file');
  if (yTrue.length === 0) throw new FileError(path, 'no rows');
  return { yTrue, scores: header.includes('y_score') ? scores : undefined, predictions: header.includes('y_pred') ? predictions : undefined };
}
