/** "Go to Event…": the user types a line (`1234`, `:1234`, `L1234`) or a trace time in seconds (`5.088346`). */

export type GoToTarget = { kind: 'line'; line: number } | { kind: 'time'; ns: number } | { kind: 'invalid'; reason: string };

export function parseGoTo(input: string): GoToTarget {
  const s = input.trim();
  if (s === '') return { kind: 'invalid', reason: 'type a line number (1234) or a time in seconds (5.088346)' };
  const line = /^(?::|l|line\s*)?(\d+)$/i.exec(s);
  if (line) {
    const n = Number(line[1]);
    return n >= 1 ? { kind: 'line', line: n } : { kind: 'invalid', reason: 'lines start at 1' };
  }
  const time = /^(?:t|@)?\s*(\d+)\.(\d{1,9})\s*s?$/i.exec(s);
  if (time) return { kind: 'time', ns: Number(time[1]) * 1e9 + Number(time[2].padEnd(9, '0')) };
  return { kind: 'invalid', reason: `"${s.slice(0, 40)}" is neither a line number nor a time like 5.088346` };
}
