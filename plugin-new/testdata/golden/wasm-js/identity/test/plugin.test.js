// Unit tests, run by Node.js's own test runner (make unit-test, npm test): they call the exported
// interface as plain JavaScript, with the values componentize-js passes. make test then runs the
// built component in a mock gateway (mcpg-plugins test), the way the gateway runs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { identity as plugin } from '../src/plugin.js';

test('the stub identifies nobody', () => {
  // TODO(scaffold): assert what your provider resolves instead.
  for (const config of ['', '{}']) {
    assert.deepEqual(plugin.resolveIdentity([], config), { tag: 'none' });
    assert.deepEqual(plugin.resolveIdentity([['authorization', 'Bearer demo-token']], config), { tag: 'none' });
  }
});

test('a bad config fails closed', () => {
  for (const config of ['not-json', '{"unknown_key": 1}']) {
    const resolution = plugin.resolveIdentity([], config);
    assert.equal(resolution.tag, 'invalid', `config ${config}`);
    assert.match(resolution.val, /failing closed/);
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
