// `node --import ./record-loads.mjs ...`: appends the URL of every module the process
// loads to the file named by QSTASH_FLOW_LOADED, from the loader's own thread, so that no
// load goes unrecorded however the process ends.
import { register } from "node:module";

register("./record-loads-hooks.mjs", import.meta.url, { data: { file: process.env.QSTASH_FLOW_LOADED } });
