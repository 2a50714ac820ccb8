/**
 * The public API of coderm. Everything a library user needs is re-exported here, stage by stage.
 */
export { CodermError, type ErrorCode, isCodermError } from "./errors.js";
export {
  type BadLine,
  formatBadLine,
  type ReadOptions,
  type ReadResult,
  readJsonl,
  writeJsonl,
} from "./io/jsonl.js";
export { type PassMatrices, PassMatrix, testMask } from "./matrix/pass-matrix.js";
export * from "./records.js";
export { VERSION } from "./version.js";
