// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Test runner: runs every registered case, prints PASS/FAIL lines and a total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#define MAX_TESTS 512
#define MAX_ALLOCS 64

static const struct test_case *tests[MAX_TESTS];
static unsigned int nr_tests;
static jmp_buf test_jmp;
static char test_msg[768];
static char ctx_msg[256];
static void *allocs[MAX_ALLOCS];
static unsigned int nr_allocs;
static unsigned int passed, failed;

void test_register(const struct test_case *tc)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "too many tests, raise MAX_TESTS\n");
		exit(2);
	}
	tests[nr_tests++] = tc;
}

void *test_alloc(size_t size)
{
	void *p;

	if (nr_allocs == MAX_ALLOCS)
		test_fail(__FILE__, __LINE__, "too many test_alloc() in one test");
	/* Exactly @size bytes (at least 1): ASan flags any access past them. */
	p = calloc(1, size ? size : 1);
	if (!p)
		test_fail(__FILE__, __LINE__, "out of memory");
	allocs[nr_allocs++] = p;
	return p;
}

static void test_cleanup(void)
{
	while (nr_allocs)
		free(allocs[--nr_allocs]);
	ctx_msg[0] = '\0';
}

void test_ctx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx_msg, sizeof(ctx_msg), fmt, ap);
	va_end(ap);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	int n = snprintf(test_msg, sizeof(test_msg), "%s:%d: ", file, line);
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(test_msg + n, sizeof(test_msg) - n, fmt, ap);
	va_end(ap);
	if (ctx_msg[0] && n < (int)sizeof(test_msg))
		snprintf(test_msg + n, sizeof(test_msg) - n, " (%s)", ctx_msg);
	longjmp(test_jmp, 1);
}

/* setjmp in its own frame, so no local of main() can be clobbered. */
static void run_one(const struct test_case *tc)
{
	if (!setjmp(test_jmp)) {
		tc->fn();
		printf("PASS %s/%s\n", tc->suite, tc->name);
		passed++;
	} else {
		printf("FAIL %s/%s: %s\n", tc->suite, tc->name, test_msg);
		failed++;
	}
	test_cleanup();
	fflush(stdout);
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < nr_tests; i++)
		run_one(tests[i]);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
