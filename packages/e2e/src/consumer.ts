import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "./run.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/consumer", import.meta.url));
const require = createRequire(import.meta.url);

/** The tool versions the workspace itself uses, so the consumer checks with the same compiler. */
function toolVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

export interface Consumer {
  dir: string;
  /** name -> version, as npm installed them. */
  installed: Record<string, string>;
}

/**
 * A project outside the workspace that installs `specs` (name@version) from the
 * registry in `env` with plain npm, plus TypeScript and Node's types for the type checks.
 */
export async function createConsumer(dir: string, env: NodeJS.ProcessEnv, specs: string[]): Promise<Consumer> {
  await mkdir(dir, { recursive: true });
  await cp(FIXTURES, dir, { recursive: true });
  // One source for the type checks; the extension decides how node16 resolves it.
  const usage = await readFile(join(dir, "types", "usage.ts"), "utf8");
  await writeFile(join(dir, "types", "usage.mts"), usage);
  await writeFile(join(dir, "types", "usage.cts"), usage);
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "qstash-flow-consumer", version: "1.0.0", private: true }, null, 2)}\n`,
  );
  const tools = [`typescript@${toolVersion("typescript")}`, `@types/node@${toolVersion("@types/node")}`];
  await runOk("npm", ["install", "--no-audit", "--no-fund", "--save-exact", ...specs, ...tools], {
    cwd: dir,
    env,
    timeout: 240_000,
  });
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  return { dir, installed: manifest.dependencies ?? {} };
}
