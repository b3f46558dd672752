// Runs a command on this terminal and writes how it ended to a file. tmux's own record of
// a pane's exit status is sometimes never filled in: it can see the terminal close and
// mark the pane dead without ever reporting the status. Ctrl-C reaches the command (same
// process group); this process ignores it and waits.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

const [statusFile, command, ...args] = process.argv.slice(2);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => {});
const child = spawn(command, args, { stdio: "inherit" });
child.on("exit", (code, signal) => {
  writeFileSync(statusFile, JSON.stringify({ code, signal }));
  process.exit(code ?? 1);
});
