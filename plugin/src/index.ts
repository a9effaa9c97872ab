export { parseArgs, USAGE, type Command } from './core/args';
export { explain, type ExplainFacts, type Explanation } from './core/explain';
export { explainText, statusText, structured } from './core/render';
export { status, type StatusFacts, type StatusReport } from './core/status';
export { execute, main, run } from './main';
