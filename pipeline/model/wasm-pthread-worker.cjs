'use strict';
/*
 * Emscripten's pthread worker for tfjs-backend-wasm's threaded SIMD build, made to run in Node
 * (wasm-threads.ts). The package's worker expects the main script as a Blob it cannot read in
 * Node; this worker loads the package's own worker code and points it at the main script's
 * file instead (the unbundled Emscripten glue, built with the same .wasm).
 */
const { dirname, join } = require('node:path');

const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const workerFile = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js');
// The package keeps the worker's code as a string; its string literals hold raw newlines,
// escaped back as tfjs does before making its Blob.
const { wasmWorkerContents } = require(workerFile);
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, workerFile);
const emscripten = globalThis.onmessage;
globalThis.onmessage = (event) => {
  if (event.data && event.data.cmd === 'load') event.data.urlOrBlob = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  emscripten(event);
};
