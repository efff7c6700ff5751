/**
 * One pipeline run per project at a time, and the leftovers of a killed one: the lock file
 * holds the running process's identity (a dead holder's lock is taken over), and temporaries
 * (`.tmp-*`) that a killed run left are swept before anything is read.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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
 * What the lock file records: the pid, and what tells this process instance from a later one
 * given the same pid: its start time (clock ticks since boot, `/proc/<pid>/stat` field 22), the
 * boot id and the host name. Start time and boot id are absent where there is no `/proc`.
 */
export interface LockHolder {
  pid: number;
  host?: string;
  boot_id?: string;
  start_time?: string;
}

/** What the process table says about a pid; `undefined` fields are not knowable here. */
export interface ProcessProbe {
  /** Whether `kill(pid, 0)` accepts the pid (EPERM counts: the process exists). */
  exists(pid: number): boolean;
  /** The state letter and start time from `/proc/<pid>/stat`, or undefined without /proc. */
  stat(pid: number): { state: string; startTime: string } | undefined;
  bootId(): string | undefined;
  host(): string;
}

function readProcStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  if (fields.length < 20) return undefined;
  return { state: fields[0]!, startTime: fields[19]! };
}

export const systemProbe: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  stat: readProcStat,
  bootId() {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  },
  host: () => hostname(),
};

/** This process's identity as the lock file records it. */
export function currentHolder(probe: ProcessProbe = systemProbe): LockHolder {
  const stat = probe.stat(process.pid);
  const bootId = probe.bootId();
  return {
    pid: process.pid,
    host: probe.host(),
    ...(bootId ? { boot_id: bootId } : {}),
    ...(stat ? { start_time: stat.startTime } : {}),
  };
}

/** Reads a lock file's content: the JSON record, or a bare pid (the format before). */
export function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (typeof value?.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0) {
      return {
        pid: value.pid,
        ...(typeof value.host === 'string' ? { host: value.host } : {}),
        ...(typeof value.boot_id === 'string' ? { boot_id: value.boot_id } : {}),
        ...(typeof value.start_time === 'string' ? { start_time: value.start_time } : {}),
      };
    }
  } catch {
    // not a lock this project wrote
  }
  return undefined;
}

export type HolderState =
  | { alive: true; elsewhere?: string }
  | { alive: false; why: 'gone' | 'zombie' | 'rebooted' | 'recycled' };

/**
 * Whether the recorded holder still runs. A holder on another host cannot be checked from
 * here and counts as alive. Without /proc, only `kill(pid, 0)` decides (as before).
 */
export function holderState(holder: LockHolder, probe: ProcessProbe = systemProbe): HolderState {
  if (holder.host !== undefined && holder.host !== probe.host()) return { alive: true, elsewhere: holder.host };
  const bootId = probe.bootId();
  if (holder.boot_id !== undefined && bootId !== undefined && holder.boot_id !== bootId) return { alive: false, why: 'rebooted' };
  if (!probe.exists(holder.pid)) return { alive: false, why: 'gone' };
  const stat = probe.stat(holder.pid);
  if (stat === undefined) return { alive: true };
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return { alive: false, why: 'zombie' };
  if (holder.start_time !== undefined && holder.start_time !== stat.startTime) return { alive: false, why: 'recycled' };
  return { alive: true };
}

export interface LockOptions {
  probe?: ProcessProbe;
  /** Where the one line about a taken-over lock goes (stderr by default). */
  notice?: (line: string) => void;
}

/**
 * One pipeline run per project at a time: `<cache>/run.lock` holds the running process's
 * identity. A lock whose process is gone (killed), a zombie, a process from before a reboot or
 * a different process now holding the pid is taken over, with one line saying so.
 */
export async function acquireLock(cache: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const probe = options.probe ?? systemProbe;
  const notice = options.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const path = join(cache, 'run.lock');
  await mkdir(cache, { recursive: true });
  const mine = JSON.stringify(currentHolder(probe));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      // A run stopped by a signal (process.exit) leaves no lock behind either.
      const onExit = () => {
        try {
          if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', onExit);
      return async () => {
        process.removeListener('exit', onExit);
        // Remove only our own lock (a run that took ours over as stale keeps its own).
        if ((await readFile(path, 'utf8').catch(() => '')) === mine) await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let text = await readFile(path, 'utf8').catch(() => '');
    // The holder creates the file, then writes it: an empty file may be a lock being taken now.
    for (let wait = 0; wait < 5 && text.trim() === ''; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      text = await readFile(path, 'utf8').catch(() => '');
    }
    const holder = parseHolder(text);
    if (holder) {
      const state = holderState(holder, probe);
      if (state.alive) {
        throw new StudyError(state.elsewhere ? msg.runLockedElsewhere(holder.pid, state.elsewhere, path) : msg.runLocked(holder.pid, path));
      }
      notice(msg.staleLockTaken(holder.pid, msg.staleLockReasons[state.why], path));
    } else if (text !== '') {
      notice(msg.unreadableLockTaken(path));
    }
    // Remove it only if it is still the lock just judged (not one another run took meanwhile).
    if ((await readFile(path, 'utf8').catch(() => '')) === text) await rm(path, { force: true });
  }
  throw new StudyError(msg.runLockFailed(path));
}

