#!/usr/bin/env bash
# Sharded runs on a real Slurm (README "Sharded runs on a cluster"): starts
# munged, slurmctld and slurmd on localhost with a generated configuration in
# a temp dir, submits a 4-shard array and its merge job with submit.sh, and
# compares the result with one `rwdgate run` of the same export: same files,
# same bytes, one final state per input. Then one shard's job is killed
# mid-run, its index resubmitted, and the result is the same again. The key
# must never appear in a job's argv or environment. The daemons are stopped
# by PID. Exit 77 (skipped) only when the daemons cannot be started.
#   slurm_e2e_test.sh RWDGATE RWDGATE-SYNTH SOURCE-DIR
set -euo pipefail
rwdgate=$1 synth=$2 src=$3
profile="$src/profiles/basic.yaml"
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
for t in munged mungekey slurmctld slurmd sbatch squeue scancel scontrol sinfo sqlite3; do
  command -v "$t" >/dev/null || skip "$t is not installed (scripts/install-deps.sh installs slurm-wlm, munge)"
done

tmp=$(mktemp -d --tmpdir=/tmp)
chmod 755 "$tmp"
cleanup() {
  for d in slurmd slurmctld munged; do
    [ -s "$tmp/$d.pid" ] && kill "$(cat "$tmp/$d.pid")" 2>/dev/null || true
  done
  sleep 0.3
  if [ -n "${RWD_KEEP_TEST_DIRS:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Two free loopback ports, not Slurm's defaults (6817/6818).
free_port() {
  local p
  for p in $(seq "$1" "$(($1 + 400))"); do
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  return 1
}
ctld_port=$(free_port $((20000 + $$ % 20000)))
slurmd_port=$(free_port $((ctld_port + 1)))

# munge: our own key, socket, pid, log and seed.
mungekey -c -k "$tmp/munge.key" >/dev/null 2>&1 || dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge.key"
munged -f --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" || skip "munged does not start (see $tmp/munged.log)"

mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=rwdtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
SlurmUser=$(id -un)
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=2
MinJobAge=600
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=rwd Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -i >/dev/null 2>&1 || skip "slurmctld does not start (see $tmp/slurmctld.log)"
slurmd -N localhost >/dev/null 2>&1 || skip "slurmd does not start (see $tmp/slurmd.log)"
for _ in $(seq 100); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || skip "the local Slurm node did not come up (see $tmp/slurmd.log)"
echo "local Slurm up: slurmctld :$ctld_port, slurmd :$slurmd_port"

# The export and the reference: one run.
"$synth" --out "$tmp/export" --patients 8 --ct-slices 24 --mr-slices 12 >/dev/null
key="$tmp/project.key"
"$rwdgate" run --quiet --profile "$profile" --input "$tmp/export" --output "$tmp/single-out" \
  --workdir "$tmp/single-work" --key "$key"
key_hex=$(tr -d '\n' < "$key")
[ ${#key_hex} -ge 32 ] || fail "unexpected key file"

job_state() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '; }
wait_jobs() {  # until none of the jobs is pending or running (60 s)
  for _ in $(seq 300); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 0.2
  done
  fail "jobs $1 still queued after 60 s: $(squeue -j "$1")"
}
submit() {  # WORKDIR OUTPUT PLAN RWDGATE [submit.sh options]: sets $array and $merge
  local out
  out=$(bash "$src/scripts/slurm/submit.sh" "$3" --profile "$profile" --output "$2" --workdir "$1" --key "$key" \
    --rwdgate "$4" --cpus 1 --throttle 4 "${@:5}")
  echo "$out"
  array=$(echo "$out" | sed -n 's/^shards: job \([0-9]*\).*/\1/p')
  merge=$(echo "$out" | sed -n 's/^merge: job \([0-9]*\).*/\1/p')
  [ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
}
same_as_single() {  # OUTPUT: same files, same bytes (the manifest files aside)
  diff -r -x 'manifest.*' -x '.rwdgate-staging*' "$tmp/single-out" "$1" >/dev/null ||
    fail "$1 differs from the single run: $(diff -rq -x 'manifest.*' "$tmp/single-out" "$1" | head -5)"
  local n
  n=$(find "$1" -name '*.dcm' | wc -l)
  [ "$n" -eq "$(find "$tmp/single-out" -name '*.dcm' | wc -l)" ] && [ "$n" -gt 0 ] || fail "released counts differ"
}
one_state_per_input() {  # WORKDIR PLAN
  local run inputs
  run=$(sqlite3 "$1/rwdgate.db" "SELECT max(id) FROM runs WHERE status = 'completed'")
  inputs=$(cat "$2"/shard-*.list | wc -l)
  [ "$(sqlite3 "$1/rwdgate.db" "SELECT count(*), count(DISTINCT source_path) FROM objects WHERE run_id = $run
        AND state IN ('released', 'quarantined', 'rejected')")" = "$inputs|$inputs" ] ||
    fail "the merged run does not have one final state for each of the $inputs inputs"
  [ "$(sqlite3 "$1/rwdgate.db" "SELECT count(*) FROM objects WHERE run_id = $run AND state = 'released'")" = \
    "$(sqlite3 "$tmp/single-work/rwdgate.db" "SELECT count(*) FROM objects WHERE state = 'released'")" ] ||
    fail "released counts differ from the single run"
}

# 1. Four shards as a job array, then the merge job (afterok).
"$rwdgate" plan --input "$tmp/export" --shards 4 --out "$tmp/plan" --workdir "$tmp/work" --key "$key" >/dev/null
start=$(date +%s)
submit "$tmp/work" "$tmp/out" "$tmp/plan" "$rwdgate"
# While the shards run: the key is in no process's argv.
for _ in $(seq 20); do
  if ps -eo args | grep -F -- "$key_hex" | grep -vq grep; then fail "the key appears in a command line"; fi
  sleep 0.1
done
wait_jobs "$array,$merge"
[ "$(job_state "$merge")" = "COMPLETED " ] || fail "merge job $merge: $(job_state "$merge") (log: $(cat "$tmp"/work/slurm/merge-*.out))"
grep -q '^merged: 4 shards' "$tmp"/work/slurm/merge-"$merge".out || fail "merge log: $(cat "$tmp/work/slurm/merge-$merge.out")"
same_as_single "$tmp/out"
one_state_per_input "$tmp/work" "$tmp/plan"
echo "array + merge: same answer as one run ($(($(date +%s) - start)) s)"
# Nor in any job's stored environment or script (Slurm keeps them in its state dir).
if grep -rqF -- "$key_hex" "$tmp/state" "$tmp/spool" "$tmp/work/slurm"; then fail "the key is in Slurm's job records"; fi

# 2. Shard 1 killed mid-run (a test wrapper stops it once it has staged
#    objects; scancel kills it), the merge job is cancelled with it, the
#    index is resubmitted, and the result is the same.
"$rwdgate" plan --input "$tmp/export" --shards 4 --out "$tmp/plan2" --workdir "$tmp/work2" --key "$key" >/dev/null
cat > "$tmp/rwdgate-stopping" <<WRAP
#!/usr/bin/env bash
# Test double: shard 1 is stopped once it has staged an object (for scancel).
case " \$* " in
  *" --shard 1 "*)
    "$rwdgate" "\$@" & pid=\$!
    for _ in \$(seq 2000); do
      if [ -n "\$(find "$tmp/work2/shards/1/staging" -type f 2>/dev/null | head -1)" ]; then
        kill -STOP \$pid; touch "$tmp/stopped"; break
      fi
      kill -0 \$pid 2>/dev/null || break
      sleep 0.005
    done
    wait \$pid ;;
  *) exec "$rwdgate" "\$@" ;;
esac
WRAP
chmod +x "$tmp/rwdgate-stopping"
submit "$tmp/work2" "$tmp/out2" "$tmp/plan2" "$tmp/rwdgate-stopping"
for _ in $(seq 300); do [ -e "$tmp/stopped" ] && break; sleep 0.1; done
[ -e "$tmp/stopped" ] || fail "shard 1 was not caught mid-run"
scancel "${array}_1"
wait_jobs "$array,$merge"
[ "$(job_state "$merge")" != "COMPLETED " ] || fail "the merge job ran although shard 1 was cancelled"
"$rwdgate" merge --workdir "$tmp/work2" >/dev/null 2>&1 && fail "merge accepted a killed shard"
submit "$tmp/work2" "$tmp/out2" "$tmp/plan2" "$rwdgate" --shards 1
wait_jobs "$array,$merge"
[ "$(job_state "$merge")" = "COMPLETED " ] || fail "merge after the resubmission: $(job_state "$merge")"
[ "$(sqlite3 "$tmp/work2/shards/1/rwdgate.db" "SELECT count(*) FROM runs WHERE status = 'interrupted'")" -ge 1 ] ||
  fail "shard 1's killed run is not recorded as interrupted"
same_as_single "$tmp/out2"
one_state_per_input "$tmp/work2" "$tmp/plan2"
echo "killed shard resubmitted: same answer as one run ($(($(date +%s) - start)) s in all)"
echo "PASSED"
