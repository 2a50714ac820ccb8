export {
  buildPrompts,
  type EmbedOptions,
  liveCodeBenchProblemsFromPrompts,
  type PromptStyle,
  promptStyle,
} from "./build.js";
export {
  type ChatMessage,
  ChatMessageSchema,
  formatPromptRecord,
  type PromptRecord,
  PromptRecordSchema,
  pythonJsonDumps,
  userPrompt,
} from "./prompt-record.js";
export {
  buildSolutionPrompt,
  evalPlusSolutionPrompt,
  liveCodeBenchParts,
  liveCodeBenchSolutionPrompt,
  parseLiveCodeBenchSolutionPrompt,
  solutionPromptText,
} from "./solution.js";
export * from "./templates.js";
export {
  buildUnitTestPrompt,
  functionFormStarter,
  humanEvalQuestion,
  liveCodeBenchQuestion,
  mbppQuestion,
  parseUnitTestPrompt,
  unitTestPromptText,
  unitTestQuestion,
} from "./unit-test.js";
