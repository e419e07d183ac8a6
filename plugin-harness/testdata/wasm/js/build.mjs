// Builds one JavaScript fixture component with componentize-js (StarlingMonkey):
//   node build.mjs <source.js> <wit> <world> <out.wasm> <features>
// features: "default" (componentize-js's defaults: stdio, random, clocks, http, fetch-event), or the
// comma-separated features to disable ("all" disables every one: a component with no WASI imports).
import { componentize } from '@bytecodealliance/componentize-js';
import { rename, writeFile } from 'node:fs/promises';

const [sourcePath, witPath, worldName, out, features] = process.argv.slice(2);
if (!features) {
  console.error('usage: node build.mjs <source.js> <wit> <world> <out.wasm> <default|all|feature,…>');
  process.exit(2);
}
const every = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];
const disableFeatures = features === 'default' ? [] : features === 'all' ? every : features.split(',');
const { component } = await componentize({ sourcePath, witPath, worldName, disableFeatures });
await writeFile(`${out}.tmp`, component);
await rename(`${out}.tmp`, out);
