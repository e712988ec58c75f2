#!/usr/bin/env node
// The `s4` bin. A committed file, so package managers can link it before the first build.
import '../dist/bin.js';
