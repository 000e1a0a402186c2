/**
 * Float64 reference functions for the forwards of gradient checks whose ops ORT's CPU EP runs
 * on float32 only.
 */

/** erf in float64: its Maclaurin series, exact to ~1e-15 for |x| <= 3. */
export function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
