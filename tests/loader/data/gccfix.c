/*
 * Source of tests/loader/data/gccfix.elf.b64: a TA-shaped ELF from a real linker, so the
 * loader is tested on relocations GNU ld emits (GLOB_DAT, JUMP_SLOT, ABS64, RELATIVE)
 * and on the .rela.got-in-RW layout (see gccfix.lds). Not an OP-TEE TA: it does nothing.
 */
struct ta_head {
	unsigned char uuid[16];
	unsigned int stack_size;
	unsigned int flags;
	unsigned long depr_entry;
};

/* UUID 6c1ab2f0-9e34-4d5b-8a7c-0123456789ab in TEE_UUID memory order */
const struct ta_head ta_head __attribute__((section(".ta_head"), used)) = {
	{ 0xf0, 0xb2, 0x1a, 0x6c, 0x34, 0x9e, 0x5b, 0x4d,
	  0x8a, 0x7c, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab },
	0x1800, 0, ~0UL,
};

extern int ext_data;
extern void ext_func(void);
extern int weak_data __attribute__((weak));

int local_var = 5;
int *ptr_local = &local_var;	/* R_AARCH64_RELATIVE */
int *ptr_ext = &ext_data;	/* R_AARCH64_ABS64 ext_data */
int *ptr_weak = &weak_data;	/* R_AARCH64_ABS64 weak_data (weak, undefined) */
const char *const names[] = { "one", "two", "three" };	/* R_AARCH64_RELATIVE x3 */

int fixture_get(void)
{
	ext_func();			/* R_AARCH64_JUMP_SLOT ext_func */
	return ext_data + local_var +	/* R_AARCH64_GLOB_DAT ext_data */
	       (&weak_data ? weak_data : 0);
}

void __ta_entry(void)
{
	fixture_get();
}
