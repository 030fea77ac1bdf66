/*
 * TEE_Malloc and friends over ta_heap[], an array in .bss sized by the TA's
 * TA_DATA_SIZE. Blocks sit back to back, each behind a 16-byte header
 * holding its payload size (bit 0 set while in use) and the payload size of
 * the block before it, so freeing can merge with both neighbours.
 * Allocation is first fit. Small and predictable rather than fast.
 */
#include <sdk/api_core.h>
#include <sdk/defines.h>
#include <sdk/libc.h>
#include <sdk/ta_header.h>

#define ALIGN		16u
#define IN_USE		1u
#define PANIC_HEAP	0x4EA90001u	/* TEE_Free/TEE_Realloc on a bad pointer */

struct block {
	size_t size;		/* payload bytes | IN_USE */
	size_t prev_size;	/* payload bytes of the previous block, 0 for the first */
};

#define HDR sizeof(struct block)

static uint8_t *heap_lo;
static uint8_t *heap_hi;

/* Returned for zero-sized requests: non-NULL, unique, read-only. */
static const uint8_t zero_sized[ALIGN] __attribute__((aligned(ALIGN)));

static size_t payload(const struct block *b)
{
	return b->size & ~(size_t)IN_USE;
}

static struct block *after(struct block *b)
{
	uint8_t *p = (uint8_t *)b + HDR + payload(b);

	return p < heap_hi ? (struct block *)(void *)p : NULL;
}

static struct block *before(struct block *b)
{
	if ((uint8_t *)b == heap_lo)
		return NULL;
	return (struct block *)(void *)((uint8_t *)b - HDR - b->prev_size);
}

static void heap_init(void)
{
	uintptr_t lo = ((uintptr_t)ta_heap + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	uintptr_t hi = ((uintptr_t)ta_heap + ta_heap_size) & ~(uintptr_t)(ALIGN - 1);
	struct block *b = (struct block *)lo;

	heap_lo = (uint8_t *)lo;
	heap_hi = (uint8_t *)hi;
	b->size = hi - lo - HDR;
	b->prev_size = 0;
}

static struct block *to_block(void *p)
{
	struct block *b = (struct block *)(void *)((uint8_t *)p - HDR);

	if ((uint8_t *)p < heap_lo + HDR || (uint8_t *)p >= heap_hi ||
	    ((uintptr_t)p & (ALIGN - 1)) || !(b->size & IN_USE))
		TEE_Panic(PANIC_HEAP);
	return b;
}

static void *heap_alloc(size_t n)
{
	struct block *b;

	if (!heap_lo)
		heap_init();
	if (n > (size_t)(heap_hi - heap_lo))
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	for (b = (struct block *)(void *)heap_lo; b; b = after(b)) {
		size_t have = payload(b);

		if ((b->size & IN_USE) || have < n)
			continue;
		if (have - n >= HDR + ALIGN) {
			struct block *rest = (struct block *)(void *)
					     ((uint8_t *)b + HDR + n);
			struct block *next;

			rest->size = have - n - HDR;
			rest->prev_size = n;
			next = after(rest);
			if (next)
				next->prev_size = payload(rest);
			have = n;
		}
		b->size = have | IN_USE;
		return (uint8_t *)b + HDR;
	}
	return NULL;
}

static void heap_free(struct block *b)
{
	struct block *next;
	struct block *prev;

	b->size = payload(b);
	next = after(b);
	if (next && !(next->size & IN_USE))
		b->size += HDR + payload(next);
	prev = before(b);
	if (prev && !(prev->size & IN_USE)) {
		prev->size += HDR + b->size;
		b = prev;
	}
	next = after(b);
	if (next)
		next->prev_size = payload(b);
}

void *TEE_Malloc(size_t size, uint32_t hint)
{
	const uint32_t known = TEE_MALLOC_NO_FILL | TEE_MALLOC_NO_SHARE |
			       0x80000000u;
	void *p;

	if (hint & ~known)
		return NULL;
	if (!size)
		return (void *)zero_sized;
	p = heap_alloc(size);
	if (p && !(hint & (TEE_MALLOC_NO_FILL | 0x80000000u)))
		memset(p, 0, size);
	return p;
}

void TEE_Free(void *buffer)
{
	if (!buffer || buffer == (void *)zero_sized)
		return;
	heap_free(to_block(buffer));
}

void *TEE_Realloc(void *buffer, size_t newSize)
{
	size_t old = 0;
	void *p;

	if (!buffer || buffer == (void *)zero_sized)
		return TEE_Malloc(newSize, TEE_MALLOC_FILL_ZERO);
	old = payload(to_block(buffer));
	if (!newSize) {
		TEE_Free(buffer);
		return (void *)zero_sized;
	}
	if (newSize <= old)
		return buffer;
	p = heap_alloc(newSize);
	if (!p)
		return NULL;	/* the old block stays valid */
	memcpy(p, buffer, old);
	memset((uint8_t *)p + old, 0, newSize - old);
	heap_free(to_block(buffer));
	return p;
}

/* True if [buf, buf+len) touches the heap but is not inside one live block. */
bool sdk_heap_range_is_foreign(const void *buf, size_t len)
{
	const uint8_t *lo = buf;
	const uint8_t *hi = lo + len;
	struct block *b;

	if (!heap_lo || hi <= heap_lo || lo >= heap_hi)
		return false;
	for (b = (struct block *)(void *)heap_lo; b; b = after(b)) {
		const uint8_t *p = (const uint8_t *)b + HDR;

		if (lo >= p && hi <= p + payload(b))
			return !(b->size & IN_USE);
	}
	return true;
}
