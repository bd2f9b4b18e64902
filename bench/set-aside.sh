#!/usr/bin/env bash
# set-aside.sh DIR: moves DIR out of the way (into DIR.old/) so that the next run writes into an
# empty folder, without deleting anything during the timed runs. ext4 skips inodes deleted in the
# last few seconds when it allocates new ones, so deleting a thousand files just before a timed
# run charges the benchmark's own cleanup to whichever tool creates the most files. bench/run.sh
# deletes DIR.old/ after each case, outside the timing.
set -euo pipefail
dir="${1:?usage: set-aside.sh DIR}"
[[ -e "$dir" ]] || exit 0
mkdir -p "$dir.old"
mv "$dir" "$dir.old/$(date +%s%N)"
