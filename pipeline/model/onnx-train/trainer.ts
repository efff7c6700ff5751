/**
 * Training in onnxruntime: the network's tensors (torchvision layout), Adam's moments and the
 * step count live here between steps, and each batch runs the step graph (step-graph.ts) on
 * them: one session per (variant, micro-batch size), made when first needed. The outputs of a
 * step are kept as the next step's inputs. On the CPU the graph stops at the gradients and Adam
 * runs as one fused pass per tensor on up to two threads (adam-threads.ts), several times faster
 * than the same update as ONNX element-wise kernels; on a GPU it stays in the graph.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createSession, type Device } from '../../core/onnx-runtime.ts';
import type { NamedTensor } from '../safetensors.ts';
import type { ResNetSpec } from '../resnet.ts';
import { resnetParameters, type ParameterInfo } from './resnet-grad.ts';
import { stepGraph, type AdamSettings, type StepVariant } from './step-graph.ts';
import { AdamThreads } from './adam-threads.ts';
import { availableParallelism } from 'node:os';

type Ort = typeof import('onnxruntime-node');

export interface MicroBatch {
  /** NHWC float32, normalised as the pipeline's batches are. */
  x: Float32Array;
  /** Labels: 0/1 for one output, class indices for several. */
  y: ArrayLike<number>;
  count: number;
}

export class OnnxTrainer {
  private readonly parameters: ParameterInfo[];
  private readonly values = new Map<string, Tensor>();
  private readonly m = new Map<string, Tensor>();
  private readonly v = new Map<string, Tensor>();
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  /** Adam steps taken (PyTorch's `step`). */
  step = 0;
  /** Batch-norm forward passes in training mode (torchvision's num_batches_tracked). */
  batchesTracked = 0;
  /** Why the requested device was not used, when it was not. */
  fallback: string | undefined;
  /** Whether Adam's update runs in the step graph (on a GPU) or as the fused CPU pass. */
  private readonly adamInGraph: boolean;
  private adamThreads: AdamThreads | undefined;

  private constructor(
    private readonly ort: Ort,
    readonly spec: ResNetSpec,
    readonly size: number,
    readonly adam: AdamSettings,
    private readonly threads?: number,
    readonly device: Device = 'cpu',
    update?: 'graph' | 'fused',
  ) {
    this.parameters = resnetParameters(spec);
    this.adamInGraph = (update ?? (device === 'cpu' ? 'fused' : 'graph')) === 'graph';
  }

  static async create(
    tensors: Map<string, NamedTensor>,
    spec: ResNetSpec,
    size: number,
    adam: Partial<AdamSettings> & Pick<AdamSettings, 'learningRate' | 'weightDecay' | 'decoupled'>,
    /** `update`: where Adam runs; by default fused on the CPU, in the graph on a GPU. */
    options: { threads?: number; device?: Device; update?: 'graph' | 'fused' } = {},
  ): Promise<OnnxTrainer> {
    const ort = await import('onnxruntime-node');
    const trainer = new OnnxTrainer(ort, spec, size, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...adam }, options.threads, options.device, options.update);
    trainer.load(tensors);
    return trainer;
  }

  /** Replaces the network's tensors (and, when given, Adam's moments and step). */
  load(tensors: Map<string, NamedTensor>, moments?: { m: Map<string, Float32Array>; v: Map<string, Float32Array>; step: number; batchesTracked?: number }): void {
    for (const p of this.parameters) {
      const t = tensors.get(p.name);
      if (!t) throw new Error(`the network has no tensor '${p.name}'`);
      this.values.set(p.name, new this.ort.Tensor('float32', Float32Array.from(t.data), p.shape));
      if (p.kind !== 'trained') continue;
      const zeros = () => new Float32Array(t.data.length);
      // Copies: the fused update works in place.
      this.m.set(p.name, new this.ort.Tensor('float32', moments?.m.get(p.name)?.slice() ?? zeros(), p.shape));
      this.v.set(p.name, new this.ort.Tensor('float32', moments?.v.get(p.name)?.slice() ?? zeros(), p.shape));
    }
    this.step = moments?.step ?? 0;
    this.batchesTracked = moments?.batchesTracked ?? 0;
  }

  private session(variant: StepVariant, batch: number): Promise<InferenceSession> {
    const key = `${variant}:${batch}`;
    let session = this.sessions.get(key);
    if (!session) {
      const graph = stepGraph(this.spec, batch, this.size, this.size, variant, this.adam);
      session = createSession(graph, this.threads, this.device)
        .catch((error: Error) => {
          if (this.device === 'cpu') throw error;
          // The GPU's provider could not start (no adapter, no driver): the CPU's runs the same graph.
          this.fallback ??= `${this.device} unavailable (${error.message.split('\n')[0]}); training on the CPU`;
          return createSession(graph, this.threads, 'cpu');
        })
        .then((s) => s.session);
      this.sessions.set(key, session);
    }
    return session;
  }

  /**
   * One optimiser step over a batch given as micro-batches (their gradients summed, each loss
   * weighted by its share of the batch). Returns the batch's mean loss.
   */
  async trainBatch(micro: MicroBatch[]): Promise<number> {
    const total = micro.reduce((s, b) => s + b.count, 0);
    let accumulated: Map<string, Tensor> | undefined;
    let loss = 0;
    for (const [i, b] of micro.entries()) {
      const last = i === micro.length - 1;
      const updating = last && this.adamInGraph;
      const variant: StepVariant = i === 0 ? (updating ? 'step' : 'first') : updating ? 'last' : 'accumulate';
      const feeds: Record<string, Tensor> = {
        input: new this.ort.Tensor('float32', b.x, [b.count, this.size, this.size, 3]),
        labels: this.spec.classes === 1 ? new this.ort.Tensor('float32', Float32Array.from(b.y), [b.count]) : new this.ort.Tensor('int64', BigInt64Array.from(Array.from(b.y, (l) => BigInt(l))), [b.count]),
        loss_scale: new this.ort.Tensor('float32', Float32Array.of(b.count / total), []),
      };
      for (const [name, t] of this.values) feeds[name] = t;
      if (accumulated) for (const [name, t] of accumulated) feeds[`acc:${name}`] = t;
      if (variant === 'step' || variant === 'last') {
        feeds.step = new this.ort.Tensor('float32', Float32Array.of(this.step + 1), []);
        for (const [name, t] of this.m) feeds[`m:${name}`] = t;
        for (const [name, t] of this.v) feeds[`v:${name}`] = t;
      }
      const out = await (await this.session(variant, b.count)).run(feeds);
      loss += (out.loss_out!.data as Float32Array)[0]! * (b.count / total);
      this.batchesTracked++;
      // Running statistics move with every micro-batch, as in PyTorch.
      for (const p of this.parameters) if (p.kind === 'running') this.values.set(p.name, out[`new:${p.name}`]!);
      if (variant === 'first' || variant === 'accumulate') {
        accumulated = new Map(this.parameters.filter((p) => p.kind === 'trained').map((p) => [p.name, out[`acc_out:${p.name}`]!]));
        if (last) await this.applyAdam(accumulated);
        continue;
      }
      for (const p of this.parameters) {
        if (p.kind !== 'trained') continue;
        this.values.set(p.name, out[`new:${p.name}`]!);
        this.m.set(p.name, out[`new_m:${p.name}`]!);
        this.v.set(p.name, out[`new_v:${p.name}`]!);
      }
      this.step++;
    }
    return loss;
  }

  /** Adam's update of every trained tensor from the batch's summed gradients. */
  private async applyAdam(grads: Map<string, Tensor>): Promise<void> {
    this.step++;
    const names = [...grads.keys()];
    const data = (map: Map<string, Tensor>, name: string) => map.get(name)!.data as Float32Array;
    const tensors = names.map((name) => ({ w: data(this.values, name), g: grads.get(name)!.data as Float32Array, m: data(this.m, name), v: data(this.v, name) }));
    this.adamThreads ??= new AdamThreads(this.threads ?? availableParallelism());
    const updated = await this.adamThreads.update(tensors, this.adam, this.step);
    // Tensors the worker updated come back in new buffers (the old ones moved to it).
    names.forEach((name, i) => {
      const t = updated[i]!;
      if (t.w === tensors[i]!.w) return;
      const shape = this.values.get(name)!.dims;
      this.values.set(name, new this.ort.Tensor('float32', t.w, shape));
      this.m.set(name, new this.ort.Tensor('float32', t.m, shape));
      this.v.set(name, new this.ort.Tensor('float32', t.v, shape));
    });
  }

  /** The network's tensors in torchvision layout (what the pipeline exports and loads): a copy, as the update works in place. */
  tensors(): Map<string, NamedTensor> {
    const out = new Map<string, NamedTensor>();
    for (const [name, t] of this.values) out.set(name, { shape: [...t.dims], data: (t.data as Float32Array).slice() });
    return out;
  }

  /** Adam's state, for checkpoints (a copy). */
  moments(): { m: Map<string, Float32Array>; v: Map<string, Float32Array>; step: number; batchesTracked: number } {
    const read = (map: Map<string, Tensor>) => new Map([...map].map(([k, t]) => [k, (t.data as Float32Array).slice()]));
    return { m: read(this.m), v: read(this.v), step: this.step, batchesTracked: this.batchesTracked };
  }

  async release(): Promise<void> {
    await this.adamThreads?.close();
    for (const session of this.sessions.values()) await (await session).release();
    this.sessions.clear();
  }
}
