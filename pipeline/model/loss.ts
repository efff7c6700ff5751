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

/**
 * Softmax cross-entropy, mean over the batch (PyTorch's CrossEntropyLoss on class indices):
 * logsumexp(z) - z[label], computed from max-shifted logits.
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const logProbabilities = tf.logSoftmax(logits);
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), -1))) as tf.Scalar;
  });
}

/** The same loss on plain numbers: `logits` holds N rows of `classes` values. */
export function softmaxCrossEntropyValue(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[i * classes + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(logits[i * classes + c]! - max);
    sum += max + Math.log(total) - logits[i * classes + labels[i]!]!;
  }
  return sum / labels.length;
}

/**
 * The loss and accuracy of a head's logits against labels: binary cross-entropy on a single
 * logit (label 1 = sold; predicted when the logit is >= 0), softmax cross-entropy on several
 * (labels are class indices; the prediction is the largest logit).
 */
export function scoreLogits(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): { loss: number; accuracy: number } {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let predicted = 0;
    if (classes === 1) predicted = logits[i]! >= 0 ? 1 : 0;
    else for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + predicted]!) predicted = c;
    if (predicted === labels[i]) correct++;
  }
  const loss = classes === 1 ? bceWithLogitsValue(logits, labels) : softmaxCrossEntropyValue(logits, labels, classes);
  return { loss, accuracy: correct / labels.length };
}
