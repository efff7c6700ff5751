/** The embeddings' clusterings and CLIP: `_data/clusters_<embedder>.json`, `clip.json`. */
import type { ClusterSales } from '../cluster/sales.ts';
import type { EmbedderId } from '../embed/embedders.ts';

/** `_data/clusters_resnet.json` / `clusters_clip.json`, written by the cluster stages. */
export interface ClusterData {
  source: EmbedderId;
  /** What KMeans clustered: the embeddings, or their t-SNE map. */
  space: 'embeddings' | 'tsne';
  images: number;
  dimensions: number;
  /** CLIP embeddings are L2-normalised before clustering. */
  normalised: boolean;
  perplexity: number;
  theta: number;
  elbow: { k: number; inertia: number }[];
  /** The knee Kneedle found; null when the elbow curve has none (flat, straight, < 3 points). */
  knee_k: number | null;
  k: number;
  /**
   * How K was decided: at the knee; `no_knee_fallback`, the smallest K tried because the curve
   * has no knee; or `configured` (`cluster.k.<embedder>`).
   */
  k_method: 'knee' | 'no_knee_fallback' | 'configured';
  inertia: number;
  overall_rate: number;
  clusters: (ClusterSales & {
    /** A reader's name from its members' categories ("Shorts & Skirt", "Mixed"), or "Cluster N". */
    name: string;
    /** The sample sheet, tiles of 96 px (what a page shows at its 1x size). */
    sheet: string;
    /** The same sheet drawn from the photos at twice the pixels, for high-density screens. */
    sheet_2x: string;
    /** The 1x sheet's size in pixels. */
    sheet_width: number;
    sheet_height: number;
    sheet_images: number;
    /** Photos on the sheet that sold: each carries a corner badge with a triangle (the map's mark for sold). */
    sheet_sold: number;
    top_categories: { category: string; count: number }[];
  })[];
  /** How far the clusters follow the garment category; null when the manifest has no category. */
  semantics: ClusterSemantics | null;
  /** The t-SNE map: one point per validation image, with what its tooltip shows. */
  points: { x: number; y: number; cluster: number; /** The cluster's name, for the map's legend. */ name: string; label: 'sold' | 'not_sold'; category: string | null; image: string | null }[];
}

/**
 * Purity: the mean, over clusters, of the share of each cluster's most common category (photos
 * with a category only), set against the same figure when cluster labels are permuted (seeded).
 */
export interface ClusterSemantics {
  purity: number;
  photos: number;
  draws: number;
  null_mean: number;
  null_p95: number;
  /** (1 + draws at or above purity) / (1 + draws). */
  p: number;
}

/** `_data/clip.json`, written by the `embed-clip` stage. */
export interface ClipData {
  status: 'ran' | 'not_run';
  model: string;
  /** Why it did not run. */
  reason: string | null;
  /** How to make it run. */
  enable: string | null;
  images: number;
  dimensions: number;
}
