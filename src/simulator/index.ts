export { JqlError, type JqlQuery, parseJql } from './jql.js';
export {
  COMPLETION_WINDOW_MS,
  countExpectedFacts,
  type ExpectedFact,
  expectedFacts,
  fieldKindResolver,
  PLANNING_WINDOW_MS,
} from './scenario/expected-facts.js';
export { DEFAULT_NOW, DEFAULT_SEED, generateScenario } from './scenario/generate.js';
export { applyScenarioChange, type MutationResult, type ScenarioChange } from './scenario/mutate.js';
export * from './scenario/types.js';
export { DEFAULT_SIM_CREDENTIALS, type SimulatorCredentials } from './server/auth.js';
export type { RateLimitOptions } from './server/rate-limit.js';
export type { Flavour } from './server/serialize.js';
export { type RunningSimulator, type SimulatorOptions, startSimulator } from './server/start.js';
export type { SimulatorStats } from './server/stats.js';
