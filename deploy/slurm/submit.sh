#!/bin/bash
# Submits a HeadFlow sets job to Slurm: an array of N shard tasks (sets-array.sbatch), then
# the merge (merge.sbatch) with --dependency=afterok on the array, so it runs once every shard
# has succeeded (and is cancelled if one fails: --kill-on-invalid-dep=yes).
#
#   deploy/slurm/submit.sh --list LIST.json --job-dir DIR --shards N [--gpu] [--only 3,5]
#                          [--sbatch-arg ARG]... [-- headflow sets options]
#
#   --list, --job-dir  on a filesystem every node sees (made absolute here)
#   --gpu              --gres=gpu:1 for each shard and `--device cuda` (default `--device cpu`)
#   --only LIST        submit only these shards (Slurm --array syntax over 1..N, e.g. 3,5 or
#                      2-4) with a new merge: how a failed shard is resumed; its finished
#                      images are skipped
#   --sbatch-arg ARG   passed to both sbatch calls, e.g. --sbatch-arg=--partition=short
#   after --            passed to `headflow sets`, e.g. -- --samples 1000 --seed 0
#
# HEADFLOW_CMD (how the nodes run the CLI, default `headflow`) is passed on to the jobs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
  echo "usage: $0 --list LIST.json --job-dir DIR --shards N [--gpu] [--only 3,5]" \
    "[--sbatch-arg ARG]... [-- headflow sets options]" >&2
  exit 2
}
die() {
  echo "submit.sh: $*" >&2
  exit 2
}
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac }

list="" dir="" n="" only="" device=cpu
gres=() extra=() sets_args=()
while (($#)); do
  case $1 in
    --list) list=${2:?--list needs a file} && shift ;;
    --job-dir) dir=${2:?--job-dir needs a folder} && shift ;;
    --shards) n=${2:?--shards needs N} && shift ;;
    --only) only=${2:?--only needs shard numbers} && shift ;;
    --gpu)
      device=cuda
      gres=(--gres=gpu:1)
      ;;
    --sbatch-arg=*) extra+=("${1#--sbatch-arg=}") ;;
    --sbatch-arg) extra+=("${2:?--sbatch-arg needs a value}") && shift ;;
    --) shift && sets_args=("$@") && break ;;
    *) usage ;;
  esac
  shift
done
[[ -n $list && -n $dir && -n $n ]] || usage
[[ $n =~ ^[0-9]+$ ]] && ((10#$n >= 1)) || die "--shards must be a positive integer (got '$n')"
n=$((10#$n))
list=$(absolute "$list")
dir=$(absolute "$dir")
[[ -f $list ]] || die "no image list at $list"
array="1-$n"
if [[ -n $only ]]; then
  [[ $only =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "--only takes shard numbers like 3,5 or 2-4"
  for number in ${only//[,-]/ }; do
    ((10#$number >= 1 && 10#$number <= n)) || die "--only: shard $number is not in 1..$n"
  done
  array=$only
fi
# sbatch --export splits on commas.
[[ $list != *,* && $dir != *,* ]] || die "the list and job folder paths must not contain commas"
mkdir -p "$dir"

export_vars="ALL,HEADFLOW_LIST=$list,HEADFLOW_JOB_DIR=$dir,HEADFLOW_SHARDS=$n,HEADFLOW_ARRAY_BASE=1"
array_job=$(sbatch --parsable --array="$array" --export="$export_vars" "${gres[@]}" "${extra[@]}" \
  "$here/sets-array.sbatch" --device "$device" "${sets_args[@]}")
array_job=${array_job%%;*} # --parsable prints "id" or "id;cluster"
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
  --export="$export_vars" "${extra[@]}" "$here/merge.sbatch")
merge_job=${merge_job%%;*}
echo "shards: job $array_job (array $array of $n), merge: job $merge_job -> $dir/result.json"
echo "progress: headflow status $dir    (squeue -j $array_job,$merge_job)"
