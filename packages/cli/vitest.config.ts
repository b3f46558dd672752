import { packageTests } from "../../vitest.shared.ts";

// A hang guard far above any real duration: tests wait for events, never for the clock.
export default packageTests("cli", { testTimeout: 300_000 });
