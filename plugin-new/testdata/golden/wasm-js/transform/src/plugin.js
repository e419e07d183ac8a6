// Demo Transform: a transform plugin for MCPG (plugin id dev.example.transform.demo), as a WebAssembly
// component.
//
// componentize-js makes this module a component implementing the transform-plugin world of
// wit/plugin.wit: the exported `transform` object is its `transform` interface. WIT records are
// objects with camelCase fields, variants are { tag, val } ({ tag } alone without a payload) and an
// absent option is undefined. The gateway instantiates the component afresh for every call, so
// nothing survives from one call to the next.
//
// The gateway runs every transform in plugins[] order on each tool call: on the arguments before
// the tool runs (transformArguments), and on the result after it ran (transformOutput): masking,
// field mapping, enrichment.
//
// Scaffolded by `mcpg-plugins new --runtime wasm --lang js`: every TODO(scaffold) marks a stub that
// returns a safe default. Replace them, then `make test`.

// The same strings as id and name in plugin.yaml, and version in package.json.
const PLUGIN_ID = 'dev.example.transform.demo';
const PLUGIN_NAME = 'Demo Transform';
const PLUGIN_VERSION = '0.1.0';

// The operator's settings (the config: block, passed as JSON text with every call) and their
// defaults.
const DEFAULTS = Object.freeze({
  // TODO(scaffold): your settings, for example
  // mask_fields: [], // argument fields to mask
});

// Parses the config text; empty text, null and {} give the defaults. Malformed JSON or an unknown
// key (a typo) throws, and the call then fails (failing closed) instead of running on defaults
// the operator did not choose.
function parseConfig(text) {
  const trimmed = text.trim();
  const raw = trimmed === '' || trimmed === 'null' ? {} : JSON.parse(trimmed);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('expected a JSON object');
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      throw new Error(`unknown field \`${key}\``);
    }
  }
  // TODO(scaffold): check the values, e.g. that mask_fields is a list of non-empty strings.
  return { ...DEFAULTS, ...raw };
}

// The config, or the error result that fails the call when it does not parse.
function loadConfig(text) {
  try {
    return { config: parseConfig(text) };
  } catch (err) {
    return { refusal: { tag: 'error', val: `plugin config rejected (failing closed): ${err.message}` } };
  }
}

export const transform = {
  // Read once at load: the gateway compares id and name with plugin.yaml and requires
  // protocolVersion "1.0".
  manifest() {
    return {
      id: PLUGIN_ID,
      version: PLUGIN_VERSION,
      name: PLUGIN_NAME,
      pluginClass: 'transform',
      protocolVersion: '1.0',
    };
  },

  // Rewrites the tool's arguments (JSON text) before it runs: { tag: 'modified', val: jsonText }
  // replaces them, { tag: 'unchanged' } passes them on, { tag: 'error', val: message } stops the
  // call.
  transformArguments(ctx, args, configText) {
    const { refusal } = loadConfig(configText);
    if (refusal) return refusal;
    // TODO(scaffold): return { tag: 'modified', val: JSON.stringify(rewritten) }. Passing the
    // arguments on untouched is the safe default: it claims nothing about them.
    return { tag: 'unchanged' };
  },

  // Rewrites the tool's result (JSON text) after it ran; same contract as transformArguments.
  transformOutput(ctx, result, configText) {
    const { refusal } = loadConfig(configText);
    if (refusal) return refusal;
    // TODO(scaffold): rewrite the result here (e.g. redact fields), or keep it unchanged.
    return { tag: 'unchanged' };
  },
};
