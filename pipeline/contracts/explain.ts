/** What the network looked at: `_data/gradcam.json` and its deletion check. */

/** `_data/gradcam.json`, written by the `gradcam` stage. */
export interface GradcamData {
  /** The methods that drew maps, in the page's order: id (gradcam.methods), name and what it does, for readers. */
  methods: {
    id: string;
    name: string;
    about: string;
    /** Of the photos shown, how many this method's map peaks in the same region as the first method's (null for the first). */
    same_peak: number | null;
  }[];
  layer: string;
  target: 'predicted' | 'sold' | 'not_sold';
  /** The map's resolution at that layer (h, w). */
  resolution: [number, number];
  thumbnails: 'full' | 'blurred' | 'none';
  threshold: number;
  items: {
    group: 'correct' | 'wrong';
    truth: 'sold' | 'not_sold';
    predicted: 'sold' | 'not_sold';
    target: 'sold' | 'not_sold';
    score: number;
    category: string | null;
    /** Site path of the first method's overlay (named by a hash of the listing id). */
    picture: string;
    /** Every method's overlay of this photo, in the methods' order, and where its map peaks. */
    pictures: { method: string; picture: string; strongest: string }[];
    /** Where the map peaks, in words, for the alt text. */
    strongest: string;
  }[];
  /** Does the network look where Grad-CAM says? The deletion check; null when it did not run. */
  deletion: DeletionCheck | null;
}

/** One group of the deletion check: mean drops in the predicted class's probability. */
export interface DeletionGroup {
  group: 'all' | 'correct' | 'wrong';
  photos: number;
  /** Mean drop when the highest-CAM pixels are replaced by the blurred photo. */
  cam_drop: number;
  /** Mean drop when as many random pixels are replaced the same way. */
  random_drop: number;
  /** cam_drop - random_drop (paired per photo). */
  difference: number;
  /** Percentile bootstrap interval (95%) of the mean paired difference; null under 2 photos. */
  ci95: [number, number] | null;
}

/**
 * The deletion check over a seeded sample of validation photos: replace a fraction of the
 * pixels (those with the highest CAM, or random ones) by a blurred copy and measure how much
 * the predicted class's probability drops (pytorch-grad-cam's ROAD / confidence-change idea).
 */
export interface DeletionCheck {
  /** The method whose maps were tested, by its name for readers (the first of gradcam.methods). */
  method: string;
  photos: number;
  /** Share of pixels replaced (0.2). */
  fraction: number;
  /** Gaussian blur sigma of the replacement, in pixels of the network's input. */
  blur_sigma: number;
  /** Bootstrap resamples behind each interval. */
  resamples: number;
  groups: DeletionGroup[];
  /** Chart rows: group x kind (highlighted / random) mean drop. */
  rows: { group: 'correct' | 'wrong' | 'all'; kind: 'highlighted' | 'random'; drop: number; photos: number }[];
}
