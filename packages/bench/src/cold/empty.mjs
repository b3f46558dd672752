// Node starting and exiting with nothing to do: the floor under every other row.

// The CPU time this process used up to here: unlike wall time, barely moved by other load.
process.stdout.write(JSON.stringify(process.cpuUsage()));
