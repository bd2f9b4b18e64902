#!/usr/bin/env bash
# set-aside.sh DIR: moves DIR out of the way (into DIR.old/) so that the next run writes into an
# empty folder, without deleting anything during the timed runs. When ext4 allocates an inode it
# skips the ones deleted recently (30 s, or 5 min while their inode table block is dirty), so
# deleting a thousand files shortly before a timed run charges the benchmark's own cleanup to
# whichever tool creates the most files. bench/run.sh deletes DIR.old/ once every codegen timing
# is done.
set -euo pipefail
dir="${1:?usage: set-aside.sh DIR}"
[[ -e "$dir" ]] || exit 0
mkdir -p "$dir.old"
mv "$dir" "$dir.old/$(date +%s%N)"
