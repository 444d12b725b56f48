/**
 * Binary search over ascending times (ns): where a time window starts and ends in a sorted list, so a
 * query for a window costs log(n), not a scan.
 */

/** The first index whose time is >= t (or > t when `strict`): [lowerBound(from, false), lowerBound(to, true)) is the window. */
export function lowerBound(ts: ArrayLike<number>, t: number, strict: boolean): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t || (strict && ts[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
