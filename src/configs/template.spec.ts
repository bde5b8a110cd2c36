import { renderTemplate, templateVars, validateTemplate } from './template';

const device = {
  hostname: 'br-rtr01',
  primaryIp: '10.20.0.1',
  platform: 'cisco-ios',
  tags: ['branch', 'dc-1'],
  serial: 'FDO2213A0GL',
  model: 'ISR4331/K9',
  vendor: 'Cisco',
  location: null,
  addresses: [
    { ip: '10.20.0.1', mac: 'aa:bb:cc:00:00:01', interfaceName: 'GigabitEthernet0/0/1' },
    { ip: null, mac: 'aa:bb:cc:00:00:02', interfaceName: 'GigabitEthernet0/0/2' },
  ],
};

describe('renderTemplate', () => {
  it('renders a golden template for a device, escaping nothing', () => {
    const tpl = [
      'hostname {{hostname}}',
      '{{#if tag.branch}}',
      'banner motd ^C Branch <{{location}}> & {{model}} ^C',
      '{{/if}}',
      'interface GigabitEthernet0/0/1',
      ' ip address {{addressOn.[GigabitEthernet0/0/1]}} 255.255.255.0',
      '{{#each tags}}',
      '! tag {{this}}',
      '{{/each}}',
      'snmp-server location {{lookup tag "dc-1"}}',
    ].join('\n');
    expect(renderTemplate(tpl, templateVars(device))).toBe([
      'hostname br-rtr01',
      'banner motd ^C Branch <> & ISR4331/K9 ^C',
      'interface GigabitEthernet0/0/1',
      ' ip address 10.20.0.1 255.255.255.0',
      '! tag branch',
      '! tag dc-1',
      'snmp-server location true',
    ].join('\n'));
  });

  it('renders an unset variable as nothing and gives no access to prototypes', () => {
    expect(renderTemplate('a{{nope}}b{{hostname.constructor}}c{{tags.constructor.name}}', templateVars(device))).toBe('abc');
  });

  it('refuses helpers other than the built-in block helpers, and log', () => {
    expect(() => renderTemplate('x\n{{exec "reboot"}}', {})).toThrow(/^template line 2: .*unknown helper exec/);
    expect(() => renderTemplate('{{log "hi"}}', {})).toThrow(/unknown helper log/);
  });

  it('names the template line of a syntax error', () => {
    expect(() => renderTemplate('hostname {{hostname}}\n{{#if tag.core}}\nx\n', {})).toThrow(/^template line \d+: Parse error/);
  });

  it('turns an error while rendering into an Error', () => {
    expect(() => renderTemplate('{{#each}}x{{/each}}', {})).toThrow(/^template: Must pass iterator to #each/);
  });

  it('gives the same output from its cache', () => {
    const tpl = 'hostname {{hostname}}';
    expect(renderTemplate(tpl, { hostname: 'a' })).toBe('hostname a');
    expect(renderTemplate(tpl, { hostname: 'b' })).toBe('hostname b');
  });
});

describe('validateTemplate', () => {
  it('is null for a valid template and the message for a broken one', () => {
    expect(validateTemplate('hostname {{hostname}}\n{{#each tags}}! {{this}}\n{{/each}}')).toBeNull();
    expect(validateTemplate('{{#if x}}\n')).toMatch(/^template line 2: Parse error on line 2/);
    expect(validateTemplate('{{#if x}}{{/each}}')).toMatch(/doesn't match/);
  });
});

describe('templateVars', () => {
  it('gives strings for unknown fields, tag names as a list and as keys, addresses with an IP', () => {
    expect(templateVars({ hostname: 'h', tags: [{ name: 'core' }], addresses: device.addresses })).toEqual({
      hostname: 'h', primaryIp: '', platform: '', serial: '', model: '', vendor: '', location: '',
      tags: ['core'],
      tag: { core: true },
      addresses: [{ ip: '10.20.0.1', mac: 'aa:bb:cc:00:00:01', interface: 'GigabitEthernet0/0/1' }],
      addressOn: { 'GigabitEthernet0/0/1': '10.20.0.1' },
    });
  });
});
