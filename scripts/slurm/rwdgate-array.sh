#!/usr/bin/env bash
# One shard of a sharded rwdgate run, as one task of a Slurm job array
# (README "Sharded runs on a cluster"). Submitted by submit.sh:
#   sbatch --array=0-(N-1)%T rwdgate-array.sh PLAN PROFILE OUTPUT WORKDIR KEYFILE RWDGATE
# Task I runs `rwdgate run --plan PLAN --shard I`: the plan's files for shard
# I, work dir WORKDIR/shards/I, into the shared OUTPUT.
#
# The project key stays in KEYFILE, which only this job's user may read:
# rwdgate reads it itself. Only its path is on the command line (visible in
# ps and squeue); the key is never in the environment or in argv.
#SBATCH --job-name=rwdgate-shard
set -euo pipefail
[ $# -eq 6 ] || { echo "usage: $0 PLAN PROFILE OUTPUT WORKDIR KEYFILE RWDGATE (see submit.sh)" >&2; exit 2; }
plan=$1 profile=$2 output=$3 workdir=$4 key=$5 rwdgate=$6
shard=${SLURM_ARRAY_TASK_ID:?run as a Slurm array task (sbatch --array)}

# Refuse a key others could read, before anything runs (rwdgate refuses it too).
if [ ! -O "$key" ]; then echo "rwdgate-array: $key is not owned by $(id -un)" >&2; exit 2; fi
case "$(stat -c %a "$key")" in 600|400) ;; *) echo "rwdgate-array: $key must be mode 0600 or 0400" >&2; exit 2 ;; esac

workers=${SLURM_CPUS_PER_TASK:-1}
echo "rwdgate-array: job ${SLURM_ARRAY_JOB_ID:-?}_${shard} on $(hostname), ${workers} worker(s)"
# Exit codes: 0 done (objects may be quarantined or rejected: see the
# database), 1 fatal, 2 usage/profile/key, 3 this shard's work dir is in use.
exec "$rwdgate" run --quiet --profile "$profile" --plan "$plan" --shard "$shard" \
  --output "$output" --workdir "$workdir" --key "$key" --workers "$workers"
