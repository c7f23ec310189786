/*
 * insn-fuzz: runs random instruction bytes in user space, the way a buggy
 * or hostile guest program would, to show the emulator survives them.
 * Built static by mkinitrd.sh into the test initramfs (case insn-fuzz).
 *
 * The parent forks workers for the given number of seconds. A worker
 * closes its files, arms a periodic timer and an alternate signal stack,
 * enters seccomp strict mode (random SYSCALLs can then only read/write
 * closed fds, exit, or get the worker killed: never harm init) and runs
 * block after block of random bytes from a seed, catching every fault
 * with a handler that jumps back to the loop. The parent prints how many
 * workers and blocks ran; the test only asks that the machine gets there.
 */
#define _GNU_SOURCE
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CODE_SIZE       4096
#define BLOCK_BYTES     64
#define BLOCKS_PER_RUN  2000

static uint64_t rng;
static uint8_t *code;
static volatile unsigned blocks;
/* The loop's own stack: a fault restarts the loop on it, whatever RSP was. */
static uint8_t loop_stack[65536] __attribute__((aligned(16)));

static uint64_t next_random(void)
{
    /* xorshift64*: the same sequence for the same seed on any emulator. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

static void fuzz_loop(void);

/*
 * Every signal restarts the loop: the random code may have clobbered any
 * register, the stack, DF, even the loop's saved state, so nothing of the
 * interrupted context is trusted. sigreturn (allowed in strict mode)
 * resumes at fuzz_loop on loop_stack with clean flags.
 */
static void on_signal(int sig, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    (void)info;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)fuzz_loop;
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)(loop_stack + sizeof(loop_stack) - 8);
    uc->uc_mcontext.gregs[REG_EFL] = 0x202;
}

/* Zero the general registers (but RSP) and jump to the block. */
static void run_block(void *code)
{
    __asm__ volatile(
        "push %%rbp\n\t"
        "push %%rbx\n\t"
        "push %%r12\n\t"
        "push %%r13\n\t"
        "push %%r14\n\t"
        "push %%r15\n\t"
        "mov %0, %%rax\n\t"
        "xor %%ebx, %%ebx\n\txor %%ecx, %%ecx\n\txor %%edx, %%edx\n\t"
        "xor %%esi, %%esi\n\txor %%edi, %%edi\n\txor %%ebp, %%ebp\n\t"
        "xor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\t"
        "xor %%r11d, %%r11d\n\txor %%r12d, %%r12d\n\txor %%r13d, %%r13d\n\t"
        "xor %%r14d, %%r14d\n\txor %%r15d, %%r15d\n\t"
        "call *%%rax\n\t"
        "pop %%r15\n\t"
        "pop %%r14\n\t"
        "pop %%r13\n\t"
        "pop %%r12\n\t"
        "pop %%rbx\n\t"
        "pop %%rbp\n\t"
        : : "r"(code) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
          "memory", "cc");
}

static void fuzz_loop(void)
{
    while (blocks < BLOCKS_PER_RUN) {
        unsigned off = next_random() % (CODE_SIZE - BLOCK_BYTES - 1);

        for (unsigned i = 0; i < BLOCK_BYTES; i += 8) {
            uint64_t r = next_random();
            memcpy(code + off + i, &r, 8);
        }
        code[off + BLOCK_BYTES] = 0xc3;     /* ret, if the block falls through */
        blocks++;
        run_block(code + off);
    }
    syscall(SYS_exit, 0);
    for (;;) {
    }
}

static void worker(uint64_t seed, uint8_t *page)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    struct sigaction sa;
    struct itimerval tick = { { 0, 20000 }, { 0, 20000 } };
    static const int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP, SIGSYS,
                                SIGALRM, SIGXCPU, SIGXFSZ, SIGPIPE, SIGCHLD };

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaltstack(&ss, NULL);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    rng = seed * 2 + 1;
    code = page;
    for (int fd = 0; fd < 64; fd++) {
        close(fd);
    }
    setitimer(ITIMER_REAL, &tick, NULL);   /* gets a block out of an endless loop */
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) {
        _exit(3);
    }
    /* From here on only read, write, exit (not exit_group) and sigreturn. */
    fuzz_loop();
}

int main(int argc, char **argv)
{
    unsigned seconds = argc > 1 ? (unsigned)atoi(argv[1]) : 60;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    unsigned workers = 0, clean = 0, killed = 0;
    time_t end = time(NULL) + seconds;

    while (time(NULL) < end) {
        uint8_t *code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        pid_t pid;
        int status;

        if (code == MAP_FAILED) {
            perror("insn-fuzz: mmap");
            return 1;
        }
        pid = fork();
        if (pid < 0) {
            perror("insn-fuzz: fork");
            return 1;
        }
        if (pid == 0) {
            worker(seed + workers, code);
        }
        /*
         * A worker whose random code overwrote its own handler state can
         * spin for ever: 10 s is far beyond a healthy run, so kill it.
         */
        for (unsigned waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited++) {
            if (waited == 1000) {
                kill(pid, SIGKILL);
            }
            usleep(10000);
        }
        munmap(code, CODE_SIZE);
        workers++;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            clean++;
        } else {
            killed++;
        }
    }
    printf("insn-fuzz: %u workers, %u ran all %u blocks, %u ended early\n",
           workers, clean, BLOCKS_PER_RUN, killed);
    return workers > 0 ? 0 : 1;
}
