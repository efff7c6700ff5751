/**
 * The training step as one ONNX graph: forward, backward, gradient accumulation and Adam
 * exactly as model/adam.ts (PyTorch's Adam with coupled weight decay, or AdamW). Four variants
 * cover gradient accumulation over micro-batches: a batch in one micro-batch runs `step`; a
 * longer batch runs `first`, then `accumulate`, and ends with `last`, which adds the running
 * sum of gradients before Adam's update.
 */
import { FLOAT, GraphBuilder, INT64 } from './builder.ts';
import { addTrainingPass, resnetParameters } from './resnet-grad.ts';
import type { ResNetSpec } from '../resnet.ts';

export type StepVariant = 'step' | 'first' | 'accumulate' | 'last';

export interface AdamSettings {
  learningRate: number;
  weightDecay: number;
  decoupled: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export function stepGraph(spec: ResNetSpec, batch: number, height: number, width: number, variant: StepVariant, adam: AdamSettings): Uint8Array {
  const g = new GraphBuilder();
  const parameters = resnetParameters(spec);
  const trained = parameters.filter((p) => p.kind === 'trained');
  g.input('input', [batch, height, width, 3]);
  g.input('labels', [batch], spec.classes === 1 ? FLOAT : INT64);
  g.input('loss_scale', []);
  for (const p of parameters) g.input(p.name, p.shape);
  const accumulating = variant === 'accumulate' || variant === 'last';
  const updating = variant === 'step' || variant === 'last';
  if (accumulating) for (const p of trained) g.input(`acc:${p.name}`, p.shape);
  if (updating) {
    g.input('step', []);
    for (const p of trained) {
      g.input(`m:${p.name}`, p.shape);
      g.input(`v:${p.name}`, p.shape);
    }
  }

  const { loss, grads, running } = addTrainingPass(g, spec, batch, height, width);
  g.op('Identity', [loss], [], 'loss_out');
  g.output('loss_out', []);
  for (const [name, value] of running) {
    g.op('Identity', [value], [], `new:${name}`);
    g.output(`new:${name}`, [parameters.find((p) => p.name === name)!.shape[0]!]);
  }
  // Adam's bias corrections for this step number: 1 - beta^t.
  const correction = (beta: number) => g.op('Sub', [g.scalar(1), g.op('Pow', [g.scalar(beta), 'step'])]);
  const [c1, c2] = updating ? [correction(adam.beta1), correction(adam.beta2)] : ['', ''];
  const rootC2 = updating ? g.op('Sqrt', [c2]) : '';
  const epsScaled = updating ? g.mul(g.scalar(adam.epsilon), rootC2) : '';
  const stepSize = updating ? g.op('Div', [g.mul(g.scalar(adam.learningRate), rootC2), c1]) : '';
  for (const p of trained) {
    let grad = grads.get(p.name);
    if (!grad) throw new Error(`no gradient for ${p.name}`);
    if (accumulating) grad = g.add(`acc:${p.name}`, grad);
    if (!updating) {
      g.op('Identity', [grad], [], `acc_out:${p.name}`);
      g.output(`acc_out:${p.name}`, p.shape);
      continue;
    }
    let w = p.name;
    if (adam.weightDecay > 0 && !adam.decoupled) grad = g.add(grad, g.scale(p.name, adam.weightDecay));
    if (adam.weightDecay > 0 && adam.decoupled) w = g.scale(p.name, 1 - adam.learningRate * adam.weightDecay);
    const m = g.op('Add', [g.scale(`m:${p.name}`, adam.beta1), g.scale(grad, 1 - adam.beta1)], [], `new_m:${p.name}`);
    const v = g.op('Add', [g.scale(`v:${p.name}`, adam.beta2), g.scale(g.mul(grad, grad), 1 - adam.beta2)], [], `new_v:${p.name}`);
    // PyTorch's w - lr / c1 * m / (sqrt(v) / sqrt(c2) + eps), with sqrt(c2) moved onto the
    // scalars (w - lr sqrt(c2) / c1 * m / (sqrt(v) + eps sqrt(c2))): one pass over the tensor fewer.
    const denominator = g.add(g.op('Sqrt', [v]), epsScaled);
    g.op('Sub', [w, g.mul(g.op('Div', [m, denominator]), stepSize)], [], `new:${p.name}`);
    for (const prefix of ['new:', 'new_m:', 'new_v:']) g.output(`${prefix}${p.name}`, p.shape);
  }
  return g.encode(`resnet_train_${variant}`);
}
