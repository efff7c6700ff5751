/**
 * A convolution layer as PyTorch's nn.Conv2d(bias=False): symmetric explicit padding, no
 * fused op. tf.layers.conv2d always runs tfjs's fused conv2d, whose custom gradient computes
 * the gradient with respect to its input even when nothing needs it: for the stem that is a
 * 7x7 transposed convolution onto the image, a third of a training step's convolution time.
 * The plain conv2d's gradient is pruned by the tape, and the explicit padding saves the
 * separate ZeroPadding2D copy.
 */
import * as tf from '@tensorflow/tfjs';

export interface TorchConv2DArgs {
  filters: number;
  kernelSize: number;
  strides: number;
  padding: number;
  name: string;
  kernelInitializer: ReturnType<typeof tf.initializers.varianceScaling>;
}

export class TorchConv2D extends tf.layers.Layer {
  static className = 'TorchConv2D';
  private kernel?: tf.LayerVariable;

  constructor(private readonly args: TorchConv2DArgs) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [this.args.kernelSize, this.args.kernelSize, channels, this.args.filters], 'float32', this.args.kernelInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = inputShape as tf.Shape;
    const out = (size: number | null) => (size === null ? null : Math.floor((size + 2 * this.args.padding - this.args.kernelSize) / this.args.strides) + 1);
    return [n ?? null, out(h ?? null), out(w ?? null), this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const p = this.args.padding;
      return tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, this.args.strides, p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.args.filters, kernelSize: this.args.kernelSize, strides: this.args.strides, padding: this.args.padding };
  }
}
tf.serialization.registerClass(TorchConv2D);
