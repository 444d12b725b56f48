/**
 * The decoder's view of one event's fields: the ranges of the body when the reader left them unsplit (a
 * TextEvent from the ftrace / trace-cmd text reader: no Record, no value strings for the numbers the store
 * keeps), else the event's `fields` Record (other readers, tests, and the few bodies FieldRanges leaves to
 * splitFields). Both answer the same: has/get/first of the Record, numbers parsed from the same characters.
 */

import { FieldRanges } from '../ingest/fieldRanges';
import { TextEvent } from '../ingest/textEvent';
import type { RawEvent } from '../ingest/types';
import { parseNumber, parseNumberIn, type Radix } from './fields';
import type { ProbeFieldType } from './probeCatalog';

export class FieldView {
  private readonly ranges = new FieldRanges();
  /** The Record read instead of the ranges; undefined while the ranges answer. */
  private record: Record<string, string> | undefined = undefined;

  /** Points the view at `ev`'s fields. */
  load(ev: RawEvent): void {
    if (ev instanceof TextEvent) {
      const text = ev.pendingSplit();
      if (text !== undefined && this.ranges.scan(text, ev.splitAt())) {
        this.record = undefined;
        return;
      }
    }
    this.record = ev.fields;
  }

  has(key: string): boolean {
    const r = this.record;
    return r !== undefined ? r[key] !== undefined : this.ranges.indexOf(key) !== -1;
  }

  get(key: string): string | undefined {
    const r = this.record;
    if (r !== undefined) return r[key];
    const j = this.ranges.indexOf(key);
    return j === -1 ? undefined : this.ranges.value(j);
  }

  /** The first key written (Object.keys order of the Record). */
  first(): string | undefined {
    const r = this.record;
    if (r !== undefined) return Object.keys(r)[0];
    return this.ranges.count > 0 ? this.ranges.key(0) : undefined;
  }

  /** parseNumber of the value of `key` (undefined when absent), without a string for it. */
  num(key: string, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
    const r = this.record;
    if (r !== undefined) {
      const v = r[key];
      return v === undefined ? undefined : parseNumber(v, type, radix);
    }
    const g = this.ranges;
    const j = g.indexOf(key);
    return j === -1 ? undefined : parseNumberIn(g.text, g.start(j), g.stop(j), type, radix);
  }
}
