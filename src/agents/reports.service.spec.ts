import { agentLabel, collectedAtOf } from './reports.service';

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

describe('collectedAtOf: when ingest dates a report', () => {
  const now = new Date('2030-06-01T12:00:00Z');
  const agent = { agentTokenId: 3 };
  const technician = {};
  it.each([
    ['an agent, a minute ago', agent, '2030-06-01T11:59:00Z', '2030-06-01T11:59:00.000Z'],
    ['an agent, an hour ago', agent, '2030-06-01T11:00:00Z', '2030-06-01T11:00:00.000Z'],
    ['an agent, a day ago (a clock behind): now', agent, '2030-05-31T12:00:00Z', '2030-06-01T12:00:00.000Z'],
    ['an agent, ahead: now', agent, '2030-06-01T12:05:00Z', '2030-06-01T12:00:00.000Z'],
    ['an agent, no time: now', agent, undefined, '2030-06-01T12:00:00.000Z'],
    ["a technician's upload of a dry run from a day ago: its time", technician, '2030-05-31T12:00:00Z', '2030-05-31T12:00:00.000Z'],
    ["a technician's upload from the future: now", technician, '2031-01-01T00:00:00Z', '2030-06-01T12:00:00.000Z'],
  ])('%s', (_, from, collectedAt, at) => {
    expect(collectedAtOf(collectedAt, from, now).toISOString()).toBe(at);
  });
});
