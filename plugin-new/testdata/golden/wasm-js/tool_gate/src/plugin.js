// Demo Tool Gate: a tool_gate plugin for MCPG (plugin id dev.example.tool_gate.demo), as a WebAssembly
// component.
//
// componentize-js makes this module a component implementing the tool-gate-plugin world of
// wit/plugin.wit: the exported `toolGate` object is its `tool-gate` interface. WIT records are
// objects with camelCase fields, variants are { tag, val }, an absent option is undefined and a
// u64 is a BigInt. The gateway instantiates the component afresh for every call, so nothing
// survives from one call to the next.
//
// The gateway asks a tool gate twice per tool call:
//   - before dispatch (evaluatePreDispatch), in this order: deny rules, the verified-identity
//     requirement, the _meta challenge, then allow;
//   - after dispatch (evaluatePostDispatch): the result size limit, then allow, annotating slow
//     calls.
// It also asks before prompts, resources and completions are served: ctx.surface says which, and
// ctx.toolName holds the name. The rules here match that name whatever the surface.
//
// The rules come from the operator's config: block, which the gateway passes as JSON text with
// every call (see parseConfig). Everything marked TODO(scaffold) is a starting point to replace
// with this plugin's own policy.

// The same strings as id and name in plugin.yaml, and version in package.json.
const PLUGIN_ID = 'dev.example.tool_gate.demo';
const PLUGIN_NAME = 'Demo Tool Gate';
const PLUGIN_VERSION = '0.1.0';

// JSON-RPC error codes this gate answers with. Any value in the implementation-defined range
// -32000..-32099 works; these do not collide with the codes the gateway itself uses.
const DENIED = -32030; // a deny_tools rule matched
const UNVERIFIED = -32031; // a require_verified_for rule matched and the caller is not verified
const CHALLENGE = -32032; // a challenge_tools rule matched and _meta carries no proof
const RESULT_TOO_LARGE = -32033; // the result is larger than max_result_bytes
const CONFIG_REJECTED = -32034; // the operator's config is malformed or contradictory

// The trust level the gateway gives a caller whose credentials an identity provider verified.
const VERIFIED = 'verified';

// The operator's settings and their defaults, under which the gate allows every call:
//   deny_tools            tools never callable (403)
//   require_verified_for  tools only a verified caller may call (401 otherwise)
//   challenge_tools       tools that need a proof in _meta (402 without one)
//   challenge_meta_key    the _meta key that carries the proof
//   max_result_bytes      refuse a result whose JSON is larger (null: no limit)
//   slow_call_ms          annotate a call that took longer (null: never)
// A pattern is a tool name, or a prefix followed by one * (debug_*); * alone matches every tool.
const DEFAULTS = Object.freeze({
  deny_tools: [],
  require_verified_for: [],
  challenge_tools: [],
  challenge_meta_key: 'approval_token',
  max_result_bytes: null,
  slow_call_ms: null,
});

const utf8 = new TextEncoder();

// Parses and checks the config text, FAILING CLOSED: malformed JSON, an unknown key (a typo such
// as deny_tool) or a contradictory rule throws, and the gate then refuses every call instead of
// running with its rules silently dropped. Empty text, null and {} give the defaults.
function parseConfig(text) {
  const trimmed = text.trim();
  const raw = trimmed === '' || trimmed === 'null' ? {} : JSON.parse(trimmed);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('expected a JSON object');
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      throw new Error(`unknown field \`${key}\`, expected one of ${Object.keys(DEFAULTS).join(', ')}`);
    }
  }
  const config = { ...DEFAULTS, ...raw };
  for (const field of ['deny_tools', 'require_verified_for', 'challenge_tools']) {
    if (!Array.isArray(config[field]) || !config[field].every((p) => typeof p === 'string')) {
      throw new Error(`${field}: expected a list of strings`);
    }
    for (const pattern of config[field]) {
      const why = patternProblem(pattern);
      if (why) {
        throw new Error(`${field}: pattern ${JSON.stringify(pattern)} ${why}`);
      }
    }
  }
  // Deny is evaluated first, so a rule on a tool that is denied anyway never applies: the
  // operator most likely listed the tool in the wrong place.
  for (const field of ['require_verified_for', 'challenge_tools']) {
    for (const pattern of config[field]) {
      const deny = findMatch(config.deny_tools, pattern);
      if (deny !== undefined) {
        throw new Error(
          `${field}: ${JSON.stringify(pattern)} can never apply, deny_tools ${JSON.stringify(deny)} blocks it`,
        );
      }
    }
  }
  if (typeof config.challenge_meta_key !== 'string' || config.challenge_meta_key.trim() === '') {
    throw new Error('challenge_meta_key must be a non-empty string');
  }
  for (const field of ['max_result_bytes', 'slow_call_ms']) {
    const value = config[field];
    if (value !== null && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new Error(`${field}: expected a whole number or null`);
    }
  }
  if (config.max_result_bytes === 0) {
    throw new Error('max_result_bytes 0 would refuse every result; leave it unset for no limit');
  }
  return config;
}

function patternProblem(pattern) {
  if (pattern === '') return 'is empty';
  if (/\s/.test(pattern)) return 'contains whitespace';
  if (pattern.replace(/\*+$/, '').includes('*') || pattern.endsWith('**')) {
    return 'may only have one `*`, at the end';
  }
  return undefined;
}

// Whether pattern matches name; name may itself be a pattern (parseConfig uses that to find rules
// a broader pattern covers).
function matches(pattern, name) {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

// The first of patterns that matches name.
function findMatch(patterns, name) {
  return patterns.find((p) => matches(p, name));
}

// An allow; metadata (JSON) is attached to the response's _meta.
function allow(metadata) {
  return {
    tag: 'allow',
    val: {
      metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
      modifiedArguments: undefined,
      modifiedResult: undefined,
    },
  };
}

// A deny with JSON error data.
function deny(httpStatus, code, message, data) {
  return { tag: 'deny', val: { httpStatus, code, message, errorData: JSON.stringify(data) } };
}

// The config, or the deny that refuses the call when it does not parse: a component has no
// load-time hook that could refuse the plugin, so the gate fails closed on every call instead.
function loadConfig(text) {
  try {
    return { config: parseConfig(text) };
  } catch (err) {
    const refusal = deny(500, CONFIG_REJECTED, `plugin config rejected (failing closed): ${err.message}`, {
      gate: PLUGIN_ID,
      rule: 'config',
    });
    return { refusal };
  }
}

export const toolGate = {
  // Read once at load: the gateway compares id and name with plugin.yaml and requires
  // protocolVersion "1.0".
  manifest() {
    return {
      id: PLUGIN_ID,
      version: PLUGIN_VERSION,
      name: PLUGIN_NAME,
      pluginClass: 'tool_gate',
      protocolVersion: '1.0',
    };
  },

  // args is the call's arguments as JSON text; meta the request's _meta object as JSON text,
  // undefined when it had none; config the operator's config as JSON text.
  evaluatePreDispatch(ctx, args, meta, configText) {
    const { config, refusal } = loadConfig(configText);
    if (refusal) return refusal;
    const tool = ctx.toolName;

    // 1. Deny: the tool is never callable through this gateway.
    let pattern = findMatch(config.deny_tools, tool);
    if (pattern !== undefined) {
      return deny(403, DENIED, `tool '${tool}' is blocked by gateway policy`, {
        gate: PLUGIN_ID,
        rule: 'deny_tools',
        pattern,
      });
    }

    // 2. Identity: the tool needs a caller whose credentials were verified.
    pattern = findMatch(config.require_verified_for, tool);
    if (pattern !== undefined && ctx.identity.trustLevel !== VERIFIED) {
      return deny(401, UNVERIFIED, `tool '${tool}' requires a verified caller`, {
        gate: PLUGIN_ID,
        rule: 'require_verified_for',
        pattern,
        trust_level: ctx.identity.trustLevel,
      });
    }

    // 3. Challenge: the client must retry with a proof in _meta.
    pattern = findMatch(config.challenge_tools, tool);
    if (pattern !== undefined) {
      const key = config.challenge_meta_key;
      let proof;
      try {
        proof = meta === undefined ? undefined : JSON.parse(meta)?.[key];
      } catch {
        proof = undefined;
      }
      // TODO(scaffold): verify the proof (a signature, a one-time token, a payment receipt).
      // As generated, any non-empty string is accepted.
      if (typeof proof === 'string' && proof !== '') {
        return allow({ gate: PLUGIN_ID, rule: 'challenge_tools', pattern });
      }
      return {
        tag: 'challenge',
        val: {
          httpStatus: 402,
          code: CHALLENGE,
          message: `tool '${tool}' needs \`_meta.${key}\`; retry the call with it`,
          challengeData: JSON.stringify({
            gate: PLUGIN_ID,
            rule: 'challenge_tools',
            pattern,
            meta_key: key,
            hint: `set params._meta["${key}"] to a proof and call again`,
          }),
        },
      };
    }

    // 4. Allow. (A Wasm gate cannot pause a call for human approval: the WIT decision has no
    //    pending-approval case; that needs a native plugin.)
    return allow({ gate: PLUGIN_ID, rule: 'default' });
  },

  // result is the tool's result as JSON text; executionDurationMs (a BigInt) the dispatch's wall
  // time.
  evaluatePostDispatch(ctx, args, result, executionDurationMs, configText) {
    const { config, refusal } = loadConfig(configText);
    if (refusal) return refusal;

    // 1. Size limit: withhold a result larger than the operator allows.
    if (config.max_result_bytes !== null) {
      const size = utf8.encode(result).length;
      if (size > config.max_result_bytes) {
        return deny(
          403,
          RESULT_TOO_LARGE,
          `result of tool '${ctx.toolName}' is ${size} bytes, over the ${config.max_result_bytes}-byte limit`,
          { gate: PLUGIN_ID, rule: 'max_result_bytes', limit: config.max_result_bytes, size },
        );
      }
    }

    // 2. Slow call: allow, but say so in the response metadata.
    if (config.slow_call_ms !== null && executionDurationMs > BigInt(config.slow_call_ms)) {
      return allow({
        gate: PLUGIN_ID,
        rule: 'slow_call_ms',
        duration_ms: Number(executionDurationMs),
        threshold_ms: config.slow_call_ms,
      });
    }

    // 3. Allow.
    return allow(undefined);
  },
};
