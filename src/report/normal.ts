// report/normal.ts: the standard normal distribution's tail, to double precision, for the
// p-values of rank tests. Knows nothing of runs or records.

const kSqrtPi = Math.sqrt(Math.PI);

/**
 * erfc(x) = 1 − erf(x). Below 2.5 the Maclaurin series of erf converges fast and 1 − erf loses
 * nothing that matters (erfc(2.5) ≈ 4e-4); above it the series cancels badly, so the tail comes
 * from its continued fraction (Abramowitz & Stegun 7.1.14), evaluated by the modified Lentz
 * method.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfSeries(x: number): number {
  // erf(x) = 2/√π · Σ (−1)^n x^(2n+1) / (n! (2n+1))
  const x2 = x * x;
  let term = x; // (−1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / kSqrtPi) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / kSqrtPi / f;
}
