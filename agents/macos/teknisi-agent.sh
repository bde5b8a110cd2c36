#!/bin/sh
# teknisi-agent.sh — the Teknisi endpoint agent for macOS.
#
# Collects this Mac's inventory (identity, macOS version, hardware, network services and their
# addresses, applications and installer receipts) and POSTs it as JSON to a Teknisi server's
# /api/inventory/reports, authenticated by an enrollment token. The report is the one the
# server's SSH collector builds for the same Mac, field for field (src/discovery/ssh/macos.ts),
# so a Mac that is both scanned over Remote Login and running the agent stays one device.
#
#   teknisi-agent.sh --server URL --token TOKEN [--dry-run] [--ca-file FILE] [--insecure-skip-tls-verify]
#
# Needs only what every Mac has: sh, awk, sed, curl, system_profiler, sw_vers, defaults and
# pkgutil. Argument handling, the JSON writer and sending are the Linux agent's, line for line
# (agents/linux/teknisi-agent.sh; a spec keeps them equal). See agents/README.md.
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
# launchd's PATH is short: system_profiler and pkgutil live in /usr/sbin
PATH=$PATH:/usr/sbin:/sbin
export PATH
# where the applications are; another folder only for trying the agent elsewhere than on a Mac
APPLICATIONS=${TEKNISI_AGENT_APPLICATIONS:-/Applications}

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

# --- system_profiler's JSON, flattened --------------------------------------------------------
# One line per scalar: PATH<TAB>TYPE<TAB>VALUE, PATH like SPNetworkDataType.0.IPv4.Addresses.0,
# TYPE s (string, \u escapes decoded to UTF-8) or n (number, true, false, null); and one
# PATH<TAB>a<TAB> where an array begins, so that an empty one is there too.
FLATTEN_JSON='
BEGIN { hex = "0123456789abcdef" }
{ text = text $0 "\n" }
function ws() { while (pos <= n && index(" \t\r\n", substr(text, pos, 1))) pos++ }
function utf8(c) {
  if (c < 128) return c ? sprintf("%c", c) : ""
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
  return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function h4(s,    i, v) { v = 0; for (i = 1; i <= 4; i++) v = v * 16 + index(hex, tolower(substr(s, i, 1))) - 1; return v }
function str(    out, c, e, u, lo) {
  pos++; out = ""
  while (pos <= n) {
    c = substr(text, pos, 1)
    if (c == "\"") { pos++; return out }
    if (c != "\\") { out = out (c == "\n" || c == "\t" ? " " : c); pos++; continue }
    e = substr(text, pos + 1, 1); pos += 2
    if (e == "u") {
      u = h4(substr(text, pos, 4)); pos += 4
      if (u >= 55296 && u < 56320 && substr(text, pos, 2) == "\\u") { lo = h4(substr(text, pos + 2, 4)); if (lo >= 56320 && lo < 57344) { u = 65536 + (u - 55296) * 1024 + lo - 56320; pos += 6 } }
      out = out utf8(u)
    } else out = out (e == "n" || e == "t" || e == "r" || e == "b" || e == "f" ? " " : e)
  }
  return out
}
function value(path,    c, k, i, v) {
  ws(); c = substr(text, pos, 1)
  if (c == "{") {
    pos++; ws()
    if (substr(text, pos, 1) == "}") { pos++; return }
    while (pos <= n) {
      ws(); k = str(); ws(); pos++
      value(path == "" ? k : path "." k)
      ws(); c = substr(text, pos, 1); pos++
      if (c != ",") return
    }
    return
  }
  if (c == "[") {
    printf "%s\ta\t\n", path
    pos++; ws()
    if (substr(text, pos, 1) == "]") { pos++; return }
    for (i = 0; pos <= n; i++) {
      value(path "." i)
      ws(); c = substr(text, pos, 1); pos++
      if (c != ",") return
    }
    return
  }
  if (c == "\"") { v = str(); printf "%s\ts\t%s\n", path, v; return }
  if (match(substr(text, pos), /^[-+0-9.eEa-z]+/)) { printf "%s\tn\t%s\n", path, substr(text, pos, RLENGTH); pos += RLENGTH; return }
  pos = n + 1
}
END { n = length(text); pos = 1; ws(); if (substr(text, pos, 1) == "{") value("") }
'

# --- identity: host name, without .local ------------------------------------------------------
collect_hostname() {
  # the name an admin set, else the Mac's own: plain hostname says what DHCP or reverse DNS gave it
  name=$({ scutil --get HostName 2>/dev/null || scutil --get LocalHostName 2>/dev/null || hostname 2>/dev/null; } | grep -v ': not set$' | first_line | sed 's/\.[Ll][Oo][Cc][Aa][Ll][[:space:]]*$//;s/^[[:space:]]*//;s/[[:space:]]*$//' | cut -c1-255)
  if printf '%s\n' "$name" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._-]*$'; then
    s hostname 255 "${name%%.*}"
    case $name in *.*) s fqdn 255 "$name" ;; esac
  fi
}

# the serial from the I/O Kit registry, for when system_profiler gave none (it did not answer, or
# left SPHardwareDataType out): a report with neither serial nor MAC made a new Mac at every run
ioreg_serial() {
  ioreg -rd1 -c IOPlatformExpertDevice 2>/dev/null | sed -n 's/^[[:space:]]*"IOPlatformSerialNumber" = "\([A-Za-z0-9]\{1,64\}\)".*/\1/p' | head -n 1
}

# --- OS: sw_vers ------------------------------------------------------------------------------
collect_os() {
  sw_vers 2>/dev/null | awk "$AWK_LIB"'
    { if (match($0, /[ \t]*:[ \t]*/) > 1) { k = tolower(trim(substr($0, 1, RSTART - 1))); if (!(k in kv)) kv[k] = trim(substr($0, RSTART + RLENGTH)) } }
    END {
      name = kv["productname"]; if (name == "") name = "macOS"
      printf "s\tosName\t64\t%s\n", name
      if (kv["productversion"] != "") printf "s\tosVersion\t64\t%s\n", kv["productversion"]
    }'
}

# --- hardware, network services and drives: system_profiler -----------------------------------
# writes $TMP/mac.identity (serial), $TMP/mac.device (model, type), $TMP/mac.hardware,
# $TMP/mac.interfaces and $TMP/mac.addresses (MACs and addresses for the identity); returns 1
# when system_profiler said nothing usable (hardware and interfaces then stay as the server knew them)
collect_profiler() {
  system_profiler -json SPHardwareDataType SPNetworkDataType SPStorageDataType 2>/dev/null | awk "$FLATTEN_JSON" >"$TMP/profile" || return 1
  [ -s "$TMP/profile" ] || return 1
  awk -F '\t' -v dir="$TMP" "$AWK_LIB"'
    function mac(v) { v = tolower(trim(v)); gsub(/[:.-]/, "", v); return (length(v) == 12 && v !~ /[^0-9a-f]/) ? substr(v, 1, 2) ":" substr(v, 3, 2) ":" substr(v, 5, 2) ":" substr(v, 7, 2) ":" substr(v, 9, 2) ":" substr(v, 11, 2) : "" }
    # bytes as UTF-8 (LC_ALL=C): the Cyrillic unit letters, and the spaces that JavaScript trims
    BEGIN {
      split("208 154 1 208 186 1 208 156 2 208 188 2 208 147 3 208 179 3 208 162 4 209 130 4", c, " ")
      for (i = 1; i < 24; i += 3) power[sprintf("%c%c", c[i] + 0, c[i + 1] + 0)] = c[i + 2] + 0
      BE = sprintf("%c%c", 208, 145); be = sprintf("%c%c", 208, 177)
      split("194 160 225 154 128 226 128 168 226 128 169 226 128 175 226 129 159 227 128 128 239 187 191", c, " ")
      uspace[sprintf("%c%c", 194, 160)] = 1
      for (i = 3; i < 24; i += 3) uspace[sprintf("%c%c%c", c[i] + 0, c[i + 1] + 0, c[i + 2] + 0)] = 1
      for (i = 128; i <= 138; i++) uspace[sprintf("%c%c%c", 226, 128, i)] = 1
    }
    # trimmed of ASCII white space and of the Unicode spaces (no-break, thin, ideographic …)
    function utrim(v,    again) {
      for (again = 1; again; ) {
        again = 0; v = trim(v)
        if (substr(v, 1, 2) in uspace) { v = substr(v, 3); again = 1 } else if (substr(v, 1, 3) in uspace) { v = substr(v, 4); again = 1 }
        if (substr(v, length(v) - 1) in uspace) { v = substr(v, 1, length(v) - 2); again = 1 } else if (length(v) >= 3 && substr(v, length(v) - 2) in uspace) { v = substr(v, 1, length(v) - 3); again = 1 }
      }
      return v
    }
    # "16 GB" → bytes, as a Mac set to French ("16 Go") or Russian ("16 ГБ") says it too
    function bytes(v,    x, e, u) {
      v = utrim(v)
      if (substr(v, length(v)) ~ /^[BbOo]$/) v = substr(v, 1, length(v) - 1)
      else if (substr(v, length(v) - 1) == BE || substr(v, length(v) - 1) == be) v = substr(v, 1, length(v) - 2)
      else return -1
      u = toupper(substr(v, length(v))); e = u == "K" ? 1 : u == "M" ? 2 : u == "G" ? 3 : u == "T" ? 4 : 0
      if (e) v = substr(v, 1, length(v) - 1)
      else if ((u = substr(v, length(v) - 1)) in power) { e = power[u]; v = substr(v, 1, length(v) - 2) }
      else return -1
      x = utrim(v); if (x !~ /^[0-9.,]+$/) return -1
      sub(/,/, ".", x); if (x !~ /^[0-9]*\.?[0-9]*$/ || x == ".") return -1
      for (x += 0; e > 0; e--) x *= 1024
      return round(x)
    }
    # "2,3 GHz" → MHz (the decimal comma follows the Mac locale)
    function mhz(v,    x, u) { v = trim(v); if (!match(v, /^[0-9.,]+[ \t]*([Gg][Hh][Zz]|[Mm][Hh][Zz])$/)) return -1; u = tolower(substr(v, length(v) - 2)); x = v; sub(/[ \t]*[A-Za-z]+$/, "", x); sub(/,/, ".", x); if (x !~ /^[0-9]*\.?[0-9]*$/ || x == "" || x == ".") return -1; return round(u == "ghz" ? x * 1000 : x) }
    function virtual(v) {
      v = " " tolower(v) " "
      return v ~ /[^a-z0-9_](vmware|virtualbox|innotek|qemu|kvm|xen|hvm domu|virtual machine|bochs|parallels|amazon ec2|google compute engine|openstack|digitalocean|hyper-v)[^a-z0-9_]/ ||
        v ~ /[^a-z0-9_]standard pc \([a-z0-9_]/
    }
    # system_profiler leaves out a data type that crashed or passed its time-out
    $2 == "a" { if ($1 !~ /\./) answered[$1] = 1; next }
    {
      split($1, p, "."); key = $1; sub(/^[^.]*\.[0-9]+\./, "", key)
      if (p[1] == "SPHardwareDataType" && p[2] == "0") { hw[key] = $3; hwtype[key] = $2 }
      else if (p[1] == "SPNetworkDataType") {
        i = p[2] + 1; if (i > nets) nets = i
        if (key == "interface") ifname[i] = trim($3)
        else if (key == "_name") desc[i] = $3
        else if (key == "Ethernet.MAC Address") hwaddr[i] = mac($3)
        else if (key ~ /^IPv4\.Addresses\.[0-9]+$/) { v4[i] = 1; if (trim($3) != "") a4[i, ++n4[i]] = $3 }
        else if (key ~ /^IPv4\./) v4[i] = 1
        else if (key ~ /^ip_address\.[0-9]+$/) { if (trim($3) != "") aip[i, ++nip[i]] = $3 }
      } else if (p[1] == "SPStorageDataType") {
        i = p[2] + 1; if (i > vols) vols = i
        if (key == "physical_drive.device_name") drive[i] = trim($3)
        else if (key == "size_in_bytes" && $2 == "n") size[i] = $3
      }
    }
    END {
      # the machine: model as "MacBook Pro (MacBookPro18,3)", laptop or desktop by its name
      name = trim(hw["machine_name"]); model = trim(hw["machine_model"])
      full = name != "" && model != "" ? name " (" model ")" : name != "" ? name : model
      type = ""
      if (virtual(model) || virtual(name) || tolower(model) ~ /^vmware/) type = "virtual-machine"
      else if (tolower(name != "" ? name : model) ~ /book/) type = "laptop"
      else if (tolower(name != "" ? name : model) ~ /^(imac|mac ?mini|mac ?pro|mac ?studio|macmini|macpro|mac[0-9])/) type = "workstation"
      printf "" > (dir "/mac.identity"); printf "" > (dir "/mac.device"); printf "" > (dir "/mac.known")
      # without its data type a part is unknown, not empty: it stays as the server knew it
      if (("SPHardwareDataType" in answered) && ("SPStorageDataType" in answered)) print "hardware" > (dir "/mac.known")
      if ("SPNetworkDataType" in answered) print "interfaces" > (dir "/mac.known")
      if (trim(hw["serial_number"]) != "") printf "s\tserial\t128\t%s\n", hw["serial_number"] > (dir "/mac.identity")
      if (full != "") printf "s\tmodel\t255\t%s\n", full > (dir "/mac.device")
      if (type != "") printf "s\ttype\t32\t%s\n", type > (dir "/mac.device")

      # Apple silicon: chip_type and "proc 10:8:2" (total:performance:efficiency); Intel: cpu_type and a count
      hwout = dir "/mac.hardware"; printf "" > hwout
      cpu = ("chip_type" in hw) ? hw["chip_type"] : hw["cpu_type"]
      procs = -1
      if (hwtype["number_processors"] == "s") { if (match(hw["number_processors"], /^proc [0-9]+/)) procs = substr(hw["number_processors"], 6, RLENGTH - 5) + 0 }
      else if (hwtype["number_processors"] == "n") procs = num(hw["number_processors"])
      if (trim(cpu) != "") {
        printf "{\t\ns\tkind\t8\tcpu\ns\tname\t255\t%s\ns\tmanufacturer\t128\t%s\n", cpu, (tolower(cpu) ~ /intel/ ? "Intel" : "Apple") > hwout
        if (procs > 0) printf "n\tcores\t%d\n", procs > hwout
        if (mhz(hw["current_processor_speed"]) > 0) printf "n\tspeedMhz\t%d\n", mhz(hw["current_processor_speed"]) > hwout
        printf "s\tslot\t64\tsocket 0\n}\n" > hwout
      }
      if (bytes(hw["physical_memory"]) > 0) printf "{\t\ns\tkind\t8\tmemory\ns\tname\t255\ttotal memory\nn\tcapacityBytes\t%.0f\n}\n", bytes(hw["physical_memory"]) > hwout
      # one disk per physical drive; its size is the largest volume (the APFS container) on it
      for (i = 1; i <= vols; i++) {
        d = drive[i]; if (d == "") continue
        if (!(d in dsize)) { if (++ndisks > 256) break; dname[ndisks] = d; dsize[d] = -1 }
        if (num(size[i]) > dsize[d]) dsize[d] = num(size[i])
      }
      for (i = 1; i <= ndisks && i <= 256; i++) {
        printf "{\t\ns\tkind\t8\tdisk\ns\tname\t128\t%s\ns\tmodel\t128\t%s\n", dname[i], dname[i] > hwout
        if (dsize[dname[i]] > 0) printf "n\tcapacityBytes\t%.0f\n", dsize[dname[i]] > hwout
        printf "}\n" > hwout
      }

      # network services that name their interface (en0 …), with their IPv4 addresses
      ifout = dir "/mac.interfaces"; idout = dir "/mac.addresses"; printf "" > ifout
      printf "[\tmacs\n" > idout
      for (i = 1; i <= nets; i++) {
        if (ifname[i] == "" || ++nifs > 4096) continue
        printf "{\t\ns\tname\t64\t%s\n", ifname[i] > ifout
        if (trim(desc[i]) != "") printf "s\tdescription\t255\t%s\n", desc[i] > ifout
        if (hwaddr[i] != "") printf "s\tmac\t17\t%s\n", hwaddr[i] > ifout
        printf "[\taddresses\n" > ifout
        count = v4[i] ? n4[i] : nip[i]
        for (j = 1; j <= count && j <= 64; j++) {
          a = trim(v4[i] ? a4[i, j] : aip[i, j]); addrs[i, j] = a
          printf "s\t\t64\t%s\n", a > ifout
        }
        naddrs[i] = count > 64 ? 64 : count
        printf "]\n}\n" > ifout
        if (hwaddr[i] != "" && !(hwaddr[i] in seenmac)) { seenmac[hwaddr[i]] = 1; printf "s\t\t17\t%s\n", hwaddr[i] > idout }
      }
      printf "]\n[\taddresses\n" > idout
      for (i = 1; i <= nets; i++) if (ifname[i] != "") for (j = 1; j <= naddrs[i]; j++) if (addrs[i, j] != "" && !(addrs[i, j] in seenip)) { seenip[addrs[i, j]] = 1; printf "s\t\t64\t%s\n", addrs[i, j] > idout }
      printf "]\n" > idout
    }' "$TMP/profile"
}

# --- software: applications (bundle versions) and installer receipts (pkgutil) ---------------
collect_software() {
  for a in "$APPLICATIONS"/*.app "$APPLICATIONS"/*/*.app; do
    [ -d "$a" ] || continue
    printf '%s\t%s\t%s\n' "$a" "$(defaults read "$a/Contents/Info" CFBundleShortVersionString 2>/dev/null)" "$(defaults read "$a/Contents/Info" CFBundleIdentifier 2>/dev/null)"
  done >"$TMP/apps"
  for p in $(pkgutil --pkgs 2>/dev/null | grep -v '^com\.apple\.'); do pkgutil --pkg-info "$p" 2>/dev/null; echo; done >"$TMP/receipts"
  awk -v receipts="$TMP/receipts" -v now="$NOW" "$AWK_LIB"'
    function ymd(t,    z, era, doe, yoe, y, doy, mp, d, m) {
      z = int(t / 86400) + 719468; era = int(z / 146097); doe = z - era * 146097
      yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
      d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9
      return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
    }
    # an install time that cannot be one (a receipt written with a broken clock, after now) is no date
    function day(t) { t = num(t); return t >= 315532800 && (now !~ /^[0-9]+$/ || t <= now + 86400) ? ymd(t) : "" }
    function pkg(name, version, date) {
      if (++count > 20000) return
      printf "{\t\ns\tname\t255\t%s\n", name
      if (version != "") printf "s\tversion\t128\t%s\n", version
      if (date != "") printf "s\tinstallDate\t10\t%s\n", date
      printf "}\n"
    }
    function receipt(    id) {
      id = trim(kv["package-id"])
      if (id != "" && !(id in bundles) && ++nreceipts <= 20000) pkg(id, kv["version"], day(kv["install-time"]))
      split("", kv)
    }
    BEGIN { print "[\tsoftware" }
    # "/Applications/Microsoft Word.app<TAB>16.84<TAB>com.microsoft.Word": the name is the bundle name
    {
      split($0, f, "\t"); app = trim(f[1])
      if (app !~ /\.app$/) next
      sub(/\.app$/, "", app); sub(/.*\//, "", app)
      if (trim(app) == "" || ++napps > 20000) next
      if (trim(f[3]) != "") bundles[trim(f[3])] = 1
      pkg(app, f[2], "")
    }
    END {
      # a receipt for an application listed already (com.microsoft.Word) would count it twice
      while ((getline line < receipts) > 0) {
        if (trim(line) == "") { receipt(); continue }
        if (match(line, /[ \t]*:[ \t]*/) > 1) { k = tolower(trim(substr(line, 1, RSTART - 1))); if (!(k in kv)) kv[k] = trim(substr(line, RSTART + RLENGTH)) }
      }
      receipt()
      print "]"
    }' "$TMP/apps"
}

# --- the report -----------------------------------------------------------------------------
# A part the Mac could not tell is left out of the report, not sent empty: the server then keeps
# what it knew of it. LEFT_OUT names each such part for the log.
LEFT_OUT=''
left_out() { LEFT_OUT=${LEFT_OUT:+$LEFT_OUT; }$1; }
NOW=$(date -u +%s 2>/dev/null)
profile_ok=0
collect_profiler && profile_ok=1
hardware_ok=0
interfaces_ok=0
if [ $profile_ok -eq 1 ]; then
  if grep -qx hardware "$TMP/mac.known"; then hardware_ok=1; else left_out 'hardware (system_profiler did not answer for hardware or storage)'; fi
  if grep -qx interfaces "$TMP/mac.known"; then interfaces_ok=1; else left_out 'interfaces (system_profiler did not answer for the network)'; fi
else
  left_out 'hardware and interfaces (system_profiler did not answer)'
fi

{
  printf '{\t\n'
  printf '{\tagent\n'; s name 64 "$AGENT_NAME"; s version 32 "$AGENT_VERSION"; printf '}\n'
  s collectedAt 40 "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '{\tidentity\n'
  collect_hostname
  if [ $profile_ok -eq 1 ]; then cat "$TMP/mac.identity" "$TMP/mac.addresses"; else printf '[\tmacs\n]\n[\taddresses\n]\n'; fi
  if ! { [ $profile_ok -eq 1 ] && grep -q "$(printf '^s\tserial\t')" "$TMP/mac.identity"; }; then
    serial=$(ioreg_serial); [ -z "$serial" ] || s serial 128 "$serial"
  fi
  printf '}\n'
  printf '{\tdevice\n'
  [ $profile_ok -eq 0 ] || cat "$TMP/mac.device"
  s platform 16 macos
  s osFamily 32 macos
  s vendor 255 Apple
  collect_os
  printf '}\n'
  [ $hardware_ok -eq 0 ] || { printf '[\thardware\n'; cat "$TMP/mac.hardware"; printf ']\n'; }
  [ $interfaces_ok -eq 0 ] || { printf '[\tinterfaces\n'; cat "$TMP/mac.interfaces"; printf ']\n'; }
  collect_software
  printf '}\n'
} >"$TMP/facts" || die $EX_COLLECT "could not collect the inventory"

awk "$JSON_WRITER" "$TMP/facts" >"$TMP/report.json" || die $EX_COLLECT "could not write the report as JSON (awk failed)"
# even with --quiet: the same Mac without its hardware at every run is worth an admin's look
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
