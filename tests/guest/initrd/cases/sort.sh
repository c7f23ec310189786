# sort: busybox sort over 100,000 generated lines (awk with a fixed seed);
# prints the line count and the sha256 of the sorted output, which the
# host checks against its own sort of the same lines.
run() {
    busybox awk 'BEGIN { srand(7); for (i = 0; i < 100000; i++)
        printf "%d %08x\n", int(rand() * 1000000), int(rand() * 4294967296) }' >/tmp/in
    sort /tmp/in >/tmp/out || return 1
    lines=$(wc -l </tmp/out)
    sum=$(sha256sum /tmp/out)
    echo "sort: $lines ${sum%% *}"
}
