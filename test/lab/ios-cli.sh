#!/bin/sh
# The device lab's Cisco IOS CLI: sshd's ForceCommand for an emulated router. Over an exec
# channel it answers the one command and exits; in an interactive shell it shows a privileged
# prompt, pages long output with --More-- until told `terminal length 0`, and answers commands
# it does not know the way IOS does. Answers come from the fixture files beside it (ios/*.txt).
DIR=$(dirname "$0")
NAME=$(cat "$DIR/hostname")
PROMPT="$NAME#"
PAGE=24

# "sh  ver" → "sh ver"
normalize() { printf '%s' "$1" | tr -d '\r' | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }

fixture() {
  case "$1" in
    "show version"|"show ver"|"sh version"|"sh ver") echo show-version ;;
    "show inventory"|"show inv"|"sh inventory"|"sh inv") echo show-inventory ;;
    "show running-config"|"show run"|"sh running-config"|"sh run") echo show-running-config ;;
    "show interfaces"|"show int"|"sh interfaces"|"sh int") echo show-interfaces ;;
  esac
}

invalid() { # $1: how far in the caret goes
  printf "%*s^\n%% Invalid input detected at '^' marker.\n\n" "$1" ''
}

# print a file, a page at a time, waiting for a key at --More-- as IOS does (the terminal is fd 3)
paged() {
  if [ "$PAGE" -eq 0 ]; then cat "$1"; return; fi
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line"
    n=$((n + 1))
    if [ "$n" -ge $((PAGE - 1)) ]; then
      # the key must not echo, even when it comes back faster than stty runs
      old=$(stty -g <&3)
      stty -icanon -echo min 1 <&3
      printf ' --More-- '
      key=$(dd bs=1 count=1 2>/dev/null <&3)
      stty "$old" <&3
      printf '\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b'
      case "$key" in q|Q) return ;; esac
      n=0
    fi
  done < "$1"
}

if [ -n "${SSH_ORIGINAL_COMMAND+set}" ]; then
  cmd=$(normalize "$SSH_ORIGINAL_COMMAND")
  case "$cmd" in
    "terminal length "*) exit 0 ;;
  esac
  f=$(fixture "$cmd")
  if [ -n "$f" ]; then cat "$DIR/ios/$f.txt"; exit 0; fi
  printf '\n%s\n' "$cmd"
  invalid 0
  exit 0
fi

exec 3<&0
printf '\n%s' "$PROMPT"
while IFS= read -r line; do
  cmd=$(normalize "$line")
  case "$cmd" in
    "") ;;
    exit|quit|logout) exit 0 ;;
    "terminal length "*)
      n=${cmd#terminal length }
      case "$n" in ''|*[!0-9]*) invalid $((${#PROMPT} + 16)) ;; *) PAGE=$n ;; esac
      ;;
    *)
      f=$(fixture "$cmd")
      if [ -n "$f" ]; then paged "$DIR/ios/$f.txt"; else invalid ${#PROMPT}; fi
      ;;
  esac
  printf '%s' "$PROMPT"
done
