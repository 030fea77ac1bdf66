/*
 * Deliberate faults. Every address comes from a volatile variable so the
 * compiler cannot see the access is bad and replace it with a trap of its
 * own choosing: the fault must be exactly the one the command names.
 */
#include <tee_internal_api.h>
#include "fault_ta.h"

#define INSN_RET 0xd65f03c0u

static const uint32_t rodata_word = 0x0000c0deu;
/* A `ret` in a writable, non-executable place. */
static uint32_t data_code[4] __attribute__((aligned(16))) = { INSN_RET };

static volatile uintptr_t null_address;
static volatile uintptr_t kernel_address = 0xFFFFFF8000000000ull;
static volatile uint32_t recursion_stop = 0xFFFFFFFFu;
static volatile uint32_t sink;

typedef void (*code_fn)(void);

static void store32(uintptr_t addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

static uint32_t load32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static uint32_t __attribute__((noinline)) recurse(uint32_t depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	frame[511] = (uint8_t)(depth >> 8);
	if (depth == recursion_stop)
		return 0;
	return recurse(depth + 1) + frame[0] + frame[511];
}

static void __attribute__((noinline)) run_from_stack(void)
{
	uint32_t code[4] __attribute__((aligned(16))) = { INSN_RET };
	volatile uintptr_t target = (uintptr_t)code;

	((code_fn)target)();
}

static TEE_Result provoke(uint32_t cmd)
{
	volatile uintptr_t target;

	switch (cmd) {
	case FAULT_CMD_NULL_READ:
		sink = load32(null_address);
		break;
	case FAULT_CMD_WRITE_RODATA:
		target = (uintptr_t)&rodata_word;
		store32(target, 0xbad);
		break;
	case FAULT_CMD_WRITE_TEXT:
		target = (uintptr_t)&provoke;
		store32(target, INSN_RET);
		break;
	case FAULT_CMD_EXEC_DATA:
		target = (uintptr_t)data_code;
		((code_fn)target)();
		break;
	case FAULT_CMD_UNDEFINED:
		__asm__ volatile("udf #0");
		break;
	case FAULT_CMD_STACK_OVERFLOW:
		sink = recurse(0);
		break;
	case FAULT_CMD_PRIVILEGED:
		__asm__ volatile("msr vbar_el1, xzr" ::: "memory");
		break;
	case FAULT_CMD_NULL_WRITE:
		store32(null_address, 0xbad);
		break;
	case FAULT_CMD_EXEC_STACK:
		run_from_stack();
		break;
	case FAULT_CMD_BRK:
		__asm__ volatile("brk #0x4c42");
		break;
	case FAULT_CMD_KERNEL_ADDRESS:
		sink = load32(kernel_address);
		break;
	case FAULT_CMD_PRIVILEGED_READ: {
		uint64_t v;

		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
		sink = (uint32_t)v;
		break;
	}
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
	return FAULT_SURVIVED(cmd);
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	if (commandID == FAULT_CMD_NO_FAULT) {
		if (TEE_PARAM_TYPE_GET(paramTypes, 0) !=
		    TEE_PARAM_TYPE_VALUE_OUTPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = FAULT_ALIVE_MAGIC;
		return TEE_SUCCESS;
	}
	IMSG("about to fault: command %u", commandID);
	return provoke(commandID);
}
