# shell: an interactive busybox sh on the console (the default case).
# cttyhack gives it the console as controlling tty, so ^C and job control work.
run() { setsid cttyhack sh; }
