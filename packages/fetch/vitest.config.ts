import { packageTests } from "../../vitest.shared.ts";

// The tests run the source under Node, so they see what the Node build does (tsup.config.ts).
export default packageTests("fetch", { define: { __SHARED_DEADLINES__: "true" } });
