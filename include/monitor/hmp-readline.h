/*
 * hmp-readline.h: the human monitor's line editor (monitor/readline.c):
 * cursor motion, kill commands, history and tab completion over a byte
 * stream, redrawn with the VT100 sequences QEMU's monitor sends. Knows
 * nothing about commands: output, execution and completion candidates
 * come from callbacks, so unit tests can drive it without a chardev.
 */
#ifndef MONITOR_HMP_READLINE_H
#define MONITOR_HMP_READLINE_H

#include "qemu/osdep.h"

#define READLINE_LINE_MAX 4096
#define READLINE_HISTORY_MAX 64

typedef struct ReadLineState ReadLineState;

/* Text to the terminal (len bytes, not NUL-terminated). */
typedef void ReadLineOutFunc(void *opaque, const char *text, size_t len);
/* A complete line (Enter). */
typedef void ReadLineExecFunc(void *opaque, const char *line);
/*
 * Completion: add to out (g_strdup'ed strings) the candidates for the
 * last word of line (the text before the cursor). The word itself is
 * what follows the last space of line.
 */
typedef void ReadLineCompleteFunc(void *opaque, const char *line,
                                  GPtrArray *out);

ReadLineState *readline_new(ReadLineOutFunc *out, ReadLineExecFunc *exec,
                            ReadLineCompleteFunc *complete, void *opaque);
void readline_free(ReadLineState *rs);

/* Print the prompt and start an empty line. */
void readline_start(ReadLineState *rs, const char *prompt);
/* Print the prompt and the current line again (after other output). */
void readline_show_prompt(ReadLineState *rs);
/* Forget the line being edited and any half-read escape sequence. */
void readline_reset(ReadLineState *rs);
/* Feed one input byte. */
void readline_handle_byte(ReadLineState *rs, uint8_t ch);

/* The line being edited and the cursor position in it. */
const char *readline_get_line(ReadLineState *rs);
size_t readline_get_cursor(ReadLineState *rs);

/* History, oldest first: index 0 .. readline_history_len() - 1. */
unsigned readline_history_len(ReadLineState *rs);
const char *readline_get_history(ReadLineState *rs, unsigned index);

#endif
