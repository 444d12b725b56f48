/** Binary search over ascending numbers (times, ids, addresses): the one the model, the rules and the views share. */

/** The first index i < end with sorted[i] >= v (> v when `strict`); `end` when there is none. */
export function lowerBound(sorted: ArrayLike<number>, v: number, strict = false, end = sorted.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v || (strict && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
