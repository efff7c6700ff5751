/**
 * The embedding models whose vectors are clustered, as plug-ins: each is its id (the stage
 * names embed-<id> and cluster-<id>, the data file clusters_<id>.json, its key in cluster.k),
 * its name for readers, and whether its vectors are L2-normalised before clustering. The graph
 * builds one cluster stage per entry; the report and its pages iterate over the clusterings
 * that ran. Adding one: its embed stage (pipeline/embed/<id>-stage.ts, writing
 * `embeddings:<id>`), its entry here, its key in cluster.k (config-types.ts and
 * study.schema.json), its entries in stage-files.ts and DataFiles, and its prose on the page.
 */
import type { ClusterConfig } from '../core/config-types.ts';

export interface Embedder {
  id: keyof ClusterConfig['k'];
  /** For readers: "the ResNet embeddings", "CLIP cluster 3". */
  name: string;
  /** What the cluster stage's doc says it reads. */
  reads: string;
  /** Scale each vector to unit length before clustering (CLIP's embeddings are compared by angle). */
  normalise: boolean;
}

export const EMBEDDERS = {
  resnet: { id: 'resnet', name: 'ResNet', reads: 'ResNet embeddings', normalise: false },
  clip: { id: 'clip', name: 'CLIP', reads: 'CLIP embeddings (L2-normalised)', normalise: true },
} as const satisfies { [K in keyof ClusterConfig['k']]: Embedder & { id: K } };

export type EmbedderId = keyof typeof EMBEDDERS;

export const EMBEDDER_IDS = Object.keys(EMBEDDERS) as EmbedderId[];
