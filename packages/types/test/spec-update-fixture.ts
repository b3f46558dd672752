// A throw-away copy of the spec:update fixtures per test: openapi/, pages/, the types
// generated from them, an empty .changeset/ and a small workspace of packages.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { generate } from "../scripts/generate.mjs";
import { type SpecUpdateOptions, specUpdate } from "../scripts/spec-update.mjs";

const fixtures = join(import.meta.dirname, "fixtures/spec-update");
const temps: string[] = [];

/** A package typed with the generated paths, calling operations the way the wrapper does. */
export const CONSUMER_SOURCE = `import type { paths } from "@qstash-flow/types";

type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];
type Init = { params: { path: { flowControlKey: string } } };
declare const client: { POST(path: PostPath, init: Init): Promise<unknown> };

export const unpin = (key: string) =>
  client.POST("/v2/flowControl/{flowControlKey}/unpin", { params: { path: { flowControlKey: key } } });

export const toggle = (action: "pause" | "resume", key: string) =>
  client.POST(\`/v2/flowControl/{flowControlKey}/\${action}\`, { params: { path: { flowControlKey: key } } });
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    lib: ["ES2022"],
    module: "ESNext",
    moduleResolution: "Bundler",
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  include: ["src"],
};

async function writePackage(dir: string, pkg: object, source?: string) {
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  if (source !== undefined) {
    await writeFile(join(dir, "src/index.ts"), source);
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  }
}

export interface Workspace {
  dir: string;
  openapiDir: string;
  outDir: string;
  changesetDir: string;
  packagesDir: string;
  consumerDir: string;
  page(name: string): string;
  /** Every file under the workspace with its contents, to prove nothing was written. */
  snapshot(): Promise<Record<string, string>>;
  changesets(): Promise<string[]>;
  run(sources: Record<string, string[]>, options?: SpecUpdateOptions): ReturnType<typeof specUpdate>;
}

export async function workspace(openapiFrom = join(fixtures, "openapi")): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-spec-update-test-"));
  temps.push(dir);
  await cp(join(fixtures, "pages"), join(dir, "pages"), { recursive: true });
  await cp(openapiFrom, join(dir, "openapi"), { recursive: true });
  const ws = {
    dir,
    openapiDir: join(dir, "openapi"),
    outDir: join(dir, "generated"),
    changesetDir: join(dir, ".changeset"),
    packagesDir: join(dir, "packages"),
    consumerDir: join(dir, "packages/consumer"),
    page: (name: string) => join(dir, "pages", name),
    async snapshot() {
      const files: Record<string, string> = {};
      const walk = async (folder: string): Promise<void> => {
        for (const entry of await readdir(folder, { withFileTypes: true })) {
          const path = join(folder, entry.name);
          if (entry.isDirectory()) await walk(path);
          else files[relative(dir, path)] = await readFile(path, "utf8");
        }
      };
      await walk(dir);
      return files;
    },
    changesets: async () => readdir(join(dir, ".changeset")),
    run(sources: Record<string, string[]>, options: SpecUpdateOptions = {}) {
      const pages = Object.fromEntries(
        Object.entries(sources).map(([file, list]) => [file, list.map((s) => (/^https?:/.test(s) ? s : ws.page(s)))]),
      );
      return specUpdate({
        openapiDir: ws.openapiDir,
        outDir: ws.outDir,
        changesetDir: ws.changesetDir,
        packagesDir: ws.packagesDir,
        verify: false,
        sources: pages,
        ...options,
      });
    },
  };
  await generate({ specDir: ws.openapiDir, outDir: ws.outDir });
  await mkdir(ws.changesetDir);
  const types = { "@qstash-flow/types": "workspace:^" };
  await writePackage(ws.consumerDir, { name: "@qstash-flow/consumer", dependencies: types }, CONSUMER_SOURCE);
  await writePackage(join(ws.packagesDir, "tool"), { name: "@qstash-flow/tool", private: true, dependencies: types });
  await writePackage(join(ws.packagesDir, "other"), { name: "@qstash-flow/other", dependencies: {} });
  return ws;
}

export async function removeWorkspaces() {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The standard sources, with some files' pages replaced. */
export const pages = (overrides: Record<string, string[]> = {}) => ({
  "qstash.yaml": ["pause.md"],
  "workflow.yaml": ["resume.md", "unpin.md"],
  ...overrides,
});
