/*
 * fault sample TA: each command makes the CPU fault in a different way.
 * A correct runtime ends the instance (the client sees
 * TEE_ERROR_TARGET_DEAD, origin TEE) and never returns to the TA.
 *
 * UUID e274a2e5-8c6d-4e04-8050-19fb4852ce73, flags 0 (multi-instance).
 *
 * No parameters are needed (any are ignored) unless noted.
 *   0  NULL_READ       load 4 bytes from address 0
 *   1  WRITE_RODATA    store into a const object in .rodata
 *   2  WRITE_TEXT      store into this TA's code
 *   3  EXEC_DATA       branch to a `ret` instruction placed in .data
 *                      (non-executable segment)
 *   4  UNDEFINED       execute `udf #0`
 *   5  STACK_OVERFLOW  unbounded recursion, 512-byte frames, until the
 *                      stack runs into whatever lies below it
 *   6  PRIVILEGED      execute `msr vbar_el1, xzr` (EL1 register from EL0)
 *   7  NULL_WRITE      store 4 bytes to address 0
 *   8  EXEC_STACK      branch to a `ret` instruction copied onto the stack
 *   9  BRK             execute `brk #0x4c42`
 *   10 KERNEL_ADDRESS  load from 0xFFFFFF8000000000 (upper VA range)
 *   11 PRIVILEGED_READ execute `mrs x0, sctlr_el1`
 *   12 NO_FAULT        nothing; p0 VALUE_OUTPUT a = FAULT_ALIVE_MAGIC
 *
 * If a faulting command survives (the runtime let the access through),
 * it returns FAULT_SURVIVED(cmd) = 0xFA170000 | cmd instead.
 * Unknown commands: TEE_ERROR_NOT_SUPPORTED.
 */
#ifndef FAULT_TA_H
#define FAULT_TA_H

#define FAULT_UUID_STR "e274a2e5-8c6d-4e04-8050-19fb4852ce73"

#define FAULT_CMD_NULL_READ		0
#define FAULT_CMD_WRITE_RODATA		1
#define FAULT_CMD_WRITE_TEXT		2
#define FAULT_CMD_EXEC_DATA		3
#define FAULT_CMD_UNDEFINED		4
#define FAULT_CMD_STACK_OVERFLOW	5
#define FAULT_CMD_PRIVILEGED		6
#define FAULT_CMD_NULL_WRITE		7
#define FAULT_CMD_EXEC_STACK		8
#define FAULT_CMD_BRK			9
#define FAULT_CMD_KERNEL_ADDRESS	10
#define FAULT_CMD_PRIVILEGED_READ	11
#define FAULT_CMD_NO_FAULT		12

#define FAULT_SURVIVED(cmd)	(0xFA170000u | (cmd))
#define FAULT_ALIVE_MAGIC	0xA11CEu

#endif
