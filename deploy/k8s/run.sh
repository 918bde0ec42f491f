#!/bin/bash
# Runs a HeadFlow sets job on Kubernetes: the shared volume, the Indexed Job, a wait for it,
# then the merge Job. Run from anywhere; kubectl must point at the cluster (and namespace).
#
#   deploy/k8s/run.sh [--gpu] [--namespace NS]
#
# Running it again resumes: the previous Jobs are deleted (the volume and the finished images'
# results on it stay) and re-created, and every shard skips the images it already finished.
# Edit sets-job.yaml (or sets-job-gpu.yaml) and merge-job.yaml first: the image, the number of
# shards (spec.completions and HEADFLOW_SHARDS) and the options (args).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sets_manifest="$here/sets-job.yaml"
ns=()
while (($#)); do
  case $1 in
    --gpu) sets_manifest="$here/sets-job-gpu.yaml" ;;
    --namespace | -n)
      ns=(--namespace "${2:?--namespace needs a value}")
      shift
      ;;
    *)
      echo "usage: $0 [--gpu] [--namespace NS]" >&2
      exit 2
      ;;
  esac
  shift
done
poll_s=${HEADFLOW_POLL_S:-30}

# Waits until the Job has the condition Complete (returns 0) or Failed (returns 1). Plain
# `kubectl wait --for=condition=complete` would wait for ever on a failed Job.
wait_job() {
  local state
  while :; do
    state=$(kubectl "${ns[@]}" get job "$1" \
      -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) return 1 ;;
    esac
    sleep "$poll_s"
  done
}

kubectl "${ns[@]}" apply -f "$here/pvc.yaml"
kubectl "${ns[@]}" delete job headflow-sets headflow-merge --ignore-not-found
kubectl "${ns[@]}" apply -f "$sets_manifest"
echo "waiting for job/headflow-sets (progress: kubectl exec headflow-data -- headflow status /data/job)"
if ! wait_job headflow-sets; then
  echo "job/headflow-sets failed; failed shards (0-based completion indexes):" >&2
  kubectl "${ns[@]}" get job headflow-sets -o jsonpath='{.status.failedIndexes}{"\n"}' >&2
  echo "fix the cause and run $0 again: finished images are skipped" >&2
  exit 1
fi
kubectl "${ns[@]}" apply -f "$here/merge-job.yaml"
if ! wait_job headflow-merge; then
  kubectl "${ns[@]}" logs job/headflow-merge >&2 || true
  echo "job/headflow-merge failed" >&2
  exit 1
fi
echo "merged: /data/job/result.json on volume headflow-data"
echo "copy it out: kubectl cp headflow-data:/data/job/result.json result.json (deploy/k8s/data-pod.yaml)"
