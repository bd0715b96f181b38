#!/usr/bin/env bash
# The merge job of a sharded rwdgate run, submitted by submit.sh after the
# shard array (--dependency=afterok): `rwdgate merge` checks that the shards
# together did what one run would and merges their provenance.
#   sbatch rwdgate-merge.sh WORKDIR PLAN KEYFILE RWDGATE
#SBATCH --job-name=rwdgate-merge
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 WORKDIR PLAN KEYFILE RWDGATE (see submit.sh)" >&2; exit 2; }
workdir=$1 plan=$2 key=$3 rwdgate=$4
exec "$rwdgate" merge --workdir "$workdir" --plan "$plan" --key "$key"
