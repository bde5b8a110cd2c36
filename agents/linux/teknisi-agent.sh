#!/bin/sh
# teknisi-agent.sh — the Teknisi endpoint agent for Linux.
#
# Collects this machine's inventory (identity, OS, hardware, interfaces and addresses,
# installed packages) and POSTs it as JSON to a Teknisi server's /api/inventory/reports,
# authenticated by an enrollment token. The report is the one the server's SSH collector
# builds for the same machine, field for field (src/discovery/ssh/linux.ts), so a machine that
# is both scanned and running the agent stays one device with two sources.
#
#   teknisi-agent.sh --server URL --token TOKEN [--dry-run] [--ca-file FILE] [--insecure-skip-tls-verify]
#
# Needs only a POSIX sh, the POSIX utilities (awk, sed, grep, date, mktemp …) and curl or
# GNU wget; reads what else it finds (ip, lscpu, lsblk, dpkg-query / rpm / apk / pacman) and
# leaves out what is missing. Run it as root: the chassis serial is readable by root only.
# See agents/README.md for scheduling it and for the exit codes.
set -u

AGENT_NAME=teknisi-agent.sh
AGENT_VERSION=1.0.0
PROG=teknisi-agent

# exit codes (agents/README.md lists them; the Windows and macOS agents use the same)
EX_OK=0
EX_USAGE=2         # bad arguments
EX_COLLECT=3       # the report could not be built (or no curl/wget to send it)
EX_UNREACHABLE=4   # no answer from the server: name, connection, time-out
EX_TLS=5           # the server's certificate was not trusted
EX_TOKEN=6         # the server refused the token (401/403): unknown, revoked or expired
EX_REJECTED=7      # the server refused the report (400/413/415)
EX_RATE=8          # too many reports for this token (429), or the server busy (503): the next run will do
EX_SERVER=9        # the server failed (5xx) or answered something unexpected

# Byte semantics for every tool: the JSON writer below decodes UTF-8 itself, whatever the
# locale, so that the same bytes give the same report on every machine.
LC_ALL=C
export LC_ALL
# cron's PATH often lacks the sbin directories where ip and lsblk live
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
  die_code=$1
  shift
  say "$*"
  exit "$die_code"
}

usage() {
  cat <<EOF
Usage: $0 --server URL --token TOKEN [options]
Sends this machine's inventory to a Teknisi server.

  --server URL                 the server, e.g. https://teknisi.example.com
  --token TOKEN                an enrollment token (tka_…); or --token-file FILE,
                               or the environment variable TEKNISI_AGENT_TOKEN
  --token-file FILE            read the token from FILE (keeps it out of ps and crontab)
  --ca-file FILE               trust the server's certificate when FILE's CA signed it
  --insecure-skip-tls-verify   do not verify the server's certificate (testing only)
  --timeout SECONDS            give up on the server after this long (default 120)
  --dry-run                    print the report as JSON and send nothing
  --quiet                      print nothing on success
  --version, --help

Exit codes: 0 sent, 2 usage, 3 could not collect or send, 4 server unreachable,
5 certificate not trusted, 6 token refused, 7 report refused, 8 rate-limited,
9 server error.
EOF
}

# --- arguments ------------------------------------------------------------------------------
SERVER=''
TOKEN=${TEKNISI_AGENT_TOKEN:-}
TOKEN_FILE=''
CA_FILE=''
INSECURE=0
DRY_RUN=0
QUIET=0
TIMEOUT=120

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die $EX_USAGE "$1 needs a value (see --help)"; }

while [ $# -gt 0 ]; do
  case $1 in
    --server=*) SERVER=${1#*=} ;;
    --server) need_value "$@"; SERVER=$2; shift ;;
    --token=*) TOKEN=${1#*=} ;;
    --token) need_value "$@"; TOKEN=$2; shift ;;
    --token-file=*) TOKEN_FILE=${1#*=} ;;
    --token-file) need_value "$@"; TOKEN_FILE=$2; shift ;;
    --ca-file=*) CA_FILE=${1#*=} ;;
    --ca-file) need_value "$@"; CA_FILE=$2; shift ;;
    --timeout=*) TIMEOUT=${1#*=} ;;
    --timeout) need_value "$@"; TIMEOUT=$2; shift ;;
    --insecure-skip-tls-verify) INSECURE=1 ;;
    --dry-run) DRY_RUN=1 ;;
    --quiet | -q) QUIET=1 ;;
    --version) echo "$AGENT_NAME $AGENT_VERSION"; exit $EX_OK ;;
    --help | -h) usage; exit $EX_OK ;;
    *) die $EX_USAGE "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

if [ $DRY_RUN -eq 0 ]; then
  [ -n "$SERVER" ] || die $EX_USAGE "--server URL is required (or --dry-run)"
  case $SERVER in
    http://* | https://*) ;;
    *) die $EX_USAGE "--server must start with https:// or http://, not: $SERVER" ;;
  esac
  if [ -n "$TOKEN_FILE" ]; then
    [ -r "$TOKEN_FILE" ] || die $EX_USAGE "cannot read the token file $TOKEN_FILE"
    TOKEN=$(sed -n '1{s/[[:space:]]//g;p;}' "$TOKEN_FILE")
  fi
  [ -n "$TOKEN" ] || die $EX_USAGE "--token TOKEN is required (or --token-file FILE, or TEKNISI_AGENT_TOKEN)"
  # base64url only: it goes into a curl or wget configuration line below
  case $TOKEN in
    *[!A-Za-z0-9_-]*) die $EX_USAGE "the token holds characters a Teknisi token never has: check that it was copied whole" ;;
  esac
  if [ -n "$CA_FILE" ] && [ ! -r "$CA_FILE" ]; then die $EX_USAGE "cannot read the CA file $CA_FILE"; fi
  case $TIMEOUT in
    '' | *[!0-9]*) die $EX_USAGE "--timeout takes whole seconds, not: $TIMEOUT" ;;
  esac
fi

TMP=$(mktemp -d 2>/dev/null || mktemp -d -t teknisi-agent) || die $EX_COLLECT "cannot make a temporary directory"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

# --- the JSON writer ------------------------------------------------------------------------
# Reads "facts", one per line, TAB-separated, and writes one JSON document:
#   {  KEY          begin an object (KEY empty for an element of an array)
#   }               end it
#   [  KEY          begin an array
#   ]               end it
#   s  KEY MAX TEXT a string: TEXT is decoded as UTF-8 (each invalid byte sequence becomes
#                   U+FFFD, as the server's own decoder does), trimmed, cut to MAX UTF-16
#                   units; left out when empty. Output is ASCII: everything else is \u-escaped.
#   n  KEY NUMBER   a non-negative integer; left out when it is not one
# Keys are this script's own (plain ASCII); only TEXT comes from the machine.
JSON_WRITER='
BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i; depth = 0; first[0] = 1 }
function sep() { if (!first[depth]) printf ","; first[depth] = 0 }
function key(k) { sep(); if (k != "") printf "\"%s\":", k }
function isspace(c) {
  return c == 32 || (c >= 9 && c <= 13) || c == 160 || c == 5760 || (c >= 8192 && c <= 8202) ||
    c == 8232 || c == 8233 || c == 8239 || c == 8287 || c == 12288 || c == 65279
}
function esc(c,    h) {
  if (c == 34) return "\\\""
  if (c == 92) return "\\\\"
  if (c >= 32 && c < 127) return sprintf("%c", c)
  if (c == 10) return "\\n"
  if (c == 9) return "\\t"
  if (c == 13) return "\\r"
  if (c > 65535) { c -= 65536; return sprintf("\\u%04x\\u%04x", 55296 + int(c / 1024), 56320 + c % 1024) }
  return sprintf("\\u%04x", c)
}
function jstr(v, max,    n, i, b, c, need, seen, lo, hi, m, s, e, j, u, units, out) {
  if (v !~ /[^ -~]/ && v !~ /["\\]/) {
    sub(/^ +/, "", v); sub(/ +$/, "", v)
    return substr(v, 1, max)
  }
  m = 0; need = 0; lo = 128; hi = 191; n = length(v)
  for (i = 1; i <= n; i++) {
    b = ord[substr(v, i, 1)]
    if (need == 0) {
      seen = 0
      if (b < 128) cp[++m] = b
      else if (b >= 194 && b <= 223) { need = 1; c = b - 192 }
      else if (b >= 224 && b <= 239) { if (b == 224) lo = 160; if (b == 237) hi = 159; need = 2; c = b - 224 }
      else if (b >= 240 && b <= 244) { if (b == 240) lo = 144; if (b == 244) hi = 143; need = 3; c = b - 240 }
      else cp[++m] = 65533
      continue
    }
    if (b < lo || b > hi) { need = 0; lo = 128; hi = 191; cp[++m] = 65533; i--; continue }
    lo = 128; hi = 191; c = c * 64 + b - 128
    if (++seen == need) { cp[++m] = c; need = 0 }
  }
  if (need) cp[++m] = 65533
  s = 1; while (s <= m && isspace(cp[s])) s++
  e = m; while (e >= s && isspace(cp[e])) e--
  out = ""; units = 0
  for (j = s; j <= e; j++) {
    u = cp[j] > 65535 ? 2 : 1
    if (units + u > max) break
    units += u
    out = out esc(cp[j])
  }
  return out
}
{
  t = index($0, "\t")
  if (t == 0) { op = $0; rest = "" } else { op = substr($0, 1, t - 1); rest = substr($0, t + 1) }
  if (op == "{" || op == "[") { key(rest); printf "%s", op; first[++depth] = 1; next }
  if (op == "}" || op == "]") { depth--; printf "%s", op; next }
  t = index(rest, "\t"); k = substr(rest, 1, t - 1); rest = substr(rest, t + 1)
  if (op == "n") {
    if (rest ~ /^[0-9]+$/) { sub(/^0+/, "", rest); key(k); printf "%s", (rest == "" ? "0" : rest) }
    next
  }
  if (op == "s") {
    t = index(rest, "\t"); v = jstr(substr(rest, t + 1), substr(rest, 1, t - 1) + 0)
    if (v != "") { key(k); printf "\"%s\"", v }
  }
}
END { printf "\n" }
'

# s KEY MAX TEXT / n KEY NUMBER: one fact line (TEXT is the rest of the line, tabs and all)
s() { printf 's\t%s\t%s\t%s\n' "$1" "$2" "$3"; }
n() { printf 'n\t%s\t%s\n' "$1" "$2"; }
# the first line, without a carriage return (BSD sed has no \r)
first_line() { tr -d '\r' | sed -n 1p; }

# Shared awk helpers: trim, and "key<sep>value" lines into kv[] (lower-case keys, first wins),
# as the server's keyValues() reads them.
AWK_LIB='
function trim(x) { sub(/^[ \t\r\n\v\f]+/, "", x); sub(/[ \t\r\n\v\f]+$/, "", x); return x }
function num(x) { x = trim(x); return (x ~ /^[0-9]+(\.[0-9]*)?$/ || x ~ /^\.[0-9]+$/) ? x + 0 : -1 }
function round(x) { return int(x + 0.5) }
'

# --- identity: host name -------------------------------------------------------------------
collect_hostname() {
  name=$( (hostname 2>/dev/null || uname -n 2>/dev/null) | first_line | sed 's/^[[:space:]]*//;s/[[:space:]]*$//' | cut -c1-255)
  # as the server reads `hostname`: a plain DNS-style name or nothing
  if printf '%s\n' "$name" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._-]*$'; then
    s hostname 255 "${name%%.*}"
    case $name in *.*) s fqdn 255 "$name" ;; esac
  fi
}

# the kind of container this machine is (systemd in one says it; podman leaves a file), or nothing
container_kind() {
  { cat /run/systemd/container 2>/dev/null || { test -e /run/.containerenv && echo podman; }; } | first_line | grep -E '^[A-Za-z0-9._-]{1,32}$'
}

# --- DMI: vendor, model, chassis serial and type --------------------------------------------
# writes $TMP/dmi.identity (serial) and $TMP/dmi.device (vendor, model, type); a machine
# without a chassis type that runs under a hypervisor (lscpu's "Hypervisor vendor", cpuinfo's
# hypervisor flag: a cloud instance has no DMI) is a virtual machine, as the server reads it
collect_dmi() {
  # a container (LXC, Proxmox's CTs, podman) reads its host's DMI: none of it is this machine's
  # (the server reads LINUX_COMMANDS.container alike)
  ctr=$(container_kind)
  if [ -n "$ctr" ]; then
    printf '' >"$TMP/dmi.identity"
    printf 's\tmodel\t255\tcontainer (%s)\ns\ttype\t32\tvirtual-machine\n' "$ctr" >"$TMP/dmi.device"
    return 0
  fi
  guest=0
  if { lscpu 2>/dev/null || cat /proc/cpuinfo 2>/dev/null; } |
    grep -qiE '^hypervisor vendor[[:space:]]*:[[:space:]]*[^[:space:]]|^flags[[:space:]]*:(.*[[:space:]])?hypervisor([[:space:]]|$)'; then guest=1; fi
  for f in sys_vendor product_name product_serial product_uuid chassis_type; do
    printf '%s=%s\n' "$f" "$(cat "/sys/class/dmi/id/$f" 2>/dev/null)"
  done | awk -v id="$TMP/dmi.identity" -v dev="$TMP/dmi.device" -v guest="$guest" "$AWK_LIB"'
    { i = index($0, "="); if (i > 1) { k = tolower(trim(substr($0, 1, i - 1))); if (!(k in kv)) kv[k] = trim(substr($0, i + 1)) } }
    # what board makers leave in SMBIOS when they never set it: the list of the server (text.ts)
    function dmi(v) { return (v == "" || tolower(v) ~ /^(to be filled by o\.?e\.?m\.?|default string|system (manufacturer|product name|serial number|version)|chassis (manufacturer|serial number)|not specified|not applicable|none|n\/a|o\.?e\.?m\.?|0?123456789|0+)$/) ? "" : v }
    function virtual(v) {
      v = " " tolower(v) " "
      return v ~ /[^a-z0-9_](vmware|virtualbox|innotek|qemu|kvm|xen|hvm domu|virtual machine|bochs|parallels|amazon ec2|google compute engine|openstack|digitalocean|hyper-v)[^a-z0-9_]/ ||
        v ~ /[^a-z0-9_]standard pc \([a-z0-9_]/
    }
    END {
      vendor = dmi(kv["sys_vendor"]); model = dmi(kv["product_name"]); serial = dmi(kv["product_serial"])
      split("3 4 5 6 7 13 15 16 35 36", w, " "); for (x in w) chassis[w[x]] = "workstation"
      split("8 9 10 14 30 31 32", l, " "); for (x in l) chassis[l[x]] = "laptop"
      split("17 23 25 28 29", sv, " "); for (x in sv) chassis[sv[x]] = "server"
      type = (virtual(vendor) || virtual(model)) ? "virtual-machine" : chassis[trim(kv["chassis_type"])]
      if (type == "" && guest == 1) type = "virtual-machine"
      if (serial != "") printf "s\tserial\t255\t%s\n", serial > id
      printf "" > id
      if (vendor != "") printf "s\tvendor\t255\t%s\n", vendor > dev
      if (model != "") printf "s\tmodel\t255\t%s\n", model > dev
      if (type != "") printf "s\ttype\t32\t%s\n", type > dev
      printf "" > dev
    }'
}

# --- OS: /etc/os-release, as the server reads it (Debian point release, Ubuntu LTS point) ---
collect_os() {
  # RHEL and CentOS 6 have no os-release: their release file says it ("CentOS release 6.10 (Final)")
  { cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; printf 'DEBIAN_VERSION=%s\n' "$(cat /etc/debian_version 2>/dev/null)"
    printf 'REDHAT_RELEASE=%s\n' "$(head -n 1 /etc/redhat-release 2>/dev/null)"; } |
    awk "$AWK_LIB"'
      { i = index($0, "="); if (i > 1) { k = tolower(trim(substr($0, 1, i - 1))); if (!(k in kv)) kv[k] = trim(substr($0, i + 1)) } }
      # a value as the shell reads it (os-release is shell syntax): double quotes with \\ \" \$ \`
      # escaped, single quotes literal, bare text with backslash escapes; empty (unknown) when a
      # quote is never closed
      function shell(raw,    out, n, i, j, c) {
        out = ""; n = length(raw)
        for (i = 1; i <= n; i++) {
          c = substr(raw, i, 1)
          if (c == "\047") {
            j = index(substr(raw, i + 1), "\047"); if (j == 0) return ""
            out = out substr(raw, i + 1, j - 1); i += j
          } else if (c == "\"") {
            for (j = i + 1; j <= n && substr(raw, j, 1) != "\""; j++) {
              c = substr(raw, j, 1)
              if (c == "\\" && j < n && index("\"\\$`", substr(raw, j + 1, 1))) c = substr(raw, ++j, 1)
              out = out c
            }
            if (j > n) return ""
            i = j
          } else if (c == "\\" && i < n) out = out substr(raw, ++i, 1)
          else out = out c
        }
        return out
      }
      function get(k) { return trim(shell(kv[tolower(k)])) }
      function starts(a, b) { return substr(a, 1, length(b)) == b }
      END {
        name = get("NAME"); if (name == "") name = get("PRETTY_NAME")
        rh = kv["redhat_release"]
        if (name == "" && match(rh, / release [0-9][A-Za-z0-9_.]*/)) {
          printf "s\tosName\t128\t%s\n", substr(rh, 1, RSTART - 1)
          printf "s\tosVersion\t128\t%s\n", substr(rh, RSTART + 9, RLENGTH - 9)
          exit
        }
        if (name == "") name = "Linux"
        id = get("ID"); vid = get("VERSION_ID"); version = get("VERSION"); debian = get("DEBIAN_VERSION")
        os = vid
        rhv = ""; if (match(rh, / release [0-9][A-Za-z0-9_.]*/)) rhv = substr(rh, RSTART + 9, RLENGTH - 9)
        if (id == "debian" && debian != "" && vid != "" && starts(debian, vid ".")) os = debian
        # CentOS 7 says VERSION_ID="7", its release file "CentOS Linux release 7.9.2009 (Core)"
        else if (vid != "" && rhv != "" && starts(rhv, vid ".")) os = rhv
        else if (vid != "" && version != "" && match(version, /^[0-9][A-Za-z0-9_.]*/)) {
          precise = substr(version, 1, RLENGTH)
          if (starts(precise, vid ".")) os = precise
        }
        if (os == "") os = get("BUILD_ID")
        printf "s\tosName\t128\t%s\n", name
        printf "s\tosVersion\t128\t%s\n", os
      }'
}

# --- hardware: one CPU entry per socket (lscpu, else /proc/cpuinfo) -------------------------
collect_cpu() {
  { lscpu 2>/dev/null || cat /proc/cpuinfo 2>/dev/null; } | awk "$AWK_LIB"'
    {
      if (match($0, /[ \t]*:[ \t]*/) > 1) { k = tolower(trim(substr($0, 1, RSTART - 1))); if (!(k in kv)) kv[k] = trim(substr($0, RSTART + RLENGTH)) }
      if (match($0, /^(physical id|processor)[ \t]*:[ \t]*/)) {
        v = substr($0, RLENGTH + 1); sub(/[ \t].*/, "", v)
        if (v != "") { if ($0 ~ /^physical id/) { if (!(v in phys)) { phys[v] = 1; nphys++ } } else procs++ }
      }
    }
    END {
      if ("cpu(s)" in kv || "socket(s)" in kv) {
        has = ("model name" in kv); model = kv["model name"]; vendor = kv["vendor id"]
        sockets = num(kv["socket(s)"]); if (sockets <= 0) sockets = num(kv["cluster(s)"]); if (sockets <= 0) sockets = 1
        cores = num(kv["core(s) per socket"]); if (cores < 0) cores = num(kv["core(s) per cluster"])
        # without a per-socket count: CPU(s) are logical processors, threads per core of each core
        threads = num(kv["thread(s) per core"]); if (threads < 1) threads = 1
        if (cores < 0 && num(kv["cpu(s)"]) > 0) { cores = int(num(kv["cpu(s)"]) / sockets / threads); if (cores < 1) cores = 1 }
        mhz = num(kv["cpu max mhz"]); if (mhz < 0) mhz = num(kv["cpu mhz"])
      } else {
        if ("model name" in kv) model = kv["model name"]; else if ("hardware" in kv) model = kv["hardware"]; else model = kv["cpu model"]
        vendor = kv["vendor_id"]
        sockets = nphys > 0 ? nphys : 1
        cores = num(kv["cpu cores"])
        if (cores < 0 && procs > 0) { cores = int(procs / sockets); if (cores < 1) cores = 1 }
        mhz = num(kv["cpu mhz"])
      }
      gsub(/[ \t]+/, " ", model); model = trim(model)
      if (model == "" && vendor == "") exit
      maker = vendor == "GenuineIntel" ? "Intel" : vendor == "AuthenticAMD" ? "AMD" : vendor == "HygonGenuine" ? "Hygon" : vendor == "CentaurHauls" ? "Centaur" : vendor
      if (sockets > 64) sockets = 64
      for (i = 0; i < sockets; i++) {
        printf "{\t\ns\tkind\t8\tcpu\n"
        if (model != "") printf "s\tname\t255\t%s\n", model
        if (maker != "") printf "s\tmanufacturer\t128\t%s\n", maker
        if (cores > 0) printf "n\tcores\t%d\n", round(cores)
        if (mhz > 0) printf "n\tspeedMhz\t%d\n", round(mhz)
        printf "s\tslot\t64\tsocket %d\n}\n", i
      }
    }'
}

collect_memory() {
  awk '/^MemTotal:[ \t]+[0-9]+[ \t]*kB/ && !done { kb = $2; done = 1 }
    END { if (kb > 0) printf "{\t\ns\tkind\t8\tmemory\ns\tname\t255\ttotal memory\nn\tcapacityBytes\t%.0f\n}\n", kb * 1024 }' /proc/meminfo 2>/dev/null
}

# lsblk's KEY="value" pairs (special characters as \xNN; every util-linux has them, -J only
# 2.27 and later), without SERIAL where lsblk is too old to know it; whole disks only, no
# zram/loop/RAM. Returns 1 when lsblk is there and fails: the disks are unknown then, not none.
collect_disks() {
  command -v lsblk >/dev/null 2>&1 || return 0
  # a container's disks are its host's
  [ -z "$(container_kind)" ] || return 0
  lsblk -P -b -d -o NAME,TYPE,SIZE,MODEL,SERIAL,VENDOR >"$TMP/lsblk" 2>/dev/null ||
    lsblk -P -b -d -o NAME,TYPE,SIZE,MODEL,VENDOR >"$TMP/lsblk" 2>/dev/null || return 1
  awk "$AWK_LIB"'
    BEGIN { for (i = 0; i < 256; i++) chr[sprintf("%02x", i)] = sprintf("%c", i) }
    function field(k,    v, out, p) {
      if (!match($0, "(^| )" k "=\"[^\"]*\"")) return ""
      v = substr($0, RSTART, RLENGTH); sub(/^ ?[A-Z]+="/, "", v); v = substr(v, 1, length(v) - 1)
      out = ""
      while ((p = index(v, "\\x")) > 0) { out = out substr(v, 1, p - 1) chr[tolower(substr(v, p + 2, 2))]; v = substr(v, p + 4) }
      return trim(out v)
    }
    {
      # 0 is a slot without a medium (a card reader); a size lsblk could not say leaves the disk there, unsized
      name = field("NAME"); size = field("SIZE")
      if (field("TYPE") != "disk" || name == "" || num(size) == 0 || name ~ /^(zram|loop|ram|fd|nbd)/ || ++count > 256) next
      vendor = field("VENDOR"); model = field("MODEL"); serial = field("SERIAL")
      printf "{\t\ns\tkind\t8\tdisk\ns\tname\t64\t%s\n", name
      if (model != "") printf "s\tmodel\t255\t%s\n", model
      if (serial != "") printf "s\tserial\t128\t%s\n", serial
      if (vendor != "" && tolower(vendor) !~ /^0x[0-9a-f]+$/) printf "s\tmanufacturer\t64\t%s\n", vendor
      printf "n\tcapacityBytes\t%s\n}\n", size
    }' "$TMP/lsblk"
}

# the systemd machine id tells a technician which install this is (clones share it); empty
# when the machine has none
read_machine_id() {
  mid=$( { cat /etc/machine-id 2>/dev/null || cat /var/lib/dbus/machine-id 2>/dev/null; } | first_line | tr -d ' \t')
  if printf '%s\n' "$mid" | grep -Eq '^[0-9a-f]{32}$'; then printf '%s\n' "$mid"; fi
}

collect_machine_id() {
  mid=$(read_machine_id)
  if [ -n "$mid" ]; then
    printf '{\t\ns\tkind\t8\tother\ns\tname\t255\tmachine-id\ns\tserial\t128\t%s\n}\n' "$mid"
  fi
}

# --- interfaces: `ip addr show`, read as the server reads it --------------------------------
# writes $TMP/net.interfaces (the list) and $TMP/net.identity (MACs and IPv4 addresses of the
# machine's own interfaces: bridges, containers and tunnels carry the same ones on many machines);
# returns 1 when ip is missing, fails or prints no interface listing (an error, a cut-off run):
# the interfaces are unknown then, not none, which is what an empty list would tell the server
collect_network() {
  command -v ip >/dev/null 2>&1 || return 1
  ip addr show >"$TMP/ip" 2>/dev/null || { left_out 'interfaces (ip failed)'; return 1; }
  grep -q '^[0-9][0-9]*:[[:space:]]' "$TMP/ip" || { left_out 'interfaces (ip listed none)'; return 1; }
  awk -v list="$TMP/net.interfaces" -v id="$TMP/net.identity" '
    function mac(v) { v = tolower(v); gsub(/[:.-]/, "", v); return (length(v) == 12 && v !~ /[^0-9a-f]/) ? substr(v, 1, 2) ":" substr(v, 3, 2) ":" substr(v, 5, 2) ":" substr(v, 7, 2) ":" substr(v, 9, 2) ":" substr(v, 11, 2) : "" }
    /^[0-9]+:[ \t]/ {
      if (n >= 4096) { stop = 1; next }
      name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
      if (name == "" || name ~ /:/) { cur = 0; next }
      flags = $0; sub(/^[^<]*</, "", flags); sub(/>.*/, "", flags); flags = "," flags ","
      cur = ++n; ifname[n] = name; loop[n] = flags ~ /,LOOPBACK,/; admin[n] = flags ~ /,UP,/ ? "up" : "down"
      mtu[n] = ""; state[n] = ""; hw[n] = ""; naddr[n] = 0
      for (i = 3; i < NF; i++) { if ($i == "mtu" && mtu[n] == "") mtu[n] = $(i + 1); if ($i == "state" && state[n] == "") state[n] = tolower($(i + 1)) }
      next
    }
    stop || !cur { next }
    $1 ~ /^link\// { if ($1 == "link/ether") hw[cur] = mac($2); next }
    $1 == "inet" || $1 == "inet6" {
      a = $2; sub(/\/.*/, "", a); scope = ""
      for (i = 3; i < NF; i++) if ($i == "scope") { scope = $(i + 1); break }
      if (scope != "link" && scope != "host" && naddr[cur] < 64) addr[cur, ++naddr[cur]] = a
    }
    END {
      printf "" > list
      printf "[\tmacs\n" > id
      for (i = 1; i <= n; i++) {
        if (loop[i]) continue
        printf "{\t\ns\tname\t64\t%s\n", ifname[i] > list
        if (hw[i] != "") printf "s\tmac\t17\t%s\n", hw[i] > list
        if (mtu[i] ~ /^[0-9]+$/) printf "n\tmtu\t%s\n", mtu[i] > list
        printf "s\tadminStatus\t16\t%s\n", admin[i] > list
        if (state[i] != "") printf "s\toperStatus\t32\t%s\n", state[i] > list
        printf "[\taddresses\n" > list
        for (j = 1; j <= naddr[i]; j++) printf "s\t\t64\t%s\n", addr[i, j] > list
        printf "]\n}\n" > list
        own[i] = ifname[i] !~ /^(lo|veth|docker|br-|virbr|vnet|tun|tap|cni|flannel|cali|kube|lxc|lxd|wg|vxlan|genev|tailscale|zt|dummy|ifb|bond[0-9]+\.|team)/
        # at most 256 of each, as the report schema allows (a host with hundreds of VLAN interfaces)
        if (own[i] && hw[i] != "" && !(hw[i] in seenmac) && nmacs < 256) { seenmac[hw[i]] = 1; nmacs++; printf "s\t\t17\t%s\n", hw[i] > id }
      }
      printf "]\n[\taddresses\n" > id
      for (i = 1; i <= n; i++)
        if (!loop[i] && own[i]) for (j = 1; j <= naddr[i]; j++)
          if (addr[i, j] !~ /:/ && !(addr[i, j] in seenip) && nips < 256) { seenip[addr[i, j]] = 1; nips++; printf "s\t\t64\t%s\n", addr[i, j] > id }
      printf "]\n" > id
    }' "$TMP/ip"
}

# --- installed software: whichever package manager the machine has -------------------------
# The same command as the server's SSH collector; the first line names the manager. dpkg only
# where its database holds something: Fedora and EPEL package dpkg, whose dpkg-query lists
# nothing and succeeds on a missing status file, which would hide the rpm list.
list_packages() {
  if command -v dpkg-query >/dev/null 2>&1 && test -s "${DPKG_ADMINDIR:-/var/lib/dpkg}/status"; then echo "#dpkg"; dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'
  elif command -v rpm >/dev/null 2>&1; then echo "#rpm"; rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{INSTALLTIME}\n'
  elif command -v apk >/dev/null 2>&1; then echo "#apk"; apk list -I 2>/dev/null || apk info -v
  elif command -v pacman >/dev/null 2>&1; then echo "#pacman"; pacman -Q
  fi
}

# A manager that fails (dpkg-query on a damaged status file, an rpmdb that dies half-way) may
# have printed part of the list or none of it: then there is no software list at all, for the
# server takes a list as the whole of what is installed and would record the rest as removed.
collect_software() {
  list_packages >"$TMP/packages" 2>/dev/null || { left_out "software ($(sed -n '1s/^#//p' "$TMP/packages") failed)"; return 0; }
  awk -v now="$NOW" "$AWK_LIB"'
    # days since 1970-01-01 → YYYY-MM-DD (proleptic Gregorian), for rpm install times
    function ymd(t,    z, era, doe, yoe, y, doy, mp, d, m) {
      z = int(t / 86400) + 719468; era = int(z / 146097); doe = z - era * 146097
      yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
      d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9
      return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
    }
    # an install time that cannot be one (a clock at 0, a wrapped -1 from rpm, after now) is no date
    function day(t) { t = num(t); return t >= 315532800 && (now !~ /^[0-9]+$/ || t <= now + 86400) ? ymd(t) : "" }
    function pkg(name, version, arch, publisher, date) {
      if (trim(name) == "" || ++count > 20000) return
      printf "{\t\ns\tname\t255\t%s\n", name
      if (version != "") printf "s\tversion\t128\t%s\n", version
      if (arch != "") printf "s\tarchitecture\t32\t%s\n", arch
      if (publisher != "") printf "s\tpublisher\t255\t%s\n", publisher
      if (date != "") printf "s\tinstallDate\t10\t%s\n", date
      printf "}\n"
    }
    NR == 1 { manager = trim($0); if (manager !~ /^#(dpkg|rpm|apk|pacman)$/) exit; print "[\tsoftware"; next }
    trim($0) == "" { next }
    manager == "#dpkg" {
      # the second letter says whether the package is there, as the server reads it: installed
      # ("ii ", "hi "), or mid-upgrade or left half done (it, iW, iU, iF, iH); not "rc" or "un"
      nf = split($0, f, "\t"); st = f[1]; sub(/[ \t\r\f\v]+$/, "", st)
      if (nf == 4 && length(st) >= 2 && length(st) <= 3 && st !~ /[ \t\r\f\v]/ && substr(st, 2, 1) ~ /^[itWFUH]$/ && f[2] != "") pkg(f[2], f[3], f[4])
      next
    }
    manager == "#rpm" {
      split($0, f, "\t")
      if (f[1] == "" || f[1] == "gpg-pubkey") next
      v = f[2]; sub(/^0:/, "", v)
      pkg(f[1], v, f[3] == "(none)" ? "" : f[3], f[4] == "(none)" ? "" : f[4], day(f[5]))
      next
    }
    manager == "#apk" {
      # name-version-rN [arch]: the version starts at the first "-digit" that the rest fits
      line = $0; word = line; sub(/[ \t].*/, "", word)
      for (p = 1; p < length(word); p++) {
        if (substr(word, p, 1) != "-" || p == 1) continue
        ver = substr(word, p + 1)
        if (ver ~ /^[0-9][^- \t]*-r[0-9]+/) {
          match(ver, /^[0-9][^- \t]*-r[0-9]+/)
          rest = substr(line, length(word) + 1); sub(/^[ \t]+/, "", rest); sub(/[ \t].*/, "", rest)
          pkg(substr(word, 1, p - 1), substr(ver, 1, RLENGTH), rest)
          break
        }
      }
      next
    }
    manager == "#pacman" { pkg($1, $2); next }
    END { if (manager ~ /^#(dpkg|rpm|apk|pacman)$/) print "]" }' "$TMP/packages"
}

# --- the report -----------------------------------------------------------------------------
# A part the machine could not tell is left out of the report, not sent empty: the server then
# keeps what it knew of it. LEFT_OUT names each such part for the log.
LEFT_OUT=''
left_out() { LEFT_OUT=${LEFT_OUT:+$LEFT_OUT; }$1; }
NOW=$(date -u +%s 2>/dev/null)
collect_dmi
software_facts=$TMP/software.facts
collect_software >"$software_facts"
network_ok=0
collect_network && network_ok=1
hardware_ok=0
collect_disks >"$TMP/disks.facts" && hardware_ok=1
[ $hardware_ok -eq 1 ] || left_out 'hardware (lsblk failed)'

{
  printf '{\t\n'
  printf '{\tagent\n'; s name 64 "$AGENT_NAME"; s version 32 "$AGENT_VERSION"; printf '}\n'
  s collectedAt 40 "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '{\tidentity\n'
  collect_hostname
  cat "$TMP/dmi.identity"
  # also in identity: a run whose lsblk or ip failed still finds its device by it
  mid=$(read_machine_id); [ -z "$mid" ] || s machineId 128 "$mid"
  if [ $network_ok -eq 1 ]; then cat "$TMP/net.identity"; else printf '[\tmacs\n]\n[\taddresses\n]\n'; fi
  printf '}\n'
  printf '{\tdevice\n'
  cat "$TMP/dmi.device"
  s platform 16 linux
  s osFamily 32 linux
  collect_os
  printf '}\n'
  if [ $hardware_ok -eq 1 ]; then
    printf '[\thardware\n'
    collect_cpu
    collect_memory
    cat "$TMP/disks.facts"
    collect_machine_id
    printf ']\n'
  fi
  if [ $network_ok -eq 1 ]; then printf '[\tinterfaces\n'; cat "$TMP/net.interfaces"; printf ']\n'; fi
  cat "$software_facts"
  printf '}\n'
} >"$TMP/facts" || die $EX_COLLECT "could not collect the inventory"

awk "$JSON_WRITER" "$TMP/facts" >"$TMP/report.json" || die $EX_COLLECT "could not write the report as JSON (awk failed)"
# even with --quiet: a damaged package database is worth an admin's look
[ -z "$LEFT_OUT" ] || say "left out of this report, so that the server keeps what it knew: $LEFT_OUT"

if [ $DRY_RUN -eq 1 ]; then
  cat "$TMP/report.json"
  exit $EX_OK
fi

# --- sending --------------------------------------------------------------------------------
URL=${SERVER%/}
case $URL in */api/inventory/reports) ;; *) URL=$URL/api/inventory/reports ;; esac
RESP=$TMP/response
ERR=$TMP/stderr

# the server's {"message": "..."} as plain text, for the log
server_message() {
  awk '{ body = body $0 } END {
    i = index(body, "\"message\":\""); if (!i) exit
    rest = substr(body, i + 11); out = ""
    while (rest != "") {
      c = substr(rest, 1, 1)
      if (c == "\"") break
      if (c == "\\") { c = substr(rest, 2, 1); rest = substr(rest, 3); out = out (c == "n" ? " " : c); continue }
      out = out c; rest = substr(rest, 2)
    }
    print substr(out, 1, 500)
  }' "$RESP" 2>/dev/null
}

status=''
if command -v curl >/dev/null 2>&1; then
  set -- -sS -X POST -H 'Content-Type: application/json' --data-binary "@$TMP/report.json" \
    -o "$RESP" -w '%{http_code}' --connect-timeout 15 --max-time "$TIMEOUT" \
    -H "User-Agent: $AGENT_NAME/$AGENT_VERSION"
  [ -n "$CA_FILE" ] && set -- "$@" --cacert "$CA_FILE"
  [ $INSECURE -eq 1 ] && set -- "$@" --insecure
  # the token goes in on standard input (a curl config line), not on the command line that ps shows
  status=$(printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" | curl -K - "$@" "$URL" 2>"$ERR")
  rc=$?
  if [ $rc -ne 0 ]; then
    why=$(sed -n '$s/^curl: ([0-9]*) //p' "$ERR")
    case $rc in
      35 | 51 | 53 | 54 | 58 | 59 | 60 | 64 | 66 | 77 | 80 | 82 | 83 | 90 | 91)
        die $EX_TLS "the server's certificate at $URL is not trusted: $why (use --ca-file with the CA that signed it)" ;;
      *) die $EX_UNREACHABLE "cannot reach $URL: $why" ;;
    esac
  fi
elif command -v wget >/dev/null 2>&1; then
  # BusyBox's wget (stock Alpine, embedded systems) reads no wgetrc, so the token would be on its
  # command line for ps to show, and it keeps no body of an error answer: say what to install
  # rather than fail as if the server were unreachable
  if wget --help 2>&1 | grep -q BusyBox; then
    die $EX_COLLECT "this wget is BusyBox's, which cannot send the token privately: install curl (apk add curl) or GNU wget"
  fi
  # GNU wget reads the token from a private wgetrc rather than from its command line
  (umask 077 && printf 'header = Authorization: Bearer %s\n' "$TOKEN" >"$TMP/wgetrc")
  set -- -q -S -O "$RESP" --content-on-error --tries=1 --timeout="$TIMEOUT" \
    --header='Content-Type: application/json' --post-file="$TMP/report.json" --user-agent="$AGENT_NAME/$AGENT_VERSION"
  [ -n "$CA_FILE" ] && set -- "$@" --ca-certificate="$CA_FILE"
  [ $INSECURE -eq 1 ] && set -- "$@" --no-check-certificate
  WGETRC=$TMP/wgetrc wget "$@" "$URL" 2>"$ERR"
  rc=$?
  status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$ERR" | tail -n 1)
  if [ -z "$status" ]; then
    why=$(grep -v '^ ' "$ERR" | tail -n 1)
    [ $rc -eq 5 ] && die $EX_TLS "the server's certificate at $URL is not trusted: $why (use --ca-file with the CA that signed it)"
    [ $rc -eq 4 ] && why=${why:-network failure (connection refused, name not resolved, or timed out)}
    die $EX_UNREACHABLE "cannot reach $URL: ${why:-wget exit code $rc}"
  fi
else
  die $EX_COLLECT "neither curl nor wget is installed: install one of them to send reports"
fi

msg=$(server_message)
case $status in
  200 | 201)
    [ $QUIET -eq 1 ] || printf '%s: reported to %s: %s\n' "$PROG" "$SERVER" "$(tr -d '\n' <"$RESP" | cut -c1-300)"
    exit $EX_OK ;;
  # (GNU wget keeps no body of a 401, hence the general reason)
  401 | 403) die $EX_TOKEN "the server refused the token ($status): ${msg:-unknown, revoked or expired}" ;;
  400 | 413 | 415) die $EX_REJECTED "the server refused the report ($status): ${msg:-no reason given}" ;;
  429) die $EX_RATE "too many reports for this token ($status): ${msg:-try again later}" ;;
  503) die $EX_RATE "the server is busy ($status): ${msg:-try again later}" ;;
  000 | '') die $EX_UNREACHABLE "no HTTP answer from $URL" ;;
  *) die $EX_SERVER "the server answered $status: ${msg:-$(tr -d '\n' <"$RESP" | cut -c1-200)}" ;;
esac
