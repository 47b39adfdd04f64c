// Public API of @verl-ts/verifiers: answer extraction, equivalence and RL rewards.
export { extractAnswer, extractDetailed, MAX_RESPONSE_CHARS, type Extraction } from './extract.js';
export {
  gradeAnswer, binaryReward, paperReward, rewardFromGrade, isEquivalent, goldAnswer, listsAreOrdered, asksForRounding,
  DEFAULT_TIMEOUT_MS, DEFAULT_MAX_ANSWER_CHARS,
  type Problem, type GradeOptions, type GradeResult,
} from './grade.js';
export { normalizeAnswer } from './normalize.js';
export { parseOptions, choiceLetters } from './choices.js';
export { CasPool, sharedPool, type CasJob, type CasPair, type CasResult } from './worker-pool.js';
export { Rational } from './rational.js';
export { parseExpression, ParseError } from './parse.js';
