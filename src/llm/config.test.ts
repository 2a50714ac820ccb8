import { describe, expect, it } from "vitest";
import { isCodermError } from "../errors.js";
import { PAPER_SAMPLING, resolveModelConfig, samplingOf } from "./index.js";

describe("model config", () => {
  it("defaults to the paper's sampling and OPENAI_* variables", () => {
    const c = resolveModelConfig("policy", { model: "m" }, { OPENAI_BASE_URL: "http://h:1/v1" });
    expect(c).toMatchObject({ baseUrl: "http://h:1/v1", apiKeyEnv: "OPENAI_API_KEY", model: "m" });
    expect(samplingOf(c)).toEqual(PAPER_SAMPLING);
  });

  it("lets each role point at its own server and model", () => {
    const env = {
      OPENAI_BASE_URL: "http://shared/v1",
      CODERM_TESTER_BASE_URL: "http://tester/v1",
      CODERM_TESTER_MODEL: "CodeRM-8B",
    };
    expect(resolveModelConfig("tester", {}, env)).toMatchObject({
      baseUrl: "http://tester/v1",
      model: "CodeRM-8B",
    });
    expect(resolveModelConfig("policy", { model: "p", temperature: 0 }, env)).toMatchObject({
      baseUrl: "http://shared/v1",
      temperature: 0,
    });
  });

  it("names the role and the problem when the config is unusable", () => {
    const err = (() => {
      try {
        resolveModelConfig("tester", { baseUrl: "not a url" }, {});
      } catch (e) {
        return e;
      }
    })();
    expect(isCodermError(err) && err.code).toBe("E_CONFIG");
    expect(String((err as Error).message)).toMatch(/^tester: .*(not a URL|no model name)/);
  });
});
