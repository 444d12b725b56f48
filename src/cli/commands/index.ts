/**
 * The command table. Each command lives in its own file and exports a `Command`.
 * Add a command by adding its file and one line here.
 */

import type { Command } from './command';
import { stats } from './stats';
import { pages } from './pages';
import { timeline } from './timeline';
import { analyze } from './analyze';
import { recipe } from './recipe';

export const commands: Command[] = [stats, pages, timeline, analyze, recipe];
