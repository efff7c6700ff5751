/**
 * What every chart gets before it is drawn, so that its spec files only say what they show:
 *  - readers' words in the data and in literal domains ("not sold", not `not_sold`);
 *  - tooltips from the encoded fields, with their titles and rounded numbers, wherever a mark
 *    asks for a tooltip without listing one (Vega-Lite's own would show its `_…_sort_index`
 *    helpers and every digit);
 *  - a width that follows the page: a single or layered view with a numeric width becomes
 *    `width: "container"` (Vega-Lite's fit-x autosize), and one with a numeric height keeps its
 *    aspect (`usermeta.aspect`, applied by assets/js/charts.js). The static rendering is drawn at
 *    STATIC_WIDTH and scaled by CSS.
 */
type Spec = Record<string, unknown>;

/** Internal labels and the words a reader sees instead. */
export const READER_WORDS: Record<string, string> = {
  not_sold: 'not sold',
  'f1-score': 'F1',
  'macro avg': 'macro average',
  'weighted avg': 'weighted average',
};
export const readerWord = (value: string) => READER_WORDS[value] ?? value;

export const STATIC_WIDTH = 640;
/** Heights an aspect may give a chart (px). */
export const HEIGHT_RANGE: [number, number] = [180, 520];

const CHANNELS = ['x', 'y', 'color', 'shape', 'size', 'text', 'theta', 'xOffset', 'yOffset', 'x2', 'y2'];

/** Data rows with internal labels in readers' words (string values only; keys stay). */
export function readerRows(values: unknown): unknown {
  if (!Array.isArray(values)) return values;
  return values.map((row) =>
    row && typeof row === 'object' && !Array.isArray(row)
      ? Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? readerWord(v) : v]))
      : typeof row === 'string' ? readerWord(row) : row,
  );
}

/** Literal domains and sort orders name data values: they follow the data's words. */
function literalWords(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'domain' || key === 'sort') && Array.isArray(value)) (node as Spec)[key] = value.map((v) => (typeof v === 'string' ? readerWord(v) : v));
    else if ((key === 'datum' || key === 'equal') && typeof value === 'string') (node as Spec)[key] = readerWord(value);
    else literalWords(value);
  }
}

function tooltipFrom(encoding: Record<string, Spec>): Spec[] {
  const seen = new Set<string>();
  const out: Spec[] = [];
  for (const channel of CHANNELS) {
    const def = encoding[channel];
    const field = def?.field;
    if (typeof field !== 'string' || field.startsWith('_') || seen.has(field)) continue;
    seen.add(field);
    const axisFormat = ((def!.axis as Spec | undefined)?.format ?? (def!.legend as Spec | undefined)?.format) as string | undefined;
    const title = typeof def!.title === 'string' ? def!.title : field.replace(/_/g, ' ');
    const tip: Spec = { field, type: def!.type ?? 'nominal', title };
    if (def!.type === 'quantitative') tip.format = axisFormat && axisFormat.includes('%') ? '.1%' : axisFormat === 'd' ? 'd' : '.3~f';
    out.push(tip);
  }
  return out;
}

/** Gives every mark that asks for a tooltip an explicit one (inherits the parent's encoding in layers). */
function tooltips(node: Spec, inherited: Record<string, Spec> = {}): void {
  const encoding = { ...inherited, ...((node.encoding as Record<string, Spec>) ?? {}) };
  const mark = node.mark;
  const wants = mark && typeof mark === 'object' && (mark as Spec).tooltip === true;
  if (wants && !encoding.tooltip) node.encoding = { ...((node.encoding as Spec) ?? {}), tooltip: tooltipFrom(encoding) };
  // A listed number without a format prints every digit: at most three decimals, no trailing zeros.
  const listed = (node.encoding as Spec | undefined)?.tooltip;
  if (Array.isArray(listed)) for (const t of listed as Spec[]) if (t.type === 'quantitative' && !t.format) t.format = '.3~f';
  for (const child of (node.layer as Spec[] | undefined) ?? []) tooltips(child, encoding);
  if (node.spec && typeof node.spec === 'object') tooltips(node.spec as Spec, encoding);
}

/** The spec as the page draws it (interactive) and as the static rendering draws it. */
export function readableSpec(input: Spec): { live: Spec; still: Spec } {
  const spec = structuredClone(input);
  const data = spec.data as { values?: unknown } | undefined;
  if (data && 'values' in data) data.values = readerRows(data.values);
  literalWords(spec.encoding);
  literalWords(spec.layer);
  literalWords(spec.spec);
  tooltips(spec);
  const single = !['facet', 'hconcat', 'vconcat', 'concat', 'repeat'].some((k) => k in spec);
  if (!single || typeof spec.width !== 'number') return { live: spec, still: spec };
  const aspect = typeof spec.height === 'number' ? spec.height / spec.width : null;
  const live: Spec = { ...spec, width: 'container', autosize: { type: 'fit-x', contains: 'padding' } };
  if (aspect !== null) live.usermeta = { ...((spec.usermeta as Spec) ?? {}), aspect, height_range: HEIGHT_RANGE };
  // A stepped height cannot fit (Vega-Lite warns): the static picture is scaled by CSS anyway.
  const stepped = typeof spec.height !== 'number';
  const still: Spec = stepped ? { ...spec, width: STATIC_WIDTH - 160 } : { ...spec, width: STATIC_WIDTH, autosize: { type: 'fit-x', contains: 'padding' } };
  if (aspect !== null) still.height = Math.round(Math.min(HEIGHT_RANGE[1], Math.max(HEIGHT_RANGE[0], STATIC_WIDTH * aspect)));
  return { live, still };
}
