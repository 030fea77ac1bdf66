/*
 * The five GP entry points every TA implements, and the parameter block
 * the kernel hands to __ta_entry (src/entry.c).
 */
#ifndef SDK_TA_ENTRY_H
#define SDK_TA_ENTRY_H

#include <sdk/types.h>
#include <sdk/defines.h>

TEE_Result TA_CreateEntryPoint(void);
void TA_DestroyEntryPoint(void);
TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext);
void TA_CloseSessionEntryPoint(void *sessionContext);
TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS]);

/*
 * 72 bytes, passed by address in x2. types holds four 4-bit parameter
 * types; vals[2n] and vals[2n+1] are value a/b or memref address/size of
 * parameter n.
 */
struct utee_params {
	uint64_t types;
	uint64_t vals[TEE_NUM_PARAMS * 2];
};

/* The kernel's function numbers in x0 of __ta_entry. */
#define SDK_ENTRY_OPEN_SESSION		0
#define SDK_ENTRY_CLOSE_SESSION		1
#define SDK_ENTRY_INVOKE_COMMAND	2
#define SDK_ENTRY_DUMP_MEMSTATS		3	/* not implemented: answers NOT_SUPPORTED */

void __ta_entry(unsigned long func, unsigned long session_id,
		struct utee_params *up, unsigned long cmd_id)
	__attribute__((noreturn));

#endif
