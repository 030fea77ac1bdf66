"""OP-TEE syscall numbers (lib/libutee/include/tee_syscall_numbers.h) and names."""
from __future__ import annotations

SYSCALL_NAMES: tuple[str, ...] = (
    "return", "log", "panic", "get_property", "get_property_name_to_index",
    "open_ta_session", "close_ta_session", "invoke_ta_command", "check_access_rights",
    "get_cancellation_flag", "unmask_cancellation", "mask_cancellation", "wait",
    "get_time", "set_ta_time", "cryp_state_alloc", "cryp_state_copy", "cryp_state_free",
    "hash_init", "hash_update", "hash_final", "cipher_init", "cipher_update",
    "cipher_final", "cryp_obj_get_info", "cryp_obj_restrict_usage", "cryp_obj_get_attr",
    "cryp_obj_alloc", "cryp_obj_close", "cryp_obj_reset", "cryp_obj_populate",
    "cryp_obj_copy", "cryp_derive_key", "cryp_random_number_generate", "authenc_init",
    "authenc_update_aad", "authenc_update_payload", "authenc_enc_final",
    "authenc_dec_final", "asymm_operate", "asymm_verify", "storage_obj_open",
    "storage_obj_create", "storage_obj_del", "storage_obj_rename", "storage_enum_alloc",
    "storage_enum_free", "storage_enum_reset", "storage_enum_start", "storage_enum_next",
    "storage_obj_read", "storage_obj_write", "storage_obj_trunc", "storage_obj_seek",
    "cryp_obj_generate_key",
    "se_service_open", "se_service_close", "se_service_get_readers", "se_reader_get_prop",
    "se_reader_get_name", "se_reader_open_session", "se_reader_close_sessions",
    "se_session_is_closed", "se_session_get_atr", "se_session_open_channel",
    "se_session_close", "se_channel_select_next", "se_channel_get_select_resp",
    "se_channel_transmit", "se_channel_close",
    "cache_operation",
)

TEE_SCN_MAX = 70
assert len(SYSCALL_NAMES) == TEE_SCN_MAX + 1

SCN: dict[str, int] = {name: num for num, name in enumerate(SYSCALL_NAMES)}

SCN_RETURN = 0
SCN_LOG = 1
SCN_PANIC = 2
SCN_GET_PROPERTY = 3
SCN_GET_PROPERTY_NAME_TO_INDEX = 4
SCN_CHECK_ACCESS_RIGHTS = 8
SCN_RANDOM = 33
# 55-69 were the secure-element calls; upstream's table answers them with
# syscall_not_supported (TEE_ERROR_NOT_SUPPORTED), as it does for numbers above 70.
SCN_DEPRECATED = range(55, 70)


def syscall_name(num: int) -> str:
    if 0 <= num <= TEE_SCN_MAX:
        return SYSCALL_NAMES[num]
    return f"syscall_{num}"
