/**
 * The exact prompt texts of the paper and its reference code (RUCKBReasoning/CodeRM `data/benchmark/`).
 * Every character matters: the byte-for-byte tests rebuild the released prompt files from these.
 */

/** The CodeRM-8B unit-test prompt (paper §3.1 and model card). Note "it's" and the blank lines. */
export const UNIT_TEST_PROMPT_HEAD =
  "Below is a question and it's corresponding code answer. Please write test cases to check the correctness of the code answer. You need to use the unittest library in Python and create a test class for testing.\n\n### question\n";
export const UNIT_TEST_PROMPT_MIDDLE = "\n\n### code solution\n";
export const UNIT_TEST_PROMPT_TAIL =
  "\n\nPlease add detailed comments to the test cases you write. You do not need to test the function's ability to throw exceptions.\n";

/** EvalPlus-style solution prompt used for HumanEval+ and MBPP+; the task prompt follows inside a fence. */
export const EVALPLUS_SOLUTION_PREFIX =
  "Please provide a self-contained Python script that solves the following problem in a markdown code block:\n```python\n";

/** LiveCodeBench's generic prompt (lcb_runner/prompts/code_generation.py), system text merged into the user turn. */
export const LCB_SYSTEM_MESSAGE =
  "You are an expert Python programmer. You will be given a question (problem specification) and will generate a correct Python program that matches the specification and passes all tests. You will NOT return anything except for the program.";
export const LCB_FORMAT_WITH_STARTER =
  "You will use the following starter code to write the solution to the problem and enclose your code within delimiters.";
/** Not exercised by the released file (all 168 tasks have starter code): taken from LiveCodeBench's source. */
export const LCB_FORMAT_WITHOUT_STARTER =
  "Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it reads the inputs from stdin, answers the questions and writes the output to stdout.";
export const LCB_ANSWER_LINE = "### Answer: (use the provided format with backticks)\n";

/** How the unit-test prompt's question names the function form of a LiveCodeBench starter. */
export const LCB_UT_FORMAT_LINE =
  "Format: You will use the following starter code to write the solution to the problem:\n";
