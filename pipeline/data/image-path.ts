/**
 * Where a manifest's image path points, refusing anything that leaves the images root:
 * absolute paths, drive letters and UNC paths, `..` segments that climb out, and symlinks
 * whose target lies outside. Nothing outside the root is ever opened.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as msg from '../core/messages.ts';

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
  if (raw === '') return { ok: false, reason: 'missing', detail: msg.problem.emptyPath() };
  if (raw.includes('\0')) return { ok: false, reason: 'outside_root', detail: msg.problem.nulByte() };
  // Manifests made on Windows use backslashes; a drive letter or UNC prefix is absolute there.
  const normalised = raw.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised) || /^[a-z][a-z0-9+.-]*:\/\//i.test(normalised)) {
    return { ok: false, reason: 'outside_root', detail: msg.problem.absolutePath(raw) };
  }
  const candidate = resolve(realRoot, normalised);
  if (!inside(realRoot, candidate)) {
    return { ok: false, reason: 'outside_root', detail: msg.problem.leavesRoot(raw) };
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, reason: 'missing', detail: msg.problem.missingFile(raw) };
  }
  if (!inside(realRoot, real)) {
    return { ok: false, reason: 'outside_root', detail: msg.problem.linkOutside(raw) };
  }
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, reason: 'not_an_image', detail: msg.problem.notAFile(raw) };
  return { ok: true, path: real };
}
