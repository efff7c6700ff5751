/** Backend names, importable without loading TensorFlow.js. */
export type BackendName = 'tensorflow' | 'wasm' | 'webgpu' | 'cpu';
export const BACKENDS: BackendName[] = ['tensorflow', 'wasm', 'webgpu', 'cpu'];
