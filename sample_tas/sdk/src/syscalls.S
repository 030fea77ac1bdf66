/*
 * Syscall stubs: the arguments are already where the kernel wants them
 * (x0-x7), so each stub only loads the number into x8 and traps.
 */

	.macro	syscall_stub name, number
	.text
	.global	\name
	.type	\name, %function
	.balign	4
\name:
	mov	x8, #\number
	svc	#0
	ret
	.size	\name, . - \name
	.endm

	syscall_stub sys_return, 0
	syscall_stub sys_log, 1
	syscall_stub sys_get_property, 3
	syscall_stub sys_get_property_name_to_index, 4
	syscall_stub sys_open_ta_session, 5
	syscall_stub sys_close_ta_session, 6
	syscall_stub sys_invoke_ta_command, 7
	syscall_stub sys_check_access_rights, 8
	syscall_stub sys_get_cancellation_flag, 9
	syscall_stub sys_unmask_cancellation, 10
	syscall_stub sys_mask_cancellation, 11
	syscall_stub sys_wait, 12
	syscall_stub sys_get_time, 13
	syscall_stub sys_set_ta_time, 14
	syscall_stub sys_cryp_state_alloc, 15
	syscall_stub sys_cryp_state_copy, 16
	syscall_stub sys_cryp_state_free, 17
	syscall_stub sys_hash_init, 18
	syscall_stub sys_hash_update, 19
	syscall_stub sys_hash_final, 20
	syscall_stub sys_cipher_init, 21
	syscall_stub sys_cipher_update, 22
	syscall_stub sys_cipher_final, 23
	syscall_stub sys_cryp_obj_get_info, 24
	syscall_stub sys_cryp_obj_restrict_usage, 25
	syscall_stub sys_cryp_obj_get_attr, 26
	syscall_stub sys_cryp_obj_alloc, 27
	syscall_stub sys_cryp_obj_close, 28
	syscall_stub sys_cryp_obj_reset, 29
	syscall_stub sys_cryp_obj_populate, 30
	syscall_stub sys_cryp_obj_copy, 31
	syscall_stub sys_cryp_derive_key, 32
	syscall_stub sys_cryp_random_number_generate, 33
	syscall_stub sys_authenc_init, 34
	syscall_stub sys_authenc_update_aad, 35
	syscall_stub sys_authenc_update_payload, 36
	syscall_stub sys_authenc_enc_final, 37
	syscall_stub sys_authenc_dec_final, 38
	syscall_stub sys_asymm_operate, 39
	syscall_stub sys_asymm_verify, 40
	syscall_stub sys_storage_obj_open, 41
	syscall_stub sys_storage_obj_create, 42
	syscall_stub sys_storage_obj_del, 43
	syscall_stub sys_storage_obj_rename, 44
	syscall_stub sys_storage_enum_alloc, 45
	syscall_stub sys_storage_enum_free, 46
	syscall_stub sys_storage_enum_reset, 47
	syscall_stub sys_storage_enum_start, 48
	syscall_stub sys_storage_enum_next, 49
	syscall_stub sys_storage_obj_read, 50
	syscall_stub sys_storage_obj_write, 51
	syscall_stub sys_storage_obj_trunc, 52
	syscall_stub sys_storage_obj_seek, 53
	syscall_stub sys_cryp_obj_generate_key, 54
	syscall_stub sys_cache_operation, 70

/*
 * sys_panic(code): push a frame record {x29, x30} so the kernel can walk
 * the caller's stack, pass its address as the second argument, and trap
 * with syscall 2. The kernel never comes back; if it did, fault loudly.
 */
	.text
	.global	sys_panic
	.type	sys_panic, %function
	.balign	4
sys_panic:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	x1, sp
	mov	x8, #2
	svc	#0
	udf	#0
	.size	sys_panic, . - sys_panic

/* sys_raw(nr, a0, a1, a2, a3): shift the arguments down by one register. */
	.text
	.global	sys_raw
	.type	sys_raw, %function
	.balign	4
sys_raw:
	mov	x8, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	svc	#0
	ret
	.size	sys_raw, . - sys_raw

	.section .note.GNU-stack, "", %progbits
