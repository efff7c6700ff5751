/**
 * Training checkpoints, written atomically after every epoch: the network in torchvision's
 * layout (so `study forward` and PyTorch read it like any weights file), Adam's moments under
 * `optimizer.<variable>.exp_avg|exp_avg_sq`, and the loop's state (epoch, step, history,
 * early stopping) as JSON in the safetensors metadata. Augmentation and shuffling are seeded
 * by (seed, epoch), so this is all a resumed run needs to continue exactly.
 */
import { readFile } from 'node:fs/promises';
import { tf } from './backend.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { FileError } from '../core/errors.ts';
import { parseSafetensors, serializeSafetensors, type NamedTensor } from './safetensors.ts';
import { exportTorchWeights, loadTorchWeights } from './torch-layout.ts';
import { variableFrom, type Adam } from './adam.ts';
import type { ResNet } from './resnet.ts';

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  val_loss: number;
  val_accuracy: number;
}

export interface LoopState {
  /** Epochs completed (1-based count). */
  epoch: number;
  step: number;
  history: EpochRecord[];
  best_val_loss: number | null;
  best_epoch: number;
  epochs_without_improvement: number;
  stopped_early: boolean;
  /** The stage fingerprint this checkpoint belongs to. */
  run: string;
}

export async function saveCheckpoint(path: string, net: ResNet, adam: Adam, state: LoopState): Promise<void> {
  const tensors = await exportTorchWeights(net, state.step);
  for (const [name, moment] of [...[...adam.m].map(([n, t]) => [`optimizer.${n}.exp_avg`, t] as const), ...[...adam.v].map(([n, t]) => [`optimizer.${n}.exp_avg_sq`, t] as const)]) {
    tensors.set(name, { shape: moment.shape, data: (await moment.data()) as Float32Array });
  }
  await writeFileAtomic(path, serializeSafetensors(tensors, { format: 'pt', study_state: JSON.stringify({ ...state, adam_step: adam.step }) }));
}

/** Restores network, optimizer and loop state; undefined when there is no usable checkpoint. */
export async function loadCheckpoint(path: string, net: ResNet, adam: Adam, run: string): Promise<LoopState | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const file = parseSafetensors(bytes, path);
  const state = JSON.parse(file.metadata.study_state ?? 'null') as (LoopState & { adam_step: number }) | null;
  if (!state) throw new FileError(path, 'not a training checkpoint (no study_state metadata)');
  if (state.run !== run) return undefined; // another configuration's checkpoint
  loadTorchWeights(net, file.tensors, path);
  adam.step = state.adam_step;
  for (const [name, t] of file.tensors) {
    const match = /^optimizer\.(.+)\.(exp_avg|exp_avg_sq)$/.exec(name);
    if (!match) continue;
    const target = match[2] === 'exp_avg' ? adam.m : adam.v;
    target.get(match[1]!)?.dispose();
    target.set(match[1]!, variableFrom(tf.tensor(t.data, t.shape)));
  }
  const { adam_step: _, ...loop } = state;
  return loop;
}

/** Network weights only (best epoch, final model), torchvision layout. */
export async function saveWeights(path: string, net: ResNet, step: number, metadata: Record<string, string> = {}): Promise<void> {
  const tensors: Map<string, NamedTensor> = await exportTorchWeights(net, step);
  await writeFileAtomic(path, serializeSafetensors(tensors, { format: 'pt', ...metadata }));
}
