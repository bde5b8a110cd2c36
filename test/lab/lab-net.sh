# The network of a lab host's session, for ssh-session.sh and package-session.sh: the lab puts
# this file in place of their `#@include lab-net.sh` line when it installs them (labScript() in
# test/lab/paths.ts), so each installed script stands alone (package-session runs as root
# through sudo, and must read nothing a lab user could change).
#
#   lab_network MACS ADDRESSES    one veth per MAC in the file MACS (eth0, eth1, …; their far
#                                 ends in a holder namespace, so that they are up), the
#                                 addresses in ADDRESSES on eth0, lo up; needs fail()

lab_network() {
  unshare --net sleep 2147483647 &
  HOLDER=$!
  tries=0
  while [ "/proc/$HOLDER/ns/net" -ef /proc/self/ns/net ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 2000 ] || sleep 0.01
    [ "$tries" -lt 3000 ] || fail "the veth holder namespace did not appear"
  done
  n=0
  links=''
  peers=''
  while read -r mac; do
    [ -n "$mac" ] || continue
    links="${links}link add eth$n address $mac type veth peer name eth$n netns $HOLDER
link set eth$n up
"
    peers="${peers}link set eth$n up
"
    n=$((n + 1))
  done < "$1"
  while read -r addr; do
    [ -n "$addr" ] && links="${links}addr add $addr dev eth0
"
  done < "$2"
  printf 'link set lo up\n%s' "$links" | ip -batch -
  [ -z "$peers" ] || printf '%s' "$peers" | nsenter --net="/proc/$HOLDER/ns/net" ip -batch -
  # a veth reads UP only once the kernel's link watch has seen both ends up, a moment later: on a
  # loaded machine a collector's `ip -j addr` read eth0 as down. Wait for it, up to 3 s
  tries=0
  while [ "$n" -gt 0 ] && [ "$(ip -o link show up | grep -c 'state UP')" -lt "$n" ] && [ "$tries" -lt 300 ]; do
    tries=$((tries + 1))
    sleep 0.01
  done
}
