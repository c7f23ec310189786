/*
 * test-helpers.c: the helpers of test-helpers.h that need only libutil:
 * capturing error output, printing into a string, reading files, and the
 * program's scratch directory.
 */
#include "test-helpers.h"
#include "qemu/error.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

static GString *captured;
static char *scratch;

static void capture(void *opaque, const char *text)
{
    g_string_append(captured, text);
}

void capture_start(void)
{
    captured = g_string_new(NULL);
    error_set_print_hook(capture, NULL);
}

char *capture_end(void)
{
    error_set_print_hook(NULL, NULL);
    return g_string_free(captured, false);
}

char *print_to_string(void (*print)(FILE *f))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char *text;

    g_assert_nonnull(f);
    print(f);
    fclose(f);
    /* open_memstream() memory is malloc()ed; hand back a g_malloc()ed copy */
    text = g_strdup(buf);
    free(buf);
    return text;
}

char *read_file(const char *path)
{
    char *contents = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    return contents;
}

const char *test_tmpdir_init(const char *prefix)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", prefix);

    g_assert_null(scratch);
    scratch = g_dir_make_tmp(tmpl, NULL);
    g_assert_nonnull(scratch);
    return scratch;
}

char *tmp_path(const char *name)
{
    g_assert_nonnull(scratch);
    return g_build_filename(scratch, name, NULL);
}

int test_tmpdir_cleanup(int ret)
{
    if (scratch && !test_rmtree(scratch)) {
        ret = ret ? ret : 1;
    }
    g_free(scratch);
    scratch = NULL;
    return ret;
}

bool test_rmtree(const char *path)
{
    struct stat st;
    bool ok = true;

    if (lstat(path, &st) < 0) {
        return errno == ENOENT;
    }
    if (S_ISDIR(st.st_mode)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;

        if (!dir) {
            return false;
        }
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            ok &= test_rmtree(child);
        }
        return g_rmdir(path) == 0 && ok;
    }
    return g_unlink(path) == 0;
}

bool test_device_usable(const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_autofree char *why = g_strdup_printf("cannot open %s: %s", path,
                                               strerror(errno));
        g_test_skip(why);
        return false;
    }
    close(fd);
    return true;
}
