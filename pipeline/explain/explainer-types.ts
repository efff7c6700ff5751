/** What an explanation method is given and what it is (explainer.ts holds the registry). */

/** One image at one stage, channel-major: value (c, p) at c * plane + p. */
export interface StageSignals {
  activation: Float32Array;
  gradient: Float32Array;
  channels: number;
  /** h * w cells. */
  plane: number;
}

export interface Explainer {
  /** Its config value (gradcam.methods) and file-name part. */
  id: string;
  /** Its name for readers. */
  name: string;
  /** What it does, in a reader's words (the page says it where the method's maps are shown). */
  about: string;
  channelWeights(signals: StageSignals): Float64Array;
}
