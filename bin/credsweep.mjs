#!/usr/bin/env node
// Entry point for `credsweep` / `npx credsweep`: the command built into dist/cli/ (scripts/build.ts).
// Node 22.1+ keeps a compile cache of it, so later starts skip most of the parsing; Node 20 has none.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/cli/main.js');
