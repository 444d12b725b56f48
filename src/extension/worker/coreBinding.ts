/**
 * The core functions the worker (or the in-process channel) runs. The only place the extension names the
 * core's analysis and report entry points.
 */

import { dirname } from 'node:path';
import { analyzeFile, summarize } from '../../core/analyze';
import { reportSource, toJson, toMarkdown, toSarif } from '../../core/report';
import type { AnalysisCore } from './host';

export const analysisCore: AnalysisCore = {
  analyzeFile,
  summarize,
  report(analysis, format, notes) {
    // only what the report needs from a note; expected notes become SARIF suppressions / "expected" sections
    const src = reportSource(analysis, notes.map((n) => ({ line: n.line, findingKey: n.findingKey, body: n.body, expected: n.expected })));
    try {
      if (format === 'markdown') return toMarkdown(src);
      if (format === 'sarif') return `${JSON.stringify(toSarif(src, { baseDir: dirname(analysis.file) }), null, 2)}\n`;
      return `${JSON.stringify(toJson(src), null, 2)}\n`;
    } finally {
      src.close();
    }
  },
};
