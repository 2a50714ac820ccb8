import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Sandbox and end-to-end tests start real Python processes; on 2 slow cores they need headroom.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
