// Demo Identity Provider: an identity_provider plugin for MCPG (plugin id dev.example.identity.demo), as a
// WebAssembly component.
//
// componentize-js makes this module a component implementing the identity-plugin world of
// wit/plugin.wit: the exported `identity` object is its `identity` interface. WIT records are
// objects with camelCase fields, variants are { tag, val } ({ tag } alone without a payload) and an
// absent option is undefined. The gateway instantiates the component afresh for every call, so
// nothing survives from one call to the next.
//
// The gateway asks the identity providers in plugins[], in order, who sent a request, from its
// headers. The first resolved answer wins; none passes the question on to the next provider;
// invalid refuses the request. Unlike a native provider, a Wasm one sees no connection metadata
// (peer address, TLS) and cannot add response headers.
//
// Scaffolded by `mcpg-plugins new --runtime wasm --lang js`: every TODO(scaffold) marks a stub that
// returns a safe default. Replace them, then `make test`.

// The same strings as id and name in plugin.yaml, and version in package.json.
const PLUGIN_ID = 'dev.example.identity.demo';
const PLUGIN_NAME = 'Demo Identity Provider';
const PLUGIN_VERSION = '0.1.0';

// The operator's settings (the config: block, passed as JSON text with every call) and their
// defaults.
const DEFAULTS = Object.freeze({
  // TODO(scaffold): your settings, for example
  // header: 'authorization', // the header carrying the credential
});

// Parses the config text; empty text, null and {} give the defaults. Malformed JSON or an unknown
// key (a typo) throws.
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
  // TODO(scaffold): check the values.
  return { ...DEFAULTS, ...raw };
}

export const identity = {
  // Read once at load: the gateway compares id and name with plugin.yaml and requires
  // protocolVersion "1.0".
  manifest() {
    return {
      id: PLUGIN_ID,
      version: PLUGIN_VERSION,
      name: PLUGIN_NAME,
      pluginClass: 'identity_provider',
      protocolVersion: '1.0',
    };
  },

  // Decides who sent the request from its headers ([name, value] pairs in request order, names
  // as received): { tag: 'resolved', val: identity } for a valid credential, { tag: 'none' } when
  // the request carries none this plugin understands, { tag: 'invalid', val: reason } when it
  // carries one that fails verification.
  resolveIdentity(headers, configText) {
    // A config that does not parse refuses every request rather than letting it fall through (a
    // throw would: the gateway treats a failing Wasm identity provider as none).
    try {
      parseConfig(configText);
    } catch (err) {
      return { tag: 'invalid', val: `plugin config rejected (failing closed): ${err.message}` };
    }
    // TODO(scaffold): find and verify your credential in the headers, then return
    // { tag: 'resolved', val: { kind: 'verified', trustLevel: 'verified', subjectId, … } }.
    // Until then nobody is identified: none vouches for no one and lets the next provider decide.
    return { tag: 'none' };
  },
};
