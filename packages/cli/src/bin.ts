#!/usr/bin/env node
import { handleOutputErrors } from './output-errors';
import { run } from './program';

handleOutputErrors();
process.exitCode = await run(process.argv.slice(2));
