/**
 * The run lock tells a dead holder from a live one: a zombie, a recycled pid, a holder from
 * before a reboot or a gone one is taken over with one line; a live holder refuses the run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, currentHolder, holderState, parseHolder, systemProbe, type ProcessProbe } from '../pipeline/core/run-lock.ts';

const hasProc = existsSync('/proc/self/stat');

async function lockWith(content: string): Promise<string> {
  const cache = await mkdtemp(join(tmpdir(), 'study-lock-'));
  await writeFile(join(cache, 'run.lock'), content);
  return cache;
}

async function take(cache: string, probe?: ProcessProbe): Promise<{ lines: string[]; release: () => Promise<void> }> {
  const lines: string[] = [];
  const release = await acquireLock(cache, { notice: (line) => lines.push(line), ...(probe ? { probe } : {}) });
  return { lines, release };
}

test('the lock records pid, host and, with /proc, the start time and boot id', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'study-lock-'));
  const { release } = await take(cache);
  const holder = parseHolder(await readFile(join(cache, 'run.lock'), 'utf8'));
  assert.equal(holder?.pid, process.pid);
  assert.ok(holder?.host);
  if (hasProc) {
    assert.match(holder?.start_time ?? '', /^\d+$/);
    assert.match(holder?.boot_id ?? '', /\w/);
  }
  await release();
  assert.equal(existsSync(join(cache, 'run.lock')), false);
});

test('a live holder refuses the run', async () => {
  const cache = await lockWith(JSON.stringify(currentHolder()));
  await assert.rejects(take(cache), /another study run \(pid \d+\) is working in this project/);
});

test('a zombie holder is taken over, with one line saying so', { skip: !hasProc && 'no /proc' }, async () => {
  // sh execs sleep, which never reaps the background child: that child stays a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d).trim()))));
    let state = '';
    for (let i = 0; i < 100 && state !== 'Z'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      state = systemProbe.stat(zombie)?.state ?? '';
    }
    assert.equal(state, 'Z', 'the child became a zombie');
    assert.equal(systemProbe.exists(zombie), true, 'kill(pid, 0) accepts a zombie');
    const cache = await lockWith(String(zombie)); // the format before: a bare pid
    const { lines, release } = await take(cache);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`taking over the run lock .*run\\.lock: the study run that held it \\(pid ${zombie}\\) has exited \\(a zombie not yet reaped\\)`));
    assert.equal(parseHolder(await readFile(join(cache, 'run.lock'), 'utf8'))?.pid, process.pid);
    await release();
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a pid now held by another process (start time differs) is taken over', { skip: !hasProc && 'no /proc' }, async () => {
  const cache = await lockWith(JSON.stringify({ ...currentHolder(), start_time: '1' }));
  const { lines, release } = await take(cache);
  assert.deepEqual(lines.length, 1);
  assert.match(lines[0]!, /\(pid \d+\) has exited \(its pid now belongs to another process\)/);
  await release();
});

test('a holder from before a reboot (boot id differs) is taken over', { skip: !hasProc && 'no /proc' }, async () => {
  const cache = await lockWith(JSON.stringify({ ...currentHolder(), boot_id: 'another-boot' }));
  const { lines } = await take(cache);
  assert.match(lines[0]!, /ran before the machine restarted/);
});

test('a gone holder is taken over; an unparsable lock too', async () => {
  const gone = { exists: () => false, stat: () => undefined, bootId: () => undefined, host: () => 'h' } satisfies ProcessProbe;
  const { lines } = await take(await lockWith(JSON.stringify({ pid: 424242, host: 'h' })), gone);
  assert.match(lines[0]!, /\(pid 424242\) no longer runs/);
  const other = await take(await lockWith('not a lock'));
  assert.match(other.lines[0]!, /it names no process/);
});

test('without /proc the kill(pid, 0) check decides, as before', () => {
  const noProc = (alive: boolean): ProcessProbe => ({ exists: () => alive, stat: () => undefined, bootId: () => undefined, host: () => 'h' });
  assert.deepEqual(holderState({ pid: 5, host: 'h', start_time: '9', boot_id: 'b' }, noProc(true)), { alive: true });
  assert.deepEqual(holderState({ pid: 5 }, noProc(false)), { alive: false, why: 'gone' });
});

test('a holder on another host is not judged from here', async () => {
  const cache = await lockWith(JSON.stringify({ pid: 12, host: 'elsewhere-host' }));
  await assert.rejects(take(cache), /pid 12 on host elsewhere-host/);
});
