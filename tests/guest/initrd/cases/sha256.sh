# sha256: generate data from a fixed seed and hash it; CPU and memory work
# whose result is known. /cases/sha256.expected was computed on the build
# host by mkinitrd.sh with the same busybox; the status says if they agree.
run() {
    busybox awk 'BEGIN { srand(42); for (i = 0; i < 65536; i++)
        printf "%04x%04x\n", int(rand() * 65536), int(rand() * 65536) }' >/tmp/data
    sum=$(sha256sum /tmp/data)
    sum=${sum%% *}
    echo "sha256: $sum"
    [ "$sum" = "$(cat /cases/sha256.expected)" ]
}
