import { tf } from './backend.ts';

/**
 * Binary cross-entropy with logits, mean over the batch, in its numerically stable form:
 * max(z, 0) - z * y + log(1 + exp(-|z|)) (PyTorch's BCEWithLogitsLoss).
 */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const z = tf.reshape(logits, [-1]);
    const y = tf.reshape(labels, [-1]);
    const perItem = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.mean(perItem) as tf.Scalar;
  });
}

/** The same loss on plain numbers (for evaluation, where scores are already on the host). */
export function bceWithLogitsValue(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i]!;
    sum += Math.max(z, 0) - z * labels[i]! + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return sum / logits.length;
}
