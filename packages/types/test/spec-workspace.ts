// A throw-away workspace per test: openapi/ with upstream's whole documents of today
// (fixtures/upstream), the types generated from them, an empty .changeset/ and a package
// calling the operations.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { render, writeGenerated } from "../../../scripts/spec/generate.mjs";
import { specUpdate } from "../../../scripts/spec/update.mjs";
import { type Doc, TODAY, upstreamDoc, upstreamText } from "./upstream-history.ts";

export type { Doc };
/** Today's QStash and Workflow documents, parsed: each call a fresh copy to change. */
export const qstashSpec = () => upstreamDoc(TODAY, "qstash.yaml");
export const workflowSpec = () => upstreamDoc(TODAY, "workflow.yaml");

/** A Markdown documentation page embedding a document, as upstream's pages do. */
export const page = (title: string, yaml: string) => `---\ntitle: ${title}\n---\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;

const temps: string[] = [];

/** A package typed with the generated paths, calling two operations. */
export const CONSUMER_SOURCE = `import type { paths } from "@qstash-flow/types";

type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];
type Init = { params: { path: { flowControlKey: string } } };
declare const client: { POST(path: PostPath, init: Init): Promise<unknown> };

export const pause = (key: string) =>
  client.POST("/v2/flowControl/{flowControlKey}/pause", { params: { path: { flowControlKey: key } } });

export const resetRate = (key: string) =>
  client.POST("/v2/flowControl/{flowControlKey}/resetRate", { params: { path: { flowControlKey: key } } });
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  include: ["src"],
};

export const SURFACE =
  "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow Control]\n  exclude: [GET /v2/keys/rotate]\n";
/** Never read over the network in these tests: every run names its sources or a clone. */
export const SOURCES =
  "repository: upstash/docs\nref: main\nfiles:\n  qstash.yaml: qstash/openapi.yaml\n  workflow.yaml: workflow/openapi.yaml\n";

/** `surface` replaces openapi/surface.yaml after the types are generated with the default one. */
export async function workspace({ surface = SURFACE } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-spec-test-"));
  temps.push(dir);
  const openapiDir = join(dir, "openapi");
  const consumerDir = join(dir, "packages/consumer");
  await mkdir(join(consumerDir, "src"), { recursive: true });
  await mkdir(join(dir, ".changeset"));
  await mkdir(join(dir, "sources"));
  await mkdir(openapiDir);
  await writeFile(join(openapiDir, "surface.yaml"), SURFACE);
  await writeFile(join(openapiDir, "sources.yaml"), SOURCES);
  await writeFile(join(openapiDir, "qstash.yaml"), upstreamText(TODAY, "qstash.yaml"));
  await writeFile(join(openapiDir, "workflow.yaml"), upstreamText(TODAY, "workflow.yaml"));
  await writeFile(join(consumerDir, "package.json"), JSON.stringify({ name: "@qstash-flow/consumer" }));
  await writeFile(join(consumerDir, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG));
  await writeFile(join(consumerDir, "src/index.ts"), CONSUMER_SOURCE);
  const outDir = join(dir, "generated");
  await writeGenerated(await render({ openapiDir }), outDir);
  await writeFile(join(openapiDir, "surface.yaml"), surface);
  const options = {
    openapiDir,
    outDir,
    changesetDir: join(dir, ".changeset"),
    packagesDir: join(dir, "packages"),
    verify: false,
  };
  return {
    dir,
    options,
    consumerDir,
    /** Writes a source file and returns its path. */
    async source(name: string, doc: object | string) {
      const path = join(dir, "sources", name);
      await writeFile(path, typeof doc === "string" ? doc : stringify(doc));
      return path;
    },
    run(sources: Record<string, string>, more: Parameters<typeof specUpdate>[0] = {}) {
      return specUpdate({ ...options, sources, ...more });
    },
    /** Every file of the workspace with its contents, to prove what was (not) written. */
    async snapshot() {
      const files: Record<string, string> = {};
      for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile())
          files[relative(dir, join(entry.parentPath, entry.name))] = await readFile(
            join(entry.parentPath, entry.name),
            "utf8",
          );
      }
      return files;
    },
    changesets: () => readdir(join(dir, ".changeset")),
  };
}

export async function removeWorkspaces() {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The QStash document with one change applied. */
export function changedQStash(change: (doc: Doc) => void): Doc {
  const doc = qstashSpec();
  change(doc);
  return doc;
}
