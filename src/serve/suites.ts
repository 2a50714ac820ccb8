/**
 * Test suites registered once (`POST /v1/suites`) and named by id in later calls, so a trainer sends its
 * tests once per problem instead of once per rollout. The id is a hash of the content: registering the
 * same suite twice gives the same id (idempotent), from any replica.
 */
import { createHash } from "node:crypto";
import type { TestFormat } from "../records.js";

export interface Suite {
  problem?: string;
  tests: (string | string[])[];
  format: TestFormat;
}

export function suiteId(s: Suite): string {
  const h = createHash("sha256").update(JSON.stringify([s.format, s.tests]));
  return `s_${h.digest("hex").slice(0, 32)}`;
}

export class SuiteStore {
  private readonly suites = new Map<string, Suite>();

  put(s: Suite): string {
    const id = suiteId(s);
    if (!this.suites.has(id)) this.suites.set(id, s);
    return id;
  }

  get(id: string): Suite | undefined {
    return this.suites.get(id);
  }
}
