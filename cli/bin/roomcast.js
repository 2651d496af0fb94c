#!/usr/bin/env node
// The `roomcast` command: runs the TypeScript entry point through tsx's loader in this same
// process, so signals and the exit code are the CLI's own.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
