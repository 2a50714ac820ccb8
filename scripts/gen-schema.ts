/** Writes docs/coderm.config.schema.json from the zod schema (`npm run schema`); a test keeps it current. */
import { writeFileSync } from "node:fs";
import { runConfigJsonSchema } from "../src/run/config.js";

writeFileSync(
  new URL("../docs/coderm.config.schema.json", import.meta.url),
  `${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`,
);
