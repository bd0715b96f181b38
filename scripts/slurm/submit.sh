#!/usr/bin/env bash
# Submits a sharded rwdgate run to Slurm (README "Sharded runs on a cluster"):
# one job array (one task per shard of PLAN, at most THROTTLE at once) and a
# merge job that starts only when every task succeeded (afterok; it is
# cancelled when one fails). Resubmit failed shards by index with --shards.
#
#   submit.sh PLAN --profile FILE --output DIR [--workdir DIR] [--key FILE]
#             [--shards LIST] [--throttle N] [--cpus N] [--rwdgate BIN]
#             [--no-merge] [-- SBATCH-OPTIONS...]
#
# PLAN, --workdir and --output must be on a file system every node sees.
# --key defaults to WORKDIR/project.key (made by `rwdgate plan`); it is read
# by rwdgate from the file, never passed in the environment or argv.
# Prints the two job ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
plan=$1; shift
profile="" output="" workdir=rwdgate-work key="" shards="" throttle=8 cpus=2 merge=1
rwdgate=$(command -v rwdgate || true)
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --throttle) throttle=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --rwdgate) rwdgate=$2; shift 2 ;;
    --no-merge) merge=0; shift ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
[ -n "$profile" ] && [ -n "$output" ] || usage
[ -f "$plan/plan.json" ] || { echo "submit.sh: $plan has no plan.json (run rwdgate plan)" >&2; exit 2; }
[ -x "$rwdgate" ] || { echo "submit.sh: no rwdgate binary (give --rwdgate BIN)" >&2; exit 2; }
abs() { realpath -m -- "$1"; }
plan=$(abs "$plan") profile=$(abs "$profile") output=$(abs "$output") workdir=$(abs "$workdir")
rwdgate=$(abs "$rwdgate")
key=$(abs "${key:-$workdir/project.key}")
[ -f "$key" ] || { echo "submit.sh: no key at $key (rwdgate plan --workdir makes it)" >&2; exit 2; }
n=$(sed -n 's/^ *"shards": *\([0-9][0-9]*\).*/\1/p' "$plan/plan.json")
[ -n "$n" ] || { echo "submit.sh: cannot read the shard count from $plan/plan.json" >&2; exit 2; }
[ -n "$shards" ] || shards="0-$((n - 1))"
logs="$workdir/slurm"
mkdir -p "$logs"
chmod 700 "$workdir"

array=$(sbatch --parsable --array="${shards}%${throttle}" --cpus-per-task="$cpus" \
  --output="$logs/shard-%a-%A.out" "$@" \
  "$here/rwdgate-array.sh" "$plan" "$profile" "$output" "$workdir" "$key" "$rwdgate")
array=${array%%;*}
echo "shards: job $array (array $shards of $n, at most $throttle at once); logs in $logs"
if [ "$merge" = 1 ]; then
  merge_job=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --cpus-per-task=1 \
    --output="$logs/merge-%j.out" "$@" "$here/rwdgate-merge.sh" "$workdir" "$plan" "$key" "$rwdgate")
  merge_job=${merge_job%%;*}
  echo "merge: job $merge_job (after every shard of job $array succeeded)"
fi
