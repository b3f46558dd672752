// Bundle size: a browser app that pauses one key, bundled and minified with esbuild,
// once per way of calling the API.
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { BROWSER_BUNDLE } from "./bundle-options.mjs";

const APPS_DIR = fileURLToPath(new URL("./apps/", import.meta.url));
const app = (name) => fileURLToPath(new URL(`./apps/${name}.mjs`, import.meta.url));

/** The pause-only apps; `onlyPause` ones must carry no other operation. */
export const APPS = [
  { id: "wrapper-class", label: "FlowControl class (ours)", entry: app("flow-control-class"), onlyPause: false },
  {
    id: "wrapper-function",
    label: "pause() function + createQStashTransport (ours)",
    entry: app("flow-control-function"),
    onlyPause: true,
  },
  { id: "typed", label: "typed client POST (ours)", entry: app("typed-client"), onlyPause: true },
  { id: "official", label: "@upstash/qstash Client", entry: app("official-sdk"), onlyPause: false },
  { id: "fetch", label: "bare fetch", entry: app("bare-fetch"), onlyPause: true },
];

// Strings that only the other operations' code contains: their names, which build their
// routes ("pin" and "unpin" quoted, as "pin" alone is part of other words).
export const OTHER_OPERATIONS = ["resume", "resetRate", "globalParallelism", '"pin"', '"unpin"'];

/**
 * @param {string} entry
 * @returns {Promise<{ code: string, minified: number, gzipped: number, inputs: { path: string, bytes: number }[] }>}
 */
export async function bundleApp(entry) {
  const result = await build({
    ...BROWSER_BUNDLE,
    entryPoints: [entry],
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const [output] = result.outputFiles;
  const bytes = output.contents;
  const [meta] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(meta.inputs)
    .map(([path, { bytesInOutput }]) => ({ path: packageOf(path), bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    code: output.text,
    minified: bytes.byteLength,
    // Level 9, like size-limit's file plugin.
    gzipped: gzipSync(bytes, { level: 9 }).byteLength,
    inputs,
  };
}

/** Which of the other operations' path strings a bundle contains. */
export function otherOperationsIn(code) {
  return OTHER_OPERATIONS.filter((needle) => code.includes(needle));
}

/** The package a bundled file belongs to, from its path in esbuild's metafile. */
function packageOf(path) {
  const absolute = resolve(path);
  const modules = absolute.split(`${sep}node_modules${sep}`);
  if (modules.length > 1) {
    const [scope, name] = modules.at(-1).split(sep);
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
  }
  if (absolute.startsWith(APPS_DIR)) return "(the app)";
  const workspace = absolute.split(`${sep}packages${sep}`);
  return workspace.length > 1 ? `@qstash-flow/${workspace.at(-1).split(sep)[0]}` : path;
}

/** Every app bundled, in APPS order. */
export async function measureBundles() {
  const results = [];
  for (const entry of APPS) {
    const bundle = await bundleApp(entry.entry);
    results.push({ ...entry, ...bundle, others: otherOperationsIn(bundle.code) });
  }
  return results;
}
