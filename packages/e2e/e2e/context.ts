import type { Release } from "../src/release.ts";

/** What the global setup hands every test file. */
export interface E2EContext {
  registryUrl: string;
  consumerDir: string;
  release: Release;
  installed: Record<string, string>;
  api: { kind: "dev-server" | "fake"; url: string; token: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}
