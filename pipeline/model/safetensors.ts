/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then the
 * raw little-endian tensor bytes. Read into Float32Array (F32, F16, BF16, F64; integer tensors
 * such as BatchNorm's num_batches_tracked are read as numbers); written as F32 (and I64).
 */
import { readFile } from 'node:fs/promises';
import { FileError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
  dtype?: 'F32' | 'I64';
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function parseSafetensors(bytes: Uint8Array, name = 'safetensors'): SafetensorsFile {
  if (bytes.length < 8) throw new FileError(name, msg.notSafetensors('shorter than its header'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.length) throw new FileError(name, msg.notSafetensors('bad header length'));
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new FileError(name, msg.notSafetensors('unreadable header'));
  }
  const base = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const { dtype, shape, data_offsets: [begin, end] } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const at = (i: number, width: number) => base + begin + i * width;
    if (base + end > bytes.length) throw new FileError(name, msg.tensorPastEnd(key));
    switch (dtype) {
      case 'F32':
        for (let i = 0; i < size; i++) data[i] = view.getFloat32(at(i, 4), true);
        break;
      case 'F64':
        for (let i = 0; i < size; i++) data[i] = view.getFloat64(at(i, 8), true);
        break;
      case 'F16':
        for (let i = 0; i < size; i++) data[i] = f16ToF32(view.getUint16(at(i, 2), true));
        break;
      case 'BF16':
        for (let i = 0; i < size; i++) {
          const scratch = new DataView(new ArrayBuffer(4));
          scratch.setUint16(0, view.getUint16(at(i, 2), true), false);
          data[i] = scratch.getFloat32(0, false);
        }
        break;
      case 'I64':
        for (let i = 0; i < size; i++) data[i] = Number(view.getBigInt64(at(i, 8), true));
        break;
      case 'I32':
        for (let i = 0; i < size; i++) data[i] = view.getInt32(at(i, 4), true);
        break;
      default:
        throw new FileError(name, msg.tensorDtype(key, dtype));
    }
    tensors.set(key, { shape, data, dtype: dtype === 'I64' ? 'I64' : 'F32' });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FileError(path, msg.weightsUnreadable((error as Error).message));
  }
  return parseSafetensors(bytes, path);
}

/** Serialises tensors (sorted by name, as PyTorch's save_file does) with string metadata. */
export function serializeSafetensors(tensors: Map<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const width = t.dtype === 'I64' ? 8 : 4;
    header[name] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * width] };
    offset += t.data.length * width;
  }
  let json = JSON.stringify(header);
  // The data must start 8-byte aligned: pad the header with spaces.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (t.dtype === 'I64') {
      for (const v of t.data) (view.setBigInt64(at, BigInt(Math.round(v)), true), (at += 8));
    } else {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
      at += t.data.byteLength;
    }
  }
  return out;
}
