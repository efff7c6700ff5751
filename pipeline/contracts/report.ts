/** The narrative's data: `_data/report.json` and `_data/findings.json`. */
import type { ClusterData } from './clusters.ts';

/** A chart row of precision, recall or F1 for one class and one source (this build, the study). */
export interface MetricRow {
  source: string;
  class: string;
  metric: string;
  value: number;
}

export interface Verdict {
  /** better | worse | indistinguishable: where the 95% interval of accuracy lies against chance. */
  against_chance: 'better' | 'worse' | 'indistinguishable';
  /** barely | modestly | clearly (how far the point estimate is from chance), or null. */
  strength: 'barely' | 'modestly' | 'clearly' | null;
  chance: number;
  /** One sentence, for the prose. */
  sentence: string;
}

/** A link to another cluster's page. */
export interface ClusterLink {
  slug: string;
  name: string;
  cluster: number;
}

/**
 * A cluster page's small map, drawn as inline SVG by the page: the t-SNE points scaled into a
 * width x height box, each set as SVG path data of zero-length segments ("M12 30h0..."), drawn
 * as dots by a round line cap. Points that fall on the same pixel are drawn once.
 */
export interface ClusterMap {
  width: number;
  height: number;
  /** The other clusters' points. */
  others: string;
  /** This cluster's points. */
  members: string;
  /** This cluster's colour on the report's t-SNE map (the chart theme's category range over the sorted cluster names). */
  colour: string;
  /** Points in this cluster and in the whole map. */
  member_points: number;
  all_points: number;
}

/** `_data/report.json`, written by the `report` stage: what the narrative needs, chart-ready. */
export interface ReportData {
  study_metrics: MetricRow[];
  /** What always guessing the larger class scores on the study's validation set. */
  study_chance: number;
  /** This build's and the study's metrics side by side. */
  comparison: MetricRow[];
  verdict: Verdict | null;
  loss_rows: { epoch: number; split: 'train' | 'validation'; loss: number }[];
  confusion_rows: { actual: string; predicted: string; count: number; share: number }[];
  roc_rows: { fpr: number; tpr: number }[];
  /** Per embedding source: chart rows for the elbow and the sell-through bars. */
  clusters: Record<string, {
    elbow: { k: number; inertia: number; chosen: boolean }[];
    sales: { cluster: number; name: string; size: number; sold_rate: number; lo: number; hi: number; p_holm: number | null; overall: number }[];
    /** Clusters whose sell-through differs from the rest after Holm's correction. */
    significant: number;
    /** Clusters with no test (an empty side, or all or none sold). */
    untestable: number;
    lowest_rate: number;
    highest_rate: number;
  }>;
  /** One entry per cluster of every source: what its generated page shows. */
  cluster_pages: (ClusterData['clusters'][number] & {
    source: string;
    label: string;
    k: number;
    overall_rate: number;
    slug: string;
    /** 1-based place among its clustering's clusters (in cluster order). */
    position: number;
    /** The neighbouring clusters of the same clustering; null at either end. */
    previous: ClusterLink | null;
    next: ClusterLink | null;
    /** The small t-SNE map of the page, this cluster highlighted. */
    map: ClusterMap;
  })[];
  /** The starting weights' card (one page), or none. */
  weights_card: { markdown: string }[];
  /** How the cluster pages' difference intervals are computed, in words. */
  difference_interval: string;
  /** Each class's metrics as table rows: class, precision, recall, f1, support. */
  table: { class: string; precision: number; recall: number; f1: number; support: number }[];
}

/** A row inside a finding's numbers (one cluster, one category...). */
export interface FindingRow {
  [key: string]: number | string | boolean | null;
}

export type FindingId = 'image_signal' | 'image_vs_metadata' | 'cluster_sales' | 'cluster_semantics' | 'category_ranking' | 'gradcam_reliance';

/** One claim of the report: a verdict decided by a named rule from `numbers`, worded in `sentence`. */
export interface Finding {
  id: FindingId;
  /** The clustering a per-clustering finding is about; null for the others. */
  source: 'resnet' | 'clip' | null;
  verdict: string;
  /** A few words for the opening list, from the verdict. */
  headline: string;
  /** The rule that decided the verdict, in words (findings/rules.ts). */
  rule: string;
  sentence: string;
  /** The id of the report section that shows the evidence. */
  section: string;
  numbers: Record<string, number | string | boolean | null | number[] | string[] | FindingRow[]>;
}

/** `_data/findings.json`, written by the `findings` stage: the report's claims and its interpretation. */
export interface FindingsData {
  findings: Finding[];
  /** 3 to 6 short paragraphs assembled from the verdicts. */
  interpretation: string[];
}
