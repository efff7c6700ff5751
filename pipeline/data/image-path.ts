/**
 * Where a manifest's image path points, refusing anything that leaves the images root:
 * absolute paths, drive letters and UNC paths, `..` segments that climb out, and symlinks
 * whose target lies outside. Nothing outside the root is ever opened.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type PathResult =
  | { ok: true; path: string }
  | { ok: false; reason: 'outside_root' | 'missing' | 'not_an_image'; detail: string };

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

/** `realRoot` is the images root with its own symlinks resolved (realpath), computed once. */
export async function resolveImagePath(realRoot: string, imagePath: string): Promise<PathResult> {
  const raw = imagePath.trim();
  if (raw === '') return { ok: false, reason: 'missing', detail: 'the image path is empty' };
  if (raw.includes('\0')) return { ok: false, reason: 'outside_root', detail: 'the path contains a NUL byte' };
  // Manifests made on Windows use backslashes; a drive letter or UNC prefix is absolute there.
  const normalised = raw.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised) || /^[a-z][a-z0-9+.-]*:\/\//i.test(normalised)) {
    return { ok: false, reason: 'outside_root', detail: `absolute path ${JSON.stringify(raw)}: paths must be relative to the images root` };
  }
  const candidate = resolve(realRoot, normalised);
  if (!inside(realRoot, candidate)) {
    return { ok: false, reason: 'outside_root', detail: `${JSON.stringify(raw)} leaves the images root` };
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, reason: 'missing', detail: `no file at ${JSON.stringify(raw)} under the images root` };
  }
  if (!inside(realRoot, real)) {
    return { ok: false, reason: 'outside_root', detail: `${JSON.stringify(raw)} is a link to a file outside the images root` };
  }
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, reason: 'not_an_image', detail: `${JSON.stringify(raw)} is not a file` };
  return { ok: true, path: real };
}
