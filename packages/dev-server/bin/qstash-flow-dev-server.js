#!/usr/bin/env node
// The installed command. The code is built into dist/; this file is committed, so that
// a workspace install can link the command before anything is built.
import "../dist/bin.js";
