import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { parseSafetensors } from '../../pipeline/model/safetensors.ts';

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

/** Every file under `dir` (recursively), as paths. */
export const listFiles = walk;

/**
 * What a build produced, comparable across projects: every `_data` file but run.json (which
 * records timings and folder paths), a hash of every picture under assets/, and the trained
 * weights (the safetensors metadata names the run, whose fingerprint includes folder paths).
 */
export async function buildOutputs(root: string, data: string, assets: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(data)).filter((n) => n !== 'run.json').sort()) files[name] = await readFile(join(data, name), 'utf8');
  for (const path of (await walk(assets)).sort()) {
    files[`assets/${relative(assets, path)}`] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  const { tensors } = parseSafetensors(await readFile(join(root, '.cache/train/model.safetensors')));
  files.model = createHash('sha256')
    .update(JSON.stringify([...tensors].map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')])))
    .digest('hex');
  return files;
}
