#!/bin/bash
# The stored fuzz corpus (fuzz/corpus/TARGET) replayed through each target's
# LLVMFuzzerTestOneInput by $BUILD/fuzz/replay_TARGET: every input that once
# crashed stays fixed. Under a SANITIZE=1 build this runs under ASan/UBSan.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

for dir in "$ROOT"/fuzz/corpus/*/; do
	t=$(basename "$dir")
	bin=$BUILD/fuzz/replay_$t
	if [ ! -x "$bin" ]; then
		# make test builds every replay_TARGET; markup only where GLib is.
		echo "ok $((T_N += 1)) # SKIP $t: $bin is not built"
		continue
	fi
	n=$(find "$dir" -type f | wc -l)
	out=$("$bin" "$dir" 2>&1); st=$?
	is "$st" 0 "$t: $n stored inputs replay without a crash or sanitizer report"
	[ "$st" -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
	like "$out" "replayed $n inputs" "$t: every stored input was fed"
done
done_testing
