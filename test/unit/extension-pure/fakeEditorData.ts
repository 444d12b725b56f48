/** Editor data shaped like a real analysis of k6.1/migrate_fault-ftrace.txt (lines and addresses from it). */

import type { Finding } from '../../../src/core/detect/types';
import type { EditorData, InvalidationLine, MigrationLine } from '../../../src/extension/worker/editorData';

export function finding(rule: string, severity: Finding['severity'], lines: number[], extra: Partial<Finding> = {}): Finding {
  return {
    rule: rule as Finding['rule'],
    severity,
    title: `title of ${rule}`,
    message: `message of ${rule}`,
    explanation: 'explanation',
    as: 116,
    pages: ['0x7fb2c11d8000'],
    fromTs: 5_088_400_000,
    toTs: 5_088_500_000,
    lines,
    eventIds: lines.map((l) => l * 10),
    pid: 116,
    comm: 'hmmtrace',
    key: `${rule}|116|${lines[0]}`,
    ...extra,
  };
}

export function invalidation(line: number, ts: number, extra: Partial<InvalidationLine> = {}): InvalidationLine {
  return {
    id: line,
    line,
    ts,
    as: 116,
    pid: 116,
    comm: 'hmmtrace',
    start: 0x7fb2c11d8000,
    end: 0x7fb2c11e8000,
    event: 'MIGRATE',
    owner: '0xffffffffc0006440',
    ownerIsDriver: true,
    origin: 'migrate_vma_setup',
    originEvidence: [],
    ...extra,
  };
}

export function migration(line: number, extra: Partial<MigrationLine> = {}): MigrationLine {
  return {
    id: line,
    line,
    ts: 5_088_400_000,
    as: 116,
    pid: 116,
    comm: 'hmmtrace',
    start: 0x7fb2c11d8000,
    end: 0x7fb2c11e8000,
    npages: 16,
    direction: 'to-device',
    trigger: 'driver',
    eagain: 0,
    restoredInSetup: 0,
    ...extra,
  };
}

export function editorData(parts: Partial<EditorData>): EditorData {
  return {
    summary: {
      file: 'migrate_fault-ftrace.txt',
      format: 'ftrace',
      formatDetail: 'ftrace text',
      kernelHints: [],
      events: 360,
      lines: 372,
      unparsed: 0,
      lostEvents: 0,
      firstTs: 5_064_604_000,
      lastTs: 5_120_000_000,
      addressSpaces: 1,
      pages: 16,
      migrations: { count: 4, requested: 0, collected: 0, migrated: 0 },
      invalidations: {},
      findings: { error: 0, warning: 0, info: 0 },
    },
    findings: [],
    missingEvidence: [],
    migrations: [],
    invalidations: [],
    markers: [],
    driverOwners: ['0xffffffffc0006440'],
    truncated: { migrations: 0, invalidations: 0, markers: 0 },
    warnings: [],
    ...parts,
  };
}
