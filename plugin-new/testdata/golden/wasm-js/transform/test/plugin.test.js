// Unit tests, run by Node.js's own test runner (make unit-test, npm test): they call the exported
// interface as plain JavaScript, with the values componentize-js passes. make test then runs the
// built component in a mock gateway (mcpg-plugins test), the way the gateway runs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { transform as plugin } from '../src/plugin.js';

// A call to tool by a verified caller, as the gateway describes it.
function context(tool) {
  return {
    requestId: 'req-0001',
    sessionId: undefined,
    toolName: tool,
    surface: 'tool',
    identity: {
      kind: 'verified',
      trustLevel: 'verified',
      subjectId: 'alice@example.com',
      authProvider: undefined,
      issuer: undefined,
      roles: [],
      groups: [],
      scopes: [],
      attributes: [],
    },
    transport: 'http',
  };
}

test('the stubs leave arguments and result unchanged', () => {
  // TODO(scaffold): assert what your transform does instead.
  for (const config of ['', '{}']) {
    assert.deepEqual(plugin.transformArguments(context('search_docs'), '{"query":"gates"}', config), {
      tag: 'unchanged',
    });
    assert.deepEqual(plugin.transformOutput(context('search_docs'), '{"content":[],"isError":false}', config), {
      tag: 'unchanged',
    });
  }
});

test('a bad config fails closed', () => {
  for (const config of ['not-json', '{"unknown_key": 1}']) {
    for (const outcome of [
      plugin.transformArguments(context('search_docs'), '{}', config),
      plugin.transformOutput(context('search_docs'), 'null', config),
    ]) {
      assert.equal(outcome.tag, 'error', `config ${config}`);
      assert.match(outcome.val, /failing closed/);
    }
  }
});

// The value of a top-level `key: value` line of plugin.yaml.
function descriptor(key) {
  const text = readFileSync(new URL('../plugin.yaml', import.meta.url), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${key}: `));
  assert.ok(line, `plugin.yaml has no ${key}`);
  return line.slice(key.length + 2).replace(/^"(.*)"$/, '$1');
}

test('the manifest matches plugin.yaml and package.json', () => {
  const manifest = plugin.manifest();
  assert.equal(manifest.id, descriptor('id'));
  assert.equal(manifest.name, descriptor('name'));
  assert.equal(manifest.pluginClass, descriptor('class'));
  assert.equal(manifest.protocolVersion, descriptor('protocol_version'));
  assert.equal(descriptor('runtime'), 'wasi-v1');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(manifest.version, pkg.version);
});
