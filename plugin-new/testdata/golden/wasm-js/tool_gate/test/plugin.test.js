// Unit tests, run by Node.js's own test runner (make unit-test, npm test): they call the exported
// interface as plain JavaScript, with the values componentize-js passes. make test then runs the
// built component in a mock gateway (mcpg-plugins test), the way the gateway runs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { toolGate as gate } from '../src/plugin.js';

// A call to tool by a verified caller, as the gateway describes it.
function context(tool, trustLevel = 'verified') {
  return {
    requestId: 'req-0001',
    sessionId: 'sess-0001',
    toolName: tool,
    surface: 'tool',
    identity: {
      kind: trustLevel,
      trustLevel,
      subjectId: trustLevel === 'verified' ? 'alice@example.com' : undefined,
      authProvider: undefined,
      issuer: undefined,
      roles: [],
      groups: [],
      scopes: [],
      attributes: [['tenant_id', 'acme-prod']],
    },
    transport: 'http',
  };
}

const pre = (ctx, meta, config) =>
  gate.evaluatePreDispatch(ctx, '{}', meta === undefined ? undefined : JSON.stringify(meta), JSON.stringify(config));
const post = (result, durationMs, config) =>
  gate.evaluatePostDispatch(context('search_docs'), '{}', JSON.stringify(result), durationMs, JSON.stringify(config));
const json = (text) => JSON.parse(text);

test('the default config allows', () => {
  for (const config of ['', 'null', '{}']) {
    const decision = gate.evaluatePreDispatch(context('search_docs'), '{}', undefined, config);
    assert.equal(decision.tag, 'allow', `config ${JSON.stringify(config)}`);
    assert.equal(json(decision.val.metadata).rule, 'default');
  }
});

test('a deny rule blocks the call', () => {
  const config = { deny_tools: ['debug_*'] };
  const decision = pre(context('debug_dump'), undefined, config);
  assert.equal(decision.tag, 'deny');
  assert.equal(decision.val.httpStatus, 403);
  assert.equal(decision.val.code, -32030);
  assert.match(decision.val.message, /blocked by gateway policy/);
  assert.deepEqual(json(decision.val.errorData), {
    gate: gate.manifest().id,
    rule: 'deny_tools',
    pattern: 'debug_*',
  });
  assert.equal(pre(context('search_docs'), undefined, config).tag, 'allow');
});

test('a verified identity is required', () => {
  const config = { require_verified_for: ['payroll_*'] };
  const decision = pre(context('payroll_export', 'anonymous'), undefined, config);
  assert.equal(decision.tag, 'deny');
  assert.equal(decision.val.httpStatus, 401);
  assert.equal(json(decision.val.errorData).trust_level, 'anonymous');
  assert.equal(pre(context('payroll_export'), undefined, config).tag, 'allow');
});

test('a challenge until the proof is in _meta', () => {
  const config = { challenge_tools: ['deploy_*'] };
  const decision = pre(context('deploy_prod'), undefined, config);
  assert.equal(decision.tag, 'challenge');
  assert.equal(decision.val.httpStatus, 402);
  assert.equal(json(decision.val.challengeData).meta_key, 'approval_token');
  assert.equal(pre(context('deploy_prod'), { approval_token: 'token-123' }, config).tag, 'allow');
  assert.equal(pre(context('deploy_prod'), { approval_token: '' }, config).tag, 'challenge');
});

test('an oversized result is denied after dispatch', () => {
  const config = { max_result_bytes: 256 };
  const small = { content: [{ type: 'text', text: 'short' }], isError: false };
  assert.equal(post(small, 1n, config).tag, 'allow');
  const large = { content: [{ type: 'text', text: 'x'.repeat(1024) }], isError: false };
  const decision = post(large, 1n, config);
  assert.equal(decision.tag, 'deny');
  assert.equal(decision.val.code, -32033);
  assert.equal(json(decision.val.errorData).limit, 256);
});

test('a slow call is annotated', () => {
  const config = { slow_call_ms: 1000 };
  const result = { content: [], isError: false };
  const slow = post(result, 1500n, config);
  assert.equal(slow.tag, 'allow');
  assert.equal(json(slow.val.metadata).rule, 'slow_call_ms');
  assert.equal(json(slow.val.metadata).duration_ms, 1500);
  const fast = post(result, 10n, config);
  assert.equal(fast.tag, 'allow');
  assert.equal(fast.val.metadata, undefined);
});

// Every call, before and after dispatch, is refused with the config's problem.
function assertFailsClosed(configText, problem) {
  const decisions = [
    gate.evaluatePreDispatch(context('search_docs'), '{}', undefined, configText),
    gate.evaluatePostDispatch(context('search_docs'), '{}', 'null', 1n, configText),
  ];
  for (const decision of decisions) {
    assert.equal(decision.tag, 'deny');
    assert.equal(decision.val.httpStatus, 500);
    assert.equal(decision.val.code, -32034);
    assert.match(decision.val.message, /failing closed/);
    assert.match(decision.val.message, problem);
  }
}

test('a malformed config fails closed', () => assertFailsClosed('not-json', /JSON/));
test('an unknown key fails closed', () => assertFailsClosed('{"deny_tool": ["debug_*"]}', /unknown field `deny_tool`/));
test('contradictory rules fail closed', () =>
  assertFailsClosed('{"deny_tools": ["debug_*"], "challenge_tools": ["debug_dump"]}', /can never apply/));
test('an empty pattern fails closed', () => assertFailsClosed('{"deny_tools": [""]}', /is empty/));

// The value of a top-level `key: value` line of plugin.yaml.
function descriptor(key) {
  const text = readFileSync(new URL('../plugin.yaml', import.meta.url), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${key}: `));
  assert.ok(line, `plugin.yaml has no ${key}`);
  return line.slice(key.length + 2).replace(/^"(.*)"$/, '$1');
}

test('the manifest matches plugin.yaml and package.json', () => {
  const manifest = gate.manifest();
  assert.equal(manifest.id, descriptor('id'));
  assert.equal(manifest.name, descriptor('name'));
  assert.equal(manifest.pluginClass, descriptor('class'));
  assert.equal(manifest.protocolVersion, descriptor('protocol_version'));
  assert.equal(descriptor('runtime'), 'wasi-v1');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(manifest.version, pkg.version);
});
