/**
 * The ImageNet-not-found warning names the full path to put the file at; what reaches _data
 * (the fallback reason) names no folder of the machine.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../pipeline/model/backend.ts';
import { projectCachePath, RESNET50_IMAGENET } from '../pipeline/model/hub.ts';
import { startingNetwork } from '../pipeline/model/weights.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeTempDir } from './helpers/project.ts';

test('offline without the ImageNet file: the warning prints where to put it, _data gets no machine path', async () => {
  await initBackend('wasm');
  const root = await makeTempDir();
  const cacheDir = join(root, '.cache');
  const logger = createRecordingLogger();
  const { net, origin } = await startingNetwork({
    weights: 'imagenet', blocks: [1, 1, 1, 1], widthPerGroup: 4, seed: 0, cacheDir, root, logger,
    env: { HF_HOME: join(root, 'hf'), HF_HUB_OFFLINE: '1' },
  });
  net.model.dispose();
  const expected = projectCachePath(RESNET50_IMAGENET, cacheDir);
  const warning = logger.lines.find((l) => /ImageNet weights unavailable/.test(l)) ?? '';
  assert.ok(warning.includes(`put the file at ${expected} or set model.weights`), warning);
  assert.doesNotMatch(warning, /path above/);
  assert.equal(origin.used, 'random');
  assert.ok(origin.fallback, 'the reason is kept');
  assert.ok(!origin.fallback!.includes(root), origin.fallback);
  assert.match(origin.fallback!, /\.cache\/models\/|hf\/hub/);
});
