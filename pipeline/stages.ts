/**
 * The stage runner: decides order and caching; stages only compute and hand back outputs.
 *
 *   fingerprint(stage) = hash(name, code version, config slice, external inputs,
 *                             content hashes of upstream outputs)
 *
 * A stage whose recorded fingerprint matches and whose recorded outputs are still on disk is
 * skipped. Every output is written to a temporary sibling and renamed only after the stage
 * has finished, so a crash (even SIGKILL) leaves the previous outputs intact; the record in
 * `<cache>/stages/<name>.json` is written last, so an interrupted stage simply runs again.
 */
import { rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { canonicalJson, hashFile, hashValue } from './core/hash.ts';
import { writeJsonAtomic } from './core/atomic.ts';
import { acquireLock, sweepTemporaries } from './core/run-lock.ts';
import { StudyError } from './core/errors.ts';
import { UsageError } from './core/options.ts';
import { auditedConfig, createContext } from './stage-context.ts';
import { assertContract } from './core/data-contract.ts';
import { declaredPaths, undeclared } from './core/config-audit.ts';
import type { RunData } from './contracts.ts';
import type { RunOptions, StageDefinition, StageRecord, StageReport } from './stage-types.ts';
import { FileHashes } from './core/file-hashes.ts';
import { keepingLog, type Logger } from './core/effects.ts';
import { fingerprintInputs, readRecord, refreshOutputs } from './core/stage-records.ts';
import type { LoadedConfig, StudyConfig } from './core/config-types.ts';
import * as msg from './core/messages.ts';

export function orderStages(stages: StageDefinition[]): StageDefinition[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const ordered: StageDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (stage: StageDefinition, path: string[]) => {
    if (state.get(stage.name) === 'done') return;
    if (state.get(stage.name) === 'visiting') throw new StudyError(msg.stageCycle([...path, stage.name]));
    state.set(stage.name, 'visiting');
    for (const upstream of stage.after ?? []) {
      const dep = byName.get(upstream);
      if (!dep) throw new StudyError(msg.unknownUpstream(stage.name, upstream));
      visit(dep, [...path, stage.name]);
    }
    state.set(stage.name, 'done');
    ordered.push(stage);
  };
  for (const stage of stages) visit(stage, []);
  return ordered;
}

export async function runStages(stages: StageDefinition[], loaded: LoadedConfig, options: RunOptions): Promise<StageReport[]> {
  const ordered = orderStages(stages);
  if (options.only && !ordered.some((s) => s.name === options.only)) {
    throw new UsageError(msg.noSuchStage(options.only, ordered.map((s) => s.name)));
  }
  // The study's own graph reads the manifest, the photos and the weights, and the site needs
  // the content folder: a missing one fails here, before any stage runs or any output is written.
  const recordsDir = join(loaded.resolved.cache, 'stages');
  const release = await acquireLock(loaded.resolved.cache);
  try {
    // Temporaries left by a killed run (this lock guarantees none belongs to a live one).
    for (const dir of [loaded.resolved.data, loaded.resolved.assets, loaded.resolved.cache]) await sweepTemporaries(dir);
    return await runOrdered(ordered, loaded, options, recordsDir);
  } finally {
    await release();
  }
}

/**
 * Runs one stage with its writes staged to temporary files (removed if it fails); under
 * strictConfig, a read of a setting outside its declared slice fails it.
 */
async function executeStage(stage: StageDefinition, loaded: LoadedConfig, options: RunOptions, fingerprint: string): Promise<{ notes: Record<string, unknown>; staged: Map<string, string> }> {
  const staged = new Map<string, string>(); // final path -> temporary path
  const reads = new Set<string>();
  // What the stage logs is kept in its notes: run.json's build log (Methods shows it).
  const log: string[] = [];
  const context = createContext(stage, options.strictConfig ? auditedConfig(loaded, reads) : loaded, fingerprint, keepingLog(options.logger, log, [loaded.root, loaded.base]), staged);
  try {
    await stage.run(context);
    context.notes.log = log;
    if (options.strictConfig) {
      const declared = stage.config ? declaredPaths(stage.config as (c: never) => unknown, loaded.config) : new Set<string>();
      const outside = undeclared(reads, new Set([...declared, ...(stage.tuning ?? [])]));
      if (outside.length) throw new StudyError(msg.configSliceLeak(stage.name, outside));
    }
  } catch (error) {
    await Promise.all([...staged.values()].map((tmp) => rm(tmp, { force: true })));
    throw error;
  }
  return { notes: context.notes, staged };
}

/**
 * Puts a stage's staged outputs in place, hashes them into its record, removes what its last
 * run wrote and this one did not, then writes the record.
 */
async function commitStage(stage: StageDefinition, loaded: LoadedConfig, staged: Map<string, string>, previous: StageRecord | undefined, record: StageRecord, recordsDir: string): Promise<void> {
  for (const [target, tmp] of staged) {
    await rename(tmp, target);
    const info = await stat(target);
    record.outputs[relative(loaded.root, target).split(sep).join('/')] = {
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256: await hashFile(target),
    };
  }
  // Outputs the previous run wrote and this one did not are stale: remove them, so that no
  // page shows results of a configuration that no longer applies. Before the record: a kill
  // in between leaves the old record, whose outputs no longer match, so the stage reruns.
  for (const path of Object.keys(previous?.outputs ?? {})) {
    if (!(path in record.outputs)) await rm(resolve(loaded.root, path), { force: true });
  }
  await writeJsonAtomic(join(recordsDir, `${stage.name}.json`), record);
  await stage.afterCommit?.(loaded);
}

async function runOrdered(ordered: StageDefinition[], loaded: LoadedConfig, options: RunOptions, recordsDir: string): Promise<StageReport[]> {
  const records = new Map<string, StageRecord>();
  const reports: StageReport[] = [];
  const fileHashes = await FileHashes.load(join(recordsDir, 'file-hashes.json'));

  const byName = new Map(ordered.map((s) => [s.name, s]));
  const needs = new Set<string>();
  const need = (name: string) => {
    for (const up of byName.get(name)?.after ?? []) if (!needs.has(up)) needs.add(up), need(up);
  };
  if (options.only) need(options.only);

  for (const stage of ordered) {
    const selected = !options.only || options.only === stage.name;
    if (!selected && !needs.has(stage.name)) {
      // Not asked for and not needed by what was: untouched, whatever state it is in.
      const previous = await readRecord(recordsDir, stage.name);
      reports.push({ name: stage.name, after: stage.after ?? [], fingerprint: previous?.fingerprint ?? '', status: 'skipped', seconds: 0, finished_at: null });
      options.logger.info(`[skipped] ${stage.name} (--only ${options.only})`);
      continue;
    }
    const upstream: Record<string, string> = {};
    for (const name of stage.after ?? []) {
      const record = records.get(name);
      if (!record) throw new StudyError(msg.upstreamIncomplete(stage.name, name));
      upstream[name] = hashValue(Object.fromEntries(Object.entries(record.outputs).map(([p, o]) => [p, o.sha256])));
    }
    const fingerprintWith = (inputs: Record<string, string>) =>
      hashValue({ name: stage.name, version: stage.version, config: stage.config?.(loaded.config) ?? null, inputs, upstream });
    const readInputs = () => fingerprintInputs(stage.inputs?.(loaded) ?? [], loaded.root, fileHashes);
    const inputs = await readInputs();
    const fingerprint = fingerprintWith(inputs);
    await fileHashes.save();
    const previous = await readRecord(recordsDir, stage.name);
    const fresh = previous?.fingerprint === fingerprint && (await refreshOutputs(previous, loaded.root));

    if (fresh && !(options.force && selected)) {
      records.set(stage.name, previous);
      reports.push({ name: stage.name, after: stage.after ?? [], fingerprint, status: 'cached', seconds: previous.seconds, finished_at: previous.finished_at ?? null, versions: previous.versions, notes: previous.notes });
      options.logger.info(`[cached] ${stage.name}`);
      continue;
    }
    if (!selected && previous && (await refreshOutputs(previous, loaded.root))) {
      // Needed by --only and its last outputs are there: they serve, even if out of date.
      records.set(stage.name, previous);
      reports.push({ name: stage.name, after: stage.after ?? [], fingerprint, status: 'skipped', seconds: 0, finished_at: null });
      options.logger.info(`[skipped] ${stage.name} (--only ${options.only}: its last outputs are used)`);
      continue;
    }
    // A needed stage without outputs runs, so that --only never fails for want of one.

    options.logger.info(`[${previous ? (previous.fingerprint === fingerprint ? 'forced' : 'stale') : 'missing'}] ${stage.name}: running`);
    const started = performance.now();
    const { notes, staged } = await executeStage(stage, loaded, options, fingerprint);
    await options.beforeCommit?.(stage.name);
    // An input the stage itself brought into being (weights downloaded into the cache) is part
    // of what it ran on: record the fingerprint of the inputs as they are now, so the next build
    // does not run it again for that, while one that still lacks them (offline) does.
    const inputsAfter = await readInputs();
    await fileHashes.save();
    const record: StageRecord = {
      name: stage.name,
      fingerprint: canonicalJson(inputsAfter) === canonicalJson(inputs) ? fingerprint : fingerprintWith(inputsAfter),
      seconds: (performance.now() - started) / 1000,
      finished_at: new Date().toISOString(),
      versions: options.versions,
      notes,
      outputs: {},
    };
    await commitStage(stage, loaded, staged, previous, record, recordsDir);
    records.set(stage.name, record);
    reports.push({ name: stage.name, after: stage.after ?? [], fingerprint: record.fingerprint, status: 'ran', seconds: record.seconds, finished_at: record.finished_at!, versions: record.versions, notes });
    options.logger.info(`[done] ${stage.name} in ${record.seconds.toFixed(1)}s`);
  }
  return reports;
}

/**
 * `_data/run.json`: what ran, with what, in which order (the one `_data` file that records
 * times). A cached stage keeps the seconds, date and versions of the run that made its outputs;
 * `version_changes` lists where those versions differ from this run's.
 */
export async function writeRunManifest(loaded: LoadedConfig, reports: StageReport[], versions: Record<string, string>): Promise<void> {
  const backend = reports.map((r) => r.notes?.backend).find((b) => typeof b === 'string') ?? null;
  const version_changes = reports.flatMap((r) =>
    r.status !== 'cached' || !r.versions
      ? []
      : Object.keys({ ...versions, ...r.versions })
          .filter((pkg) => r.versions![pkg] !== versions[pkg])
          .map((pkg) => ({ stage: r.name, package: pkg, made_with: r.versions![pkg] ?? null, now: versions[pkg] ?? null })),
  );
  const run: RunData = {
    schema: 2,
    backend,
    config_hash: hashValue(loaded.config),
    seed: loaded.config.seed,
    config: JSON.parse(canonicalJson(loaded.config)),
    stages: reports,
    versions,
    version_changes,
  };
  assertContract('run', run);
  await writeJsonAtomic(join(loaded.resolved.data, 'run.json'), run);
}
