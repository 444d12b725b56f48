/**
 * The core functions the worker (or the in-process channel) runs. The only place the extension names the
 * core's analysis entry points.
 */

import { analyzeFile, summarize } from '../../core/analyze';
import type { AnalysisCore } from './host';

export const analysisCore: AnalysisCore = {
  analyzeFile,
  summarize,
};
