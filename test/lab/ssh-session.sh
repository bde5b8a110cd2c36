#!/bin/sh
# The device lab's Linux host session: sshd's ForceCommand, run as the lab user. Many lab hosts
# share this machine, so each session enters new user, mount, UTS, network and PID namespaces,
# puts the host's own files in place (hostname, machine-id, os-release, dpkg database, apt
# sources, DMI), gives it an interface carrying the host's MAC, and only then runs the
# client's command, or a login shell, as the lab user again. Nothing outside the namespaces
# changes; everything vanishes when the session ends (the command runs as PID 1 of its own PID
# namespace, so its children go with it).
#
# The host's files sit beside this script (written by test/lab/sshd.ts, which also puts
# test/lab/lab-net.sh in place of its #@include line):
#   hostname  macs  addresses  etc/{hostname,machine-id,os-release,sshd_config}  dpkg/  apt/  dmi/
#   and, for a host with a login script or a login shell of its own, bashrc and shell
set -eu
HOST_DIR=$(dirname "$0")

if [ "${1:-}" != --inside ]; then
  # user namespace first: it is what lets an unprivileged user own the other namespaces
  exec unshare --user --map-root-user --mount --uts --net --pid --fork --kill-child --mount-proc \
    -- /bin/sh "$0" --inside
fi

fail() { echo "lab session: $*" >&2; exit 1; }

# This runs for every SSH session, so it spawns as few processes as it can (builtins, few ip).

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

# --- the host's own login shell for the lab user, where it has one (fish, say) -------------
[ ! -f "$HOST_DIR/shell" ] || read -r SHELL < "$HOST_DIR/shell"

# --- back to the lab user, in a user namespace of its own, and run the client's command -----
read -r _ LAB_UID _ < /proc/self/uid_map
read -r _ LAB_GID _ < /proc/self/gid_map
cd "${HOME:-/}" 2>/dev/null || cd /
if [ -n "${SSH_ORIGINAL_COMMAND+set}" ]; then
  exec unshare --user --map-user="$LAB_UID" --map-group="$LAB_GID" -- "${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"
fi
exec unshare --user --map-user="$LAB_UID" --map-group="$LAB_GID" -- "${SHELL:-/bin/sh}" -l
