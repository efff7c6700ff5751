/**
 * Batch normalisation as PyTorch's nn.BatchNorm2d in training (batch statistics, biased
 * variance for normalising, running averages with tfjs's momentum convention) whose gradient
 * is the closed form rather than tfjs's differentiation of moments():
 *
 *   dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)),
 *   dgamma = sum(dy * xhat), dbeta = sum(dy).
 *
 * tf.layers.batchNormalization differentiates mean, subtract, square, mean and the fused
 * normalisation one by one: a dozen full-size tensors per layer, and wasm's Sum and Mean
 * transpose their input before reducing. Here each per-channel reduction is two average pools
 * (XNNPACK on wasm; 10-15x faster than Mean on ResNet50's activations).
 */
import * as tf from '@tensorflow/tfjs';

/** Mean over batch, rows and columns of an NHWC tensor: one value per channel. */
export function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const perImage = tf.avgPool(x, [h, w], [h, w], 'valid');
    return tf.avgPool(tf.reshape(perImage, [1, 1, n, c]) as tf.Tensor4D, [1, n], [1, n], 'valid').reshape([c]);
  });
}

export interface TorchBatchNormArgs {
  name: string;
  momentum: number;
  epsilon: number;
}

export class TorchBatchNorm extends tf.layers.Layer {
  static className = 'TorchBatchNorm';
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private movingMean?: tf.LayerVariable;
  private movingVariance?: tf.LayerVariable;

  constructor(private readonly args: TorchBatchNormArgs) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = [shape[shape.length - 1] as number];
    // The same weights in the same order as tf.layers.batchNormalization (checkpoints, torch layout).
    this.gamma = this.addWeight('gamma', channels, 'float32', tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight('beta', channels, 'float32', tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', channels, 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', channels, 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const gamma = this.gamma!.read() as tf.Tensor1D;
      const beta = this.beta!.read() as tf.Tensor1D;
      if (!kwargs.training) {
        return tf.batchNorm(x, this.movingMean!.read() as tf.Tensor1D, this.movingVariance!.read() as tf.Tensor1D, beta, gamma, this.args.epsilon);
      }
      const { y, mean, variance } = this.normaliseBatch(x, gamma, beta);
      for (const [variable, value] of [[this.movingMean!, mean], [this.movingVariance!, variance]] as const) {
        // tfjs's convention: moving -= (moving - batch) * (1 - momentum)
        const old = variable.read();
        variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.args.momentum)));
      }
      tf.dispose([mean, variance]);
      return y;
    });
  }

  private normaliseBatch(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
    let mean: tf.Tensor1D | undefined;
    let variance: tf.Tensor1D | undefined;
    const epsilon = this.args.epsilon;
    // customGrad returns one tensor: the batch statistics leave through these (kept, then freed by call()).
    const forward = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, scale, offset, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      mean = tf.keep(channelMean(input));
      const centred = tf.sub(input, mean) as tf.Tensor4D;
      variance = tf.keep(channelMean(tf.square(centred)));
      const rstd = tf.rsqrt(tf.add(variance, epsilon));
      const xhat = tf.mul(centred, rstd) as tf.Tensor4D;
      save([xhat, tf.mul(scale, rstd)]);
      return {
        value: tf.add(tf.mul(xhat, scale), offset),
        gradFunc: (dy, saved) => {
          const [normed, gain] = saved as [tf.Tensor4D, tf.Tensor1D];
          const g = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D;
          const count = g.shape[0] * g.shape[1] * g.shape[2];
          const meanG = channelMean(g);
          const meanGX = channelMean(tf.mul(g, normed) as tf.Tensor4D);
          return [
            tf.mul(tf.sub(tf.sub(g, meanG), tf.mul(normed, meanGX)), gain),
            tf.mul(meanGX, count),
            tf.mul(meanG, count),
          ];
        },
      };
    });
    const y = forward(x, gamma, beta);
    return { y, mean: mean!, variance: variance! };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.args.momentum, epsilon: this.args.epsilon };
  }
}
tf.serialization.registerClass(TorchBatchNorm);
