/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Minimal unit test framework. TEST() registers a case at startup; a failed
 * CHECK*() records the first failure and longjmps back to the runner, so
 * checks also work inside helper functions.
 */
#ifndef VIRTGPU_TEST_H
#define VIRTGPU_TEST_H

#include <stdint.h>
#include <string.h>

struct test_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

void test_register(const struct test_case *tc);
/* Zero-filled heap memory, freed after the current test even if it fails. */
void *test_alloc(size_t size);
/* Context appended to failure messages, e.g. the table entry in a loop. */
void test_ctx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define TEST(suite, name)							\
	static void test_##suite##_##name(void);				\
	static const struct test_case tc_##suite##_##name = {			\
		#suite, #name, test_##suite##_##name				\
	};									\
	__attribute__((constructor)) static void reg_##suite##_##name(void)	\
	{									\
		test_register(&tc_##suite##_##name);				\
	}									\
	static void test_##suite##_##name(void)

#define CHECK(expr)								\
	do {									\
		if (!(expr))							\
			test_fail(__FILE__, __LINE__, "%s", #expr);		\
	} while (0)

/* Integers of any width and sign, with both values in the message. */
#define CHECK_EQ(a, b)								\
	do {									\
		long long _a = (long long)(a), _b = (long long)(b);		\
		if (_a != _b)							\
			test_fail(__FILE__, __LINE__, "%s == %s [%lld vs %lld]",\
				  #a, #b, _a, _b);				\
	} while (0)

#define CHECK_STR(a, b)								\
	do {									\
		const char *_a = (a), *_b = (b);				\
		if (!_a || !_b || strcmp(_a, _b))				\
			test_fail(__FILE__, __LINE__, "%s == %s [\"%s\" vs \"%s\"]",\
				  #a, #b, _a ? _a : "(null)", _b ? _b : "(null)");\
	} while (0)

#define CHECK_MEM(a, b, n)							\
	do {									\
		size_t _off = test_memdiff((a), (b), (n));			\
		if (_off != (size_t)-1)						\
			test_fail(__FILE__, __LINE__, "memcmp(%s, %s, %s) [offset %zu]",\
				  #a, #b, #n, _off);				\
	} while (0)

/* Every byte of @p is @byte. */
#define CHECK_FILL(p, byte, n)							\
	do {									\
		size_t _off = test_memchk((p), (byte), (n));			\
		if (_off != (size_t)-1)						\
			test_fail(__FILE__, __LINE__, "%s all 0x%02x [offset %zu]",\
				  #p, (unsigned int)(byte), _off);		\
	} while (0)

/* First differing offset, or (size_t)-1 when equal. */
static inline size_t test_memdiff(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return i;
	return (size_t)-1;
}

static inline size_t test_memchk(const void *p, uint8_t byte, size_t n)
{
	const uint8_t *x = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != byte)
			return i;
	return (size_t)-1;
}

/* Little-endian helpers for building expected wire images by hand. */
static inline void put_le32(void *buf, size_t off, uint32_t v)
{
	uint8_t *p = (uint8_t *)buf + off;

	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline void put_le64(void *buf, size_t off, uint64_t v)
{
	put_le32(buf, off, (uint32_t)v);
	put_le32(buf, off + 4, (uint32_t)(v >> 32));
}

#endif /* VIRTGPU_TEST_H */
