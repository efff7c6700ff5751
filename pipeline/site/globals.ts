import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../core/config-types.ts';
import type { RunData, RunStage } from '../contracts.ts';
import { withoutMachinePaths } from '../core/public-text.ts';
import * as msg from '../core/messages.ts';

/** What every page may read as `study.*`: settings that change how the site is published, and Methods' record of the build. */
/** site.path_prefix as every URL is built from it: ending in one '/'. */
export function sitePathPrefix(loaded: LoadedConfig): string {
  return loaded.config.site.path_prefix.replace(/\/?$/, '/');
}

export function siteGlobals(loaded: LoadedConfig) {
  const { config } = loaded;
  return {
    title: config.title,
    simulated_labels: config.dataset.simulated_labels,
    thumbnails: config.site.thumbnails,
    noindex: config.site.noindex,
    seed: config.seed,
    methods: methodsRecord(loaded, readRun(loaded)),
  };
}

const packagedReference = fileURLToPath(new URL('../../_data/study_reference.json', import.meta.url));

/** The published study's own figures: the project's `_data/study_reference.json`, else the packaged one. */
export function studyReferencePath(loaded: LoadedConfig): string {
  const own = join(loaded.resolved.data, 'study_reference.json');
  return existsSync(own) ? own : packagedReference;
}

export function loadStudyReference(loaded: LoadedConfig): unknown {
  return JSON.parse(readFileSync(studyReferencePath(loaded), 'utf8'));
}

// ---- Methods: what built this site -------------------------------------------------------

function readRun(loaded: LoadedConfig): RunData | null {
  try {
    return JSON.parse(readFileSync(join(loaded.resolved.data, 'run.json'), 'utf8')) as RunData;
  } catch {
    return null;
  }
}

/** One step of the build and what computed it, as Methods lists them. */
export interface EngineRow {
  stage: string;
  step: string;
  engine: string;
  /** The engine's package and version, as the stage's run recorded them. */
  version: string;
  device: string;
}

/**
 * Methods' record of the build: the command and configuration file that built it (relative to
 * the project folder, where the command runs; a config kept beside its data outside the project
 * reads `../data/shop/study.json`, never an absolute path), the engines each step ran on, the
 * fallbacks taken, the build log, and the dataset's card when one sits beside the manifest.
 */
export function methodsRecord(loaded: LoadedConfig, run: RunData | null) {
  const configFile = relative(loaded.root, loaded.file).split('\\').join('/') || basename(loaded.file);
  const card = datasetCard(loaded);
  return {
    config_file: configFile,
    command: `npx study build --config ${configFile}`,
    dataset_card: card?.markdown ?? null,
    dataset_card_file: card?.file ?? null,
    engines: run ? engineRows(run) : [],
    /** The starting weights as their file counts them, own head included; null for random initialisation. */
    starting_weights: (run?.stages.find((s) => s.name === 'train')?.notes?.starting_weights as { parameters: number; outputs: number | null } | undefined) ?? null,
    fallbacks: run ? fallbacks(run) : [],
    build_log: run ? buildLog(run) : null,
  };
}

/**
 * The README.md beside the manifest, as Methods shows it: its headings under Methods' own
 * (`depth` levels down) and its links to files beside it kept as text (the site does not publish them).
 */
export function datasetCard(loaded: LoadedConfig, depth = 3): { markdown: string; file: string } | null {
  const path = join(dirname(loaded.resolved.manifest), 'README.md');
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8').replace(/(?<!!)\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#|\/)[^)\s]*\)/gi, '$1');
  // Shown relative to the configuration's folder, as the manifest path in the config is.
  return { markdown: demoteHeadings(text, depth), file: withoutMachinePaths(path, [loaded.base, loaded.root]) };
}

/** ATX headings `by` levels deeper (at most h6), fenced code left alone. */
export function demoteHeadings(markdown: string, by: number): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (fence === null || marker.startsWith(fence))) {
        fence = fence === null ? marker : null;
        return line;
      }
      const heading = fence === null ? /^ {0,3}(#{1,6})(?=\s|$)/.exec(line) : null;
      return heading ? '#'.repeat(Math.min(6, heading[1]!.length + by)) + line.slice(heading[0].length) : line;
    })
    .join('\n');
}

type Notes = Record<string, unknown>;
type TrainingNote = { engine: 'onnxruntime' | 'tfjs'; device: string | null; backend: string | null; fallback: string | null };

/** The train stage's record of what trained; older records kept only `engine`, e.g. "onnxruntime (cpu)". */
function trainingNote(notes: Notes): TrainingNote | null {
  const note = notes.training as TrainingNote | undefined;
  if (note && typeof note === 'object') return note;
  const legacy = /^(onnxruntime|tfjs) \((.+)\)$/.exec(String(notes.engine ?? ''));
  if (!legacy) return null;
  return legacy[1] === 'onnxruntime'
    ? { engine: 'onnxruntime', device: legacy[2]!, backend: null, fallback: null }
    : { engine: 'tfjs', device: null, backend: legacy[2]!, fallback: null };
}

const ONNX_DEVICES: Record<string, string> = { cpu: 'CPU', webgpu: 'GPU (WebGPU)', cuda: 'GPU (CUDA)' };
const TFJS_BACKENDS: Record<string, { package: string; device: string }> = {
  wasm: { package: '@tensorflow/tfjs-backend-wasm', device: 'CPU (WebAssembly)' },
  cpu: { package: '@tensorflow/tfjs', device: 'CPU (JavaScript)' },
  tensorflow: { package: '@tensorflow/tfjs-node', device: 'CPU or GPU (libtensorflow)' },
  webgpu: { package: '@tensorflow/tfjs-backend-webgpu', device: 'GPU (WebGPU)' },
};

/** An engine as the notes name it ("onnxruntime", or a TensorFlow.js backend), in words. */
function describeEngine(name: string, versions: Record<string, string>, onnxDevice = 'cpu'): Omit<EngineRow, 'stage' | 'step'> {
  const version = (pkg: string) => `${pkg} ${versions[pkg] ?? '(version not recorded)'}`;
  if (name === 'onnxruntime') return { engine: 'onnxruntime', version: version('onnxruntime-node'), device: ONNX_DEVICES[onnxDevice] ?? onnxDevice };
  const backend = TFJS_BACKENDS[name];
  return { engine: `TensorFlow.js, ${name} backend`, version: backend ? version(backend.package) : version('@tensorflow/tfjs'), device: backend?.device ?? name };
}

/** Each step that runs a network, and the engine it ran on (what the stages recorded after choosing). */
export function engineRows(run: RunData): EngineRow[] {
  const rows: EngineRow[] = [];
  const add = (stage: RunStage, step: string, engine: string, device?: string) => rows.push({ stage: stage.name, step, ...describeEngine(engine, stage.versions ?? run.versions, device) });
  for (const stage of run.stages) {
    const notes = stage.notes ?? {};
    if (stage.name === 'train') {
      const training = trainingNote(notes);
      if (!training) continue;
      if (training.engine === 'onnxruntime') {
        add(stage, 'Training (forward and backward passes, Adam)', 'onnxruntime', training.device ?? 'cpu');
        if (typeof notes.backend === 'string') add(stage, 'Building the network and loading its starting weights (no training step)', notes.backend);
      } else add(stage, 'Training (forward and backward passes, Adam)', training.backend ?? String(notes.backend));
      // The onnxruntime trainer always validates in onnxruntime.
      const validation = typeof notes.validation_inference === 'string' ? notes.validation_inference : training.engine === 'onnxruntime' ? 'onnxruntime' : null;
      if (validation) add(stage, 'Validation loss after each epoch', validation);
    } else if (stage.name === 'evaluate' && typeof notes.inference === 'string') {
      add(stage, 'Evaluation: the scored photos’ predictions and features (the ResNet embeddings reuse them)', notes.inference);
    } else if (stage.name === 'gradcam') {
      if (typeof notes.inference === 'string') add(stage, 'Grad-CAM maps', notes.inference);
      if (typeof notes.deletion_inference === 'string') add(stage, 'The deletion check’s forward passes', notes.deletion_inference);
    } else if (stage.name === 'embed-clip' && stage.status !== 'skipped' && notes.clip !== 'not run') {
      const versions = stage.versions ?? run.versions;
      rows.push({ stage: stage.name, step: 'CLIP image embeddings', engine: 'transformers.js on onnxruntime', version: `@huggingface/transformers ${versions['@huggingface/transformers'] ?? '(version not recorded)'}`, device: 'CPU' });
    }
  }
  return rows;
}

/** Where the build did not run as configured: each is the warning it printed when it happened. */
export function fallbacks(run: RunData): string[] {
  const out: string[] = [];
  for (const stage of run.stages) {
    const notes = stage.notes ?? {};
    if (stage.name !== 'train') continue;
    const training = trainingNote(notes);
    if (training?.fallback) out.push(training.fallback);
    const weights = notes.weights as { fallback?: string | null } | undefined;
    if (weights?.fallback) out.push(msg.imagenetUnavailable(weights.fallback));
  }
  return out;
}

/**
 * The build log: each stage's status and what it logged. A cached stage shows the log of the
 * earlier run that made its outputs, as run.json keeps it.
 */
export function buildLog(run: RunData): string {
  const lines: string[] = [];
  for (const stage of run.stages) {
    const made = stage.finished_at ? `${stage.finished_at.slice(0, 16).replace('T', ' ')} UTC` : null;
    if (stage.status === 'skipped') {
      lines.push(`[skipped] ${stage.name}`);
      continue;
    }
    const timing = `${stage.seconds.toFixed(1)}s${made ? `, ${made}` : ''}`;
    lines.push(stage.status === 'cached' ? `[cached] ${stage.name}: outputs of an earlier run (${timing}), whose log follows` : `[ran] ${stage.name} (${timing})`);
    const log = stage.notes?.log;
    if (Array.isArray(log)) lines.push(...log.map(String));
    else lines.push('  (no log recorded for this run)');
  }
  return lines.join('\n');
}
