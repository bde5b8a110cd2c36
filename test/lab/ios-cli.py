#!/usr/bin/python3 -IS
# The device lab's Cisco IOS CLI: sshd's ForceCommand for an emulated router (stdlib only, no
# build step; Debian's python3 without site-packages starts in ~10 ms, as the sh version did).
#
# Over an exec channel it answers the one command and exits. In an interactive shell it shows a
# privileged prompt, pages long output with --More-- (or the device's `pager`) until `terminal length 0`, answers commands
# it does not know the way IOS does, and has a configuration mode that edits the device's
# running configuration (a file the lab user may rewrite, the only thing it may write).
#
# One device's directory (written by test/lab/ios.ts):
#   hostname          the device's name, for the prompt when the configuration has none
#   pager             (optional) what its pager shows instead of IOS's ' --More-- '
#   ios/*.txt         show version / inventory / interfaces, with the device's identity
#   state/            owned by the lab user: running-config (what follows IOS's "Current
#                     configuration : N bytes" header, up to "end"), startup-config, lock
# A fleet (test/lab/ios-fleet.ts) keeps one directory per device in devices/<address>/ beside
# this script; sshd tells which device a session reached by the local address in
# $SSH_CONNECTION. Tests run the script with --device DIR instead.
import fcntl
import os
import re
import sys
import time

# --- the configuration: a tree of lines, indented one space per level as IOS prints it ------


class Node:
    __slots__ = ('raw', 'text', 'children')

    def __init__(self, raw, children=None):
        self.raw = raw  # kept as read, so that untouched lines print byte for byte
        self.text = ' '.join(raw.split())
        self.children = children if children is not None else []


def parse(body):
    root = []
    stack = [(-1, root)]
    for raw in body.split('\n'):
        if raw == '':
            continue
        indent = len(raw) - len(raw.lstrip(' '))
        while stack[-1][0] >= indent:
            stack.pop()
        node = Node(raw)
        stack[-1][1].append(node)
        stack.append((indent, node.children))
    return root


def render(nodes):
    out = []

    def walk(ns):
        for n in ns:
            out.append(n.raw)
            walk(n.children)
    walk(nodes)
    return '\n'.join(out) + '\n'


def new_node(text, depth):
    return Node(' ' * depth + text)


# --- what IOS accepts where ------------------------------------------------------------------
# A mode lists the commands it takes (one or two words: "ip address" is an interface command,
# "ip route" a global one) and the block commands that open a sub-mode, with IOS's prompt for
# it. A line is valid in a mode when its first word (or first two) is listed there; one that is
# not, but is valid in an enclosing mode, leaves the sub-mode for it, as IOS does.

GLOBAL_WORDS = '''
aaa access-list alias archive banner boot boot-start-marker boot-end-marker bridge call-home cdp
class-map clock control-plane crypto default diagnostic dot1x enable errdisable event file
hostname interface key license line lldp logging login mac memory monitor mpls multilink
netconf-yang ntp object-group parameter-map platform policy-map power privilege radius
radius-server redundancy restconf route-map router sdm service snmp-server spanning-tree
subscriber system tacacs tacacs-server track transceiver udld username version vlan vrf vtp
zone zone-pair
ip|access-list ip|as-path ip|bgp-community ip|cef ip|classless ip|community-list
ip|default-gateway ip|dhcp ip|dns ip|domain ip|domain-lookup ip|domain-name ip|finger
ip|flow-cache ip|flow-export ip|forward-protocol ip|ftp ip|host ip|http ip|icmp ip|igmp
ip|multicast-routing ip|name-server ip|nat ip|options ip|pim ip|prefix-list ip|radius ip|rcmd
ip|route ip|routing ip|scp ip|sla ip|source-route ip|ssh ip|subnet-zero ip|tacacs ip|telnet
ip|tftp ip|vrf
ipv6|access-list ipv6|cef ipv6|dhcp ipv6|nd ipv6|prefix-list ipv6|route ipv6|unicast-routing
'''

IF_WORDS = '''
arp bandwidth carrier-delay cdp channel-group crypto delay description duplex encapsulation
hold-queue keepalive lldp load-interval logging mac-address media-type mpls mtu negotiation
power service-policy shutdown speed spanning-tree standby storm-control switchport tunnel vrrp
zone-member vrf|forwarding
ip|access-group ip|address ip|dhcp ip|flow ip|helper-address ip|igmp ip|mtu ip|nat ip|ospf
ip|pim ip|policy ip|proxy-arp ip|redirects ip|tcp ip|unreachables ip|verify
ip|virtual-reassembly ip|vrf
ipv6|address ipv6|enable ipv6|nd ipv6|ospf ipv6|traffic-filter
'''

ACL_WORDS = 'permit deny remark'
AF_WORDS = 'exit-address-family import export maximum-paths neighbor network redistribute route-target'

MODES = {
    'config': (GLOBAL_WORDS, [
        ('interface', 'config-if'), ('line', 'config-line'), ('router', 'config-router'),
        ('ip access-list standard', 'config-std-nacl'), ('ip access-list extended', 'config-ext-nacl'),
        ('ipv6 access-list', 'config-ipv6-acl'), ('vrf definition', 'config-vrf'), ('class-map', 'config-cmap'),
        ('policy-map', 'config-pmap'), ('route-map', 'config-route-map'), ('crypto pki trustpoint', 'ca-trustpoint'),
        ('tacacs server', 'config-server-tacacs'), ('radius server', 'config-radius-server'),
        ('aaa group server tacacs+', 'config-sg-tacacs+'), ('aaa group server radius', 'config-sg-radius'),
        ('key chain', 'config-keychain'), ('ip dhcp pool', 'dhcp-config'), ('vlan', 'config-vlan'),
        ('redundancy', 'config-red'), ('control-plane', 'config-cp'), ('archive', 'config-archive'),
        ('ip sla', 'config-ip-sla'), ('track', 'config-track'),
    ]),
    'config-if': (IF_WORDS, []),
    'config-line': ('''absolute-timeout access-class autocommand escape-character exec exec-timeout history
                     length logging login password privilege session-timeout stopbits transport width''', []),
    'config-router': ('''area auto-summary bgp default-information default-metric distance distribute-list
                       eigrp log-adjacency-changes maximum-paths metric neighbor network passive-interface
                       redistribute router-id summary-address timers version''',
                      [('address-family', 'config-router-af')]),
    'config-router-af': (AF_WORDS, []),
    'config-std-nacl': (ACL_WORDS, []),
    'config-ext-nacl': (ACL_WORDS, []),
    'config-ipv6-acl': (ACL_WORDS + ' sequence', []),
    'config-vrf': ('description rd route-target vpn', [('address-family', 'config-vrf-af')]),
    'config-vrf-af': (AF_WORDS, []),
    'config-cmap': ('description match', []),
    'config-pmap': ('description', [('class', 'config-pmap-c')]),
    'config-pmap-c': ('bandwidth drop fair-queue police priority queue-limit random-detect service-policy set shape', []),
    'config-route-map': ('continue description match set', []),
    'ca-trustpoint': ('''auto-enroll enrollment fqdn hash ip-address revocation-check rsakeypair
                       serial-number subject-alt-name subject-name''', []),
    'config-server-tacacs': ('address key port single-connection timeout', []),
    'config-radius-server': ('address automate-tester key retransmit timeout', []),
    'config-sg-tacacs+': ('server server-private ip|tacacs ip|vrf', []),
    'config-sg-radius': ('server server-private ip|radius ip|vrf', []),
    'config-keychain': ('', [('key', 'config-keychain-key')]),
    'config-keychain-key': ('accept-lifetime cryptographic-algorithm key-string send-lifetime', []),
    'dhcp-config': ('default-router dns-server domain-name lease netbios-name-server network option', []),
    'config-vlan': ('name shutdown state', []),
    'config-red': ('main-cpu mode', []),
    'config-cp': ('service-policy', []),
    'config-archive': ('log maximum path time-period write-memory', []),
    'config-ip-sla': ('frequency icmp-echo threshold timeout tos udp-jitter', []),
    'config-track': ('delay', []),
}

# commands that hold one value in their context: typing one replaces the line already there
# (prefix, how many words name the line); at the top level, and inside blocks
def singles(spec):
    return [(p.split(), n) for p, n in spec]


SINGLE_GLOBAL = singles([
    ('hostname', 1), ('ip domain name', 3), ('ip domain-name', 2), ('enable secret', 2), ('enable password', 2),
    ('snmp-server location', 2), ('snmp-server contact', 2), ('clock timezone', 2), ('logging buffered', 2),
    ('version', 1), ('ip ssh version', 3), ('spanning-tree mode', 2), ('ntp source', 2), ('ntp clock-period', 2),
    ('ip default-gateway', 2), ('username', 2), ('snmp-server community', 3), ('logging source-interface', 2),
])
SINGLE_BLOCK = singles([
    ('description', 1), ('ip address', 2), ('ip nat', 2), ('exec-timeout', 1), ('transport input', 2),
    ('transport output', 2), ('speed', 1), ('duplex', 1), ('mtu', 1), ('bandwidth', 1), ('encapsulation', 1),
    ('vrf forwarding', 2), ('negotiation', 1), ('stopbits', 1), ('privilege level', 2), ('router-id', 1), ('rd', 1),
    ('mode', 1), ('media-type', 1), ('load-interval', 1), ('session-timeout', 1), ('enrollment', 1),
    ('subject-name', 1), ('revocation-check', 1), ('rsakeypair', 1), ('address ipv4', 2), ('key', 1),
    ('timeout', 1), ('name', 1), ('state', 1), ('lease', 1), ('default-router', 1), ('domain-name', 1),
    ('key-string', 1),
])


# negations IOS prints, because the command is on by default (`no X` leaves "no X" in place)
KEPT_NEGATIONS = [p.split() for p in [
    'ip address', 'ip http server', 'ip http secure-server', 'logging console', 'ip domain lookup',
    'ip domain-lookup', 'service pad', 'cdp run', 'cdp enable', 'ip source-route', 'ip bootp server',
    'ip redirects', 'ip proxy-arp', 'ip unreachables', 'mop enabled', 'keepalive', 'auto-summary',
    'service config', 'ip finger', 'negotiation auto',
]]

INTERFACE_TYPES = [
    'GigabitEthernet', 'TenGigabitEthernet', 'TwentyFiveGigE', 'FortyGigabitEthernet', 'HundredGigE',
    'FastEthernet', 'Ethernet', 'AppGigabitEthernet', 'Serial', 'Loopback', 'Vlan', 'Port-channel',
    'Tunnel', 'Dialer', 'BDI', 'Virtual-Template', 'Null',
]
# what exists only in hardware: configuring one that is not there is an error
PHYSICAL = {'GigabitEthernet', 'TenGigabitEthernet', 'TwentyFiveGigE', 'FortyGigabitEthernet', 'HundredGigE',
            'FastEthernet', 'Ethernet', 'AppGigabitEthernet', 'Serial'}

# how a kind of top-level line is recognised, to put a new one after its kind (interfaces
# together, ip routes together …): the first word, or two for these
TWO_WORD_KINDS = {'ip', 'ipv6', 'aaa', 'crypto', 'vrf', 'logging', 'ntp', 'snmp-server', 'no', 'service'}


def table(words, blocks):
    """A mode's first words, and for those that need one (ip, ipv6) the second words it takes."""
    one, two = set(), {}
    for w in words.split() + ['|'.join(p.split()[:2]) for p, _ in blocks]:
        if '|' in w:
            a, b = w.split('|')
            two.setdefault(a, set()).add(b)
        else:
            one.add(w)
    return one, two


TABLES = {m: table(w, b) for m, (w, b) in MODES.items()}
ACL_MODES = {'config-std-nacl', 'config-ext-nacl', 'config-ipv6-acl'}


class Refused(Exception):
    """An IOS error: `at` is the offset of the caret in the typed line, or None for no caret."""

    def __init__(self, message, at=None):
        super().__init__(message)
        self.message = message
        self.at = at


def words_at(line):
    """The words of a line with their offsets."""
    return [(m.group(), m.start()) for m in re.finditer(r'\S+', line)]


def expand(word, choices, line, at):
    """IOS's abbreviations: a unique prefix of a keyword stands for it."""
    if word in choices:
        return word
    found = [c for c in choices if c.startswith(word)]
    if len(found) == 1:
        return found[0]
    if found:
        raise Refused('% Ambiguous command:  "%s"' % line.strip())
    raise Refused("% Invalid input detected at '^' marker.", at)


def block_mode(mode, words):
    """The sub-mode a line opens in `mode`, or None."""
    best = None
    for prefix, sub in MODES[mode][1]:
        p = prefix.split()
        if words[:len(p)] == p and (best is None or len(p) > len(best[0])):
            best = (p, sub)
    return best


def canonical(mode, line):
    """The line as IOS would store it in `mode`: keywords expanded; Refused when it is not valid there."""
    ws = words_at(line)
    words = [w for w, _ in ws]
    negate = bool(words) and words[0] == 'no'
    first = 1 if negate else 0
    if len(words) <= first:
        raise Refused('% Incomplete command.')
    one, two = TABLES[mode]
    if mode in ACL_MODES and words[first].isdigit():
        # an entry typed with its sequence number, or `no 20`
        if len(words) > first + 1:
            words[first + 1] = expand(words[first + 1], one, line, ws[first + 1][1])
        return words
    w0 = expand(words[first], one | set(two), line, ws[first][1])
    words[first] = w0
    if w0 in two and w0 not in one:
        if len(words) <= first + 1:
            raise Refused('% Incomplete command.')
        words[first + 1] = expand(words[first + 1], two[w0], line, ws[first + 1][1])
    block = block_mode(mode, words[first:])
    if block and block[0] == ['interface']:
        words[first + 1:] = interface_name(words[first + 1:], line, ws[first + 1][1] if len(ws) > first + 1 else len(line))
    elif block and len(words) - first == len(block[0]) and block[0][0] not in ('redundancy', 'control-plane', 'archive'):
        raise Refused('% Incomplete command.')
    return words


def interface_name(rest, line, at):
    """"lo5", "Loopback 5", "gi0/0/1" → "Loopback5", "GigabitEthernet0/0/1", as IOS stores them."""
    m = re.match(r'^([A-Za-z-]+)\s*(\d[\d/.:]*)$', ' '.join(rest))
    if not m:
        raise Refused('% Incomplete command.' if not rest else "% Invalid input detected at '^' marker.", at)
    kind = m.group(1).lower()
    found = [t for t in INTERFACE_TYPES if t.lower() == kind] or [t for t in INTERFACE_TYPES if t.lower().startswith(kind)]
    if len(found) != 1:
        raise Refused("% Invalid input detected at '^' marker.", at)
    return [found[0] + m.group(2)]


def starts(words, prefix):
    return words[:len(prefix)] == prefix


def same(node_words, words, acl):
    # an access list's entries carry sequence numbers the technician need not type
    if acl and node_words and node_words[0].isdigit() and not (words and words[0].isdigit()):
        node_words = node_words[1:]
    return node_words == words


class Config:
    """The running configuration and where in it the session is (a stack of open blocks)."""

    def __init__(self, body):
        self.root = parse(body)

    def hostname(self):
        for n in self.root:
            if n.text.startswith('hostname '):
                return n.text.split()[1]
        return None

    def children(self, path):
        return path[-1].children if path else self.root

    def apply(self, stack, line):
        """Applies one typed line in the current mode; returns the new mode stack. Raises Refused."""
        # try the innermost mode first, then each enclosing one: a line valid only further out
        # closes the blocks in between
        first_error = None
        for depth in range(len(stack) - 1, -1, -1):
            mode = stack[depth][0]
            try:
                words = canonical(mode, line)
            except Refused as err:
                if first_error is None:
                    first_error = err
                if err.message.startswith('% Ambiguous') or err.message.startswith('% Incomplete'):
                    raise
                continue
            return stack[:depth + 1] + self.change(stack[:depth + 1], words)
        raise first_error

    def change(self, stack, words):
        """Changes the configuration; returns the sub-mode opened, if any, as [(mode, node)]."""
        mode = stack[-1][0]
        path = [node for _, node in stack[1:]]
        siblings = self.children(path)
        depth = len(path)
        acl = mode in ACL_MODES
        if words[0] == 'no':
            self.remove(siblings, words[1:], depth, acl, mode)
            return []
        block = block_mode(mode, words)
        if block:
            if block[0] == ['interface'] and not any(n.text == ' '.join(words) for n in siblings):
                kind = re.match(r'^[A-Za-z-]+', words[1]).group()
                if kind in PHYSICAL:
                    raise Refused("% Invalid input detected at '^' marker.", len('interface '))
            node = self.find(siblings, words) or self.insert(siblings, words, depth, True)
            return [(block[1], node)]
        if acl and words[0] in ('permit', 'deny', 'remark'):
            if any(same(n.text.split(), words, True) for n in siblings):
                return []
            seqs = [int(n.text.split()[0]) for n in siblings if n.text.split()[0].isdigit()]
            words = [str(max(seqs, default=0) + 10)] + words
        self.put(siblings, words, depth, acl)
        return []

    def find(self, siblings, words):
        text = ' '.join(words)
        for n in siblings:
            if n.text == text:
                return n
        return None

    def put(self, siblings, words, depth, acl):
        text = ' '.join(words)
        if any(same(n.text.split(), words, acl) for n in siblings):
            return
        # "ip address …" takes the place of "no ip address"
        for i, n in enumerate(siblings):
            nw = n.text.split()
            if nw[:1] == ['no'] and len(nw) > 1 and starts(words, nw[1:]):
                siblings[i] = new_node(text, depth)
                return
        single = SINGLE_BLOCK if depth else SINGLE_GLOBAL
        key = next((words[:n] for prefix, n in single if starts(words, prefix) and 'secondary' not in words), None)
        if key:
            for i, n in enumerate(siblings):
                if starts(n.text.split(), key) and not n.children:
                    siblings[i] = new_node(text, depth)
                    return
        self.insert(siblings, words, depth, False)

    def insert(self, siblings, words, depth, is_block):
        node = new_node(' '.join(words), depth)
        if depth > 0:
            # IOS prints a block's description first
            siblings.insert(0, node) if words[0] == 'description' else siblings.append(node)
            if words[0] == 'address-family':
                siblings.append(new_node('exit-address-family', depth))
            return node
        # top level: after the last line of the same kind, else before the final "end"
        kinds = [words[:2], words[:1]] if words[0] in TWO_WORD_KINDS else [words[:1]]
        last = None
        for kind in kinds:
            last = max((i for i, n in enumerate(siblings) if starts(n.text.split(), kind)), default=None)
            if last is not None:
                break
        if last is not None:
            siblings[last + 1:last + 1] = [new_node('!', 0), node] if is_block or siblings[last].children else [node]
        else:
            end = next((i for i in range(len(siblings) - 1, -1, -1) if siblings[i].text == 'end'), len(siblings))
            siblings[end:end] = [node, new_node('!', 0)]
        return node

    def remove(self, siblings, words, depth, acl, mode):
        if not words:
            raise Refused('% Incomplete command.')
        if words[0] == 'interface' and depth == 0:
            kind = re.match(r'^[A-Za-z-]*', words[1] if len(words) > 1 else '').group()
            if kind in PHYSICAL:
                raise Refused("% Invalid input detected at '^' marker.", len('no interface '))
        matches = [i for i, n in enumerate(siblings) if same(n.text.split(), words, acl)]
        if not matches:
            matches = [i for i, n in enumerate(siblings) if starts(n.text.split(), words) and n.text != '!']
            if len(matches) > 1:
                raise Refused('% Incomplete command.')
        kept = next((p for p in KEPT_NEGATIONS if starts(words, p)), None)
        negation = new_node('no ' + ' '.join(kept), depth) if kept else None
        if not matches:
            if negation and not self.find(siblings, negation.text.split()):
                self.insert(siblings, negation.text.split(), depth, False)
            return
        i = matches[0]
        removed = siblings.pop(i)
        if negation and removed.text != negation.text:
            siblings.insert(i, negation)
        elif depth == 0 and 0 < i < len(siblings) and siblings[i].text == '!' and siblings[i - 1].text == '!':
            siblings.pop(i)  # a block goes with one of the "!" lines around it
        if words[0] == 'address-family' and i < len(siblings) and siblings[i].text == 'exit-address-family':
            siblings.pop(i)


# --- the device's state on disk --------------------------------------------------------------


def ios_time():
    """IOS's clock in its own format: 14:02:11 UTC Mon Oct 28 2024."""
    t = time.gmtime()
    return time.strftime('%H:%M:%S UTC %a %b ', t) + str(t.tm_mday) + time.strftime(' %Y', t)


class Device:
    def __init__(self, directory):
        self.dir = directory
        self.state = os.path.join(directory, 'state')
        self.lock_fd = None

    def path(self, name):
        return os.path.join(self.state, name)

    def __enter__(self):
        self.lock_fd = os.open(self.path('lock'), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *_):
        os.close(self.lock_fd)

    def read(self, name='running-config'):
        try:
            with open(self.path(name), encoding='utf-8') as f:
                return f.read()
        except FileNotFoundError:
            return None

    def write(self, body, name='running-config'):
        tmp = self.path('.%s.%d' % (name, os.getpid()))
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(body)
        os.replace(tmp, self.path(name))

    def name(self):
        with open(os.path.join(self.dir, 'hostname'), encoding='utf-8') as f:
            return f.read().strip()

    def pager(self):
        """What the pager shows: IOS's ' --More-- ', or the device's own (an ASA's '<--- More --->')."""
        try:
            with open(os.path.join(self.dir, 'pager'), encoding='utf-8') as f:
                return f.read().rstrip('\n')
        except FileNotFoundError:
            return ' --More-- '


def set_header(body, prefix, line, after=None):
    """Replaces the header comment starting with `prefix`, or adds it (after the line starting with `after`)."""
    lines = body.split('\n')
    for i, l in enumerate(lines):
        if l.startswith(prefix):
            lines[i] = line
            return '\n'.join(lines)
        if l.strip() not in ('', '!') and not l.startswith('! '):
            break
    at = next((i + 1 for i, l in enumerate(lines) if after and l.startswith(after)), 1)
    lines.insert(at, line)
    return '\n'.join(lines)


def touched(body, user):
    """What IOS writes after any change: the time, and who."""
    body = re.sub(r'^! No configuration change since last restart\n', '', body, flags=re.M)
    return set_header(body, '! Last configuration change at ', '! Last configuration change at %s by %s' % (ios_time(), user))


def drift(body):
    """IOS rewrites `ntp clock-period` as NTP disciplines the clock: a new value, nothing else."""
    def step(m):
        delta = int.from_bytes(os.urandom(2), 'big') % 400 + 1
        return 'ntp clock-period %d' % (int(m.group(1)) + (delta if delta % 2 else -delta))
    return re.sub(r'^ntp clock-period (\d+)$', step, body, flags=re.M)


def show_running(body):
    # N counts the configuration that follows the header; IOS ends the output with a blank line
    return 'Building configuration...\n\nCurrent configuration : %d bytes\n%s\n' % (len(body.encode('utf-8')), body)


def user_name():
    return os.environ.get('USER') or os.environ.get('LOGNAME') or 'admin'


# --- exec commands ---------------------------------------------------------------------------

EXEC = {
    'show': {'running-config': None, 'startup-config': None, 'version': None, 'inventory': None, 'interfaces': None},
    'terminal': {'length': 'NUMBER'},
    'configure': {'terminal': None},
    'write': {'memory': None},
    'copy': {'running-config': {'startup-config': None}},
    'exit': None, 'quit': None, 'logout': None, 'end': None, 'enable': None,
}


def parse_exec(line):
    """The command's keywords, expanded (`sh run` → show running-config), or Refused."""
    ws = words_at(line)
    out, level = [], EXEC
    for w, at in ws:
        if level == 'NUMBER':
            if not w.isdigit():
                raise Refused("% Invalid input detected at '^' marker.", at)
            out.append(w)
            level = None
            continue
        if level is None:
            raise Refused("% Invalid input detected at '^' marker.", at)
        k = expand(w.lower(), level, line, at)
        out.append(k)
        level = level[k]
    # `configure` alone means the terminal, `write` alone memory, as on IOS
    if level == 'NUMBER' or isinstance(level, dict) and out and out[0] not in ('configure', 'write'):
        raise Refused('% Incomplete command.')
    return out


class Cli:
    def __init__(self, device, interactive):
        self.device = device
        self.interactive = interactive
        self.tty = interactive and os.isatty(0)
        self.page = 24 if self.tty else 0
        self.stack = None  # configuration mode: [(mode, node)], else None
        self.pending = b''
        self.out = []

    # output
    def write(self, text):
        self.out.append(text)

    def flush(self):
        if self.out:
            data = ''.join(self.out).encode('utf-8')
            self.out = []
            while data:
                n = os.write(1, data)
                data = data[n:]

    def refuse(self, err, prompt):
        if err.at is not None and not err.message.startswith('% Incomplete'):
            self.write(' ' * (len(prompt) + err.at) + '^\n')
        self.write(err.message + '\n\n')

    def paged(self, text):
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        if not self.page:
            self.write(''.join(l + '\n' for l in lines))
            return
        n = 0
        for i, l in enumerate(lines):
            self.write(l + '\n')
            n += 1
            if n >= self.page - 1 and i < len(lines) - 1:
                ask = self.device.pager()
                key = self.key(ask)
                self.write('\b' * len(ask) + ' ' * len(ask) + '\b' * len(ask))
                if key in (b'q', b'Q', b''):
                    return
                n = 0

    def key(self, ask):
        """One key, unechoed, as IOS's pager reads it."""
        import termios
        if self.pending:
            k, self.pending = self.pending[:1], self.pending[1:]
            self.write(ask)
            return k
        old = termios.tcgetattr(0)
        raw = termios.tcgetattr(0)
        raw[3] &= ~(termios.ICANON | termios.ECHO)
        raw[6][termios.VMIN] = 1
        raw[6][termios.VTIME] = 0
        # the key must not echo, even when it comes back faster than the mode changes
        termios.tcsetattr(0, termios.TCSANOW, raw)
        try:
            self.write(ask)
            self.flush()
            return os.read(0, 1)
        finally:
            termios.tcsetattr(0, termios.TCSANOW, old)

    # the device
    def body(self):
        with self.device:
            return self.device.read()

    def prompt(self):
        name = Config(self.body()).hostname() or self.device.name()
        if self.stack is None:
            return name + '#'
        return '%s(%s)#' % (name, self.stack[-1][0])

    def show(self, what):
        if what == 'running-config':
            with self.device:
                body = self.device.read()
                self.device.write(drift(body))
            return show_running(body)
        if what == 'startup-config':
            with self.device:
                body = self.device.read('startup-config')
            if body is None:
                return 'startup-config is not present\n'
            return 'Using %d out of 33554432 bytes\n%s' % (len(body.encode('utf-8')), body)
        with open(os.path.join(self.device.dir, 'ios', 'show-%s.txt' % what), encoding='utf-8') as f:
            return f.read()

    def save(self):
        with self.device:
            body = set_header(self.device.read(), '! NVRAM config last updated at ',
                              '! NVRAM config last updated at %s by %s' % (ios_time(), user_name()),
                              after='! Last configuration change at ')
            self.device.write(body)
            self.device.write(body, 'startup-config')
        return 'Building configuration...\n[OK]\n'

    def exec_command(self, line, prompt):
        """Runs an exec command; returns False when the session ends."""
        try:
            words = parse_exec(line)
        except Refused as err:
            if not self.interactive:
                self.write('\n%s\n' % line.strip())
                prompt = ''
            self.refuse(err, prompt)
            return True
        if not words or words[0] in ('end', 'enable'):
            return True
        if words[0] in ('exit', 'quit', 'logout'):
            return False
        if words[0] == 'terminal':
            self.page = int(words[2]) if self.tty else 0
        elif words[0] == 'show':
            text = self.show(words[1])
            self.paged(text) if self.interactive else self.write(text)
        elif words[0] in ('write', 'copy'):
            self.write(self.save())
        elif words[0] == 'configure':
            if not self.interactive:
                self.write('\n%s\n' % line.strip())
                self.refuse(Refused("% Invalid input detected at '^' marker.", 0), '')
                return True
            self.stack = [('config', None)]
            self.write('Enter configuration commands, one per line.  End with CNTL/Z.\n')
        return True

    def config_command(self, line, prompt):
        text = line.strip()
        if not text or text.startswith('!'):
            return
        words = text.split()
        if words[0] == 'do' and len(words) > 1:
            stack, self.stack = self.stack, None
            self.exec_command(' '.join(words[1:]), prompt)
            self.stack = stack
            return
        if words == ['end']:
            self.stack = None
            return
        if words == ['exit'] or words == ['exit-address-family'] and self.stack[-1][0].endswith('-af'):
            self.stack = self.stack[:-1] or None
            return
        with self.device:
            body = self.device.read()
            config = Config(body)
            # the open blocks, found again in the configuration as read now
            stack = self.relocate(config)
            try:
                self.stack = config.apply(stack, line)
            except Refused as err:
                self.refuse(err, prompt)
                return
            after = render(config.root)
            if after != body:
                self.device.write(touched(after, user_name()))

    def relocate(self, config):
        stack = [('config', None)]
        siblings = config.root
        for mode, node in self.stack[1:]:
            found = next((n for n in siblings if n.text == node.text), None)
            if found is None:
                break  # removed meanwhile (`no interface` from another session): back out to it
            stack.append((mode, found))
            siblings = found.children
        return stack

    def lines(self):
        """Typed lines, each with how it ended: Enter, Ctrl-Z (end) or Ctrl-C (abort)."""
        while True:
            m = re.search(rb'[\n\x1a\x03]', self.pending)
            if m:
                line, end, self.pending = self.pending[:m.start()], m.group(), self.pending[m.end():]
                yield line.replace(b'\r', b'').decode('utf-8', 'replace'), end
                continue
            self.flush()
            chunk = os.read(0, 4096)
            if not chunk:
                if self.pending:
                    line, self.pending = self.pending, b''
                    yield line.replace(b'\r', b'').decode('utf-8', 'replace'), b'\n'
                return
            self.pending += chunk

    def run(self):
        if self.tty:
            import termios
            attrs = termios.tcgetattr(0)
            # Ctrl-Z and Ctrl-C are keys of the CLI (end, abort), not job control; each ends a line
            attrs[3] &= ~termios.ISIG
            attrs[6][termios.VEOL] = b'\x1a'
            attrs[6][termios.VEOL2] = b'\x03'
            termios.tcsetattr(0, termios.TCSANOW, attrs)
        prompt = self.prompt()
        self.write('\n' + prompt)
        for line, end in self.lines():
            if end != b'\n':
                self.write('\n')
            if end == b'\x03':
                line = ''
                self.stack = None
            if self.stack is None:
                if not self.exec_command(line, prompt):
                    self.flush()
                    return
            else:
                self.config_command(line, prompt)
                if end == b'\x1a':
                    self.stack = None
            prompt = self.prompt()
            self.write(prompt)
        self.flush()


def device_dir(argv):
    if '--device' in argv:
        return argv[argv.index('--device') + 1]
    here = os.path.dirname(os.path.abspath(__file__))
    devices = os.path.join(here, 'devices')
    if not os.path.isdir(devices):
        return here
    conn = (os.environ.get('SSH_CONNECTION') or '').split()
    local = conn[2] if len(conn) >= 3 else ''
    d = os.path.join(devices, local)
    if not re.match(r'^127\.\d+\.\d+\.\d+$', local) or not os.path.isdir(d):
        sys.stderr.write('ios lab: no device at %s\n' % (local or 'an unknown address'))
        sys.exit(1)
    return d


def main(argv):
    device = Device(device_dir(argv))
    if '--bump-volatile' in argv:
        # as if the device had been touched without a real change (tests)
        with device:
            body = device.read()
            stamp = re.search(r'^! Last configuration change at .* by (\S+)$', body, re.M)
            device.write(drift(touched(body, stamp.group(1) if stamp else user_name())))
        return 0
    if 'SSH_ORIGINAL_COMMAND' in os.environ:
        cli = Cli(device, interactive=False)
        line = os.environ['SSH_ORIGINAL_COMMAND'].replace('\r', '')
        cli.exec_command(line, '')
        cli.flush()
        return 0
    Cli(device, interactive=True).run()
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
