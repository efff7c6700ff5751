/** datasets/demo/BACKBONE.md: what the demo's pretrained backbone was trained on, how, and how well. */
import type { LoopState } from '../../pipeline/model/checkpoint.ts';
import type { SourceRow } from './pool.ts';

export interface BackboneFacts {
  backbone: { seed: number; size: number; blocks: number[]; width_per_group: number; held_out_fraction: number; train: Record<string, number> };
  classes: string[];
  train: SourceRow[];
  heldOut: SourceRow[];
  demo: number;
  state: LoopState;
  resumedFrom: number;
  seconds: number;
  backend: string;
  parameters: number;
  best: LoopState['history'][number];
  majority: number;
  run: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const count = (rows: SourceRow[], label: string) => rows.filter((r) => r.label === label).length;
const contributors = (rows: SourceRow[]) => new Set(rows.map((r) => r.sender_id)).size;

export function backboneReport(f: BackboneFacts): string {
  const t = f.backbone.train;
  return `# The demo's pretrained backbone

\`backbone.safetensors\` is the demo network (ResNet with Bottleneck blocks [${f.backbone.blocks.join(', ')}],
width per group ${f.backbone.width_per_group}, ${f.parameters.toLocaleString('en-US')} parameters) trained to name the garment in a photo,
made by \`npx tsx scripts/pretrain-demo-backbone.ts\`. It stands in for the ImageNet weights the
study fine-tuned (they cannot be downloaded here): \`study.config.json\` starts the demo's training
from it, replacing its ${f.classes.length}-class head with the single sold/not-sold logit. Real data keeps
\`model.weights: "imagenet"\`, the default.

## Data
Garment photos of the clothing dataset (CC0) that share **no photo and no contributor** with the
demo's ${f.demo.toLocaleString('en-US')} listings (the script checks it and stops otherwise): ${(f.train.length + f.heldOut.length).toLocaleString('en-US')} photos from
${contributors([...f.train, ...f.heldOut])} contributors. The held-out part is whole contributors (${contributors(f.heldOut)} of them,
${f.heldOut.length.toLocaleString('en-US')} photos), so its accuracy is on people the network never saw.

| class | training | held out |
|---|---|---|
${f.classes.map((c) => `| ${c} | ${count(f.train, c)} | ${count(f.heldOut, c)} |`).join('\n')}
| all | ${f.train.length} (${contributors(f.train)} contributors) | ${f.heldOut.length} (${contributors(f.heldOut)} contributors) |

## Training
${f.backbone.size}x${f.backbone.size} photos (the demo's size), the pipeline's own trainer and augmentation
(flips, rotations, colour jitter), softmax cross-entropy over the ${f.classes.length} classes, Adam (learning
rate ${t.learning_rate}, weight decay ${t.weight_decay}), batches of ${t.batch_size}, at most ${t.epochs} epochs with early
stopping after ${t.patience} without a better held-out loss, seed ${f.backbone.seed}, from random initialisation.
${f.state.epoch} epochs ran${f.state.stopped_early ? ' (stopped early)' : ''}; the best, epoch ${f.state.best_epoch}, is kept. Training took
${(f.seconds / 60).toFixed(1)} minutes on this machine's two CPU cores (${f.backend})${f.resumedFrom > 0 ? `, resumed after epoch ${f.resumedFrom}` : ''}.

## Result
Top-1 accuracy on the held-out contributors: **${pct(f.best.val_accuracy)}** (cross-entropy ${f.best.val_loss.toFixed(3)}),
against ${pct(f.majority)} for always naming the most common class.

| epoch | training loss | held-out loss | held-out accuracy |
|---|---|---|---|
${f.state.history.map((h) => `| ${h.epoch} | ${h.train_loss.toFixed(3)} | ${h.val_loss.toFixed(3)} | ${pct(h.val_accuracy)} |`).join('\n')}

Run \`${f.run}\` (a hash of these settings and of the photos used).
`;
}
