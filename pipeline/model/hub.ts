/**
 * Pretrained weights from the Hugging Face hub, pinned: a file at a fixed revision whose
 * sha256 is checked before use. Looked up, in order: the project's cache
 * (`<cache>/models/...`), the Hugging Face cache (`$HF_HUB_CACHE`, `$HF_HOME/hub` or
 * ~/.cache/huggingface/hub, as huggingface_hub lays it out), then the network (unless
 * HF_HUB_OFFLINE=1). Downloads stream to a temporary file, hashing as they go, and are renamed
 * into the cache only when the hash matches.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashFile } from '../core/hash.ts';
import { temporaryPathFor } from '../core/atomic.ts';
import type { Logger } from '../core/effects.ts';
import * as msg from '../core/messages.ts';

export interface HubFile {
  repo: string;
  file: string;
  revision: string;
  sha256: string;
  /** Approximate size, for messages. */
  bytes?: number;
}

/** torchvision's ImageNet ResNet50 (V1 weights) as timm publishes it, in safetensors. */
export const RESNET50_IMAGENET: HubFile = {
  repo: 'timm/resnet50.tv_in1k',
  file: 'model.safetensors',
  revision: 'aa6c2d36d56bc0209040c02b5a7b7d7bf11d57b8',
  sha256: '5d061a3c593d795bfe682d9b152bafbcf550579873492def3515b46db1189888',
  bytes: 102_000_000,
};

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; body: ReadableStream<Uint8Array> | null }>;

export interface HubOptions {
  cacheDir: string;
  logger: Logger;
  fetch?: FetchLike;
  env?: NodeJS.ProcessEnv;
}

export type HubResult = { ok: true; path: string; from: 'cache' | 'hf-cache' | 'download' } | { ok: false; reason: string };

export function projectCachePath(spec: HubFile, cacheDir: string): string {
  return join(cacheDir, 'models', spec.repo.replace('/', '--'), spec.revision, spec.file);
}

export function huggingFaceCachePath(spec: HubFile, env: NodeJS.ProcessEnv): string {
  const hub = env.HF_HUB_CACHE ?? (env.HF_HOME ? join(env.HF_HOME, 'hub') : join(homedir(), '.cache', 'huggingface', 'hub'));
  return join(hub, `models--${spec.repo.replace('/', '--')}`, 'snapshots', spec.revision, spec.file);
}

async function verified(path: string, spec: HubFile): Promise<boolean | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  return (await hashFile(path)) === spec.sha256;
}

export async function fetchHubFile(spec: HubFile, options: HubOptions): Promise<HubResult> {
  const env = options.env ?? process.env;
  const local = projectCachePath(spec, options.cacheDir);
  const cached = await verified(local, spec);
  if (cached) return { ok: true, path: local, from: 'cache' };
  if (cached === false) {
    options.logger.warn(msg.hubChecksumMismatch(local, spec.repo, spec.revision));
    await rm(local, { force: true });
  }
  const hf = huggingFaceCachePath(spec, env);
  if (await verified(hf, spec)) return { ok: true, path: hf, from: 'hf-cache' };

  if (env.HF_HUB_OFFLINE === '1' || env.STUDY_OFFLINE === '1') {
    return { ok: false, reason: msg.hubOffline(`${spec.repo}/${spec.file}`, [local, hf]) };
  }
  const endpoint = (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/$/, '');
  const url = `${endpoint}/${spec.repo}/resolve/${spec.revision}/${spec.file}`;
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  options.logger.info(`  downloading ${spec.repo}/${spec.file} (${Math.round((spec.bytes ?? 0) / 1e6)} MB) from ${endpoint}`);
  let response;
  try {
    response = await doFetch(url);
  } catch (error) {
    return { ok: false, reason: msg.hubUnreachable(endpoint, (error as Error).message, `${spec.repo}/${spec.file}`) };
  }
  if (!response.ok || !response.body) return { ok: false, reason: msg.hubHttp(url, response.status) };
  await mkdir(dirname(local), { recursive: true });
  const tmp = temporaryPathFor(local);
  const hash = createHash('sha256');
  try {
    const out = createWriteStream(tmp);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    await rm(tmp, { force: true });
    return { ok: false, reason: msg.hubDownloadFailed(url, (error as Error).message) };
  }
  const digest = hash.digest('hex');
  if (digest !== spec.sha256) {
    await rm(tmp, { force: true });
    return { ok: false, reason: msg.hubDigest(url, digest, spec.sha256) };
  }
  await rename(tmp, local);
  return { ok: true, path: local, from: 'download' };
}
