/**
 * Adam as PyTorch's torch.optim.Adam computes it (bias-corrected moments, eps added after the
 * square root), with weight decay either coupled (PyTorch's Adam: decay * w added to the
 * gradient) or decoupled (AdamW: w shrunk by lr * decay before the step). Its state (step,
 * first and second moments) is plain tensors so that checkpoints can save and restore it
 * exactly.
 */
import { tf } from './backend.ts';

export interface AdamOptions {
  learningRate: number;
  weightDecay: number;
  decoupled: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** A variable of zeros; the temporary it is made from is freed (a Variable shares its data). */
export function variableFrom(value: tf.Tensor): tf.Variable {
  const variable = tf.variable(value, false);
  value.dispose();
  return variable;
}

const zeroVariable = (like: tf.Tensor) => variableFrom(tf.zerosLike(like));

export class Adam {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(readonly options: AdamOptions) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /** One update of every variable that has a gradient. */
  apply(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    this.step++;
    const { learningRate: lr, weightDecay: wd, decoupled } = this.options;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    for (const [name, variable] of variables) {
      const grad = grads.get(name);
      if (!grad) continue;
      if (!this.m.has(name)) {
        this.m.set(name, zeroVariable(variable));
        this.v.set(name, zeroVariable(variable));
      }
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      tf.tidy(() => {
        let g: tf.Tensor = grad;
        let w: tf.Tensor = variable;
        if (wd > 0 && !decoupled) g = tf.add(g, tf.mul(variable, wd));
        if (wd > 0 && decoupled) w = tf.mul(variable, 1 - lr * wd);
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const denominator = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(correction2)), this.epsilon);
        variable.assign(tf.sub(w, tf.mul(tf.div(m1, denominator), lr / correction1)));
      });
    }
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
    this.m.clear();
    this.v.clear();
  }
}
