# meminfo: the RAM size as the guest kernel sees it (follows -m).
run() { grep '^MemTotal:' /proc/meminfo; }
