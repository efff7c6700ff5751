/**
 * Training checkpoints, written atomically after every epoch: the network in torchvision's
 * layout (so `study forward` and PyTorch read it like any weights file), Adam's moments under
 * `optimizer.<variable>.exp_avg|exp_avg_sq` (TensorFlow.js) or `onnx.<tensor>.…` (onnxruntime), and the loop's state (epoch, step, history,
 * early stopping) as JSON in the safetensors metadata. Augmentation and shuffling are seeded
 * by (seed, epoch), so this is all a resumed run needs to continue exactly.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic.ts';
import { FileError } from '../core/errors.ts';
import { parseSafetensors, serializeSafetensors, type NamedTensor } from './safetensors.ts';
import type { EngineState, TrainEngine } from './train-engine.ts';
import * as msg from '../core/messages.ts';

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

export async function saveCheckpoint(path: string, engine: EngineState, state: LoopState): Promise<void> {
  const tensors = new Map([...engine.tensors, ...engine.moments]);
  await writeFileAtomic(path, serializeSafetensors(tensors, { format: 'pt', study_state: JSON.stringify({ ...state, adam_step: engine.adamStep }) }));
}

/** Restores the engine's network and optimizer and returns the loop state; undefined when there is no usable checkpoint. */
export async function loadCheckpoint(path: string, engine: TrainEngine, run: string): Promise<LoopState | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const file = parseSafetensors(bytes, path);
  const state = JSON.parse(file.metadata.study_state ?? 'null') as (LoopState & { adam_step: number }) | null;
  if (!state) throw new FileError(path, msg.notCheckpoint());
  if (state.run !== run) return undefined; // another configuration's checkpoint
  const moments = new Map([...file.tensors].filter(([name]) => /\.(exp_avg|exp_avg_sq)$/.test(name) && /^(optimizer|onnx)\./.test(name)));
  const tensors = new Map([...file.tensors].filter(([name]) => !moments.has(name)));
  engine.restore({ tensors, moments, adamStep: state.adam_step });
  const { adam_step: _, ...loop } = state;
  return loop;
}

/** Network weights only (best epoch, final model), torchvision layout. */
export async function saveWeights(path: string, tensors: Map<string, NamedTensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, { format: 'pt', ...metadata }));
}
