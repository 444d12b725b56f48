/**
 * The bench stages, timed one per child process so each gets its own peak RSS. To add a stage (for example
 * "model" or "analyze"): write `stage<Name>.ts` exporting a BenchStage, and add it to the list below.
 */

import { naiveBaseline } from './stageNaive';
import { statsStage } from './stageStats';
import { modelStage } from './stage-model';
import { modelSingleStage } from './stage-model-single';
import { tracedatStage } from './stage-tracedat';
import { analyzeStage } from './stage-analyze';
import { ingestStage } from './stage-ingest';
import { queriesStage } from './stage-queries';

export interface BenchStage {
  name: string;
  /** One line for the table. */
  description: string;
  /** Reads the whole file; returns how many events (or lines) it saw, so stages can be compared. */
  run(file: string): Promise<number>;
}

export const stages: BenchStage[] = [naiveBaseline, statsStage, ingestStage, modelSingleStage, modelStage, tracedatStage, analyzeStage, queriesStage];
