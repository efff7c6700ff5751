import assert from 'node:assert/strict';

/** The fixtures' rule: max|got - ref| <= 1e-4 * max|ref| + 1e-6, per array. */
export function assertArrayClose(got: ArrayLike<number>, ref: ArrayLike<number>, label: string, relative = 1e-4, absolute = 1e-6): number {
  assert.equal(got.length, ref.length, `${label}: ${got.length} values, expected ${ref.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  assert.ok(diff <= relative * scale + absolute, `${label}: max difference ${diff.toExponential(3)} > ${relative} * ${scale.toExponential(3)} + ${absolute}`);
  return diff;
}

export const flat = (nested: unknown): number[] => (Array.isArray(nested) ? nested.flatMap(flat) : [nested as number]);
