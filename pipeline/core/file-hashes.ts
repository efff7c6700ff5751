/**
 * Content fingerprints of input files and folders, so that a stage's fingerprint depends on
 * what the inputs contain, never on when they were written: two clean clones fingerprint
 * alike. Hashes are remembered by (path, size, mtime, inode) in `<cache>/stages/file-hashes.json`,
 * so an unchanged folder of 100,000 photos costs a stat per file, not a read.
 * Symbolic links are fingerprinted by their target path and never followed: an input folder
 * may hold a link that points outside it, and nothing outside is read.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hashFile, hashValue } from './hash.ts';
import { writeJsonAtomic } from './atomic.ts';

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export class FileHashes {
  private entries = new Map<string, Entry>();
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async load(file: string): Promise<FileHashes> {
    const hashes = new FileHashes(file);
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, Entry>;
      hashes.entries = new Map(Object.entries(raw));
    } catch {
      // No cache yet (or unreadable): everything is hashed once.
    }
    return hashes;
  }

  async hashFile(path: string): Promise<string> {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return hashValue({ link: await readlink(path) });
    const known = this.entries.get(path);
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs && known.ino === info.ino) return known.sha256;
    const sha256 = await hashFile(path);
    this.entries.set(path, { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, sha256 });
    this.dirty = true;
    return sha256;
  }

  /** A file's content hash, a folder's hash over (relative path, content hash), or 'missing'. */
  async fingerprint(path: string): Promise<string> {
    let info;
    try {
      info = await lstat(path);
    } catch {
      return 'missing';
    }
    if (!info.isDirectory()) return this.hashFile(path);
    const entries: [string, string][] = [];
    for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
      if (entry.isDirectory()) continue;
      const full = join(entry.parentPath, entry.name);
      entries.push([relative(path, full).split(sep).join('/'), await this.hashFile(full)]);
    }
    return hashValue(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  async save(): Promise<void> {
    if (this.dirty) await writeJsonAtomic(this.file, Object.fromEntries(this.entries));
    this.dirty = false;
  }
}
