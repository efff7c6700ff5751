/**
 * The standard normal distribution's tails to full double precision. erfc is computed without
 * cancellation: a series of positive terms for erf below 1 (erfc > 0.15 there), and the continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (modified Lentz)
 * elsewhere, so a tail of 1e-300 comes out as 1e-300, not as 0 or as 1 - 0.99999...
 */
const SQRT_PI = Math.sqrt(Math.PI);
const TINY = 1e-300;

/** erf(x) for small |x| by exp(-x^2) * sum 2^n x^(2n+1) / (1*3*...*(2n+1)): every term positive. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum;
}

/** The continued fraction for erfc, x >= 1. */
function erfcFraction(x: number): number {
  // Evaluates 1/(x + a1/(x + a2/(x + ...))) with a_n = n/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 10_000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = x + a / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return expMinusSquare(x) / SQRT_PI / f;
}

/** exp(-x^2) without the rounding of x^2 (x = z + (x - z), z with few bits so z^2 is exact). */
function expMinusSquare(x: number): number {
  const z = Math.round(x * 16) / 16;
  return Math.exp(-z * z) * Math.exp(-(x - z) * (x + z));
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest double
  return erfcFraction(x);
}

/** P(Z <= z). */
export function normalCdf(z: number): number {
  return erfc(-z / Math.SQRT2) / 2;
}

/** P(Z > z), exact in the far tail. */
export function normalSf(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

/** Two-sided p-value of a z statistic: P(|Z| >= |z|). */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}
