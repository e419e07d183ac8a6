// Makes plugin.wasm from src/plugin.js with componentize-js (the StarlingMonkey JavaScript engine):
// a WASI preview-2 component implementing the transform-plugin world of wit/plugin.wit.
import { componentize } from '@bytecodealliance/componentize-js';
import { rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// componentize-js's WASI features. Each one enabled makes the component import more WASI
// interfaces, and the JavaScript APIs on top of them work:
//   stdio        wasi:cli stdin/stdout/stderr: console.log (the gateway discards the output)
//   random       wasi:random: Math.random, crypto.getRandomValues
//   clocks       wasi:clocks: Date.now, performance.now, timers
//   http         wasi:http: fetch — the gateway links no wasi:http and refuses such a plugin
//   fetch-event  the wasi:http incoming-handler export — likewise refused
// All are disabled: the component imports nothing but its world, and every call is a pure
// function of its inputs. To enable stdio, random or clocks (the gateway links them), delete them
// from this list; never http or fetch-event.
const disableFeatures = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

const { component } = await componentize({
  sourcePath: here('./src/plugin.js'),
  witPath: here('./wit/plugin.wit'),
  worldName: 'transform-plugin',
  disableFeatures,
});
await writeFile(here('./plugin.wasm.tmp'), component);
await rename(here('./plugin.wasm.tmp'), here('./plugin.wasm'));
console.log(`plugin.wasm: ${component.length} bytes (transform-plugin)`);
