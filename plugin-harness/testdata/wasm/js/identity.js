// identity-plugin in JavaScript (componentize-js): ../fixtures.md §identity, as the Rust fixture.
// headers arrive as [name, value] pairs in request order.

function header(headers, name) {
  const found = headers.find(([n]) => n.toLowerCase() === name);
  return found === undefined ? undefined : found[1];
}

export const identity = {
  manifest() {
    return {
      id: 'com.example.wasm-identity',
      version: '0.3.1',
      name: 'Wasm Fixture Identity',
      pluginClass: 'identity_provider',
      protocolVersion: '1.0',
    };
  },

  resolveIdentity(headers, config) {
    const auth = header(headers, 'authorization');
    if (auth !== undefined) {
      if (!auth.startsWith('Bearer ')) {
        return { tag: 'invalid', val: 'unsupported authorization scheme' };
      }
      const token = auth.slice('Bearer '.length);
      if (token === '' || token === 'bad') {
        return { tag: 'invalid', val: 'bad token' };
      }
      return {
        tag: 'resolved',
        val: {
          kind: 'verified',
          trustLevel: 'verified',
          subjectId: token,
          authProvider: 'wasm-fixture',
          issuer: 'https://issuer.example',
          roles: ['reader', 'writer'],
          groups: ['engineering'],
          scopes: ['mcp:tools:call'],
          attributes: [
            ['tenant_id', 'acme-prod'],
            ['config', config],
          ],
        },
      };
    }
    const subject = header(headers, 'x-mcpg-test-subject');
    if (subject !== undefined) {
      return {
        tag: 'resolved',
        val: {
          kind: 'header_asserted',
          trustLevel: 'header_asserted',
          subjectId: subject,
          authProvider: undefined,
          issuer: undefined,
          roles: [],
          groups: [],
          scopes: [],
          attributes: [],
        },
      };
    }
    return { tag: 'none' };
  },
};
