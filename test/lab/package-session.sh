#!/bin/sh
# The device lab's package host: its machine, and sshd's sessions in it. sshd's ForceCommand runs
# this script as real root through a sudoers rule that names only it (test/lab/package-host.ts
# installs both). Unlike ssh-session.sh it enters no user namespace, so `sudo apt-get install`
# inside really installs: the host's root is built by package-host.ts under
# /run/teknisi-lab/NAME/root from overlays whose upper layers live on that host's tmpfs (the real
# /usr, /etc, /var, ... are only ever read).
#
#   package-session NAME --machine   (root, at the host's start) the host's machine: new mount,
#                                    UTS, network, IPC and PID namespaces, its hostname and
#                                    interfaces, the root with its own /proc, /sys (read-only),
#                                    /dev, /tmp and /run, pivoted into; prints "ready", then lives
#                                    until its standard input closes (the lab stops the host, or
#                                    the process that started it is gone). package-host.ts keeps
#                                    its PID in /run/teknisi-lab/NAME/machine.pid.
#   package-session NAME             (sshd, through sudo, which keeps SSH_ORIGINAL_COMMAND for it;
#                                    other arguments are ignored) one session: it enters the
#                                    machine's namespaces and root, then a PID namespace and /proc
#                                    of its own, and drops to the lab user with a bounding set that
#                                    keeps what dpkg and apt need and none of what could reach the
#                                    real machine (no CAP_SYS_ADMIN to undo the mounts,
#                                    no CAP_MKNOD/CAP_SYS_RAWIO for disks, no CAP_DAC_READ_SEARCH
#                                    for open_by_handle_at, no module loading). The command runs as
#                                    PID 1 of its PID namespace: everything it started goes with it.
#
# The machine is built once rather than for every session, as a real host's kernel state outlives
# its SSH sessions (its /tmp and /run are shared by them): the session's mounts, links and
# interfaces cost ~50 processes, 0.44 s per session on this machine, and a collection opens ten.
# The host's files: /run/teknisi-lab/NAME/{root/,machine.pid,files/{hostname,macs,addresses,user,home,gid,dmi/}}
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "lab package session: $*" >&2; exit 1; }

name=${1:-}
case "$name" in '' | *[!a-z0-9-]*) fail "bad host name '$name'" ;; esac
H=/run/teknisi-lab/$name
R=$H/root
[ -d "$R/usr/bin" ] || fail "no package host $name"

if [ "${2:-}" != --machine ]; then
  # --- a session ----------------------------------------------------------------------------
  # the machine, if it runs: its PID from a file only root can write, and namespaces that are not
  # this machine's (a PID reused by another process would be entered as the real machine)
  pid=''
  [ ! -f "$H/machine.pid" ] || read -r pid < "$H/machine.pid"
  case "$pid" in '' | *[!0-9]*) fail "package host $name is not running" ;; esac
  [ -e "/proc/$pid/ns/mnt" ] && ! [ "/proc/$pid/ns/mnt" -ef /proc/self/ns/mnt ] && ! [ "/proc/$pid/ns/net" -ef /proc/self/ns/net ] \
    || fail "package host $name is not running"
  read -r user < "$H/files/user"
  read -r home < "$H/files/home"
  read -r gid < "$H/files/gid"
  # the host's language, as pam_env gives a session the LANG of its /etc/default/locale
  lang=C.UTF-8
  [ ! -f "$H/files/lang" ] || read -r lang < "$H/files/lang"
  case "$lang" in *[!A-Za-z0-9_.-]*) fail "bad language '$lang'" ;; esac
  # inside the machine's root: first a working directory there (nsenter keeps this one, outside
  # it), then this session's own /proc, /proc/sys read-only (root may write sysctls by file mode
  # alone) and no sysrq trigger, then the lab user as sshd would have started it. The inner
  # shell is named after the host, so that the session's unshare names it (the lab stops a
  # host's sessions by it)
  # shellcheck disable=SC2016
  exec nsenter --target "$pid" --mount --uts --net --ipc --root -- unshare --mount --pid --fork --kill-child -- /bin/sh -c '
    set -eu
    cd /
    mount -t proc -o nosuid,nodev,noexec proc /proc
    mount --bind /proc/sys /proc/sys
    mount -o remount,bind,ro /proc/sys
    [ ! -e /proc/sysrq-trigger ] || mount --bind /dev/null /proc/sysrq-trigger
    user=$1 home=$2 gid=$3 lang=$4
    cd "$home" 2>/dev/null || cd /
    set -- env -i HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash TERM="${TERM:-dumb}" LANG="$lang" \
      PATH=/usr/local/bin:/usr/bin:/bin:/usr/games \
      ${SSH_CONNECTION:+SSH_CONNECTION="$SSH_CONNECTION"} ${SSH_CLIENT:+SSH_CLIENT="$SSH_CLIENT"} \
      setpriv --reuid="$user" --regid="$gid" --init-groups \
      --bounding-set=-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+net_raw,+sys_chroot,+audit_write,+setfcap \
      --
    if [ -n "${SSH_ORIGINAL_COMMAND+set}" ]; then
      exec "$@" /bin/bash -c "$SSH_ORIGINAL_COMMAND"
    fi
    exec "$@" /bin/bash -l
  ' "package-session $name" "$user" "$home" "$gid" "$lang"
fi

# --- the machine --------------------------------------------------------------------------------
# Its setup runs as PID 1 of the new PID namespace, and nothing else does: sudo lets the lab user
# pass any arguments, and a setup run in the real namespaces would mount over this machine's /proc
# and pivot its root. Only root can make a PID namespace without a user namespace (in which sudo
# would not be root), so PID 1 here means unshare below made it. The lab user starting a second
# machine of a host (through sudo) gets only that: new namespaces, and sessions keep the first.
if [ "$$" -ne 1 ]; then
  exec unshare --mount --uts --net --ipc --pid --fork --kill-child -- /bin/sh "$0" "$name" --machine
fi

# this PID namespace's own /proc, before anything reads a PID of it there
mount -t proc -o nosuid,nodev,noexec proc /proc

# --- identity and network, before leaving the real root --------------------------------------
read -r host < "$H/files/hostname"
hostname "$host"
#@include lab-net.sh
lab_network "$H/files/macs" "$H/files/addresses"

# --- the host's root, with the machine's own kernel file systems -----------------------------
mount --rbind "$R" "$R" # pivot_root wants a mount point; r: with the overlays on it
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
# root may write sysctls and the sysrq trigger by file mode alone: make both read-only here
mount --bind "$R/proc/sys" "$R/proc/sys"
mount -o remount,bind,ro "$R/proc/sys"
[ ! -e "$R/proc/sysrq-trigger" ] || mount --bind /dev/null "$R/proc/sysrq-trigger"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
if [ ! -d "$R/sys/class/dmi/id" ]; then
  # this machine has no DMI (a VM without SMBIOS, an ARM board), the host has: its /sys/class
  # becomes a read-only tmpfs holding this machine's classes, each bound back, and a dmi/id
  real=$(mktemp -d)
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$real"
  mount -t tmpfs -o size=64k,mode=0755 lab-class "$R/sys/class"
  for c in "$real"/class/*; do
    mkdir "$R/sys/class/${c##*/}"
    mount --bind "$c" "$R/sys/class/${c##*/}"
  done
  mkdir -p "$R/sys/class/dmi/id"
  mount -o remount,ro,bind "$R/sys/class"
  umount -l "$real"
  rmdir "$real"
fi
if [ -d "$R/sys/class/dmi/id" ]; then
  mount -t tmpfs -o size=64k,mode=0755 lab-dmi "$R/sys/class/dmi/id"
  cp "$H"/files/dmi/* "$R/sys/class/dmi/id/"
  chmod 000 "$R/sys/class/dmi/id/product_serial" "$R/sys/class/dmi/id/product_uuid"
fi
# /dev: the harmless character devices only (never a disk), and a devpts of its own
mount -t tmpfs -o size=64k,mode=0755,nosuid lab-dev "$R/dev"
for d in null zero full random urandom tty; do
  : > "$R/dev/$d"
  mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec lab-devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777,nosuid,nodev lab-shm "$R/dev/shm"
mount -t tmpfs -o mode=1777,nosuid,nodev lab-tmp "$R/tmp"
mount -t tmpfs -o mode=0755,nosuid,nodev lab-run "$R/run"
mkdir -m 1777 "$R/run/lock"

cd "$R"
pivot_root . .
umount -l .
cd /
echo ready
# until the lab closes its end of standard input (at the host's stop, or gone with its process):
# then this, PID 1 of the machine's PID namespace, ends, and everything in the machine with it
read -r _ || true
