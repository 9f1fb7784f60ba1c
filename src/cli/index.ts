#!/usr/bin/env node
// The `trailhound` executable: everything lives in program.ts so tests can run it in-process.
import { applyGcSettings } from './gc.js';
import { main } from './program.js';

// Before the hunt starts its worker threads: see gc.ts.
applyGcSettings();

process.exitCode = await main(process.argv.slice(2));
