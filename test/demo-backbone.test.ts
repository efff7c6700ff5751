/**
 * The demo's pretrained backbone: its training photos share no photo and no contributor with
 * the demo (checked on made-up manifests), and the committed file loads as the fine-tuning
 * network's starting point and fine-tunes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../pipeline/model/backend.ts';
import { readSafetensors } from '../pipeline/model/safetensors.ts';
import { startingNetwork } from '../pipeline/model/weights.ts';
import { exportTorchWeights } from '../pipeline/model/torch-layout.ts';
import { trainNetwork } from '../pipeline/model/train.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { defaultConfig } from '../pipeline/core/config.ts';
import { tinyCaches } from './helpers/tiny-caches.ts';

await initBackend('wasm');
import { assertDisjoint, backbonePool, holdOutContributors } from '../scripts/demo-backbone/pool.ts';

const backbone = fileURLToPath(new URL('../datasets/demo/backbone.safetensors', import.meta.url));

test('the backbone pool shares no photo and no contributor with the demo; held-out parts are whole contributors', () => {
  const source = [
    { image: 'a1', sender_id: '1', label: 'Dress' },
    { image: 'a2', sender_id: '1', label: 'Shorts' },
    { image: 'b1', sender_id: '2', label: 'Dress' },
    { image: 'c1', sender_id: '3', label: 'Hat' },
    { image: 'c2', sender_id: '3', label: 'Not sure' },
    { image: 'd1', sender_id: '4', label: 'Pants' },
    { image: 'e1', sender_id: '5', label: 'Pants' },
    { image: 'e2', sender_id: '5', label: 'Hat' },
  ];
  // The demo holds photo a1 (so contributor 1 is out) and contributor 4 through another photo.
  const demo = [{ id: 'a1', image: 'a1.jpg', sender_id: '1' }, { id: 'zz', image: 'zz.jpg', sender_id: '4' }];
  const pool = backbonePool(source, demo);
  assert.deepEqual(pool.map((r) => r.image), ['b1', 'c1', 'e1', 'e2']);
  assert.deepEqual(assertDisjoint(pool, demo), { photos: 4, contributors: 3 });
  assert.throws(() => assertDisjoint([...pool, source[1]!], demo), /contributor 1 \(photo a2\) has photos in the demo/);
  assert.throws(() => assertDisjoint([{ image: 'zz', sender_id: '9', label: 'Hat' }], demo), /photo zz is in the demo/);
  const { train, heldOut } = holdOutContributors(pool, 0.5, 0);
  assert.equal(train.length + heldOut.length, pool.length);
  const held = new Set(heldOut.map((r) => r.sender_id));
  assert.ok(held.size >= 1 && heldOut.length <= 2);
  assert.ok(train.every((r) => !held.has(r.sender_id)), 'no contributor on both sides');
});

test('the committed backbone loads as the fine-tuning network (head replaced) and fine-tunes for an epoch', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(backbone), 'datasets/demo/backbone.safetensors is committed');
  assert.ok((await stat(backbone)).size < 16 * 1024 * 1024);
  const { tensors, metadata } = await readSafetensors(backbone);
  assert.equal(tensors.get('fc.weight')!.shape[0], metadata.classes!.split(',').length, 'its own garment head');
  const { loaded, train, validation } = await tinyCaches();
  const { net, origin } = await startingNetwork({ weights: backbone, blocks: [1, 1, 1, 1], widthPerGroup: 16, seed: 0, cacheDir: loaded.resolved.cache, root: loaded.root, logger: createRecordingLogger() });
  try {
    assert.equal(origin.used, 'file');
    assert.match(origin.description!, /garment backbone/);
    assert.match(origin.card!, /# The demo's pretrained backbone/);
    assert.equal(net.spec.classes, 1, 'the head is the single sold logit');
    const exported = await exportTorchWeights(net);
    for (const name of ['conv1.weight', 'layer3.0.conv2.weight', 'layer4.0.bn3.running_var']) assert.deepEqual(exported.get(name)!.data, tensors.get(name)!.data, name);
    const config = await defaultConfig();
    const { state } = await trainNetwork({
      net,
      train,
      validation,
      config: { ...config.train, epochs: 1, batch_size: 8, micro_batch: 8, learning_rate: 1e-4 },
      augment: config.augment,
      seed: 0,
      run: 'fine-tune',
      checkpointPath: join(loaded.root, 'checkpoint.safetensors'),
      bestPath: join(loaded.root, 'best.safetensors'),
      logger: createRecordingLogger(),
      engine: 'onnxruntime',
    });
    assert.equal(state.history.length, 1);
    assert.ok(Number.isFinite(state.history[0]!.val_loss));
    const after = await exportTorchWeights(net);
    assert.notDeepEqual(after.get('conv1.weight')!.data, tensors.get('conv1.weight')!.data, 'the backbone was fine-tuned, not frozen');
  } finally {
    net.model.dispose();
  }
});
