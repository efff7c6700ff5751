/**
 * The report's closing Interpretation: short paragraphs assembled from the verdicts alone (what
 * each finding decided), in the order a reader asks: does the photo predict a sale, does it
 * beat what the listing says, what the clusters and Grad-CAM show, and how the published
 * study's own result looks beside this one. Pure; numbers are printed as the page prints them.
 */
import type { Finding } from '../contracts.ts';
import { listing } from './wording.ts';
import { f2, pct } from './format.ts';
import { differs } from './rules.ts';

export interface StudyFigures {
  accuracy: number;
  f1_macro: number;
  validation_images: number;
  /** The study's own conclusion, in this project's words (study_reference.json). */
  conclusion: string;
}

export interface InterpretationInputs {
  findings: Finding[];
  accuracy: number;
  accuracy_ci95: [number, number];
  simulated: boolean;
  /** Whether the CLIP clustering ran (the study's main positive claim is about it). */
  clip_ran: boolean;
  study: StudyFigures;
}

const num = (f: Finding, key: string) => f.numbers[key] as number;

function photoParagraph(signal: Finding, ranking: Finding | undefined): string {
  const auc = f2(num(signal, 'roc_auc'));
  const recovered = signal.numbers.recovered as number | null;
  const head =
    signal.verdict === 'above_chance'
      ? `Does the photo predict whether an item sells? On this data it does, within limits: the network's ROC AUC of ${auc} is above the 0.50 of guessing${recovered !== null ? `, about ${pct(recovered)} of the way to what a model knowing the simulated odds would score` : ''}.`
      : `Does the photo predict whether an item sells? Not on this data: the network's ROC AUC of ${auc} cannot be told apart from the 0.50 of guessing.`;
  const rank =
    ranking?.verdict === 'tracks_sell_through'
      ? ' Part of what it learned is which garments sell: averaged per category, its scores follow the categories\' sell-through.'
      : ranking?.verdict === 'reverses_sell_through'
        ? ' Averaged per category, its scores run against the categories\' sell-through, which suggests it learned something other than what sells.'
        : ranking?.verdict === 'no_clear_ranking'
          ? ' Averaged per category, its scores do not clearly follow which categories sell.'
          : '';
  return head + rank;
}

function metadataParagraph(f: Finding): string {
  const builtIn = f.numbers.built_in as string[];
  const columns = listing(f.numbers.columns as string[]);
  const head =
    f.verdict === 'image_better'
      ? `The photo also beats a model that knows only what the listing says (its ${columns}), on the same photos.`
      : f.verdict === 'metadata_better'
        ? `What the listing says (its ${columns}) predicts the sale better than the photo does, on the same photos.`
        : `Set against a model that knows only what the listing says (its ${columns}), the photo neither wins nor loses clearly on the same photos.`;
  const tail = builtIn.length > 0 ? ` That comparison is not fair to the photo here: the simulated sale was computed from ${listing(builtIn)}.` : '';
  return head + tail;
}

function clusterParagraph(semantics: Finding | undefined, sales: Finding): string {
  const label = sales.numbers.label as string;
  const follows = semantics === undefined ? '' : semantics.verdict === 'follows_category' ? `are partly organised by garment category` : `are not organised by garment category more than chance would make them`;
  const rows = sales.numbers.clusters as { name: string; sold_rate: number; rest_rate: number | null; p_holm: number | null }[];
  const named = rows.filter((r) => differs(r.p_holm)).map((r) => `${r.name} sells ${r.sold_rate > (r.rest_rate ?? 0) ? 'more' : 'less'} often than the rest`);
  const differ = sales.verdict === 'some_clusters_differ' ? listing(named) : 'none of them sells differently from the rest beyond chance';
  return follows ? `The ${label} clusters ${follows}, and ${differ}.` : `Among the ${label} clusters, ${differ}.`;
}

function gradcamParagraph(f: Finding): string {
  return f.verdict === 'relies_on_highlighted_regions'
    ? 'Grad-CAM\'s maps carry some real information: the regions they highlight matter more to the network\'s confidence than random regions of the same size. They do not say whether those regions are the garment or its background.'
    : 'Grad-CAM\'s maps should be read with care: the regions they highlight matter to the network\'s confidence no more than random regions of the same size, so they do not show what its answer rests on.';
}

function studyParagraph(inputs: InterpretationInputs): string {
  const { study } = inputs;
  const ours = `This build's accuracy is ${f2(inputs.accuracy)} (95% interval ${f2(inputs.accuracy_ci95[0])} to ${f2(inputs.accuracy_ci95[1])}).`;
  const clip = inputs.clip_ran ? '' : ' This build could not rerun the CLIP part (the CLIP model was not available), so that claim is not tested here.';
  const caveat = inputs.simulated
    ? ' Its sale labels are simulated with a planted signal, so its results show that the pipeline finds such a signal, not that real photos carry one.'
    : '';
  return `The published study reported an accuracy of ${f2(study.accuracy)} and a macro F1 of ${f2(study.f1_macro)} on ${study.validation_images.toLocaleString('en-US')} balanced validation photos, where guessing scores an accuracy of 0.50, and concluded that ${study.conclusion}.${clip} ${ours}${caveat}`;
}

export function interpret(inputs: InterpretationInputs): string[] {
  const find = (id: Finding['id'], source: Finding['source'] = null) => inputs.findings.find((f) => f.id === id && f.source === source);
  const paragraphs: string[] = [];
  const signal = find('image_signal');
  if (signal) paragraphs.push(photoParagraph(signal, find('category_ranking')));
  const metadata = find('image_vs_metadata');
  if (metadata) paragraphs.push(metadataParagraph(metadata));
  const clusters = (['resnet', 'clip'] as const).map((s) => [find('cluster_semantics', s), find('cluster_sales', s)] as const).filter(([, sales]) => sales);
  if (clusters.length > 0) paragraphs.push(clusters.map(([semantics, sales]) => clusterParagraph(semantics, sales!)).join(' '));
  const gradcam = find('gradcam_reliance');
  if (gradcam) paragraphs.push(gradcamParagraph(gradcam));
  paragraphs.push(studyParagraph(inputs));
  return paragraphs;
}
