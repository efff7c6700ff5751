/**
 * One pipeline run per project at a time, and the leftovers of a killed one: the lock file
 * holds the running process's pid (a dead holder's lock is taken over), and temporaries
 * (`.tmp-*`) that a killed run left are swept before anything is read.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPORARY_PREFIX } from './atomic.ts';
import { StudyError } from './errors.ts';
import * as msg from './messages.ts';

/** Removes every `.tmp-*` file or folder under `dir`, at any depth. */
export async function sweepTemporaries(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith(TEMPORARY_PREFIX)) await rm(path, { force: true, recursive: true });
    else if (entry.isDirectory()) await sweepTemporaries(path);
  }
}

/**
 * One pipeline run per project at a time: `<cache>/run.lock` holds the running process's pid.
 * A lock whose process is gone (killed) is taken over.
 */
export async function acquireLock(cache: string): Promise<() => Promise<void>> {
  const path = join(cache, 'run.lock');
  await mkdir(cache, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && processIsAlive(holder)) {
      throw new StudyError(msg.runLocked(holder, path));
    }
    await rm(path, { force: true });
  }
  throw new StudyError(msg.runLockFailed(path));
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
