/**
 * One Vega-Lite config for every chart, static and interactive alike: the Okabe-Ito palette
 * (distinguishable under the common colour-vision deficiencies, extended to ten) and the site's font.
 */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Up to 10 clusters (the default K range) get 10 distinct colours: Okabe-Ito, then two of Paul Tol's muted scheme. */
export const CATEGORY_COLOURS = [...OKABE_ITO, '#882255', '#44AA99'];

export const chartConfig = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: 'white',
  range: { category: CATEGORY_COLOURS },
  // At least 12 px beside 16 px body text: a chart's words are read like the text around it.
  axis: { labelFontSize: 12, titleFontSize: 13 },
  // Below the plot, a legend takes height, not width: the plot keeps the column on a phone.
  // Several legends below one plot stack one above the other, so a phone's width holds them all
  // (Vega-Lite's schema takes the legend layout as an expression only).
  legend: { labelFontSize: 12, titleFontSize: 13, orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: 220, layout: { expr: "{bottom: {direction: 'vertical', anchor: 'start'}}" } },
  header: { labelFontSize: 12, titleFontSize: 13 },
  text: { fontSize: 12 },
  title: { fontSize: 14 },
} as const;
