/** `coderm doctor`: report each sandbox isolation layer (ok / missing / why) and run a self-check pair. */
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import { formatReport, Sandbox } from "../../sandbox/index.js";
import { commandMeta } from "../command-list.js";

export default defineCommand({
  meta: commandMeta("doctor"),
  args: {
    "require-isolation": { type: "boolean", description: "Exit non-zero unless every isolation layer is on" },
  },
  async run({ args }) {
    const sb = await Sandbox.start({ workers: 1 });
    try {
      console.log(formatReport(sb.isolation));
      const solution = "def inc(x):\n    return x + 1\n";
      const test = (v: number) =>
        `import unittest\nclass T(unittest.TestCase):\n    def test_inc(self):\n        self.assertEqual(inc(1), ${v})\n`;
      const got = new Map<string, string>();
      for await (const o of sb.run([
        { id: "pass", solution, test: test(2), format: "unittest" },
        { id: "fail", solution, test: test(3), format: "unittest" },
      ]))
        got.set(o.id, o.verdict);
      const ok = got.get("pass") === "pass" && got.get("fail") === "fail";
      console.log(`self-test: ${ok ? "ok" : `FAILED (${JSON.stringify(Object.fromEntries(got))})`}`);
      if (!ok) throw new CodermError("E_SANDBOX", "sandbox self-test failed");
      if (args["require-isolation"] && sb.isolation.level !== "strong")
        throw new CodermError("E_ISOLATION", "isolation is weak (see the report above)");
    } finally {
      await sb.close();
    }
  },
});
