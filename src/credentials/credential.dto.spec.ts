import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import * as crypto from 'node:crypto';
import { flattenValidationErrors } from '../common/validation';
import { CreateCredentialDto, isPrivateKeyBlock, UpdateCredentialDto } from './credential.dto';

/** Validates as the global pipe does; returns field → messages. */
async function problems(cls: new () => object, body: object): Promise<Record<string, string[]>> {
  const errors = await validate(plainToInstance(cls, body) as object, {
    whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false },
  });
  return Object.fromEntries(flattenValidationErrors(errors).map((d) => [d.field, d.messages]));
}
const create = (body: object) => problems(CreateCredentialDto, body);

const PEM = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const RSA_PEM = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const OPENSSH = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACD=\n-----END OPENSSH PRIVATE KEY-----\n';
const ENCRYPTED_PEM = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';

const v1 = { name: 'a', kind: 'snmp-v1', community: 'public-ish' };
const v3 = { name: 'a', kind: 'snmp-v3', username: 'ops', securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: 'auth-key-1', privProtocol: 'AES-128', privKey: 'priv-key-1' };
const ssh = { name: 'a', kind: 'ssh', username: 'root', password: 'pw' };

describe('CreateCredentialDto', () => {
  it.each([
    ['snmp-v1', v1],
    ['snmp-v2c', { ...v1, kind: 'snmp-v2c' }],
    ['snmp-v3 authPriv', v3],
    ['snmp-v3 authNoPriv', { name: 'a', kind: 'snmp-v3', username: 'ops', securityLevel: 'authNoPriv', authProtocol: 'MD5', authKey: '12345678' }],
    ['snmp-v3 noAuthNoPriv', { name: 'a', kind: 'snmp-v3', username: 'ops', securityLevel: 'noAuthNoPriv' }],
    ['ssh with password', ssh],
    ['ssh with PKCS#8 key and passphrase', { name: 'a', kind: 'ssh', username: 'root', privateKey: PEM, passphrase: 'x', port: 2222 }],
    ['ssh with PKCS#1 key', { ...ssh, privateKey: RSA_PEM }],
    ['ssh with OpenSSH key', { name: 'a', kind: 'ssh', username: 'root', privateKey: OPENSSH }],
    ['ssh with legacy encrypted PEM', { name: 'a', kind: 'ssh', username: 'root', privateKey: ENCRYPTED_PEM, passphrase: 'x' }],
    ['ssh with everything', { ...ssh, privateKey: PEM, passphrase: 'p', sudoPassword: 's', port: 65535 }],
    ['optional fields sent as null', { ...ssh, sudoPassword: null, port: null }],
  ])('accepts %s', async (_what, body) => {
    expect(await create(body)).toEqual({});
  });

  it.each<[string, object, string, RegExp]>([
    ['missing name', { kind: 'snmp-v1', community: 'c' }, 'name', /name must be a string/],
    ['blank name', { ...v1, name: '   ' }, 'name', /must not be blank/],
    ['long name', { ...v1, name: 'x'.repeat(129) }, 'name', /128/],
    ['unknown kind', { name: 'a', kind: 'telnet' }, 'kind', /kind must be one of/],
    ['missing community', { name: 'a', kind: 'snmp-v2c' }, 'community', /community is required for kind snmp-v2c/],
    ['null community', { name: 'a', kind: 'snmp-v1', community: null }, 'community', /required/],
    ['empty community', { ...v1, community: '' }, 'community', /longer than or equal to 1/],
    ['numeric community', { ...v1, community: 161 }, 'community', /must be a string/],
    ['username on snmp-v1', { ...v1, username: 'u' }, 'username', /username is not a field of kind snmp-v1 \(only of snmp-v3, ssh\)/],
    ['password on snmp-v2c', { ...v1, kind: 'snmp-v2c', password: 'p' }, 'password', /not a field of kind snmp-v2c/],
    ['community on ssh', { ...ssh, community: 'c' }, 'community', /community is not a field of kind ssh/],
    ['authKey on ssh', { ...ssh, authKey: '12345678' }, 'authKey', /not a field of kind ssh/],
    ['port on snmp-v3', { ...v3, port: 22 }, 'port', /port is not a field of kind snmp-v3/],
    ['v3 without username', { ...v3, username: undefined }, 'username', /username is required for kind snmp-v3/],
    ['v3 without securityLevel', { name: 'a', kind: 'snmp-v3', username: 'u' }, 'securityLevel', /securityLevel is required/],
    ['v3 bad securityLevel', { ...v3, securityLevel: 'authPrivate' }, 'securityLevel', /must be one of the following values: noAuthNoPriv, authNoPriv, authPriv/],
    ['authNoPriv without authKey', { ...v3, securityLevel: 'authNoPriv', authKey: undefined, privProtocol: undefined, privKey: undefined }, 'authKey', /authKey is required for securityLevel authNoPriv and authPriv/],
    ['authNoPriv without authProtocol', { ...v3, securityLevel: 'authNoPriv', authProtocol: undefined, privProtocol: undefined, privKey: undefined }, 'authProtocol', /authProtocol is required/],
    ['authNoPriv with privKey', { ...v3, securityLevel: 'authNoPriv', privProtocol: undefined }, 'privKey', /privKey is used only with securityLevel authPriv/],
    ['authNoPriv with privProtocol', { ...v3, securityLevel: 'authNoPriv', privKey: undefined }, 'privProtocol', /used only with securityLevel authPriv/],
    ['authPriv without privKey', { ...v3, privKey: undefined }, 'privKey', /privKey is required for securityLevel authPriv/],
    ['authPriv without privProtocol', { ...v3, privProtocol: undefined }, 'privProtocol', /privProtocol is required/],
    ['noAuthNoPriv with authKey', { name: 'a', kind: 'snmp-v3', username: 'u', securityLevel: 'noAuthNoPriv', authKey: '12345678' }, 'authKey', /used only with securityLevel authNoPriv or authPriv/],
    ['short authKey', { ...v3, authKey: 'short' }, 'authKey', /longer than or equal to 8/],
    ['short privKey', { ...v3, privKey: '1234567' }, 'privKey', /longer than or equal to 8/],
    ['bad authProtocol', { ...v3, authProtocol: 'SHA1' }, 'authProtocol', /MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512/],
    ['bad privProtocol', { ...v3, privProtocol: 'AES' }, 'privProtocol', /DES, AES-128, AES-256-B, AES-256-R/],
    ['ssh without password or key', { name: 'a', kind: 'ssh', username: 'root' }, 'password', /needs a password or a privateKey/],
    ['ssh without username', { ...ssh, username: undefined }, 'username', /username is required for kind ssh/],
    ['ssh port 0', { ...ssh, port: 0 }, 'port', /must not be less than 1/],
    ['ssh port 65536', { ...ssh, port: 65536 }, 'port', /must not be greater than 65535/],
    ['ssh port as string', { ...ssh, port: '22' }, 'port', /must be an integer/],
    ['ssh port fraction', { ...ssh, port: 22.5 }, 'port', /must be an integer/],
    ['ssh public key as privateKey', { ...ssh, privateKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host' }, 'privateKey', /PEM or OpenSSH private key block/],
    ['ssh PuTTY key', { ...ssh, privateKey: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n' }, 'privateKey', /puttygen/],
    ['ssh mismatched PEM labels', { ...ssh, privateKey: PEM.replace('END PRIVATE', 'END RSA PRIVATE') }, 'privateKey', /PEM/],
    ['ssh passphrase without key', { ...ssh, passphrase: 'p' }, 'passphrase', /passphrase goes only with a privateKey/],
    ['unknown field', { ...v1, comunity: 'c' }, 'comunity', /property comunity should not exist/],
  ])('rejects %s, naming the field', async (_what, body, field, message) => {
    const p = await create(body);
    expect(Object.keys(p)).toContain(field);
    expect(p[field].join('; ')).toMatch(message);
  });

  it('reports a missing secret once, not with type errors too', async () => {
    expect(await create({ name: 'a', kind: 'snmp-v1' })).toEqual({ community: ['community is required for kind snmp-v1'] });
  });

  it('reports only the kind when the kind is wrong', async () => {
    expect(Object.keys(await create({ name: 'a', kind: 'nope', community: 'c', port: 1 }))).toEqual(['kind']);
  });

  it('never puts a submitted value into a message', async () => {
    const secret = 'S3cret-Value-xyz';
    const bodies = [
      { ...v3, authKey: secret.slice(0, 5), privKey: `${secret}!`, authProtocol: secret },
      { ...ssh, password: secret, privateKey: secret, port: secret, community: secret },
      { name: 'a', kind: secret, community: secret },
    ];
    for (const body of bodies) {
      const text = JSON.stringify(await create(body));
      expect(text).not.toContain('S3cre');
    }
  });
});

describe('UpdateCredentialDto', () => {
  it.each([
    [{}],
    [{ name: 'b' }],
    [{ password: null, sudoPassword: 'x', port: 2200 }],
    [{ securityLevel: 'authNoPriv', privKey: null, privProtocol: null }],
    [{ kind: 'ssh' }],
  ])('accepts %j', async (body) => {
    expect(await problems(UpdateCredentialDto, body)).toEqual({});
  });

  it.each<[object, string]>([
    [{ name: null }, 'name'],
    [{ name: '' }, 'name'],
    [{ kind: 'telnet' }, 'kind'],
    [{ port: 70000 }, 'port'],
    [{ authKey: 'short' }, 'authKey'],
    [{ securityLevel: 'x' }, 'securityLevel'],
    [{ privateKey: 'not a key' }, 'privateKey'],
    [{ createdAt: '2020-01-01' }, 'createdAt'],
  ])('rejects %j, naming %s', async (body, field) => {
    expect(Object.keys(await problems(UpdateCredentialDto, body))).toContain(field);
  });
});

describe('isPrivateKeyBlock', () => {
  it.each([
    [PEM, true], [RSA_PEM, true], [OPENSSH, true], [ENCRYPTED_PEM, true], [`\n${PEM}\n\n`, true], [PEM.replace(/\n/g, '\r\n'), true],
    ['', false], ['-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----', false],
    [PEM.replace('BEGIN PRIVATE KEY', 'BEGIN PUBLIC KEY').replace('END PRIVATE KEY', 'END PUBLIC KEY'), false],
    [`${PEM}trailing text`, false], [123, false],
  ])('%#', (value, ok) => {
    expect(isPrivateKeyBlock(value)).toBe(ok);
  });
});
