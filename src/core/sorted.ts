/** Binary search over ascending numbers (times, ids, addresses, lines): the one the model, the rules and the views share. */

/** The first index i < n with keyAt(i) >= v (> v when `strict`); n when there is none. keyAt must ascend. */
export function lowerBoundBy(n: number, keyAt: (i: number) => number, v: number, strict = false): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyAt(mid);
    if (k < v || (strict && k === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** lowerBoundBy over the first `end` numbers of a sorted list. */
export function lowerBound(sorted: ArrayLike<number>, v: number, strict = false, end = sorted.length): number {
  return lowerBoundBy(end, (i) => sorted[i], v, strict);
}
