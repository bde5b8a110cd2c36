import { Credential } from './credential.entity';
import {
  applyCredentialPatch, auditSummaryOf, CredentialInput, CredentialPatch, joinCredential, SecretField, splitCredential, toCredentialView,
  unsentSecretsKept,
} from './credential-fields';

const row = (over: Partial<Credential>): Credential => ({
  id: 7, name: 'n', kind: 'ssh', username: null, params: '{"secretFields":[]}', secret: 'v1:x:y:z', keyId: 'k',
  createdAt: new Date(0), updatedAt: new Date(1), ...over,
});

describe('splitCredential / joinCredential', () => {
  it.each<[string, CredentialInput]>([
    ['snmp-v1', { name: 'a', kind: 'snmp-v1', community: 'c' }],
    ['snmp-v3', { name: 'a', kind: 'snmp-v3', username: 'u', securityLevel: 'authPriv', authProtocol: 'SHA', authKey: 'k1', privProtocol: 'DES', privKey: 'k2' }],
    ['ssh', { name: 'a', kind: 'ssh', username: 'root', port: 2222, privateKey: 'PEM', passphrase: 'p' }],
  ])('round-trips %s, with every secret outside params', (_k, input) => {
    const split = splitCredential(input);
    expect(JSON.stringify(split.params)).not.toMatch(/"(c|k1|k2|PEM|p)"/);
    expect(joinCredential({ name: input.name, kind: input.kind, username: split.username }, split.params, split.secrets)).toEqual(input);
  });

  it('defaults the ssh port to 22 and records which secrets are set', () => {
    const s = splitCredential({ name: 'a', kind: 'ssh', username: 'root', password: 'pw', sudoPassword: 'su' });
    expect(s.params).toEqual({ port: 22, secretFields: ['password', 'sudoPassword'] });
    expect(s.secrets).toEqual({ password: 'pw', sudoPassword: 'su' });
  });

  it('keeps no field of another kind and no null', () => {
    const s = splitCredential({ name: 'a', kind: 'snmp-v2c', community: 'c', username: 'u', port: 1, password: 'p' } as CredentialInput);
    expect(s).toEqual({ name: 'a', kind: 'snmp-v2c', username: null, params: { secretFields: ['community'] }, secrets: { community: 'c' } });
  });
});

describe('toCredentialView', () => {
  it('shows the settings and has* flags of an ssh credential', () => {
    const v = toCredentialView(row({ username: 'root', params: JSON.stringify({ port: 22, secretFields: ['privateKey'] }) }));
    expect(v).toEqual({
      id: 7, name: 'n', kind: 'ssh', username: 'root', port: 22,
      hasPassword: false, hasPrivateKey: true, hasPassphrase: false, hasSudoPassword: false,
      createdAt: new Date(0), updatedAt: new Date(1),
    });
  });

  it('shows only the flags of its kind', () => {
    expect(Object.keys(toCredentialView(row({ kind: 'snmp-v1', params: '{"secretFields":["community"]}' }))).sort())
      .toEqual(['createdAt', 'hasCommunity', 'id', 'kind', 'name', 'updatedAt']);
    const v3 = toCredentialView(row({ kind: 'snmp-v3', username: 'u', params: JSON.stringify({ securityLevel: 'authNoPriv', authProtocol: 'MD5', secretFields: ['authKey'] }) }));
    expect(v3).toMatchObject({ securityLevel: 'authNoPriv', authProtocol: 'MD5', hasAuthKey: true, hasPrivKey: false });
    expect(v3).not.toHaveProperty('privProtocol');
  });

  it('never carries the ciphertext or key id', () => {
    const v = toCredentialView(row({}));
    expect(v).not.toHaveProperty('secret');
    expect(v).not.toHaveProperty('keyId');
    expect(v).not.toHaveProperty('params');
  });
});

describe('applyCredentialPatch', () => {
  const v3: CredentialInput = { name: 'a', kind: 'snmp-v3', username: 'u', securityLevel: 'authPriv', authProtocol: 'SHA', authKey: 'k1', privProtocol: 'DES', privKey: 'k2' };
  const ssh: CredentialInput = { name: 'a', kind: 'ssh', username: 'root', port: 22, password: 'pw', privateKey: 'PEM', passphrase: 'pp' };

  it('keeps what is not sent, replaces what is, removes what is null', () => {
    expect(applyCredentialPatch(ssh, { name: 'b', password: 'new', passphrase: null })).toEqual({ ...ssh, name: 'b', password: 'new', passphrase: undefined });
    expect(applyCredentialPatch(ssh, {})).toEqual(ssh);
  });

  it('lowering the security level drops what the level no longer uses', () => {
    expect(applyCredentialPatch(v3, { securityLevel: 'authNoPriv' })).toEqual({ name: 'a', kind: 'snmp-v3', username: 'u', securityLevel: 'authNoPriv', authProtocol: 'SHA', authKey: 'k1' });
    expect(applyCredentialPatch(v3, { securityLevel: 'noAuthNoPriv' })).toEqual({ name: 'a', kind: 'snmp-v3', username: 'u', securityLevel: 'noAuthNoPriv' });
  });

  it('keeps what the change itself sends, so that validation can name it', () => {
    expect(applyCredentialPatch(v3, { securityLevel: 'authNoPriv', privKey: 'k3' })).toMatchObject({ privKey: 'k3' });
  });

  it('removing the private key removes its passphrase', () => {
    expect(applyCredentialPatch(ssh, { privateKey: null })).toEqual({ name: 'a', kind: 'ssh', username: 'root', port: 22, password: 'pw' });
  });
});

describe('unsentSecretsKept (what a change to an undecryptable credential must send)', () => {
  it.each<[string, Credential['kind'], SecretField[], CredentialPatch, SecretField[]]>([
    ['a rename, every stored secret', 'ssh', ['password', 'privateKey', 'passphrase'], { name: 'b' }, ['password', 'privateKey', 'passphrase']],
    ['some of them sent', 'ssh', ['password', 'privateKey', 'passphrase'], { password: 'p' }, ['privateKey', 'passphrase']],
    ['all of them sent', 'ssh', ['password', 'sudoPassword'], { password: 'p', sudoPassword: 's' }, []],
    ['one removed with null', 'ssh', ['password', 'sudoPassword'], { password: 'p', sudoPassword: null }, []],
    ['the private key removed, its passphrase with it', 'ssh', ['password', 'privateKey', 'passphrase'], { password: 'p', privateKey: null }, []],
    ['a secret it does not have', 'ssh', ['password'], { port: 2222 }, ['password']],
    ['a community', 'snmp-v2c', ['community'], {}, ['community']],
    ['v3 lowered to authNoPriv', 'snmp-v3', ['authKey', 'privKey'], { securityLevel: 'authNoPriv' }, ['authKey']],
    ['v3 lowered to noAuthNoPriv', 'snmp-v3', ['authKey', 'privKey'], { securityLevel: 'noAuthNoPriv' }, []],
    ['v3 without keys', 'snmp-v3', [], { name: 'b' }, []],
    ['a stored field of another kind', 'snmp-v1', ['community', 'password'], { community: 'c' }, []],
  ])('%s', (_what, kind, stored, patch, needed) => {
    expect(unsentSecretsKept(kind, stored, patch)).toEqual(needed);
  });
});

describe('auditSummaryOf', () => {
  it('keeps settings and names the secrets, never their values', () => {
    const s = auditSummaryOf({ name: 'a', kind: 'ssh', username: 'root', port: 22, password: 'pw-value', privateKey: 'PEM-value', sudoPassword: null, passphrase: undefined });
    expect(s).toEqual({ name: 'a', kind: 'ssh', username: 'root', port: 22, secretsSet: ['password', 'privateKey'], secretsCleared: ['sudoPassword'] });
    expect(JSON.stringify(s)).not.toMatch(/value/);
  });
});
