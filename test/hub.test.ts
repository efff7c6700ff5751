/** Pinned hub downloads, exercised with a fake fetch: nothing is downloaded in tests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchHubFile, projectCachePath, type HubFile } from '../pipeline/model/hub.ts';
import { hashFile } from '../pipeline/core/hash.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { startingNetwork } from '../pipeline/model/weights.ts';
import { initBackend } from '../pipeline/model/backend.ts';
import { makeTempDir } from './helpers/project.ts';

const fixture = new URL('./fixtures/tiny-resnet/model.safetensors', import.meta.url).pathname;

async function spec(): Promise<HubFile> {
  return { repo: 'test/tiny-resnet', file: 'model.safetensors', revision: 'a'.repeat(40), sha256: await hashFile(fixture) };
}

function fakeFetch(bytes: Uint8Array, urls: string[] = []) {
  return async (url: string) => {
    urls.push(url);
    return { ok: true, status: 200, body: new Blob([bytes as unknown as BlobPart]).stream() as ReadableStream<Uint8Array> };
  };
}

test('downloads the pinned revision, checks its sha256, caches it; the next call reads the cache', async () => {
  const cacheDir = await makeTempDir();
  const urls: string[] = [];
  const bytes = await readFile(fixture);
  const env = { HF_HOME: join(cacheDir, 'hf') };
  const first = await fetchHubFile(await spec(), { cacheDir, logger: createRecordingLogger(), fetch: fakeFetch(bytes, urls), env });
  assert.deepEqual(first, { ok: true, path: projectCachePath(await spec(), cacheDir), from: 'download' });
  assert.deepEqual(urls, [`https://huggingface.co/test/tiny-resnet/resolve/${'a'.repeat(40)}/model.safetensors`]);
  const second = await fetchHubFile(await spec(), { cacheDir, logger: createRecordingLogger(), fetch: fakeFetch(bytes, urls), env });
  assert.equal(second.ok && second.from, 'cache');
  assert.equal(urls.length, 1);
});

test('a file whose sha256 differs is refused and nothing is cached', async () => {
  const cacheDir = await makeTempDir();
  const result = await fetchHubFile(await spec(), { cacheDir, logger: createRecordingLogger(), fetch: fakeFetch(new Uint8Array([1, 2, 3])), env: { HF_HOME: join(cacheDir, 'hf') } });
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.reason : '', /sha256 .* expected/);
  await assert.rejects(readFile(projectCachePath(await spec(), cacheDir)));
});

test("the Hugging Face cache layout is used when present; offline without a copy says so", async () => {
  const cacheDir = await makeTempDir();
  const s = await spec();
  const snapshot = join(cacheDir, 'hf', 'hub', 'models--test--tiny-resnet', 'snapshots', s.revision);
  const offline = await fetchHubFile(s, { cacheDir, logger: createRecordingLogger(), env: { HF_HOME: join(cacheDir, 'hf'), HF_HUB_OFFLINE: '1' } });
  assert.equal(offline.ok, false);
  assert.match(!offline.ok ? offline.reason : '', /offline/);
  await mkdir(snapshot, { recursive: true });
  await copyFile(fixture, join(snapshot, 'model.safetensors'));
  const found = await fetchHubFile(s, { cacheDir, logger: createRecordingLogger(), env: { HF_HOME: join(cacheDir, 'hf'), HF_HUB_OFFLINE: '1' } });
  assert.deepEqual(found, { ok: true, path: join(snapshot, 'model.safetensors'), from: 'hf-cache' });
});

test('ImageNet weights unreachable: training starts from random initialisation and says why', async () => {
  await initBackend('wasm');
  const cacheDir = await makeTempDir();
  const logger = createRecordingLogger();
  const { net, origin } = await startingNetwork({
    weights: 'imagenet', blocks: [1, 1, 1, 1], widthPerGroup: 4, seed: 0, cacheDir, root: cacheDir, logger,
    env: { HF_HOME: join(cacheDir, 'hf') },
    fetch: async () => {
      throw new Error('getaddrinfo ENOTFOUND huggingface.co');
    },
  });
  assert.equal(origin.used, 'random');
  assert.match(origin.fallback ?? '', /cannot reach https:\/\/huggingface\.co \(getaddrinfo ENOTFOUND/);
  assert.match(logger.lines.join('\n'), /ImageNet weights unavailable/);
  assert.deepEqual(net.spec.blocks, [3, 4, 6, 3], 'the fallback keeps the ResNet50 layout');
  net.model.dispose();
});

test('a local weights file is used as it is; a missing one is an error naming it', async () => {
  await initBackend('wasm');
  const dir = await makeTempDir();
  const { net, origin } = await startingNetwork({ weights: fixture, blocks: [3, 4, 6, 3], widthPerGroup: 64, seed: 0, cacheDir: dir, root: dir, logger: createRecordingLogger() });
  assert.equal(origin.used, 'file');
  assert.deepEqual(net.spec.widths, [16, 32, 64, 128], 'the layout comes from the file');
  net.model.dispose();
  await assert.rejects(startingNetwork({ weights: 'nope.safetensors', blocks: [1], widthPerGroup: 4, seed: 0, cacheDir: dir, root: dir, logger: createRecordingLogger() }), /model\.weights: no file at .*nope\.safetensors/);
});
