/**
 * Where a manifest's image path points, refusing anything that leaves the images root:
 * absolute paths, drive letters and UNC paths, `..` segments that climb out, and symlinks
 * whose target lies outside. Nothing outside the root is ever opened. Names are compared under
 * Unicode NFC when the exact one is not there: a file stored decomposed (NFD, as macOS writes
 * it) is found from a manifest written composed, and the reverse.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
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
    const found = await findUnderNfc(realRoot, relative(realRoot, candidate));
    if (found === undefined) return { ok: false, reason: 'missing', detail: msg.problem.missingFile(raw) };
    try {
      real = await realpath(found);
    } catch {
      return { ok: false, reason: 'missing', detail: msg.problem.missingFile(raw) };
    }
  }
  if (!inside(realRoot, real)) {
    return { ok: false, reason: 'outside_root', detail: msg.problem.linkOutside(raw) };
  }
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, reason: 'not_an_image', detail: msg.problem.notAFile(raw) };
  return { ok: true, path: real };
}

/** Each folder's entries by their NFC name, for a few seconds (a run looks up many photos). */
const listings = new Map<string, { at: number; byNfc: Map<string, string> }>();
const LISTING_SECONDS = 5;
const LISTINGS_KEPT = 256;

async function entriesByNfc(dir: string): Promise<Map<string, string>> {
  const cached = listings.get(dir);
  if (cached && Date.now() - cached.at < LISTING_SECONDS * 1000) return cached.byNfc;
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const byNfc = new Map<string, string>();
  for (const name of names) if (!byNfc.has(name.normalize('NFC'))) byNfc.set(name.normalize('NFC'), name);
  if (listings.size >= LISTINGS_KEPT) listings.delete(listings.keys().next().value!);
  listings.set(dir, { at: Date.now(), byNfc });
  return byNfc;
}

/**
 * The path under `root` whose segments equal `rel`'s under NFC, segment by segment from the
 * root (`rel` is already inside it, with no `..`); undefined when a segment has no match.
 */
async function findUnderNfc(root: string, rel: string): Promise<string | undefined> {
  let path = root;
  for (const segment of rel.split(sep)) {
    if (segment === '' || segment === '.') continue;
    const name = (await entriesByNfc(path)).get(segment.normalize('NFC'));
    if (name === undefined) return undefined;
    path = join(path, name);
  }
  return path === root ? undefined : path;
}
