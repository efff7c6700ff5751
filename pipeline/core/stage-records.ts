/**
 * What the runner remembers of each stage between builds: its record (read back here), whether
 * its recorded outputs are still on disk unchanged, and the fingerprints of its external inputs.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { hashFile } from './hash.ts';
import type { FileHashes } from './file-hashes.ts';
import type { StageRecord } from '../stage-types.ts';

export async function readRecord(dir: string, name: string): Promise<StageRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as StageRecord;
  } catch {
    return undefined;
  }
}

/**
 * True when every recorded output is still there with the same content. Size and mtime are
 * checked first; a file whose mtime moved is re-hashed (touching a file does not invalidate).
 */
export async function refreshOutputs(record: StageRecord, root: string): Promise<boolean> {
  for (const [path, expected] of Object.entries(record.outputs)) {
    let info;
    try {
      info = await stat(resolve(root, path));
    } catch {
      return false;
    }
    if (info.size !== expected.size) return false;
    if (info.mtimeMs !== expected.mtimeMs && (await hashFile(resolve(root, path))) !== expected.sha256) return false;
  }
  return true;
}

/** Content fingerprints of a stage's external inputs, keyed by their path within the project. */
export async function fingerprintInputs(paths: string[], root: string, hashes: FileHashes): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const path of paths) {
    const rel = relative(root, path);
    // Inputs outside the project are keyed by name only, so a moved project fingerprints alike.
    const key = rel.startsWith('..') || isAbsolute(rel) ? `external:${basename(path)}` : rel.split(sep).join('/');
    result[key] = await hashes.fingerprint(path);
  }
  return result;
}
