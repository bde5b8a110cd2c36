import { agentLabel } from './reports.service';

describe('agentLabel: what a refused report puts of its agent in the log', () => {
  it.each([
    ['a name and version', { agent: { name: 'teknisi-agent-linux', version: '1.4.0' } }, { name: 'teknisi-agent-linux', version: '1.4.0' }],
    ['an 8 MB name, cut to 64 characters', { agent: { name: 'x'.repeat(8 << 20), version: 2 } }, { name: 'x'.repeat(64), version: undefined }],
    ['an array', { agent: new Array(100_000).fill('y') }, undefined],
    ['a string', { agent: 'z'.repeat(1000) }, undefined],
    ['no body', null, undefined],
  ])('%s', (_, body, label) => {
    expect(agentLabel(body)).toEqual(label);
  });
});
