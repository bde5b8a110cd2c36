#!/bin/sh
# The device lab's Linux host: its machine, and sshd's sessions in it, run as the lab user. Many
# lab hosts share this machine, so each host's machine is new user, mount, UTS, network and PID
# namespaces holding the host's own files (hostname, machine-id, os-release, dpkg database, apt
# sources, DMI) and an interface carrying the host's MAC. Nothing outside the namespaces changes,
# and they vanish with the machine.
#
#   session.sh --machine   (the lab, at the host's start) makes the machine, prints "ready", and
#                          lives until its standard input closes (the lab stops the host, or the
#                          process that started it is gone); test/lab/sshd.ts keeps its PID in
#                          machine.pid
#   session.sh             (sshd's ForceCommand) one session: it enters the machine's namespaces,
#                          takes a PID namespace and /proc of its own, and runs the client's
#                          command, or a login shell, as the lab user again (the command runs as
#                          PID 1 of its PID namespace, so its children go with it)
#
# The machine is made once rather than for every session, as a real host's kernel state outlives
# its SSH sessions: setting it all up cost ~25 processes, 0.14 s per session on this machine, and a
# collection opens ten sessions.
#
# The host's files sit beside this script (written by test/lab/sshd.ts, which also puts
# test/lab/lab-net.sh in place of its #@include line):
#   hostname  macs  addresses  etc/{hostname,machine-id,os-release,sshd_config}  dpkg/  apt/  dmi/
#   and, for a host with a login script or a login shell of its own, bashrc and shell
set -eu
HOST_DIR=$(dirname "$0")

fail() { echo "lab session: $*" >&2; exit 1; }

case "${1:-}" in
--machine)
  # user namespace first: it is what lets an unprivileged user own the other namespaces
  exec unshare --user --map-root-user --mount --uts --net --pid --fork --kill-child --mount-proc \
    -- /bin/sh "$0" --machine-inside
  ;;
--machine-inside) ;;
*)
  # --- a session: the machine's namespaces, then a PID namespace and /proc of its own ---------
  pid=''
  [ ! -f "$HOST_DIR/machine.pid" ] || read -r pid < "$HOST_DIR/machine.pid"
  case "$pid" in '' | *[!0-9]*) fail "the lab host in $HOST_DIR is not running" ;; esac
  [ -e "/proc/$pid/ns/user" ] && ! [ "/proc/$pid/ns/user" -ef /proc/self/ns/user ] || fail "the lab host in $HOST_DIR is not running"
  # the lab user's own ids, to be again inside (builtins: no process for them)
  uid='' gid=''
  while read -r key id _; do
    case "$key" in Uid:) uid=$id ;; Gid:) gid=$id ;; esac
  done < /proc/self/status
  # the host's own login shell for the lab user, where it has one (fish, say)
  [ ! -f "$HOST_DIR/shell" ] || read -r SHELL < "$HOST_DIR/shell"
  set -- "${SHELL:-/bin/sh}" -l
  [ -z "${SSH_ORIGINAL_COMMAND+set}" ] || set -- "${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"
  # entering the machine's user namespace (which the lab user owns) gives root there, and its
  # credentials stay the lab user's; back to the lab user in a user namespace of its own, in the
  # home directory (nsenter leaves the session in the machine's /). The inner shell's name is
  # this script's path, so the session's unshare still names the host's directory (the lab
  # stops a host's sessions by it)
  # shellcheck disable=SC2016
  exec nsenter --target "$pid" --user --mount --uts --net --preserve-credentials -- \
    unshare --pid --fork --kill-child --mount-proc -- \
    /bin/sh -c 'uid=$1 gid=$2; shift 2; cd "${HOME:-/}" 2>/dev/null || cd /; exec unshare --user --map-user="$uid" --map-group="$gid" -- "$@"' \
    "$0" "$uid" "$gid" "$@"
  ;;
esac

# --- the machine ------------------------------------------------------------------------------

# --- identity files -----------------------------------------------------------------------
read -r name < "$HOST_DIR/hostname"
hostname "$name"
mount --bind "$HOST_DIR/etc/hostname" /etc/hostname
mount --bind "$HOST_DIR/etc/machine-id" /etc/machine-id
# Debian's /etc/os-release is a link to /usr/lib/os-release; cover both cases
mount --bind "$HOST_DIR/etc/os-release" /usr/lib/os-release
[ -L /etc/os-release ] || mount --bind "$HOST_DIR/etc/os-release" /etc/os-release
# the host's own sshd_config, for configuration backups (the lab's sshd reads its own file, and
# this machine's real one is only covered, in this namespace)
[ ! -f /etc/ssh/sshd_config ] || mount --bind "$HOST_DIR/etc/sshd_config" /etc/ssh/sshd_config

# --- packages: this host's own dpkg status; the file lists (info/) are shared read-only -----
# (a link instead of a directory: the host reads this machine's own database, see sharedDpkg)
if [ ! -L "$HOST_DIR/dpkg" ]; then
  mount --bind /var/lib/dpkg/info "$HOST_DIR/dpkg/info"
  mount --rbind "$HOST_DIR/dpkg" /var/lib/dpkg
fi
mount --bind "$HOST_DIR/apt" /etc/apt

# --- network: lo, and one veth per MAC whose far ends live in a holder namespace ----------
# /sys shows the network namespace it was mounted in: remount it for this one when allowed
mount -t sysfs sysfs /sys 2>/dev/null || true
#@include lab-net.sh
lab_network "$HOST_DIR/macs" "$HOST_DIR/addresses"

# --- DMI: where the machine has it, each host shows its own (else all would share a serial) --
if [ -d /sys/class/dmi/id ]; then
  mount -t tmpfs -o size=64k,mode=0755 lab-dmi /sys/class/dmi/id
  cp "$HOST_DIR"/dmi/* /sys/class/dmi/id/
  # as on a real machine, only root may read these two
  chmod 000 /sys/class/dmi/id/product_serial /sys/class/dmi/id/product_uuid
fi

# --- a login script of the host's own, where it has one: ~/.bashrc, which Debian's bash reads
# even for a command run over SSH (what it prints lands before the command's own output) ------
if [ -f "$HOST_DIR/bashrc" ]; then
  [ -e "$HOME/.bashrc" ] || : > "$HOME/.bashrc"
  mount --bind "$HOST_DIR/bashrc" "$HOME/.bashrc"
fi

echo ready
# until the lab closes its end of standard input (at the host's stop, or gone with its process):
# then this, PID 1 of the machine's PID namespace, ends, and everything in the machine with it
read -r _ || true
