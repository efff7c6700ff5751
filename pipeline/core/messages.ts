/**
 * Every message a user reads when something is wrong: errors, warnings and the problem details
 * that reach the data-quality page. One place, so wording stays consistent and a reviewer can
 * read them all at once (vega-lite's src/log/message.ts is the model). Each message quotes the
 * value it got and says what would work. A file or line is not part of the text: FileError
 * prefixes it. Errors that only a bug can cause (a missing gradient, an unregistered kernel) are
 * plain `Error`s where they are raised and are not listed here.
 */

const quote = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
const layerChoices = (stages: number) => Array.from({ length: stages }, (_, i) => `layer${i + 1}`).join(', ');
const rerun = (stage: string) => `run 'study build --force --only ${stage}' to remake it`;

// ---- Command line (UsageError, exit 2) ----------------------------------------------------------

export const optionRequired = (name: string) => `--${name} is required`;
export const optionNeedsPhoto = (name: string) => `--${name} needs at least one photo`;
export const integerOption = (name: string, value: string, range: string) => `--${name} must be an integer ${range}, got '${value}'`;
export const numberOption = (name: string, value: string, range: string) => `--${name} must be a number${range ? ` ${range}` : ''}, got '${value}'`;
export const enumOption = (name: string, value: string, allowed: readonly string[]) => `--${name} must be ${allowed.join(' or ')}, got '${value}'`;
/** The CLI prefixes it with `study <command>: ` as every error. */
export const badArguments = (command: string, why: string, help: string) => `${why} (see 'study ${command} --help')\n\n${help}`;
export const checkDataNeeds = () => 'check-data needs --manifest FILE and --images DIR';
export const kOrRange = () => 'give exactly one of --k K and --k-range A..B';
export const kAbovePoints = (k: number, points: number) => `--k ${k} is more than the ${points} points; give at most ${points}`;
export const badKRange = (value: unknown, points: number) => `--k-range must be A..B with 1 <= A <= B <= ${points} points, got '${value}'`;
export const overlayNeedsPhoto = () => '--overlay needs a photo as input, not a JSON batch';
export const noSuchStage = (name: string, stages: readonly string[]) => `--only: no stage named '${name}' (stages: ${stages.join(', ')})`;
export const wasmThreads = (value: unknown) => `STUDY_WASM_THREADS must be a whole number of threads, got '${value}'; give 1 or more`;

// ---- Configuration --------------------------------------------------------------------------

export const configInvalid = (problems: readonly string[]) => `invalid configuration:\n  - ${problems.join('\n  - ')}`;
export const unknownConfigKey = (key: string, closest: string) => `unknown key '${key}'; did you mean '${closest}'?`;
export const movedConfigKey = (key: string, now: string) => `'${key}' is now '${now}' (one K setting per embedding model, under cluster.k)`;
export const unknownConfigKeyChoices = (key: string, known: readonly string[]) =>
  `unknown key '${key}'; ${known.length ? `the keys here are ${known.join(', ')}` : 'this object takes no keys'}`;
export const configPathsMissing = (problems: readonly string[]) => `cannot start: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`;
export const inputPathMissing = (key: string, value: string, tried: string, what: 'file' | 'folder', base: string) =>
  `${key} is '${value}', but there is no ${what} at ${tried} (relative paths of inputs resolve against the configuration's folder, ${base}); give a path relative to that folder, or an absolute one`;
export const contentFolderMissing = (value: string, tried: string, project: string, file: string) =>
  `paths.content is '${value}', but there is no folder at ${tried}: the project folder, where the content is read and _data, .cache, assets and _site are written, resolved to ${project}; run study from the project folder (the one holding content/), or set paths.project in ${file} to it`;
export const configUnreadable = (why: string) => `cannot read the configuration (${why})`;
export const notJson = (why: string) => `not valid JSON (${why})`;
export const pathOutsideProject = (key: string, path: string, root: string) =>
  `'${key}' (${path}) points outside the project folder ${root}; give a path inside it, where outputs stay`;
export const kAboveValidation = (key: string, k: number, n: number) =>
  `${key} is ${k}, but there are only ${n} validation photos to cluster: set it to at most ${n}, or to null to choose K by the elbow`;
export const decoderUnavailable = (why: string) => `preprocess.decoder is "libjpeg-turbo" but ${why}; set it to "auto" or "sharp" to decode with sharp`;
export const jpegTurboMissing = (addon: string, why: string) =>
  `${addon} did not load (${why}); run \`npm run build:native\` after installing libjpeg62-turbo-dev`;
export const labelValuesOverlap = (values: readonly string[]) =>
  `dataset.label_values lists ${values.map((v) => `'${v}'`).join(', ')} under both sold and not_sold; give each value to one class`;
export const configSliceLeak = (stage: string, keys: readonly string[]) =>
  `stage '${stage}' read ${keys.join(', ')}, outside its declared configuration slice: a change there would not re-run it; add the keys to its config slice`;

// ---- Input files: manifests, predictions, batches, photos ----------------------------------

export const fileNotFound = (what: string) => `${what} not found`;
export const cannotRead = (why: string, what = '') => `cannot read${what ? ` ${what}` : ''} (${why})`;
export const manifestEmpty = () => 'the manifest is empty (no header line); the first line names the columns';
export const manifestColumnsMissing = (missing: readonly string[], found: readonly string[], delimiter: string, others: readonly string[]) =>
  `no required column ${missing.join(', ')} in the header (found: ${found.join(', ')}; fields separated by ${delimiter})${
    others.length
      ? `; the header contains ${others.map((o) => (o === 'tab' ? 'tabs' : o === 'pipe' ? "'|'" : `'${o}'`)).join(' and ')}: set dataset.delimiter to ${others.map((o) => JSON.stringify(o)).join(' or ')} (or "auto")`
      : '; map other names in study.config.json under dataset.columns'
  }`;
const FOUND_SHOWN = 12;
const columnList = (found: readonly string[]) => (found.length > FOUND_SHOWN ? `${found.slice(0, FOUND_SHOWN).join(', ')}, … (${found.length} in all)` : found.join(', '));
export const mappedColumnMissing = (key: string, value: string, found: readonly string[], closest: string | undefined) =>
  `dataset.columns.${key} is '${value}', but the manifest has no such column; found: ${columnList(found)}; ${
    closest === undefined ? `name one of these, or remove dataset.columns.${key}` : `did you mean '${closest}'?`
  }`;
export const jsonReadAsJsonl = (file: string) =>
  `${file} is read as JSONL (its first line is a JSON object); set dataset.format to "jsonl" to say so, or to "csv" if it is not`;
export const jsonArrayBroken = (what: string) => `not a JSON array of objects: ${what}`;
export const classTooSmall = (counts: string, minimum: number, unrecognised: readonly string[]) =>
  `too few usable rows to train on (${counts}): each class needs at least ${minimum} (2 on each side of the split)${
    unrecognised.length ? `; unrecognised sold values: ${unrecognised.join('; ')}` : "; the data-quality page or 'study check-data' lists why rows were left out"
  }`;
export const sideTooSmall = (side: string, counts: string, minimum: number) =>
  `the ${side} side of the split has too few usable rows (${counts}): each class needs at least ${minimum} there; add listings of the smaller class, or give more sellers to that side (dataset.validation_fraction, dataset.test_fraction)`;
export const unrecognisedLabel = (count: number, value: string) => `${count} row${count === 1 ? ' has' : 's have'} '${value}': map it under dataset.label_values`;
export const unrecognisedLabelsMore = (values: number, rows: number) => `and ${values} more unrecognised values in ${rows} rows ('study check-data --json' lists them all)`;
export const csvUnterminated = (line: number) => `unterminated quoted field (the record starts on line ${line}); close the quote or double it ("") inside the field`;
export const noUsableRow = (rows: number, summary: string) => `no usable row among ${rows}${summary ? ` (${summary})` : ''}; the data-quality page or 'study check-data' lists why each was left out`;
export const predictionsNoColumn = (found: readonly string[]) => `no 'y_true' column (found: ${found.join(', ')})`;
export const predictionsNeedScore = (found: readonly string[]) => `needs a 'y_score' or a 'y_pred' column (found: ${found.join(', ')})`;
export const badLabelValue = (column: string, value: string) => `${column} is ${quote(value)}: expected 0/1 (or true/false, sold/not_sold, yes/no)`;
export const badScore = (value: string | undefined) => `y_score is ${quote(value)}: expected a number`;
export const emptyFile = () => 'empty file: expected a header (y_true and y_score or y_pred) and one row per photo';
export const noRows = () => 'no rows after the header';
export const expectedInputObject = () => 'expected an object with "input_nchw" (an [N][3][H][W] array)';
export const inputShape = (what: string, shape: readonly number[]) => `${what} must be [N][3][H][W], got [${shape.join('][')}]`;
export const inputRagged = (what: string) => `${what} is ragged or holds non-numbers; every row needs the same length of numbers`;
export const expectedRows = () => 'expected a non-empty array of number arrays';
export const rowWidth = (row: number, width: number, first: number) => `row ${row} has ${width} values, row 0 has ${first}; every row needs the same length`;
export const rowNotFinite = (row: number) => `row ${row} holds a value that is not a finite number`;
export const notAnImage = (image: string, why: string) => `${image}: cannot be read as an image (${why})`;
export const imagesFolderMissing = () => 'images folder not found; set dataset.images to the folder the manifest paths are relative to';
export const notPreprocessed = (image: string, why: string) => `${image}: could not be preprocessed (${why}); left out`;

export const nearDuplicatePair = (id: string, line: number, ofId: string, distance: number) =>
  `id ${quote(id)} looks like line ${line} (id ${quote(ofId)}), ${distance} bit${distance === 1 ? '' : 's'} apart`;
export const nearDuplicatesMore = (count: number) => `and ${count} more near-duplicate pair${count === 1 ? '' : 's'} ('study check-data --json' lists them all)`;

/** Problem details: what the data-quality page and `study check-data` say about a row. */
export const problem = {
  emptyId: (column: string) => `empty '${column}'`,
  notJson: (detail: string) => `not valid JSON (${detail})`,
  notJsonObject: () => 'not a JSON object',
  badLabel: (column: string, value: string | undefined, accepted: string) =>
    `${value === undefined ? `no '${column}' field` : `'${column}' is ${quote(value)}`}; expected ${accepted}`,
  duplicateId: (id: string) => `id ${quote(id)} appeared on an earlier line; the first is kept`,
  duplicateImage: (image: string, line: number, id: string) => `the same bytes as ${quote(image)} (line ${line}, id ${quote(id)}); the smallest id (natural order) is kept`,
  fieldCount: (fields: number, header: number) => `${fields} field${fields === 1 ? '' : 's'} where the header has ${header}; every row needs one field per column`,
  badPrice: (column: string, value: string, decimal: string) =>
    `'${column}' is ${quote(value)}: not a price with ${decimal === ',' ? 'a comma' : 'a point'} (${decimal}) as the decimal mark; the row is kept without a price (set dataset.decimal if the column uses the other mark)`,
  emptyPath: () => 'the image path is empty',
  nulByte: () => 'the path contains a NUL byte',
  absolutePath: (raw: string) => `absolute path ${quote(raw)}: paths must be relative to the images root`,
  leavesRoot: (raw: string) => `${quote(raw)} leaves the images root`,
  missingFile: (raw: string) => `no file at ${quote(raw)} under the images root`,
  linkOutside: (raw: string) => `${quote(raw)} is a link to a file outside the images root`,
  notAFile: (raw: string) => `${quote(raw)} is not a file`,
  emptyImage: () => 'the file is empty (0 bytes)',
  notImageFormat: () => 'the file is not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF)',
  unsupportedFormat: (format: string | undefined) => `unsupported format ${format ?? 'unknown'}; JPEG, PNG, WebP, GIF, TIFF and AVIF are read`,
  tooLarge: (width: number, height: number, max: number) => `${width}x${height} is more than the limit of ${max.toLocaleString('en-US')} pixels (dataset.max_pixels)`,
  badDimensions: (width: number, height: number) => `invalid dimensions ${width}x${height}`,
  undecodable: (format: string) => `the ${format.toUpperCase()} data cannot be decoded (truncated or corrupt)`,
};

// ---- Runner, cache and stage outputs ---------------------------------------------------------

export const stageCycle = (path: readonly string[]) => `stage cycle: ${path.join(' -> ')}`;
export const unknownUpstream = (stage: string, upstream: string) => `stage '${stage}' runs after unknown stage '${upstream}'`;
export const upstreamIncomplete = (stage: string, upstream: string) => `stage '${stage}' needs '${upstream}', which has not completed: run without --only first`;
export const readWithoutAfter = (stage: string, file: string, writer: string) =>
  `stage '${stage}' reads ${file}, written by '${writer}', without running after it: add '${writer}' to its 'after' so the file is part of its fingerprint`;
export const writeOutsideProject = (stage: string, path: string) => `stage '${stage}' tried to write ${path}, outside the project folder`;
const stageOutput = (stage: string, name?: string) => (name ? `${name}, written by the ${stage} stage,` : `the ${stage} stage's output`);
export const stageOutputUnreadable = (stage: string, why: string, name?: string) => `cannot read ${stageOutput(stage, name).replace(/,$/, '')} (${why}); ${rerun(stage)}`;
export const stageOutputNotJson = (stage: string, why: string, name?: string) => `${stageOutput(stage, name)} is not valid JSON (${why}): it is damaged or half-written; ${rerun(stage)}`;
export const referenceUnreadable = (why: string) => `cannot read the study's reference figures (${why})`;
export const notPreprocessedYet = () => 'no preprocessed images: run the preprocess stage first (npm run build)';
export const imageCacheTruncated = (image: number, bytes: number) => `truncated image cache: image ${image} has ${bytes} bytes; ${rerun('preprocess')}`;
export const noEmbeddings = (name: string) => `no ${name} embeddings: run the embed-${name} stage first`;
export const featuresSize = (bytes: number, rows: number) => `${bytes} bytes are not ${rows} float32 rows; ${rerun('train')}`;
export const dataContract = (file: string, type: string, problems: readonly string[]) =>
  `_data/${file}.json does not match its contract (${type}, pipeline/contracts/): ${problems.join('; ')}`;
export const runLocked = (pid: number, path: string) => `another study run (pid ${pid}) is working in this project; wait for it, or remove ${path} if that process is not a study run`;
export const runLockedElsewhere = (pid: number, host: string, path: string) =>
  `another study run (pid ${pid} on host ${host}) holds this project's lock; wait for it, or remove ${path} if that run is gone`;
/** Why a lock's holder is known to be gone (staleLockTaken's `why`). */
export const staleLockReasons = {
  gone: 'no longer runs',
  zombie: 'has exited (a zombie not yet reaped)',
  rebooted: 'ran before the machine restarted',
  recycled: 'has exited (its pid now belongs to another process)',
} as const;
export const staleLockTaken = (pid: number, why: string, path: string) => `taking over the run lock ${path}: the study run that held it (pid ${pid}) ${why}`;
export const unreadableLockTaken = (path: string) => `taking over the run lock ${path}: it names no process (not a lock a study run wrote)`;
export const runStopped = (signal: string) =>
  `stopped by ${signal}; finished stages and training epochs are kept and nothing half-written is: the next 'study build' resumes where this run left off`;
export const runLockFailed = (path: string) => `cannot take the run lock ${path}; check that the cache folder is writable`;
export const rowsExcluded = (count: number) => `${count} manifest rows excluded (see the data-quality page or study check-data)`;
export const splitShort = (side: string, requested: number, short: readonly string[], used: number) =>
  `${side}: ${requested} rows per class were requested but ${short.join(' and ')}; using ${used} per class (still balanced)`;

// ---- Weights, networks and engines -----------------------------------------------------------

export const weightsFileMissing = (path: string) => `model.weights: no file at ${path}; give a .safetensors file, "imagenet" or "none" (random initialisation)`;
/** `path`: where the file is looked for (the terminal's warning); the published text has none. */
export const imagenetUnavailable = (why: string, path?: string) =>
  `ImageNet weights unavailable: ${why}. Training starts from random initialisation (ResNet50 layout); the report says so. To use them offline, ${
    path ? `put the file at ${path}` : "put the file where the build's warning says"
  } or set model.weights to a local .safetensors file.`;
export const hubChecksumMismatch = (file: string, repo: string, revision: string) => `${file}: sha256 does not match ${repo}@${revision.slice(0, 7)}; fetching it again`;
export const hubOffline = (file: string, places: readonly string[]) => `offline (HF_HUB_OFFLINE=1) and ${file} is in neither ${places.join(' nor ')}`;
export const hubUnreachable = (endpoint: string, why: string, file: string) => `cannot reach ${endpoint} (${why}) and ${file} is not cached`;
export const hubHttp = (url: string, status: number) => `${url} answered HTTP ${status}`;
export const hubDownloadFailed = (url: string, why: string) => `download of ${url} failed (${why})`;
export const hubDigest = (url: string, got: string, expected: string) => `${url} has sha256 ${got}, expected ${expected}: refusing it`;
export const notSafetensors = (why: string) => `not a safetensors file (${why})`;
export const tensorPastEnd = (key: string) => `tensor ${key} runs past the end of the file; the file is truncated`;
export const tensorDtype = (key: string, dtype: string) => `tensor ${key} has unsupported dtype ${dtype}; F32, F64, F16, BF16, I64 and I32 are read`;
export const weightsUnreadable = (why: string) => `cannot read the weights (${why})`;
export const notCheckpoint = () => 'not a training checkpoint (no study_state metadata); delete it to start training afresh';
export const notTorchvisionResnet = (source: string, tensor: string) => `${source}: no tensor '${tensor}': not a torchvision ResNet checkpoint (Bottleneck blocks)`;
export const missingTensor = (source: string, tensor: string) => `${source}: missing tensor '${tensor}'`;
export const tensorShape = (source: string, tensor: string, got: readonly (number | string)[], expected: readonly (number | string)[]) =>
  `${source}: '${tensor}' has shape ${got.join(', ')} where the network expects ${expected.join(', ')}`;
export const unknownLayer = (layer: string, stages: number) => `unknown layer '${layer}': choose one of ${layerChoices(stages)}`;
export const multiClassPredict = (classes: number) => `a ${classes}-class network; predict needs the single-logit model training writes`;
export const camHead = (features: number, weights: number) => `Grad-CAM from the last stage needs a single-logit head over ${features} features, got ${weights} weights`;
export const onnxUnavailable = (why: string) => `onnxruntime-node cannot be loaded (${why}); set model.inference and model.engine to "tfjs" to run the network in TensorFlow.js instead`;
export const engineFallback = (why: string, what: 'forward passes' | 'training') => `${why}; ${what} run${what === 'training' ? 's' : ''} in TensorFlow.js`;
export const noTfjsBackend = (reasons: readonly string[]) => `no TensorFlow.js backend could be started:\n  ${reasons.join('\n  ')}`;
export const notClipFolder = (path: string) => `${path}: not a CLIP model folder (no config.json); give a hub id or a folder holding config.json`;
export const clipUnreachable = (why: string, cache: string) => `the Hugging Face hub cannot be reached (${why}) and the model is not in ${cache}`;
export const clipNotLoaded = (model: string, why: string) => `CLIP model ${model} could not be loaded: ${why}`;
export const clipNotComputed = (why: string) => `CLIP embeddings not computed: ${why}`;

// ---- Analysis ------------------------------------------------------------------------------

export const tsneTooFewPoints = (n: number, perplexity: number) =>
  `t-SNE needs more than 3 x perplexity points: ${n} points, perplexity ${perplexity} (lower the perplexity below ${(n / 3).toFixed(1)})`;
export const zeroDivision = (what: string) => `${what}: set to 0 (zero_division=0)`;
export const oneClassAuc = () => 'only one class in y_true: ROC AUC is undefined';
export const separatingColumn = (column: string) =>
  `baselines: the manifest column '${column}' alone separates sold from unsold training listings; if it restates the outcome, list it in baselines.exclude`;
export const testFractionTooLarge = (validation: number, test: number) =>
  `dataset.validation_fraction (${validation}) and dataset.test_fraction (${test}) leave no sellers for training; keep their sum below 1 (for example 0.2 and 0.2)`;
export const testSetEmpty = (perClass: number, fraction: number, groups: number) =>
  `dataset.test_per_class is ${perClass}, but the test set has no photo of one class (${groups} sellers drawn with dataset.test_fraction ${fraction}); raise dataset.test_fraction or set dataset.test_per_class to 0`;
export const probabilityColumnUnusable = (column: string) =>
  `dataset.simulation.probability is '${column}', but not every validation listing has a number from 0 to 1 in that column, so the report shows no ceiling; name the column holding each listing's simulated chance of selling, or set it to null`;

// ---- Site ----------------------------------------------------------------------------------

export const filterNeedsNumber = (page: string, filter: string, value: unknown) => `${page}: filter '${filter}' needs a finite number, got ${value === undefined ? 'a missing value' : JSON.stringify(value)}`;
export const chartSpecMissing = (page: string, name: string, root: string) => `${page}: chart spec file not found: ${name} (looked in ${root})`;
export const chartSpecKind = (page: string, got: string) => `${page}: the vega shortcode needs a spec file name, an object from _data or inline JSON; got ${got}`;
export const chartSpecJson = (where: string, why: string) => `${where}: the chart spec is not valid JSON (${why})`;
export const chartRemoteData = (where: string, url: string) => `${where}: chart data from ${url} would leave the site; put the data in _data instead`;
export const chartSecondArgument = (page: string) => `${page}: the vega shortcode's second argument must be an array of data rows or a description`;
export const chartFailed = (page: string, chart: string, why: string) => `${page}: chart '${chart}' failed to render: ${why}`;
export const templateError = (file: string, line: number, column: number, why: string) => `${file}, line ${line}, column ${column}: ${why}`;
export const siteFailed = (why: string) => `site build failed: ${why}`;

export const hostOption = (value: string) => `--host must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost; got '${value}'`;
/** Why the live preview refused a request (the body of its 4xx answer). */
export const previewRefused = {
  tooLong: () => 'request target too long',
  foreignHost: () => 'the Host header does not name this machine',
  notAPath: () => 'the request target is not a path',
  encodedSeparator: () => 'encoded path separator (%2f or %5c)',
  badEncoding: () => 'malformed percent-encoding',
  nulByte: () => 'NUL byte in the path',
  encodedTwice: () => 'the path is percent-encoded twice',
  parentSegment: () => "a '..' segment in the path",
  backslash: () => 'a backslash in the path',
  outsideSite: () => 'the file is outside the site',
  badPath: () => 'the path cannot be mapped to a file',
};
export const previewLocal = (url: string) => `[serve] live preview at ${url} (this machine only; --host ADDRESS to share it)`;
export const previewNetwork = (url: string) =>
  `[serve] live preview at ${url}: reachable from the network (--host); anyone who can reach this machine can read the draft`;

/** One broken link or image of the built site, as the author wrote it: where, what, why. */
export const linkAt = (file: string, line: number) => `${file}, line ${line}`;
export const linkInLayout = (file: string) => `${file} (written by its layout or an include)`;
export const linkNamed = (what: string, label: string, url: string) =>
  `${what}${label && label !== url ? ` "${label.length > 60 ? `${label.slice(0, 57)}...` : label}"` : ''} '${url}'`;
const meant = (suggestion: string | undefined) => (suggestion === undefined ? '' : `; did you mean '${suggestion}'?`);
export const noSuchFile = (target: string, suggestion?: string) => `no file '${target}' in the built site${meant(suggestion)}`;
export const noSuchAnchor = (id: string, page: string, suggestion?: string) => `no element with id '${id}' on ${page === '' ? 'this page' : `'${page}'`}${meant(suggestion)}`;
export const outsidePrefix = (prefix: string) => `it leaves the site's path prefix ${prefix} (site.path_prefix)`;
export const brokenLink = (where: string, what: string, why: string) => `${where}: ${what}: ${why}`;
export const brokenLinks = (count: number, pages: number, lines: readonly string[]) =>
  `${count} broken link${count === 1 ? '' : 's'} or image${count === 1 ? '' : 's'} on ${pages} page${pages === 1 ? '' : 's'}; the previous site is left in place:\n  ${lines.join('\n  ')}\nFix them, or build with --allow-broken (site.allow_broken_links) to publish anyway`;
export const brokenLinksAllowed = (count: number) => `${count} broken link${count === 1 ? '' : 's'} or image${count === 1 ? '' : 's'} published (--allow-broken / site.allow_broken_links)`;
export const linksChecked = (checked: number, pages: number, external: number, listing: string) =>
  `[site] ${checked} links and images on ${pages} pages checked${external ? `; ${external} external link${external === 1 ? '' : 's'} listed in ${listing}, not fetched` : ''}`;

// ---- What ran (run.json, Methods) ----------------------------------------------------------

export const deviceFallback = (device: string, why: string) =>
  `model.device is '${device}', but onnxruntime's ${device} provider could not start (${why}); training runs on the CPU instead (install the provider, or set model.device to "cpu")`;
