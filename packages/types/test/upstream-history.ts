// Upstream's documents at the commits where flow control changed (fixtures/upstream/README.md):
// upstream's text, unchanged, read from the folder named after each commit.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface Step {
  /** The folder under fixtures/upstream/. */
  folder: string;
  commit: string;
  date: string;
  /** The spec files upstream had at this commit. */
  files: ("qstash.yaml" | "workflow.yaml")[];
}

const both: Step["files"] = ["qstash.yaml", "workflow.yaml"];
export const HISTORY: Step[] = [
  {
    folder: "2025-12-01-f9767c6",
    commit: "f9767c6484e4fe968c06cc1427ab9343ff79b311",
    date: "2025-12-01",
    files: ["qstash.yaml"],
  },
  {
    folder: "2025-12-09-15f1421",
    commit: "15f1421ee3606244406b985e3997a5f4c88e30ac",
    date: "2025-12-09",
    files: ["qstash.yaml"],
  },
  {
    folder: "2026-02-25-5087066",
    commit: "508706679016d05fc102de83da58fe394f6fbe81",
    date: "2026-02-25",
    files: ["qstash.yaml"],
  },
  {
    folder: "2026-03-16-bd23d73",
    commit: "bd23d734c0f956372e24821437ad237d70cf3729",
    date: "2026-03-16",
    files: ["qstash.yaml"],
  },
  { folder: "2026-03-17-381bc9e", commit: "381bc9e440f07562700632f7f4c1fe12c7f90e3c", date: "2026-03-17", files: both },
  { folder: "2026-08-21-ef0ce43", commit: "ef0ce4387f723fa1d0bd49d29331a6ec61feb6df", date: "2026-08-21", files: both },
];
/** Today's documents: the base the update tests change one thing in. */
export const TODAY = HISTORY.at(-1) as Step;

export const fixturePath = (step: Step, file: string) =>
  join(import.meta.dirname, "fixtures/upstream", step.folder, file);
export const upstreamText = (step: Step, file: string) => readFileSync(fixturePath(step, file), "utf8");
export type Doc = Record<string, any>;
export const upstreamDoc = (step: Step, file: string): Doc => parse(upstreamText(step, file));
