#!/usr/bin/env node
// The installed `cnnlens` command: runs the bundle that `npm run build` (and `npm ci`, via prepare) writes.
import "../dist/cnnlens.js";
