// The device lab's agent whose answers carry a value that net-snmp cannot decode: an ASN.1
// type it does not know (the SNMPv2 draft's UInteger32, 0x47, that old agents still send), or
// an IpAddress that is not 4 bytes. snmpsimd cannot send either (its values are checked
// against their types), so this is net-snmp's own Agent, on a loopback address, answering v2c
// and v3 (authPriv as `v3.username`, authNoPriv and noAuthNoPriv as that name with `-an` and
// `-nn`) with a system group: an object named in `odd` goes out as an Opaque holding a marker,
// whose tag the agent's outgoing bytes have rewritten to the one the marker names (for v3
// before encryption, or before the digest is computed: the agent signs what it sends).
// Everything else it answers as any agent does. Its one table, when given, is a software list
// (hrSWInstalledTable) whose install dates go out as Opaque, one of them the marker: a walk of
// that column meets the undecodable value between good ones. It can also answer, after the
// last program's name, objects that go backwards (afterLastName), as buggy agents do.
import * as snmp from 'net-snmp';
import { SYSTEM_OIDS } from '../../src/protocols/snmp/snmp.client';

type SystemObject = keyof typeof SYSTEM_OIDS;

export interface OddTypeAgentOptions {
  community: string;
  v3: { username: string; authKey: string; privKey: string };
  system: Record<SystemObject, string | number>;
  /** objects whose value goes out undecodable */
  odd: SystemObject[];
  /** 0x47: an unknown type (default); 0x40: an IpAddress of 8 bytes */
  tag?: number;
  /** hrSWInstalledTable rows: a program's name and install date (8-byte DateAndTime), or 'odd' for an undecodable date */
  software?: Array<{ name: string; date: Buffer | 'odd' }>;
  /** the odd value's bytes change after the answer is signed, as on a path that alters answers: a signed answer's digest no longer fits */
  tamper?: boolean;
  /**
   * OIDs of objects the agent has (system group, software columns) that it answers one after
   * the other as what follows the last program's name (GetNext and GetBulk alike), instead of
   * what does: a subagent or extension agent past an AgentX border that goes backwards, or,
   * inside the name column, an agent that loops. After the last of them, what follows as usual.
   */
  afterLastName?: string[];
}

const MARKER_TEXT = Buffer.from('\xfeODDTYP', 'latin1'); // found nowhere else in an answer
/** an odd value's marker: the text, then the tag it goes out with (8 bytes) */
const markerFor = (tag: number) => Buffer.concat([MARKER_TEXT, Buffer.from([tag])]);
const OPAQUE_MARKER = Buffer.concat([Buffer.from([snmp.ObjectType.Opaque, MARKER_TEXT.length + 1]), MARKER_TEXT]);

type EncryptPdu = (privProtocol: unknown, scopedPdu: Buffer, ...rest: unknown[]) => unknown;
type WriteParameters = (message: Buffer, ...rest: unknown[]) => unknown;
const usm = snmp as unknown as { Encryption: { encryptPdu: EncryptPdu }; Authentication: { writeParameters: WriteParameters } };
const encryption = usm.Encryption;
const authentication = usm.Authentication;

/** each marker's Opaque TLV in `buf` given the tag its marker names instead, in place (same length) */
function retag(buf: Buffer): Buffer {
  for (let i = buf.indexOf(OPAQUE_MARKER); i >= 0; i = buf.indexOf(OPAQUE_MARKER, i + 1)) buf[i] = buf[i + OPAQUE_MARKER.length];
  return buf;
}

/**
 * v3 answers are retagged inside net-snmp, before they are encrypted or signed: its functions
 * are shared by every agent (and client) of the process, so they are wrapped once, while any
 * agent runs. Requests never carry a marker.
 */
let running = 0;
let unhook: (() => void) | undefined;
function hookUsm(): void {
  if (running++) return;
  const encrypt = encryption.encryptPdu;
  const sign = authentication.writeParameters;
  encryption.encryptPdu = (privProtocol, scopedPdu, ...rest) => encrypt(privProtocol, retag(scopedPdu), ...rest);
  authentication.writeParameters = (message, ...rest) => sign(retag(message), ...rest);
  unhook = () => {
    encryption.encryptPdu = encrypt;
    authentication.writeParameters = sign;
  };
}
function unhookUsm(): void {
  if (--running === 0) unhook?.();
}

const SCALAR_TYPES: Record<SystemObject, number> = {
  sysDescr: snmp.ObjectType.OctetString, sysObjectID: snmp.ObjectType.OID, sysUpTime: snmp.ObjectType.TimeTicks,
  sysContact: snmp.ObjectType.OctetString, sysName: snmp.ObjectType.OctetString, sysLocation: snmp.ObjectType.OctetString,
};

export class OddTypeAgent {
  private agent?: { close(cb?: () => void): void; listener: { send: (message: { toBuffer(): Buffer }, ...rest: unknown[]) => void } };
  private hooked = false;

  constructor(
    readonly address: string,
    private readonly o: OddTypeAgentOptions,
  ) {
    if (!address.startsWith('127.')) throw new Error(`lab agents bind loopback addresses only, not ${address}`);
  }

  async start(): Promise<void> {
    const marker = markerFor(this.o.tag ?? 0x47);
    const agent = snmp.createAgent({ address: this.address, port: 161, disableAuthorization: false }, () => undefined);
    const auth = agent.getAuthorizer();
    auth.addCommunity(this.o.community);
    auth.addUser({
      name: this.o.v3.username, level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha256, authKey: this.o.v3.authKey, privProtocol: snmp.PrivProtocols.aes, privKey: this.o.v3.privKey,
    });
    auth.addUser({ name: `${this.o.v3.username}-an`, level: snmp.SecurityLevel.authNoPriv, authProtocol: snmp.AuthProtocols.sha256, authKey: this.o.v3.authKey });
    auth.addUser({ name: `${this.o.v3.username}-nn`, level: snmp.SecurityLevel.noAuthNoPriv });
    const mib = agent.getMib();
    for (const [name, oid] of Object.entries(SYSTEM_OIDS) as Array<[SystemObject, string]>) {
      const odd = this.o.odd.includes(name);
      mib.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid: oid.replace(/\.0$/, ''), scalarType: odd ? snmp.ObjectType.Opaque : SCALAR_TYPES[name], maxAccess: snmp.MaxAccess['read-only'] });
      mib.setScalarValue(name, odd ? marker : this.o.system[name]);
    }
    if (this.o.software) {
      const readOnly = snmp.MaxAccess['read-only'];
      mib.registerProvider({
        name: 'hrSWInstalledEntry', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.25.6.3.1', maxAccess: snmp.MaxAccess['not-accessible'],
        tableColumns: [
          { number: 1, name: 'hrSWInstalledIndex', type: snmp.ObjectType.Integer, maxAccess: readOnly },
          { number: 2, name: 'hrSWInstalledName', type: snmp.ObjectType.OctetString, maxAccess: readOnly },
          { number: 5, name: 'hrSWInstalledDate', type: snmp.ObjectType.Opaque, maxAccess: readOnly },
        ],
        tableIndex: [{ columnName: 'hrSWInstalledIndex' }],
      });
      this.o.software.forEach((p, i) => mib.addTableRow('hrSWInstalledEntry', [i + 1, p.name, p.date === 'odd' ? marker : p.date]));
    }
    if (this.o.afterLastName?.length) this.answerAfterLastName(agent, this.o.afterLastName);
    // v1/v2c: the bytes that go out; v3: the scoped PDU before it is encrypted, or the message
    // before its digest is computed (only answers carry the marker)
    const send = agent.listener.send.bind(agent.listener) as (message: { toBuffer(): Buffer }, ...rest: unknown[]) => void;
    const altered = (buf: Buffer) => {
      for (let i = buf.indexOf(MARKER_TEXT); this.o.tamper && i >= 0; i = buf.indexOf(MARKER_TEXT, i + 1)) buf[i + 1] ^= 1;
      return buf;
    };
    agent.listener.send = (message: { toBuffer(): Buffer }, ...rest: unknown[]) => send({ toBuffer: () => altered(retag(message.toBuffer())) }, ...rest);
    hookUsm();
    this.hooked = true;
    this.agent = agent;
    await new Promise((r) => setTimeout(r, 100)); // the socket binds on the next turns
  }

  /**
   * net-snmp's agent finds what follows an OID, for a GetNext and for each repetition of a
   * GetBulk, in addGetNextVarbind: this agent's own is wrapped so that the last program's name
   * is followed by `oids` in turn. Values are the agent's own (it looks each OID up to answer).
   */
  private answerAfterLastName(agent: unknown, oids: string[]): void {
    const lastName = `1.3.6.1.2.1.25.6.3.1.2.${this.o.software?.length ?? 0}`;
    const next = new Map<string, string>();
    [lastName, ...oids].slice(0, -1).forEach((from, i) => next.set(from, oids[i]));
    type Varbind = { previousOid: string; oid: string; type: unknown; value: unknown };
    type Node = { oid: string; valueType: unknown; value: unknown };
    const a = agent as { getMib(): { lookup(oid: string): Node | null }; addGetNextVarbind(varbinds: Varbind[], startOid: string): Node | undefined };
    const mib = a.getMib();
    const usual = a.addGetNextVarbind.bind(a);
    for (const oid of oids) if (!mib.lookup(oid)) throw new Error(`the agent has no object ${oid} to answer after the last program's name`);
    a.addGetNextVarbind = (varbinds, startOid) => {
      const to = next.get(startOid);
      const node = to === undefined ? null : mib.lookup(to);
      if (!node) return usual(varbinds, startOid);
      varbinds.push({ previousOid: startOid, oid: node.oid, type: node.valueType, value: node.value });
      return node;
    };
  }

  async stop(): Promise<void> {
    if (this.hooked) unhookUsm();
    this.hooked = false;
    await new Promise<void>((resolve) => (this.agent ? this.agent.close(() => resolve()) : resolve()));
  }
}
