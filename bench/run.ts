/**
 * `npm run bench [-- --quick]`: measures each stage that has landed, side by side with the
 * tool a user would pick instead where one is installed, and writes bench/results.json and
 * bench/results.md (--quick: bench/results-quick.*). Ratios are ours / anchor, measured pair by
 * pair in the same run.
 * Never part of `npm test`.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolveDecoder } from '../pipeline/data/preprocess.ts';
import { defaultConfig, loadConfig } from '../pipeline/core/config.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { spawnSync } from 'node:child_process';
import { ANCHOR_THREADS, PIL_RESIZE, atBestThreads, pythonHas, runPython } from './anchors.ts';
import { resultsMarkdown, type BenchResults, type ResultRow } from './results-table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, full: { type: 'boolean' } } });
const quick = Boolean(values.quick);
// --full adds t-SNE at 62,500 points (several minutes on each side).
const full = Boolean(values.full);

const rows: ResultRow[] = [];
const results: Record<string, unknown> = {};
/** Which thread count won, among those tried. */
const threadsNote = (threads: number) => `best of ${ANCHOR_THREADS.join(' and ')} threads: ${threads}`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The pipeline's decoder (libjpeg-turbo when built, as `auto` picks), with sharp's rate beside it. */
async function benchPreprocess(label: string, dir: string, count: number) {
  const decoder = resolveDecoder('auto');
  const { concurrency } = (await defaultConfig()).preprocess;
  type Rate = { images: number; img_per_s: number; peak_rss_mb: number };
  const ours = worker<Rate>('stage-worker.ts', ['preprocess', dir, count, decoder, concurrency]);
  if (!ours || ours.images === 0) return;
  const viaSharp = decoder === 'sharp' ? ours : worker<Rate>('stage-worker.ts', ['preprocess', dir, count, 'sharp', concurrency])!;
  const files = (await readdir(dir)).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, count).map((f) => join(dir, f));
  const work = `decode + resize to 96x96, ${files.length} ${label} photos`;
  const through = decoder === 'sharp' ? 'sharp (the libjpeg-turbo addon is not built)' : `libjpeg-turbo addon; sharp alone ${fmt(viaSharp.img_per_s)} img/s, ${fmt(viaSharp.peak_rss_mb)} MB`;
  const note = `${through}; peak RSS ${fmt(ours.peak_rss_mb)} MB`;
  results[`preprocess_${label}`] = { images: files.length, decoder, img_per_s: ours.img_per_s, peak_rss_mb: ours.peak_rss_mb, sharp_img_per_s: viaSharp.img_per_s, sharp_peak_rss_mb: viaSharp.peak_rss_mb };
  if (pythonHas('PIL')) {
    const pil = runPython(PIL_RESIZE, ['96', ...files]);
    Object.assign(results[`preprocess_${label}`] as object, { pil_img_per_s: pil.pil, pil_draft_img_per_s: pil.pil_draft, pil_peak_rss_mb: pil.peak_rss_mb });
    rows.push({ work, ours: `${fmt(ours.img_per_s)} img/s`, anchor: `PIL draft mode: ${fmt(pil.pil_draft!)} img/s (plain PIL ${fmt(pil.pil!)}), ${fmt(pil.peak_rss_mb!)} MB`, ratio: `${fmt(ours.img_per_s / pil.pil_draft!, 2)}x`, note });
  } else {
    rows.push({ work, ours: `${fmt(ours.img_per_s)} img/s`, anchor: 'skipped', ratio: '', note: `${note}; apt-get install python3-pil for the PIL anchor` });
  }
}

async function benchSite() {
  // A scratch copy of the project's study so the bench never touches the working tree's outputs.
  const scratch = join(root, 'bench', 'out', 'site-project');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  await cp(join(root, 'content'), join(scratch, 'content'), { recursive: true });
  const config = JSON.parse(await readFile(join(root, 'study.config.json'), 'utf8'));
  config.dataset.manifest = join(root, config.dataset.manifest);
  config.dataset.images = join(root, config.dataset.images);
  // The demo's starting weights (a file path) live in the repository, not in the scratch copy.
  if (config.model?.weights && !['imagenet', 'none'].includes(config.model.weights)) config.model.weights = join(root, config.model.weights);
  await writeFile(join(scratch, 'study.config.json'), JSON.stringify(config));
  const loaded = await loadConfig(join(scratch, 'study.config.json'));
  const logger = createRecordingLogger();
  const pipelineStarted = performance.now();
  await runStages(studyStages, loaded, { logger });
  const pipelineSeconds = (performance.now() - pipelineStarted) / 1000;
  const cold = await buildSite(loaded, logger);
  const unchangedStarted = performance.now();
  const stages = await runStages(studyStages, loaded, { logger });
  await buildSite(loaded, logger);
  const unchangedSeconds = (performance.now() - unchangedStarted) / 1000;
  const page = join(loaded.resolved.content, 'index.md');
  await writeFile(page, (await readFile(page, 'utf8')) + '\nOne more sentence.\n');
  const editStarted = performance.now();
  await runStages(studyStages, loaded, { logger });
  await buildSite(loaded, logger);
  const editSeconds = (performance.now() - editStarted) / 1000;
  const bytes = await siteBytes(join(loaded.resolved.site, 'index.html'), loaded.resolved.site);
  results.site = { pipeline_cold_s: pipelineSeconds, site_cold_s: cold.seconds, unchanged_build_s: unchangedSeconds, after_edit_s: editSeconds, unchanged_stages_run: stages.filter((s) => s.status === 'ran').length, report_page_bytes: bytes };
  rows.push({ work: 'the whole demo pipeline, cold (every stage, training included)', ours: `${fmt(pipelineSeconds, 1)} s`, anchor: '', ratio: '' });
  rows.push({ work: 'site build, cold', ours: `${fmt(cold.seconds, 2)} s`, anchor: '', ratio: '' });
  rows.push({ work: '`study build` with nothing changed (stages checked, site rebuilt)', ours: `${fmt(unchangedSeconds, 2)} s`, anchor: '', ratio: '', note: `${stages.filter((s) => s.status === 'ran').length} stages ran` });
  rows.push({ work: '`study build` after one Markdown edit', ours: `${fmt(editSeconds, 2)} s`, anchor: '', ratio: '' });
  rows.push({ work: 'report page weight (HTML + scripts + styles + chart specs)', ours: `${fmt(bytes / 1024)} KB`, anchor: '', ratio: '' });
}

/** Bytes a first visit to the page transfers: the HTML plus every local asset it references. */
async function siteBytes(htmlPath: string, site: string): Promise<number> {
  const html = await readFile(htmlPath, 'utf8');
  let total = Buffer.byteLength(html);
  const refs = new Set([...html.matchAll(/(?:src|href|data-spec)="(\/[^"]+)"/g)].map((m) => m[1]!));
  for (const ref of refs) total += (await readFile(join(site, ref)).catch(() => Buffer.alloc(0))).length;
  return total;
}

/** Runs bench/SCRIPT in its own process (its peak RSS is then its own) and parses its last line. */
function worker<T>(script: string, args: (string | number)[]): T | undefined {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', script), ...args.map(String)], { encoding: 'utf8', cwd: root, timeout: 1_800_000 });
  if (result.status !== 0) {
    console.error(`${script} ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}

interface ModelResult {
  img_per_s: number;
  peak_rss_mb: number;
}

/** PyTorch at 1 thread and at every core: the faster is the anchor (it picks 1 thread here by itself). */
async function torchAnchor(args: string[]): Promise<{ img_per_s: number; peak_rss_mb: number; threads: number }> {
  const script = await readFile(join(root, 'bench', 'torch_anchor.py'), 'utf8');
  const [size, batch, mode, steps, arch] = args;
  const measure = (threads: number) => runPython(script, [size!, batch!, mode!, steps!, String(threads), arch ?? 'resnet50']) as { img_per_s: number; peak_rss_mb: number };
  return atBestThreads(measure, (a, b) => a.img_per_s > b.img_per_s);
}

/** scikit-learn at its best thread count (OpenMP limit and n_jobs): the faster run. */
function sklearnAnchor<T extends { seconds: number }>(script: string, args: string[]): T & { threads: number } {
  return atBestThreads((threads) => runPython(script, [String(threads), ...args]) as unknown as T, (a, b) => a.seconds < b.seconds);
}

async function benchModel() {
  const torch = pythonHas('torch') && pythonHas('torchvision');
  const train = (batch: number) => ['96', String(batch), 'train', quick ? '2' : batch > 16 ? '5' : '8'];
  const cases: { label: string; args: (string | number)[]; anchor?: string[] }[] = [
    { label: 'ResNet50 96x96 training step, batch 16 (onnxruntime training graph, what the pipeline uses)', args: ['onnxruntime', 'resnet50', 96, 16, 'train', quick ? 2 : 8], anchor: train(16) },
    { label: 'ResNet50 96x96 training step, batch 32 (onnxruntime training graph)', args: ['onnxruntime', 'resnet50', 96, 32, 'train', quick ? 1 : 5], anchor: train(32) },
    { label: 'ResNet50 96x96 training step, batch 16 (tfjs wasm)', args: ['wasm', 'resnet50', 96, 16, 'train', quick ? 1 : 3], anchor: train(16) },
    { label: 'ResNet50 96x96 forward, batch 32 (onnxruntime, what the pipeline uses)', args: ['onnxruntime', 'resnet50', 96, 32, 'forward', quick ? 5 : 20], anchor: ['96', '32', 'forward', quick ? '3' : '10'] },
    { label: 'ResNet50 96x96 forward, batch 32 (tfjs wasm)', args: ['wasm', 'resnet50', 96, 32, 'forward', quick ? 2 : 5], anchor: ['96', '32', 'forward', quick ? '3' : '10'] },
    { label: 'demo network (blocks 1,1,1,1, width 16) 64x64 training, batch 32 (onnxruntime)', args: ['onnxruntime', 'demo', 64, 32, 'train', quick ? 2 : 5], anchor: ['64', '32', 'train', quick ? '2' : '5', 'demo'] },
    { label: 'demo network 64x64 training, batch 32 (tfjs wasm)', args: ['wasm', 'demo', 64, 32, 'train', quick ? 2 : 5], anchor: ['64', '32', 'train', quick ? '2' : '5', 'demo'] },
  ];
  for (const c of cases) {
    const ours = worker<ModelResult>('model-worker.ts', c.args);
    if (!ours) {
      rows.push({ work: c.label, ours: 'failed', anchor: '', ratio: '', note: 'the measurement failed (see the run\'s output)' });
      continue;
    }
    const key = `model_${c.args.slice(0, 5).join('_')}`;
    results[key] = { ...ours };
    let anchor = '';
    let ratio = '';
    let note = `backend ${c.args[0]}, peak RSS ${fmt(ours.peak_rss_mb)} MB`;
    if (c.anchor && torch) {
      const pt = await torchAnchor(c.anchor);
      if (pt) {
        results[key] = { ...ours, torch_img_per_s: pt.img_per_s, torch_peak_rss_mb: pt.peak_rss_mb, torch_threads: pt.threads };
        anchor = `PyTorch CPU (${threadsNote(pt.threads)}): ${fmt(pt.img_per_s, 1)} img/s, ${fmt(pt.peak_rss_mb)} MB`;
        ratio = `${fmt(ours.img_per_s / pt.img_per_s, 2)}x`;
      } else anchor = 'failed';
    } else if (c.anchor) {
      anchor = 'skipped';
      note += '; apt-get install python3-torch python3-torchvision for the PyTorch anchor';
    }
    rows.push({ work: c.label, ours: `${fmt(ours.img_per_s, 1)} img/s`, anchor, ratio, note });
  }
}

async function benchCluster() {
  const sklearn = pythonHas('sklearn');
  const out = join(root, 'bench', 'out');
  const anchor = await readFile(join(root, 'bench', 'cluster_anchor.py'), 'utf8');
  for (const n of quick ? [1000] : full ? [1000, 5000, 12500, 62500] : [1000, 5000, 12500]) {
    const ours = worker<{ seconds: number; trustworthiness: number; sample: number; peak_rss_mb: number }>('stage-worker.ts', ['tsne', n, quick ? 1000 : 2000]);
    if (!ours) continue;
    let anchorText = 'skipped';
    let ratio = '';
    const entry: Record<string, number> = { seconds: ours.seconds, trustworthiness: ours.trustworthiness, peak_rss_mb: ours.peak_rss_mb };
    if (sklearn) {
      const sk = sklearnAnchor<{ seconds: number; trustworthiness: number; peak_rss_mb: number }>(anchor, ['tsne', join(out, `tsne-${n}.npy`)]);
      Object.assign(entry, { sklearn_seconds: sk.seconds, sklearn_trustworthiness: sk.trustworthiness, sklearn_peak_rss_mb: sk.peak_rss_mb, sklearn_threads: sk.threads });
      anchorText = `scikit-learn Barnes-Hut (${threadsNote(sk.threads)}): ${fmt(sk.seconds, 1)} s, trustworthiness ${fmt(sk.trustworthiness, 3)}, ${fmt(sk.peak_rss_mb)} MB`;
      ratio = `${fmt(sk.seconds / ours.seconds, 2)}x`;
    }
    results[`tsne_${n}`] = entry;
    rows.push({ work: `t-SNE, ${fmt(n)} x 50 (10 blobs)`, ours: `${fmt(ours.seconds, 1)} s, trustworthiness ${fmt(ours.trustworthiness, 3)}`, anchor: anchorText, ratio, note: `peak RSS ${fmt(ours.peak_rss_mb)} MB; trustworthiness on a ${fmt(ours.sample)}-point subsample (ours); scikit-learn's on 5,000` });
  }
  const n = quick ? 2000 : 12500;
  const ours = worker<{ seconds: number; inertia: Record<string, number>; peak_rss_mb: number }>('stage-worker.ts', ['kmeans', n]);
  if (!ours) return;
  let anchorText = 'skipped';
  let ratio = '';
  let note = `peak RSS ${fmt(ours.peak_rss_mb)} MB`;
  results.kmeans = { n, seconds: ours.seconds, peak_rss_mb: ours.peak_rss_mb };
  if (sklearn) {
    const sk = sklearnAnchor<{ seconds: number; inertia: Record<string, number>; peak_rss_mb: number }>(anchor, ['kmeans', join(out, 'kmeans.npy'), '2', '10', '1']);
    const worst = Math.max(...Object.entries(sk.inertia).map(([k, v]) => ours.inertia[k]! / v - 1));
    anchorText = `scikit-learn (n_init=1, ${threadsNote(sk.threads)}): ${fmt(sk.seconds, 2)} s, ${fmt(sk.peak_rss_mb)} MB`;
    ratio = `${fmt(sk.seconds / ours.seconds, 2)}x`;
    note += `; inertia at most ${fmt(worst * 100, 2)}% above scikit-learn's`;
    Object.assign(results.kmeans as object, { sklearn_seconds: sk.seconds, sklearn_peak_rss_mb: sk.peak_rss_mb, sklearn_threads: sk.threads, worst_inertia_ratio: 1 + worst });
  }
  rows.push({ work: `KMeans, K = 2..10, ${fmt(n)} x 512, one restart each`, ours: `${fmt(ours.seconds, 2)} s`, anchor: anchorText, ratio, note });
}

async function benchExplainAndClip() {
  for (const [engine, layer] of [['onnxruntime', 'layer4'], ['wasm', 'layer4'], ['wasm', 'layer3']] as const) {
    const measured = worker<{ ms_per_image: number }>('gradcam-worker.ts', [engine, 96, layer]);
    if (!measured) continue;
    const { ms_per_image } = measured;
    results[`gradcam_${layer}_${engine}`] = { ms_per_image };
    const note = engine === 'onnxruntime' ? 'onnxruntime: one forward pass, CAM (equal to Grad-CAM at the last stage); what the pipeline uses at layer4' : 'backend wasm (forward to the layer, gradient through the rest)';
    rows.push({ work: `Grad-CAM at ${layer}, ResNet50 96x96, batch 8`, ours: `${fmt(ms_per_image, 1)} ms/image`, anchor: '', ratio: '', note });
  }
  // CLIP: the real ViT-B/32 needs a download; the tiny test model measures the pipeline around it.
  const { loadClip, clipPixels } = await import('../pipeline/embed/clip.ts');
  const model = process.env.STUDY_BENCH_CLIP ?? join(root, 'test/fixtures/tiny-clip/model');
  const clip = await loadClip({ model, root, cacheDir: join(root, '.cache') });
  const photos = (await readdir(join(root, 'datasets/demo/images'))).slice(0, quick ? 32 : 128).map((f) => join(root, 'datasets/demo/images', f));
  const per = 3 * clip.preprocessor.crop.height * clip.preprocessor.crop.width;
  const t0 = performance.now();
  for (let start = 0; start < photos.length; start += 16) {
    const batch = photos.slice(start, start + 16);
    const pixels = new Float32Array(batch.length * per);
    await Promise.all(batch.map(async (p, i) => pixels.set(await clipPixels(p, clip.preprocessor), i * per)));
    await clip.embed(pixels, batch.length);
  }
  const rate = photos.length / ((performance.now() - t0) / 1000);
  await clip.dispose();
  results.clip = { model, img_per_s: rate };
  rows.push({ work: `CLIP embeddings (preprocessing + encoder), ${photos.length} demo photos`, ours: `${fmt(rate)} img/s`, anchor: '', ratio: '', note: process.env.STUDY_BENCH_CLIP ? `model ${model}` : 'tiny test encoder (set STUDY_BENCH_CLIP to a ViT-B/32 folder for the real figure)' });
}

const started = Date.now();
await benchPreprocess('demo (240 px)', join(root, 'datasets/demo/images'), quick ? 100 : 400);
const shared = join(root, '..', 'shared', 'datasets', 'clothing-dataset', 'images');
await benchPreprocess('full-size clothing', shared, quick ? 100 : 400).catch(() => undefined);
await benchSite();
await benchModel();
await benchCluster();
await benchExplainAndClip();

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
const bench: BenchResults = { machine, quick, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, rows, results };
const table = resultsMarkdown(bench);
// A --quick run is a smoke test: it never replaces the full figures the README quotes.
const name = quick ? 'results-quick' : 'results';
await mkdir(join(root, 'bench'), { recursive: true });
await writeFile(join(root, 'bench', `${name}.json`), JSON.stringify(bench, null, 2) + '\n');
await writeFile(join(root, 'bench', `${name}.md`), table + '\n');
if (!quick) console.error('README.md quotes bench/results.json: run npx tsx scripts/readme-docs.ts');
console.log(table);
