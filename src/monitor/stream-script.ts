/**
 * The one shell loop run on the host per streamed attempt: it polls the metrics file, the
 * attempt's log and the generations file and writes every new byte range as a frame (see frame-decoder.ts). A fixed
 * script; paths and offsets arrive as positional parameters, never spliced into the text.
 * `head -c` is not POSIX but is in GNU coreutils, BusyBox and the BSDs.
 *
 * The loop never outlives its channel for long: every write fails (EPIPE, or SIGPIPE ends the
 * shell) once sshd has closed the channel, and a heartbeat is written at least once a second
 * while idle, so an idle loop notices too. A channel that sshd still believes open (the client
 * vanished behind a cut) is ended by the client's next pass: each pass writes its pid to the
 * lease file (one per streaming workstation and attempt), and a loop whose lease names another
 * pid exits at its next poll.
 *
 * $1 poll interval (s)  $2 follow|once  $3 metrics path  $4 its offset  $5 log path
 * $6 its offset  $7 max bytes per frame  $8 idle polls between heartbeats  $9 lease file
 * $10 generations path  $11 its offset
 */
export const streamScript = `
iv=$1 mode=$2 mp=$3 mo=$4 lp=$5 lo=$6 max=$7 beats=$8 lease=$9 gp=\${10} go=\${11}
mkdir -p "\${lease%/*}" 2>/dev/null
{ echo $$ > "$lease"; } 2>/dev/null || lease=
owned() {
  [ -n "$lease" ] || return 0
  owner=
  { read -r owner < "$lease"; } 2>/dev/null
  [ -z "$owner" ] || [ "$owner" = $$ ]
}
send() {
  got=0
  [ -f "$2" ] && [ ! -L "$2" ] || return 0
  size=$(wc -c < "$2") || return 0
  size=$((size + 0))
  if [ "$size" -lt "$3" ]; then printf 'T %s %s\\n' "$1" "$size" || exit 0; return 0; fi
  n=$((size - $3))
  [ "$n" -gt "$max" ] && n=$max
  [ "$n" -gt 0 ] || return 0
  printf 'F %s %s %s\\n' "$1" "$3" "$n" || exit 0
  tail -c +$(($3 + 1)) "$2" | head -c "$n" || exit 0
  got=$n
}
idle=0
while owned; do
  send m "$mp" "$mo"; mo=$((mo + got)); g=$got
  send l "$lp" "$lo"; lo=$((lo + got)); g=$((g + got))
  send g "$gp" "$go"; go=$((go + got)); g=$((g + got))
  if [ "$g" -eq 0 ]; then
    if [ "$mode" = once ]; then printf 'E\\n'; exit 0; fi
    idle=$((idle + 1))
    if [ "$idle" -ge "$beats" ]; then printf 'H\\n' || exit 0; idle=0; fi
    sleep "$iv" 2>/dev/null || sleep 1
  fi
done
`;
