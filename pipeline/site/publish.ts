/**
 * Puts a built site in place of the previous one, file by file: each file is renamed over its
 * old copy (atomic per file), then what the new build no longer has is removed. The site folder
 * itself stays, so a static server started inside it keeps serving across rebuilds.
 */
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** Every file under `root` (links included, folders not), as '/'-separated paths relative to it; none when it is missing. */
export async function siteFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

export async function publishSite(built: string, site: string): Promise<void> {
  const fresh = await siteFiles(built);
  const keep = new Set(fresh);
  await mkdir(site, { recursive: true });
  for (const file of fresh) {
    const target = join(site, file);
    // A file of the old site where the new one has a folder on the way, or a folder where it has
    // a file, cannot be renamed over: it goes first.
    for (let up = dirname(file); up !== '.'; up = dirname(up)) {
      if ((await lstat(join(site, up)).catch(() => undefined))?.isFile()) await rm(join(site, up));
    }
    if ((await lstat(target).catch(() => undefined))?.isDirectory()) await rm(target, { recursive: true, force: true });
    await mkdir(dirname(target), { recursive: true });
    await rename(join(built, file), target);
  }
  for (const file of await siteFiles(site)) if (!keep.has(file)) await rm(join(site, file), { force: true });
  // Folders left empty by the removals, deepest first.
  const folders = (await readdir(site, { recursive: true, withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name));
  for (const folder of folders.sort((a, b) => b.length - a.length)) await rmdir(folder).catch(() => undefined);
  await rm(built, { recursive: true, force: true });
}
